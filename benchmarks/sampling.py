"""Where a cold build's CPU goes (issue 24): ``edition build -v --clean`` of the bundled volume under
py-spy, every process of the build sampled (the build, its layout workers, the validation), each
process's CPU time read from /proc; summarised by stage and by WeasyPrint phase, in CPU seconds, into
benchmarks/results/profile.json.

    .venv/bin/python benchmarks/profile.py [--rate HZ] [--out FILE] [--raw FILE]

(This module is the script's body: a module named ``profile`` on the path would hide the standard
library's, which cProfile imports.)

Why a sampler and CPU time: cProfile's own cost per call (a few times the cost of WeasyPrint's small
functions) would inflate the Python-heavy phases (style, layout) against those spent in C (Pango,
qpdf); py-spy reads the processes from outside. A sample says which phase a thread was in, not for how
long it had the CPU: on a machine shared with other work a runnable thread is sampled while it waits
for a core. So each process's samples only share out the CPU time the kernel counted for it
(utime + stime, read every 20 ms until it exits): seconds of CPU, whatever else the machine runs.

Stages are told apart by the innermost frame that names one (``STAGES``): the site rendered while the
workers lay out is the site, a lazy import inside any stage is an import. The same for WeasyPrint's
phases (``PHASES``) inside any process, and for the passes of a part's layout (``passes``), which
are read from the call sites in ``edition/print/layout.py``.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICK = os.sysconf("SC_CLK_TCK")
LAYOUT_CODE = ROOT / "edition" / "print" / "layout.py"

# (label, function name pattern or None, path fragment or None): the first rule a frame matches
# labels it; the innermost labelled frame labels the sample.
Rule = tuple[str, str | None, str | None]
STAGES: tuple[Rule, ...] = (
    ("imports", r"_find_and_load|_call_with_frames_removed", "<frozen importlib"),
    ("validation", r"_validate_into", "edition/pipeline.py"),
    ("fingerprint", r"BuildState\.fingerprint", "edition/pipeline.py"),
    ("load", r"read_volume", "edition/pipeline.py"),
    ("bibliography (our side of pandoc)", r"BibliographyStage\._run", "edition/pipeline.py"),
    ("font coverage check", r"check_fonts", "edition/pipeline.py"),
    ("site", r"site|write_site", "edition/pipeline.py"),
    ("book HTML", None, "edition/print/book.py"),
    ("folio sheet", r"render_folio_sheet", "edition/print/layout.py"),
    ("part layouts", r"lay_out_part", "edition/print/layout.py"),
    ("assembly", None, "edition/print/assemble.py"),
    ("layout cache", None, "edition/buildcache.py"),
    ("results from the workers", r"_ExecutorManagerThread", "concurrent/futures/process.py"),
    ("stylesheets and fonts before the fork", r"Workers\.__enter__", "edition/print/typeset.py"),
    ("typesetter (scheduling)", None, "edition/print/typeset.py"),
    ("writing the outputs", None, "edition/output.py"),
)
# The stages issue 24 counts as our own work (their CPU share of the build has a goal).
OWN_STAGES = ("validation", "pandoc", "load", "fingerprint", "bibliography (our side of pandoc)",
              "font coverage check", "site", "book HTML")
PHASES: tuple[Rule, ...] = (
    ("font subsetting", r"build_fonts_dictionary", "weasyprint/pdf/fonts.py"),
    ("font subsetting", None, "fontTools/subset"),
    ("PDF tags (PDF/UA)", r"add_tags", "weasyprint/pdf/tags.py"),
    ("draw", r"Page\.paint|draw_page", "weasyprint/"),
    ("draw", None, "weasyprint/draw/"),
    ("draw", None, "weasyprint/stacking.py"),
    ("PDF writing", r"generate_pdf|write_pdf", "weasyprint/"),
    ("PDF writing", None, "pydyf/"),
    ("style", r"get_all_computed_styles", "weasyprint/css/"),
    ("style", None, "weasyprint/css/"),
    ("boxes", None, "weasyprint/formatting_structure/"),
    ("layout", None, "weasyprint/layout/"),
    ("HTML parsing", r"document", "edition/print/html_tree.py"),
    ("HTML parsing", None, "weasyprint/html.py"),
    ("HTML parsing", None, "tinyhtml5/"),
)
TEXT = "weasyprint/text/"  # Pango and HarfBuzz through cffi: shaping and line breaking
PROCESS = re.compile(r'^process (\d+):"')
FRAME = re.compile(r"^(?P<name>.*) \((?P<path>.*):(?P<line>\d+)\)$")


@dataclass(frozen=True)
class Frame:
    name: str
    path: str
    line: int

    def matches(self, rule: Rule) -> bool:
        _, name, path = rule
        return ((path is None or path in self.path)
                and (name is None or re.fullmatch(name, self.name) is not None))


@dataclass
class Stack:
    pid: int
    frames: list[Frame]  # outermost first
    count: int


def parse_raw(text: str) -> list[Stack]:
    """py-spy's raw (collapsed) output: ``process PID:"command";frame;…;frame COUNT`` per line (a
    forked process's line names its parents first)."""
    stacks = []
    for line in text.splitlines():
        if not line.strip():
            continue
        body, count = line.rsplit(" ", 1)
        pid, parsed = 0, []
        for frame in body.split(";"):
            # A forked process's stack follows its parents' names: the innermost one is its own.
            process = PROCESS.match(frame)
            if process:
                pid = int(process[1])
                continue
            match = FRAME.match(frame)
            if match:  # a thread's name (py-spy --threads) is not a frame
                parsed.append(Frame(match["name"], match["path"], int(match["line"])))
        stacks.append(Stack(pid, parsed, int(count)))
    return stacks


