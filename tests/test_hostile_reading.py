"""Hostile TEI (issue 16): no file outside the project is opened, nothing hangs, and each case gets
one clear refusal with exit status 1, through the real command line.

The small hostile files live in tests/data/hostile/ (prefix ``reading-``) with their refusals in
``REFUSALS`` below; big ones are made here in a temporary folder. The last test runs the command
under ``strace`` and lists every file it opens."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from edition.check.conformance import MAX_PROBLEMS
from edition.errors import EditionError
from edition.project import PACKAGE, THEME, project_root

from .conftest import ROOT

HOSTILE = ROOT / "tests" / "data" / "hostile"
HEADER = ("<teiHeader><fileDesc><titleStmt><title>Test</title></titleStmt><publicationStmt><p>test</p>"
          "</publicationStmt><sourceDesc><p>test</p></sourceDesc></fileDesc></teiHeader>")
TEI = 'xmlns="http://www.tei-c.org/ns/1.0"'
CORPUS = f'<teiCorpus {TEI} xmlns:xi="http://www.w3.org/2001/XInclude">'
DOCTYPE = ("error: DOCTYPE declarations are not allowed (they can define external or exploding entities); "
           "remove the <!DOCTYPE …> declaration [xml-doctype]")
# Each file of tests/data/hostile/reading-*.xml and the line `edition validate` must print for it
# (after the file's path), then "1 error, 0 warnings", exit status 1.
REFUSALS = {
    "reading-doctype-after-comment.xml": f"4:1: {DOCTYPE}",
    "reading-external-dtd.xml": f"2:1: {DOCTYPE}",
    "reading-parameter-entity.xml": f"2:1: {DOCTYPE}",
    "reading-xinclude-absolute.xml": "3:1: error: xi:include of '/etc/passwd' reaches outside the project "
                                     f"({ROOT}); include only files inside it [xinclude-outside]",
    "reading-xinclude-itself.xml": "3:1: error: xi:include of 'reading-xinclude-itself.xml': "
                                   "tests/data/hostile/reading-xinclude-itself.xml is already part of the "
                                   "volume; include each file once [xinclude]",
    "reading-deep.xml": "4:1: error: elements nested more than 64 deep, over the limit xml_depth=64 "
                        "(raise it with --limit xml_depth=N); flatten the markup [xml-depth]",
}


def edition(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "edition.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)  # a guard against a hang, not a timing


def refused(result: subprocess.CompletedProcess[str], line: str) -> bool:
    """``edition validate`` printed exactly this finding and the summary, and exited with 1."""
    return (result.returncode == 1 and result.stderr == ""
            and result.stdout == f"{line}\n1 error, 0 warnings\n")


def tei_file(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'<TEI {TEI}>{HEADER}<text xml:lang="tr"><body>{body}</body></text></TEI>\n',
                    encoding="utf-8")
    return path


def corpus_file(path: Path, includes: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [CORPUS + HEADER, *(f'<xi:include href="{href}"/>' for href in includes), "</teiCorpus>"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def project(folder: Path) -> Path:
    """A project folder as the repository lays one out (tei/volume.xml beside styles/)."""
    (folder / "tei").mkdir(parents=True)
    (folder / "styles").mkdir()
    return folder / "tei" / "volume.xml"


@pytest.mark.parametrize(("name", "refusal"), REFUSALS.items(), ids=list(REFUSALS))
def test_each_hostile_file_gets_its_one_line_refusal(name: str, refusal: str) -> None:
    result = edition("validate", f"tests/data/hostile/{name}")
    assert refused(result, f"tests/data/hostile/{name}:{refusal}"), result.stdout + result.stderr


def test_every_hostile_file_has_its_refusal() -> None:
    assert {p.name for p in HOSTILE.glob("reading-*.xml")} == set(REFUSALS)


def test_a_raised_limit_lets_deep_nesting_through() -> None:
    result = edition("validate", "tests/data/hostile/reading-deep.xml", "--limit", "xml_depth=80")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "0 errors, 0 warnings\n"


def test_nesting_past_the_parsers_own_limit_gets_the_same_refusal(tmp_path: Path) -> None:
    tei_file(tmp_path / "deep.xml", "\n<p>" + "<hi>" * 300 + "x" + "</hi>" * 300 + "</p>")
    result = edition("validate", "deep.xml", cwd=tmp_path)
    assert re.fullmatch(r"deep\.xml:2:\d+: error: elements nested more than 64 deep, over the limit "
                        r"xml_depth=64 \(raise it with --limit xml_depth=N\); flatten the markup "
                        r"\[xml-depth\]\n1 error, 0 warnings\n", result.stdout), result.stdout
    assert result.returncode == 1


def test_an_over_long_line_is_refused(tmp_path: Path) -> None:
    words = "kelime " * 160_000  # 1,120,000 characters on line 2
    tei_file(tmp_path / "long.xml", f"\n<p>{words}</p>\n")
    length = len(f"<p>{words}</p>")
    result = edition("validate", "long.xml", cwd=tmp_path)
    assert refused(result, f"long.xml:2:1048577: error: line 2 has {length} characters, over the limit "
                           "xml_line_chars=1048576 (raise it with --limit xml_line_chars=N); break it into "
                           "lines [xml-line]"), result.stdout
    raised = edition("validate", "long.xml", "--limit", "xml_line_chars=2000000", cwd=tmp_path)
    assert raised.returncode == 0, raised.stdout


def test_an_xinclude_fan_out_is_refused(tmp_path: Path) -> None:
    names = [f"f{n:03}.xml" for n in range(201)]
    for n, name in enumerate(names):
        tei_file(tmp_path / name, f"<p xml:id='p{n}'>x</p>")
    corpus_file(tmp_path / "volume.xml", names)
    result = edition("validate", "volume.xml", cwd=tmp_path)
    assert refused(result, "volume.xml:202:1: error: xi:include of 'f200.xml' makes 201 files included in "
                           "all, over the limit xinclude_files=200 (raise it with --limit xinclude_files=N) "
                           "[xinclude-limit]"), result.stdout
    raised = edition("validate", "volume.xml", "--limit", "xinclude_files=201", cwd=tmp_path)
    assert "[xinclude-limit]" not in raised.stdout and raised.returncode == 0, raised.stdout


def test_xincludes_nested_too_deep_are_refused(tmp_path: Path) -> None:
    for level in range(1, 5):
        corpus_file(tmp_path / f"c{level}.xml", [f"c{level + 1}.xml"])
    tei_file(tmp_path / "c5.xml", "<p>x</p>")
    corpus_file(tmp_path / "volume.xml", ["c1.xml"])
    result = edition("validate", "volume.xml", cwd=tmp_path)
    assert refused(result, "c4.xml:2:1: error: xi:include of 'c5.xml' nests files 5 deep, over the limit "
                           "xinclude_depth=4 (raise it with --limit xinclude_depth=N) [xinclude-limit]")


def test_a_symbolic_link_in_tei_leading_outside_is_refused(tmp_path: Path) -> None:
    volume = project(tmp_path / "project")
    corpus_file(volume, ["a.xml"])
    (volume.parent / "a.xml").symlink_to("/etc/passwd")
    result = edition("validate", "tei/volume.xml", cwd=tmp_path / "project")
    assert result.returncode == 1 and result.stdout == ""
    link = tmp_path / "project" / "tei" / "a.xml"  # shown as is: relative, it would name /etc/passwd
    assert result.stderr == (f"{link}: error: symbolic link to /etc/passwd, outside the project "
                             f"({tmp_path / 'project'}); copy the file into the project instead\n")


def test_a_symbolic_link_included_from_outside_any_project_is_confined(tmp_path: Path) -> None:
    tei_file(tmp_path / "outside" / "secret.xml", "<p>secret</p>")
    corpus_file(tmp_path / "volume" / "volume.xml", ["secret.xml"])
    (tmp_path / "volume" / "secret.xml").symlink_to(tmp_path / "outside" / "secret.xml")
    result = edition("validate", "volume.xml", cwd=tmp_path / "volume")
    assert refused(result, "volume.xml:2:1: error: xi:include of 'secret.xml' reaches outside the project "
                           f"({tmp_path / 'volume'}); include only files inside it [xinclude-outside]")


def test_a_volume_directly_in_a_temporary_folder_is_its_own_project(tmp_path: Path) -> None:
    """Its root is its folder (before: the folder's parent, / for a volume in /tmp)."""
    corpus_file(tmp_path / "volume.xml", ["../" * 12 + "etc/passwd"])
    assert project_root(tmp_path / "volume.xml") == tmp_path
    result = edition("validate", "volume.xml", cwd=tmp_path)
    assert refused(result, f"volume.xml:2:1: error: xi:include of '{'../' * 12}etc/passwd' reaches outside "
                           f"the project ({tmp_path}); include only files inside it [xinclude-outside]")
    with pytest.raises(EditionError, match="directly in the file system's root"):
        project_root(Path("/volume.xml"))


def test_the_project_root_is_where_edition_toml_or_the_repository_layout_is(tmp_path: Path) -> None:
    (tmp_path / "edition.toml").write_text("", encoding="utf-8")
    assert project_root(tmp_path / "texts" / "deeper" / "volume.xml") == tmp_path
    assert project_root(ROOT / "tests" / "data" / "invalid" / "date.xml") == ROOT


def test_many_invalid_elements_in_one_body_are_each_located(tmp_path: Path) -> None:
    """Each finding at its own line: before, every error's path was counted out over its preceding
    siblings and looked up again by XPath (quadratic; 150,000 took hours). Schema problems are
    reported up to conformance.MAX_PROBLEMS per document, the profile's rules for every element."""
    count = 20_000
    paragraphs = "\n".join(f'<p foo="x">{n}</p>' for n in range(count))
    corrections = "\n".join(f"<p><choice><sic>a</sic><corr>b</corr></choice> {n}</p>" for n in range(count))
    tei_file(tmp_path / "attributes.xml", "\n" + paragraphs)
    tei_file(tmp_path / "corrections.xml", "\n" + corrections)
    schema = edition("validate", "attributes.xml", cwd=tmp_path).stdout.splitlines()
    assert schema[-1] == f"{MAX_PROBLEMS} errors, 0 warnings"
    first = int(schema[0].split(":")[1])
    assert schema[:-1] == [f"attributes.xml:{first + n}:1: error: <p foo=\"x\">: the schema does not allow "
                           "this attribute here, or not this value [tei-schema]" for n in range(MAX_PROBLEMS)]
    (tmp_path / "edition.toml").write_text('[validation]\nprofile = "article-volume"\n', encoding="utf-8")
    rules = edition("validate", "corrections.xml", cwd=tmp_path).stdout.splitlines()
    resp = [line for line in rules if line.endswith("[editorial-resp]")]
    assert len(resp) == count
    assert resp[-1] == (f"corrections.xml:{count + 1}:1: error: <corr> is editorial text but names "
                        'no one responsible; add resp="#ed" [editorial-resp]')


def test_a_long_word_does_not_stall_the_glue_rule(tmp_path: Path) -> None:
    """The glue pattern once backtracked from every letter of a word (a 40 kB word took 2 minutes)."""
    tei_file(tmp_path / "word.xml", f"<p>{'a' * 400_000} {'b' * 300_000}12 son.</p>")
    (tmp_path / "edition.toml").write_text('[validation]\nprofile = "article-volume"\n', encoding="utf-8")
    result = edition("validate", "word.xml", cwd=tmp_path)
    assert result.stdout.endswith("0 errors, 1 warning\n") and "[note-glue]" in result.stdout


# --- Nothing outside the project is opened (strace) ---------------------------------------------------

SYSTEM = ("/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/", "/usr/share/locale/", "/usr/share/zoneinfo/",
          "/usr/share/fonts/", "/etc/fonts/", "/var/cache/fontconfig/", "/proc/", "/sys/", "/dev/")
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/ld.so.preload", "/etc/localtime", "/etc/locale.alias",
                "/etc/ssl/openssl.cnf")
