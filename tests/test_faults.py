"""Faults: a build stopped at any moment leaves the previous outputs or the new ones and no process
behind it; damaged caches are made again; builds into one folder take turns; every failure the
command line meets is one line.

Every build here is a real ``edition`` process on a small project (one short article), built twice
into reference folders: "old", then "new" after an edit. A build of the new text is then started
over a copy of the old outputs and stopped at a known moment: while a layout worker lays a part
out, or inside the commit (``EDITION_TEST_PAUSE`` makes the worker, or the build, stop itself there
with SIGSTOP).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest

from edition.output import JOURNAL, LOCK, PAUSE, STAGING

from .conftest import ROOT

HOSTILE = ROOT / "tests" / "data" / "hostile"
OLD, NEW = "Eskimetin", "Yenimetin"  # the word that tells the two versions of the article apart
SETTLE = 10.0  # seconds a killed build's processes get to disappear (the kernel kills them at once)


def edition_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "edition.cli", *args]


STARTED: list[subprocess.Popen] = []  # builds started in the background, stopped after each test


def start(command: list[str], **options) -> subprocess.Popen:
    """A build in a session (and process group) of its own, Ctrl-C's default action restored (a shell
    starts background jobs with SIGINT ignored, and the children would inherit that)."""
    process = subprocess.Popen(command, start_new_session=True, text=True, stdout=subprocess.DEVNULL,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL), **options)
    STARTED.append(process)
    return process


@pytest.fixture(autouse=True)
def stop_what_the_test_started():
    yield
    while STARTED:
        process = STARTED.pop()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def article(marker: str) -> str:
    paragraphs = "\n".join(
        f'<p xml:id="a000-p{n}">{marker} {n}: Millî Mücadele yıllarında Ankara ile Moskova arasındaki '
        "ilişkiler, elçiliklerin kuruluşu ve antlaşmalar üzerine kısa bir deneme metni."
        f'<note n="{n}" place="foot" xml:id="a000-n{n}">Not {n}.</note></p>' for n in range(1, 25))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="a000" xml:lang="tr"><teiHeader><fileDesc>'
            "<titleStmt><title>Deneme makalesi</title><author>Yazar Adı</author></titleStmt>"
            "<publicationStmt><p>yok</p></publicationStmt><sourceDesc><p>yok</p></sourceDesc></fileDesc>"
            f'</teiHeader><text><body><div type="section"><head>Giriş</head>{paragraphs}</div></body>'
            "</text></TEI>\n")


def make_project(root: Path, marker: str) -> Path:
    """A project of one short article (the bundled volume's header, styles and schemas)."""
    shutil.copytree(ROOT / "styles", root / "styles")
    (root / "tei").mkdir()
    (root / "bibliography").mkdir()
    header = re.search(r"(?s)^.*?</teiHeader>", (ROOT / "tei" / "volume.xml").read_text(encoding="utf-8"))
    (root / "tei" / "volume.xml").write_text(
        header.group(0) + '\n  <xi:include href="a000.xml"/>\n</teiCorpus>\n', encoding="utf-8")
    (root / "tei" / "a000.xml").write_text(article(marker), encoding="utf-8")
    (root / "bibliography" / "edition.bib").write_text(
        "@book{veli2000, author = {Veli, Ali}, title = {Kitap}, date = {2000}, langid = {turkish}}\n",
        encoding="utf-8")
    return root


@dataclass(frozen=True)
class Snapshot:
    """What a reader of a build's outputs sees: the PDF's text, and every file of the site."""

    pdf_sha256: str
    pdf_text: str
    site: dict[str, str]  # path in the site -> sha256


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(out: Path) -> Snapshot:
    pdf = out / "edition.pdf"
    with pikepdf.open(pdf):  # whole: qpdf reads it without repairing it
        pass
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    site = out / "html"
    return Snapshot(sha256(pdf), text, {str(p.relative_to(site)): sha256(p)
                                        for p in sorted(site.rglob("*")) if p.is_file()})


@dataclass(frozen=True)
class Versions:
    """The project (with the new text) and the two reference builds of it."""

    project: Path
    old_out: Path
    new_out: Path
    old: Snapshot
    new: Snapshot
    env: dict[str, str]

    def fresh_out(self, tmp_path: Path) -> Path:
        """A copy of the old build's output folder (outputs, caches, lock file)."""
        return Path(shutil.copytree(self.old_out, tmp_path / "out"))

    def state(self, out: Path) -> tuple[str, str]:
        """Which build the PDF and the site come from: "old", "new" or "other" each."""
        now = snapshot(out)
        pdf = ("old" if now.pdf_sha256 == self.old.pdf_sha256 else
               "new" if now.pdf_text == self.new.pdf_text else "other")
        site = "old" if now.site == self.old.site else "new" if now.site == self.new.site else "other"
        return pdf, site

    def run(self, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*prefix, *edition_command(*args)], cwd=cwd or self.project,
                              env=env or self.env, capture_output=True, text=True, timeout=600)

    def start(self, out: Path, pause: str | None = None, stderr=subprocess.PIPE) -> subprocess.Popen:
        """A build of the new text into ``out``, in a session (and process group) of its own."""
        env = dict(self.env, **({PAUSE: pause} if pause else {}))
        return start(edition_command("build", "-j", "2", "--out", str(out)), cwd=self.project, env=env,
                     stderr=stderr)


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> Versions:
    base = tmp_path_factory.mktemp("faults")
    env = dict(os.environ, XDG_CACHE_HOME=str(base / "user-cache"))
    project = make_project(base / "project", OLD)
    old_out, new_out = base / "old", base / "new"
    for out, marker in ((old_out, OLD), (new_out, NEW)):
        (project / "tei" / "a000.xml").write_text(article(marker), encoding="utf-8")
        done = subprocess.run(edition_command("build", "--quiet", "--out", str(out)), cwd=project, env=env,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
    old, new = snapshot(old_out), snapshot(new_out)
    assert OLD in old.pdf_text and NEW in new.pdf_text and old.site != new.site
    return Versions(project, old_out, new_out, old, new, env)


# --- processes ------------------------------------------------------------------------------------

def stat_fields(pid: int) -> list[str] | None:
    """/proc/PID/stat after the command name: state, ppid, pgrp, …; None when the process is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()


def living(pids) -> list[int]:
    """The processes among ``pids`` that still run (a zombie has ended: only its parent is gone)."""
    return [pid for pid in pids if (fields := stat_fields(pid)) is not None and fields[0] not in "ZX"]


def process_group(pgid: int) -> list[int]:
    """Every living process of a process group (the build's: it is a session leader)."""
    members = [int(name) for name in os.listdir("/proc") if name.isdigit()
               and (fields := stat_fields(int(name))) is not None and int(fields[2]) == pgid]
    return living(members)


def forked_children(pid: int) -> list[int]:
    """The build's children that run its own command line: the layout workers and the validation."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    found = []
    for child in process_group(pid):
        fields = stat_fields(child)
        if child != pid and fields is not None and int(fields[1]) == pid:
            try:
                if Path(f"/proc/{child}/cmdline").read_bytes() == command:
                    found.append(child)
            except OSError:
                pass
    return found


def wait_for(condition: Callable[[], object], build: subprocess.Popen | None, what: str,
             timeout: float = 300.0):
    """Poll ``condition`` until it holds (and return its value); fail if the build ends first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if build is not None and build.poll() is not None:
            pytest.fail(f"the build ended (status {build.returncode}) before {what}: {build.stderr.read()}")
        time.sleep(0.005)
    pytest.fail(f"no {what} after {timeout} s")


def command_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def stopped(pid: int) -> bool:
    fields = stat_fields(pid)
    return fields is not None and fields[0] == "T"


def assert_nothing_left_running(pgid: int, seen: list[int]) -> None:
    """No process of the build's group, nor any child seen, still runs (PR_SET_PDEATHSIG)."""
    deadline = time.monotonic() + SETTLE
    while (process_group(pgid) or living(seen)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process_group(pgid) == [] and living(seen) == []


def leftovers(out: Path) -> list[str]:
    return sorted(name for name in (STAGING, JOURNAL) if (out / name).exists())


def assert_next_build_is_new(versions: Versions, out: Path, *expected_notes: str) -> None:
    done = versions.run("build", "-v", "--out", str(out))
    assert done.returncode == 0, done.stderr
    for note in expected_notes:
        assert note in done.stderr, done.stderr
    assert versions.state(out) == ("new", "new")
    assert leftovers(out) == []


# --- interrupted builds ---------------------------------------------------------------------------

@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM],
                         ids=["kill-9", "sigint", "sigterm"])
def test_a_build_stopped_while_the_workers_lay_out_leaves_the_old_outputs_and_no_process(
        versions: Versions, tmp_path: Path, stop: signal.Signals) -> None:
    out = versions.fresh_out(tmp_path)
    build = versions.start(out, pause="layout")  # a worker stops itself as its first layout begins
    wait_for(lambda: any(stopped(child) for child in forked_children(build.pid)), build,
             "a layout worker inside a layout")
    workers = forked_children(build.pid)
    os.kill(build.pid, stop)
    for worker in workers:  # the layouts go on while the build stops
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker, signal.SIGCONT)
    _, stderr = build.communicate(timeout=60)  # a build that waited for its workers took minutes here
    assert_nothing_left_running(build.pid, workers)
    if stop == signal.SIGKILL:
        assert build.returncode == -signal.SIGKILL, stderr
        assert JOURNAL not in leftovers(out)  # the staging folder, if any, is removed by the next build
    else:
        assert build.returncode == 128 + stop, stderr
        assert stderr.strip() == ("edition: interrupted" if stop == signal.SIGINT
                                  else "edition: stopped by SIGTERM")
        assert leftovers(out) == []
    assert versions.state(out) == ("old", "old")
    assert_next_build_is_new(versions, out)