def label(frames: list[Frame], rules: tuple[Rule, ...]) -> str | None:
    """The label of the innermost frame that a rule names."""
    for frame in reversed(frames):
        for rule in rules:
            if frame.matches(rule):
                return rule[0]
    return None


@dataclass
class CallSites:
    """Where the functions of edition/print/layout.py call what they call: line ranges, so that a
    sampled line tells which pass of a part's layout was under way."""

    calls: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)  # function -> calls

    @classmethod
    def read(cls, path: Path = LAYOUT_CODE) -> CallSites:
        sites = cls()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef):
                calls = [(call.lineno, call.end_lineno or call.lineno, _callee(call))
                         for call in ast.walk(node) if isinstance(call, ast.Call)]
                sites.calls[node.name] = sorted(calls)
        return sites

    def callee(self, frame: Frame) -> tuple[str, int] | None:
        """What ``frame`` (a function of layout.py) was calling, and which call of that name it
        is in source order (0: the first)."""
        calls = self.calls.get(frame.name, [])
        for start, end, name in calls:
            if start <= frame.line <= end:
                same = [c for c in calls if c[2] == name]
                return name, same.index((start, end, name))
        return None


def _callee(call: ast.Call) -> str:
    function = call.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")


def layout_pass(frames: list[Frame], sites: CallSites) -> str:
    """Which pass of a part's layout a worker's sample was in: the first layout, the re-layouts (notes
    moved, words left unhyphenated, apparatus line numbers), or writing the PDF."""
    names = [f.name for f in frames if f.path.endswith("edition/print/layout.py")]
    if "render_folio_sheet" in names:
        return "folio sheet"
    if "_with_line_numbers" in names:
        return "apparatus line-number passes"
    for frame in frames:
        if not frame.path.endswith("edition/print/layout.py"):
            continue
        called = sites.callee(frame)
        if called is None:
            continue
        name, order = called
        if frame.name == "lay_out_part" and name == "write_pdf":
            return "writing the part's PDF"
        if frame.name == "layout_with_notes" and name == "layout" and order > 0:
            return "note re-layout (paragraph moved to a new page)"
        if frame.name == "layout" and name == "_render" and order > 0:
            return "setting re-layout (words left unhyphenated)"
    return "first layout" if "lay_out_part" in names else "other"


@dataclass
class ProcessInfo:
    command: str
    parent: int
    cpu_seconds: float = 0.0


