"""Time `edition validate` on hostile TEI as large as the limits accept (issue 16).

    .venv/bin/python benchmarks/hostile.py [--out benchmarks/results/hostile.json]

Each case is a file just under the tei_file_bytes limit (8 MB), or a volume at the XInclude limits,
made in a temporary folder and validated in a fresh process: one flat body of valid paragraphs, the
same with an invalid attribute on every paragraph (a schema error each), with an editorial correction
lacking @resp in every paragraph (a Schematron failure each, under the profile), lines of the longest
length accepted, one word of a million letters, elements nested as deep as accepted, and 200 included
files. Before
the fixes the flat body took 110 s, and the invalid ones, the long word and the fan-out hours or
minutes. The goal: each in seconds (GOAL_SECONDS of processor time). Every case runs twice: as any
TEI file (tei_all, the generic rules) and under the bundled volume's profile (an edition.toml switching
on article-volume: its schema, Schematron and rules).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from report import write_report  # benchmarks/ is the script's folder, first on sys.path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from edition.limits import Limits  # noqa: E402

LIMITS = Limits()
GOAL_SECONDS = 10.0
HEADER = ("<teiHeader><fileDesc><titleStmt><title>T</title></titleStmt><publicationStmt><p>p</p>"
          "</publicationStmt><sourceDesc><p>s</p></sourceDesc></fileDesc></teiHeader>")
HEAD = f'<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:lang="tr">{HEADER}<text xml:lang="tr"><body>\n'
TAIL = "</body></text></TEI>\n"


def filled(item: Callable[[int], str], separator: str = "\n") -> str:
    """A TEI file of as many items as fit under the size limit."""
    room = LIMITS.tei_file_bytes - len(HEAD) - len(TAIL) - 1024
    items, size, number = [], 0, 0
    while True:
        text = item(number) + separator
        size += len(text.encode("utf-8"))
        if size > room:
            return HEAD + "".join(items) + TAIL
        items.append(text)
        number += 1


def long_lines(number: int) -> str:
    words = "kelime " * ((LIMITS.xml_line_chars - 16) // 7)
    return f"<p>{words}{number}.</p>"


def deep(number: int) -> str:
    depth = LIMITS.xml_depth - 5  # TEI, text, body and p above
    return "<p>" + "<hi>" * depth + f"derin {number}" + "</hi>" * depth + "</p>"


CASES: dict[str, Callable[[int], str]] = {
    "flat body, valid": lambda n: f"<p>Paragraf {n}, kısa bir cümle.</p>",
    "flat body, a schema error per paragraph": lambda n: f'<p foo="x">Paragraf {n}.</p>',
    "flat body, a Schematron failure per paragraph":
        lambda n: f"<p><choice><sic>a</sic><corr>b</corr></choice> {n}</p>",
    "lines as long as accepted": long_lines,
    "nesting as deep as accepted": deep,
}


SETTINGS = {"any TEI": "", "article-volume profile": '[validation]\nprofile = "article-volume"\n'}


def make_cases(folder: Path) -> dict[str, Path]:
    files = {}
    for number, (name, item) in enumerate(CASES.items()):
        files[name] = folder / f"case{number}.xml"
        files[name].write_text(filled(item), encoding="utf-8")
    word = folder / "word.xml"
    word.write_text(HEAD + f"<p>{'a' * 1_000_000}12 son.</p>\n" + TAIL, encoding="utf-8")
    files["one word of a million letters"] = word
    fan = folder / "fan-out"
    fan.mkdir()
    share = LIMITS.tei_file_bytes // LIMITS.xinclude_files
    for number in range(LIMITS.xinclude_files):
        paragraphs = "".join(f"<p>Parça {number}, paragraf {n}.</p>\n" for n in range(share // 40))
        (fan / f"f{number:03}.xml").write_text(HEAD + paragraphs + TAIL, encoding="utf-8")
    includes = "".join(f'<xi:include href="f{n:03}.xml"/>\n' for n in range(LIMITS.xinclude_files))
    (fan / "volume.xml").write_text(
        '<teiCorpus xmlns="http://www.tei-c.org/ns/1.0" xmlns:xi="http://www.w3.org/2001/XInclude">'
        f"{HEADER}\n{includes}</teiCorpus>\n", encoding="utf-8")
    files[f"{LIMITS.xinclude_files} included files"] = fan / "volume.xml"
    return files


def run(path: Path) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "edition.cli", "validate", str(path)], cwd=path.parent,
                            capture_output=True, text=True, timeout=3600)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = result.stdout.strip().splitlines()
    size = path.stat().st_size if path.name != "volume.xml" else sum(
        p.stat().st_size for p in path.parent.glob("*.xml"))
    return {"bytes": size, "exit": result.returncode,
            "summary": lines[-1] if lines else result.stderr.strip(),
            "wall_seconds": round(wall, 2), "cpu_seconds": round(cpu, 2), "goal_met": cpu < GOAL_SECONDS}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "hostile.json")
    args = parser.parse_args()
    cases = {}
    with tempfile.TemporaryDirectory() as folder:
        for setting, toml in SETTINGS.items():
            project = Path(folder) / setting.replace(" ", "-")
            project.mkdir()
            if toml:
                (project / "edition.toml").write_text(toml, encoding="utf-8")
            cases |= {f"{name} ({setting})": run(path) for name, path in make_cases(project).items()}
    report = {
        "benchmark": "edition validate of hostile TEI at the size limits, one fresh process each",
        "limits": {"tei_file_bytes": LIMITS.tei_file_bytes, "xml_line_chars": LIMITS.xml_line_chars,
                   "xml_depth": LIMITS.xml_depth, "xinclude_files": LIMITS.xinclude_files},
        "goal_cpu_seconds": GOAL_SECONDS,
        "cases": cases,
        "goal_met": all(case["goal_met"] for case in cases.values()),
    }
    return write_report(report, args.out)


if __name__ == "__main__":
    raise SystemExit(main())