FORK_INTERRUPTED = """
import os, signal
from edition.processes import Terminated, forking, stop_signals_interrupt
# The signal comes as the fork returns in the parent, while os.fork runs its Python callbacks.
os.register_at_fork(after_in_parent=lambda: os.kill(os.getpid(), signal.SIGTERM))
with stop_signals_interrupt():
    try:
        with {hold}:
            child = os.fork()
            if child == 0:
                os._exit(0)
        print("went on")
    except Terminated:
        print("stopped")
    os.waitpid(child, 0)
"""


@pytest.mark.parametrize(("hold", "outcome"), [("forking()", "stopped"),
                                               ("contextlib.nullcontext()", "went on")])
def test_a_stop_signal_that_comes_during_a_fork_is_acted_on_after_it(hold: str, outcome: str) -> None:
    """Raised inside os.fork's callbacks, Terminated was ignored (the build went on to the end):
    ``forking`` holds it until the fork is done. Without it, the fault itself."""
    script = ("import contextlib\n" + FORK_INTERRUPTED).format(hold=hold)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == outcome, done.stderr
    assert ("Exception ignored" in done.stderr) == (outcome == "went on")


IMPORT_INTERRUPTED = """
import os, signal, sys
import edition.print.book, edition.print.pagination, edition.processes, edition.render.links
def interrupt(frame, event, arg):
    # An enum an extension module makes as it initialises: called from C, right under importlib.
    if (event == "call" and frame.f_code.co_filename.endswith("enum.py") and frame.f_back is not None
            and frame.f_back.f_code.co_name == "_call_with_frames_removed"):
        sys.setprofile(None)
        os.kill(os.getpid(), signal.SIGINT)
sys.setprofile(interrupt)
try:
    import {module}
except KeyboardInterrupt:
    print("interrupted")
"""