class ProcessCPU:
    """The CPU time of every process below ``root`` (itself included), read from /proc every 20 ms
    until the tree ends: the last reading of a process is within 20 ms of its total."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.processes: dict[int, ProcessInfo] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            self._read()
            self.stop.wait(0.02)

    def _read(self) -> None:
        table = _proc_table()
        for pid, (parent, command, cpu) in table.items():
            if pid != self.root and not _descends(pid, self.root, table):
                continue
            info = self.processes.setdefault(pid, ProcessInfo(command, parent))
            info.command = command  # read between a fork and its exec, it was the parent's
            info.cpu_seconds = max(info.cpu_seconds, cpu)

    def finish(self) -> dict[int, ProcessInfo]:
        self.stop.set()
        self.thread.join()
        return self.processes


def _proc_table() -> dict[int, tuple[int, str, float]]:
    """pid -> (parent, command name, CPU seconds) of every process."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        command = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        table[int(entry)] = (int(fields[1]), command, (int(fields[11]) + int(fields[12])) / CLOCK_TICK)
    return table


def _descends(pid: int, root: int, table: dict[int, tuple[int, str, float]]) -> bool:
    seen = set()
    while pid not in seen:
        seen.add(pid)
        pid = table.get(pid, (0,))[0]
        if pid == root:
            return True
        if pid in (0, 1):
            return False
    return False


def role(pid: int, build: int, stacks: list[Stack], processes: dict[int, ProcessInfo]) -> str:
    """What a process of the build was: the build itself, a layout worker, the validation, or a
    program it ran (by name: pandoc)."""
    if pid == build:
        return "build"
    frames = {frame.name for stack in stacks if stack.pid == pid for frame in stack.frames}
    if "_validate_into" in frames:
        return "validation"
    if "_process_worker" in frames:
        return "layout worker"
    info = processes.get(pid)
    return info.command if info is not None else "unknown"


def summarise(stacks: list[Stack], processes: dict[int, ProcessInfo], build: int,
              sites: CallSites | None = None) -> dict:
    """Share each process's CPU time out over its samples: by stage, by WeasyPrint phase, by pass of
    a part's layout, and by the function that was running."""
    sites = sites or CallSites.read()
    samples: Counter[int] = Counter()
    for stack in stacks:
        samples[stack.pid] += stack.count
    stages: Counter[str] = Counter()
    phases: Counter[str] = Counter()
    in_text: Counter[str] = Counter()
    passes: Counter[str] = Counter()
    functions: Counter[str] = Counter()
    roles: Counter[str] = Counter()
    for pid, info in processes.items():
        roles[role(pid, build, stacks, processes)] += info.cpu_seconds
        if not samples[pid]:  # a program the build ran (pandoc), or a process too short to sample
            stages[info.command if pid != build else "build (unsampled)"] += info.cpu_seconds
    for stack in stacks:
        info = processes.get(stack.pid)
        if info is None or not samples[stack.pid]:
            continue
        seconds = info.cpu_seconds * stack.count / samples[stack.pid]
        stage = label(stack.frames, STAGES) or "other (command line, start, exit)"
        stages[stage] += seconds
        if stage in ("part layouts", "folio sheet"):
            passes[layout_pass(stack.frames, sites)] += seconds
        phase = label(stack.frames, PHASES)
        if phase is not None:
            phases[phase] += seconds
            if any(TEXT in frame.path for frame in stack.frames):
                in_text[phase] += seconds
        elif stage in ("part layouts", "folio sheet"):
            phases["edition's code in the workers (audits, line numbers)"] += seconds
        if stack.frames:
            innermost = stack.frames[-1]
            functions[f"{innermost.name} ({_short(innermost.path)})"] += seconds
    total = sum(info.cpu_seconds for info in processes.values())
    own = sum(seconds for name, seconds in stages.items() if name in OWN_STAGES)
    weasyprint = sum(phases.values())
    return {
        "cpu_seconds": round(total, 2),
        "by_process": _table(roles, total),
        "by_stage": _table(stages, total),
        "own_stages": {"stages": list(OWN_STAGES), "cpu_seconds": round(own, 2),
                       "share": round(own / total, 4) if total else None},
        "by_weasyprint_phase": _table(phases, weasyprint),
        "weasyprint_phase_in_pango": {name: round(seconds, 2) for name, seconds in in_text.most_common()},
        "by_layout_pass": _table(passes, sum(passes.values())),
        "top_functions": [{"function": name, "cpu_seconds": round(seconds, 2)}
                          for name, seconds in functions.most_common(25)],
        "samples": sum(samples.values()),
    }