# openat(AT_FDCWD</cwd>, "path", …) or openat(3</folder>, "name", …): strace -y names the folders.
OPEN = re.compile(r'open(?:at2?)?\((?:AT_FDCWD(?:<(?P<cwd>[^>]*)>)?|-?\d+<(?P<dir>[^>]*)>|-?\d+)?,? ?'
                  r'"(?P<path>[^"]*)"')


def opened(args: list[str], cwd: Path, scratch: Path) -> tuple[subprocess.CompletedProcess[str], set[Path]]:
    """Run the command under strace: its result and every file it (or a process it started) opened."""
    log = scratch / f"strace-{len(list(scratch.glob('strace-*')))}.log"
    env = {**os.environ, "XDG_CACHE_HOME": str(scratch / "cache"), "TMPDIR": str(scratch / "tmp")}
    (scratch / "tmp").mkdir(exist_ok=True)
    result = subprocess.run(["strace", "-f", "-qq", "-y", "-e", "trace=open,openat,openat2", "-o", str(log),
                             sys.executable, "-m", "edition.cli", *args], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=300)
    files = set()
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        match = OPEN.search(line)
        if match is None or "ENOENT" in line:
            continue
        path = Path(match["dir"] or match["cwd"] or cwd, match["path"])
        files.add(Path(os.path.realpath(path)))
    return result, files