@pytest.mark.parametrize(("module", "status", "said"), [("edition.print.assemble", 0, "interrupted"),
                                                        ("pikepdf", -signal.SIGABRT, "")])
def test_a_ctrl_c_while_pikepdf_initialises_interrupts_the_import_after_it(module: str, status: int,
                                                                          said: str) -> None:
    """A KeyboardInterrupt raised while pikepdf's extension module makes its enums aborts the process
    (nanobind: "Critical nanobind error", SIGABRT; a build under load exited -6): the assembler
    imports it with the signals held. Imported alone, the fault itself."""
    done = subprocess.run([sys.executable, "-c", IMPORT_INTERRUPTED.format(module=module)],
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout.strip()) == (status, said), done.stderr
    assert ("Critical nanobind error" in done.stderr) == (status != 0)


@pytest.mark.parametrize(("pause", "seen"), [("journal", ("old", "old")), ("moved html", ("old", "new")),
                                              ("moved", ("new", "new"))])
def test_a_build_killed_in_its_commit_is_rolled_forward_by_the_next(
        versions: Versions, tmp_path: Path, pause: str, seen: tuple[str, str]) -> None:
    out = versions.fresh_out(tmp_path)
    build = versions.start(out, pause=pause)
    wait_for(lambda: stopped(build.pid), build, f"a stop at '{pause}'")
    os.kill(build.pid, signal.SIGKILL)
    assert build.wait(timeout=60) == -signal.SIGKILL
    assert_nothing_left_running(build.pid, [])
    # Only the journal's presence can tell a reader, between the kill and the next build, that the
    # outputs may be mixed.
    assert versions.state(out) == seen
    assert (out / JOURNAL).is_file()
    assert_next_build_is_new(versions, out, "they are all in place now",
                             "nothing changed since the last build")