def _table(counter: Counter[str], total: float) -> dict[str, dict[str, float]]:
    return {name: {"cpu_seconds": round(seconds, 2), "share": round(seconds / total, 4) if total else 0.0}
            for name, seconds in counter.most_common()}


def _short(path: str) -> str:
    """A frame's file from its package (or the standard library's folder) on."""
    for marker, kept in (("site-packages/", ""), ("/edition/", "edition/"), ("/lib/python3.", "python3.")):
        if marker in path:
            return kept + path.split(marker, 1)[1]
    return path


def py_spy() -> str:
    """The py-spy beside this Python (the test extras install it), else on the PATH."""
    beside = Path(sys.executable).with_name("py-spy")
    found = str(beside) if beside.exists() else shutil.which("py-spy")
    if found is None:
        raise SystemExit("py-spy is not installed: make setup (it is in the test extras)")
    return found


def profile_build(project: Path, rate: int, raw: Path, arguments: tuple[str, ...] = ("--clean",)) -> dict:
    """One ``edition build -v`` of ``project`` under py-spy; its summary (and the build's log)."""
    command = [py_spy(), "record", "--subprocesses", "--full-filenames", "--format", "raw",
               "--nonblocking", "--rate", str(rate), "--output", str(raw), "--",
               sys.executable, "-m", "edition.cli", "build", "-v", *arguments]
    spy = subprocess.Popen(command, cwd=project, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    cpu = ProcessCPU(spy.pid)
    stdout, stderr = spy.communicate()
    processes = cpu.finish()
    if spy.returncode or not raw.exists():
        raise RuntimeError(f"the profiled build failed:\n{stderr[-2000:]}")
    builds = [pid for pid, info in processes.items() if info.parent == spy.pid]
    if len(builds) != 1:
        raise RuntimeError(f"expected one build process under py-spy, found {builds}")
    spy_info = processes.pop(spy.pid)
    summary = summarise(parse_raw(raw.read_text(encoding="utf-8")), processes, builds[0])
    log = stderr + stdout
    summary["layouts"] = {"laid out": len(re.findall(r"laid out \S+ \(\d+ pages", log)),
                          "measured": len(re.findall(r"measured \S+ \(\d+ pages", log))}
    summary["py_spy_cpu_seconds"] = round(spy_info.cpu_seconds, 2)
    summary["rate_hz"] = rate
    return summary


def copy_project(target: Path) -> Path:
    from build import copy_project as copy  # benchmarks/ is the script's folder, first on sys.path

    return copy(target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=50, help="samples per second per process")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "profile.json")
    parser.add_argument("--raw", type=Path, help="keep py-spy's collapsed stacks in this file")
    args = parser.parse_args()
    from build import machine_speed

    speed = machine_speed()
    with tempfile.TemporaryDirectory() as folder:
        project = copy_project(Path(folder) / "project")
        raw = args.raw.resolve() if args.raw else Path(folder) / "stacks.txt"
        summary = profile_build(project, args.rate, raw)
    report = {"benchmark": "where a cold build of the bundled volume spends its CPU (py-spy, every process)",
              "machine": {"python": platform.python_version(), "platform": platform.platform(),
                          "cpus": len(os.sched_getaffinity(0)), "load_average": os.getloadavg(),
                          # A CPU second buys less work on a loaded machine: this loop's time says how much.
                          "speed_check_seconds": {"before": speed, "after": machine_speed()}},
              **summary}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({key: report[key] for key in ("cpu_seconds", "by_stage", "by_weasyprint_phase",
                                                   "by_layout_pass", "own_stages")}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