def outsiders(files: set[Path], project: Path, scratch: Path) -> list[Path]:
    """The files that are neither the project's nor the package's, Python's or the system's (nor the
    command's own cache and temporary files, which the test puts in ``scratch``)."""
    allowed = [project, PACKAGE, scratch / "cache", scratch / "tmp",
               *(Path(os.path.realpath(p)) for p in {sys.prefix, sys.base_prefix, sys.exec_prefix})]
    return sorted(f for f in files
                  if not any(f.is_relative_to(root) for root in allowed)
                  and not str(f).startswith(SYSTEM) and str(f) not in SYSTEM_FILES)


HOSTILE_VOLUMES = {
    "doctype after a comment": '<?xml version="1.0"?>\n<!-- <b>x</b> -->\n'
                               f'<!DOCTYPE TEI SYSTEM "/etc/passwd">\n<TEI {TEI}/>',
    "external DTD": '<!DOCTYPE TEI SYSTEM "../../outside/evil.dtd">\n<TEI ' + TEI + "><p>&secret;</p></TEI>",
    "parameter entity": '<!DOCTYPE TEI [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>\n' f"<TEI {TEI}/>",
    "external entity": '<!DOCTYPE TEI [<!ENTITY e SYSTEM "/etc/passwd">]>\n' f"<TEI {TEI}><p>&e;</p></TEI>",
    "xinclude outside": f'{CORPUS}<xi:include href="../../outside/secret.xml"/></teiCorpus>',
    "xinclude of /etc/passwd": f'{CORPUS}<xi:include href="file:///etc/passwd"/></teiCorpus>',
    "symbolic link": f'{CORPUS}<xi:include href="link.xml"/></teiCorpus>',
}