def test_ctrl_c_during_the_commit_takes_effect_once_the_outputs_are_in_place(
        versions: Versions, tmp_path: Path) -> None:
    out = versions.fresh_out(tmp_path)
    build = versions.start(out, pause="moved html")  # the site is new, the PDF still old
    wait_for(lambda: stopped(build.pid), build, "a stop inside the commit")
    os.kill(build.pid, signal.SIGINT)  # pending while the process is stopped
    os.kill(build.pid, signal.SIGCONT)
    assert build.wait(timeout=60) == 130
    assert build.stderr.read().strip() == "edition: interrupted"
    assert versions.state(out) == ("new", "new")
    assert leftovers(out) == []


def test_pandoc_dies_with_a_killed_build(versions: Versions, tmp_path: Path) -> None:
    """pandoc formats a large bibliography (some seconds); the build is killed meanwhile."""
    project = Path(shutil.copytree(versions.project, tmp_path / "project"))
    entries = "".join(f"@book{{k{n}, author = {{Yazar{n}, Ali}}, title = {{Kitap {n}}}, "
                      f"date = {{{1900 + n % 100}}}, publisher = {{Yayınevi}}, location = {{Ankara}}, "
                      "langid = {turkish}}\n" for n in range(3000))
    (project / "bibliography" / "edition.bib").write_text(entries, encoding="utf-8")
    build = start(edition_command("build", "--html", "--force", "--out", str(tmp_path / "out")), cwd=project,
                  env=versions.env, stderr=subprocess.PIPE)

    def pandoc() -> list[int]:
        return [pid for pid in process_group(build.pid) if command_name(pid) == "pandoc"]

    running = wait_for(pandoc, build, "pandoc")
    os.kill(build.pid, signal.SIGKILL)
    build.wait(timeout=60)
    assert_nothing_left_running(build.pid, running)


# --- two builds at once ---------------------------------------------------------------------------

def test_builds_into_one_folder_take_turns(versions: Versions, tmp_path: Path) -> None:
    out = versions.fresh_out(tmp_path)
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    streams = [log.open("w") for log in logs]
    with open(out / LOCK, "a+") as held:  # as if a third build held the folder
        fcntl.flock(held, fcntl.LOCK_EX)
        builds = [versions.start(out, stderr=stream) for stream in streams]
        for log, build in zip(logs, builds, strict=True):
            wait_for(lambda log=log: "edition: waiting for another build into" in log.read_text(), build,
                     "the message that the build waits")
        fcntl.flock(held, fcntl.LOCK_UN)
    assert [build.wait(timeout=600) for build in builds] == [0, 0]
    for stream in streams:
        stream.close()
    said = [log.read_text() for log in logs]
    assert sum("nothing changed since the last build" in text for text in said) == 1, said
    assert versions.state(out) == ("new", "new")
    assert leftovers(out) == []


def test_two_builds_started_together_both_end_well(versions: Versions, tmp_path: Path) -> None:
    out = versions.fresh_out(tmp_path)
    builds = [versions.start(out) for _ in range(2)]
    assert [build.wait(timeout=600) for build in builds] == [0, 0], [b.stderr.read() for b in builds]
    assert versions.state(out) == ("new", "new")
    assert leftovers(out) == []


# --- damaged caches -------------------------------------------------------------------------------

def layout_entry(out: Path, part: str) -> Path:
    """The layout cache entry (its JSON file) of one part."""
    for meta in (out / ".cache" / "layout").glob("*.json"):
        if f'"name": "{part}"' in meta.read_text(encoding="utf-8"):
            return meta
    raise AssertionError(f"no layout cache entry for {part}")


def test_damaged_build_caches_are_made_again(versions: Versions, tmp_path: Path) -> None:
    out = Path(shutil.copytree(versions.new_out, tmp_path / "out"))
    cache = out / ".cache"
    truncated_pdf = layout_entry(out, "a000")
    pdf = truncated_pdf.with_suffix(".pdf")
    pdf.write_bytes(pdf.read_bytes()[: pdf.stat().st_size // 2])
    garbage_json = layout_entry(out, "bibliography")
    shutil.copy(HOSTILE / "faults-garbage.bin", garbage_json)
    shutil.copy(HOSTILE / "faults-deep.json", cache / "manifest-edition.json")  # also forces a build
    [bibliography] = cache.glob("bibliography-*.json")
    bibliography.write_bytes(bibliography.read_bytes()[:-3])
    done = versions.run("build", "-v", "--out", str(out))
    assert done.returncode == 0, done.stderr
    expected = [
        f"edition: cache: {cache}/manifest-edition.json is damaged (not whole JSON); made again",
        f"edition: cache: {truncated_pdf} is damaged (the PDF does not match its hash); made again",
        f"edition: cache: {garbage_json} is damaged (not whole JSON); made again",
        f"edition: cache: {bibliography} is damaged (not whole JSON); made again",
    ]
    notes = [line for line in done.stderr.splitlines() if " is damaged " in line]
    assert sorted(notes) == sorted(expected)
    laid_out = re.search(r"parts laid out: (.*)", done.stderr).group(1)
    assert {"a000", "bibliography"} <= set(laid_out.split(", "))
    assert versions.state(out) == ("new", "new")
    quiet = versions.run("build", "--out", str(out))  # nothing said without --verbose
    up_to_date = "nothing changed since the last build: the outputs are up to date\n"
    assert (quiet.returncode, quiet.stderr) == (0, up_to_date)


def test_damaged_compiled_templates_are_compiled_again(versions: Versions, tmp_path: Path) -> None:
    env = dict(versions.env, XDG_CACHE_HOME=str(tmp_path / "user-cache"))
    out = tmp_path / "out"
    assert versions.run("build", "--html", "--quiet", "--out", str(out), env=env).returncode == 0
    # A site built without the PDF (--html) links to none: compared with itself, not the full build's.
    built = snapshot_site(out)
    compiled = sorted((tmp_path / "user-cache" / "edition" / "jinja").iterdir())
    assert compiled
    garbage = (HOSTILE / "faults-garbage.bin").read_bytes()
    for number, path in enumerate(compiled):  # truncated, or garbage
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2] if number % 2 else garbage)
    shutil.rmtree(out)
    done = versions.run("build", "--html", "-v", "--out", str(out), env=env)
    assert done.returncode == 0, done.stderr
    notes = [line for line in done.stderr.splitlines() if " is damaged " in line]
    assert len(notes) == len(compiled) and all(n.endswith("is damaged (bad seal); made again") for n in notes)
    assert snapshot_site(out) == built
    again = versions.run("build", "--html", "-v", "--clean", "--out", str(out), env=env)  # compiled anew
    assert again.returncode == 0 and " is damaged " not in again.stderr