def test_nothing_outside_the_project_is_opened(tmp_path: Path) -> None:
    assert shutil.which("strace"), "strace is missing: scripts/system-deps.sh installs it"
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    outside = tmp_path / "outside"
    (outside).mkdir()
    (outside / "evil.dtd").write_text('<!ENTITY secret SYSTEM "/etc/passwd">', encoding="utf-8")
    tei_file(outside / "secret.xml", "<p>secret</p>")
    for number, (case, text) in enumerate(HOSTILE_VOLUMES.items()):
        root = tmp_path / f"project{number}"
        volume = project(root)
        volume.write_text(text, encoding="utf-8")
        if case == "symbolic link":
            (root / "tei" / "link.xml").symlink_to("/etc/passwd")
        result, files = opened(["validate", "tei/volume.xml"], root, scratch)
        assert result.returncode == 1 and "Traceback" not in result.stderr, case
        assert len(files) > 50, case  # the trace was read
        assert volume in files, case  # the volume is read (or, with a link beside it, only checked readable)
        assert (root / "tei" / "link.xml").resolve() not in files, case
        assert outsiders(files, root, scratch) == [], case
        assert Path("/etc/passwd") not in files and outside / "evil.dtd" not in files, case

    site = tmp_path / "site"
    shutil.copytree(THEME, site / "styles")
    corpus_file(site / "tei" / "volume.xml", ["a.xml"])
    (site / "tei" / "volume.xml").write_text(
        (site / "tei" / "volume.xml").read_text(encoding="utf-8").replace(
            "<title>Test</title>", '<title type="main">Test</title>'), encoding="utf-8")
    tei_file(site / "tei" / "a.xml", "<p>Bir paragraf.</p>").write_text(
        (site / "tei" / "a.xml").read_text(encoding="utf-8").replace("<TEI ", '<TEI xml:id="a" '),
        encoding="utf-8")
    result, files = opened(["build", "--html", "--quiet"], site, scratch)
    assert result.returncode == 0, result.stderr
    assert site / "tei" / "a.xml" in files and site / "styles" / "css" / "screen.css" in files
    assert (site / "output" / "html" / "a.html").is_file()
    assert outsiders(files, site, scratch) == []

    hostile = tmp_path / "project0"
    shutil.copytree(THEME, hostile / "styles", dirs_exist_ok=True)
    result, files = opened(["build", "--html"], hostile, scratch)
    assert result.returncode == 1 and "[xml-doctype]" in result.stderr and "Traceback" not in result.stderr
    assert outsiders(files, hostile, scratch) == [] and Path("/etc/passwd") not in files