def snapshot_site(out: Path) -> dict[str, str]:
    site = out / "html"
    return {str(p.relative_to(site)): sha256(p) for p in sorted(site.rglob("*")) if p.is_file()}


# --- one line for whatever goes wrong -------------------------------------------------------------

@pytest.mark.parametrize(("args", "line"), [
    (("validate", "tei"), "tei: error: is a folder, where a file is expected"),
    (("build", "--html", "tei"), "tei: error: is a folder, where a file is expected"),
    (("validate", "tei/volume.xml/a000.xml"),
     "tei/volume.xml/a000.xml: error: a part of this path is a file, where a folder is expected"),
    (("build", "nothing.xml"), "nothing.xml: error: no such file or folder"),
    (("import", "tei"), "tei: error: is a folder, where a file is expected"),
])
def test_an_input_that_is_not_a_readable_file_is_one_line(versions: Versions, args: tuple[str, ...],
                                                         line: str) -> None:
    done = versions.run(*args)
    assert (done.returncode, done.stderr) == (1, line + "\n")


@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_pipe_named_as_the_tei_file_is_refused_not_waited_on(tmp_path: Path, command: str) -> None:
    """Opening a FIFO blocks until someone writes to it: it is refused before it is opened."""
    fifo = tmp_path / "pipe.xml"
    os.mkfifo(fifo)
    done = subprocess.run([sys.executable, "-m", "edition.cli", command, "pipe.xml"], cwd=tmp_path,
                          capture_output=True,
                          text=True, timeout=60)
    assert (done.returncode, done.stderr) == (
        1, "pipe.xml: error: not a regular file (a pipe or a device); name a TEI file\n")


def without_root_privileges() -> tuple[str, ...]:
    """A command prefix under which file permissions hold: as root, dropping the capabilities that
    let root read any file (setpriv, util-linux)."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: root reads any file")
    caps = "-dac_override,-dac_read_search"
    return (setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}")


@pytest.mark.parametrize("command", [("validate",), ("build", "--html")])
def test_a_tei_file_that_cannot_be_read_is_one_line(versions: Versions, tmp_path: Path,
                                                   command: tuple[str, ...]) -> None:
    project = Path(shutil.copytree(versions.project, tmp_path / "project"))
    unreadable = project / "tei" / "a000.xml"
    unreadable.chmod(0)
    done = versions.run(*command, cwd=project, prefix=without_root_privileges())
    assert done.returncode == 1
    # load.py words this refusal; the line names the file and what is wrong. validate reports it as
    # its finding (then its summary line), build as its one line.
    line = done.stderr if command[0] == "build" else done.stdout.splitlines(keepends=True)[0]
    assert re.fullmatch(r"tei/a000\.xml(:\d+:\d+)?: error: [^\n]*permission denied[^\n]*\n", line,
                        re.IGNORECASE), done.stderr + done.stdout
    assert not (project / "output").exists()
    (project / "tei" / "volume.xml").chmod(0)
    done = versions.run(*command, cwd=project, prefix=without_root_privileges())
    assert (done.returncode, done.stderr) == (1, "tei/volume.xml: error: permission denied\n")


def test_an_error_the_input_did_not_cause_is_one_line_and_a_traceback_with_verbose(
        versions: Versions, tmp_path: Path) -> None:
    project = Path(shutil.copytree(versions.project, tmp_path / "project"))
    override = project / "styles" / "templates" / "site" / "search.html.j2"  # the project's own template
    override.parent.mkdir(parents=True)
    shutil.copy(HOSTILE / "faults-template-error.html.j2", override)
    line = ("edition: error: build failed: ZeroDivisionError: integer division or modulo by zero — this is "
            "a bug in edition; please report it with the output of the same command run with --verbose")
    done = versions.run("build", "--html", cwd=project)
    assert (done.returncode, done.stderr) == (3, line + "\n")
    assert not (project / "output").exists()  # a failed first build leaves no output folder
    verbose = versions.run("build", "--html", "--verbose", cwd=project)
    assert verbose.returncode == 3
    assert "Traceback (most recent call last)" in verbose.stderr
    assert verbose.stderr.splitlines()[-1] == line
