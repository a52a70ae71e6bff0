"""Time the bibliography commands on a 10 MB .bib, and the refusal of hostile ones (issue 16).

    .venv/bin/python benchmarks/hostile_bib.py [--megabytes 10] [--code DIR] [--timeout S] [--out FILE]

Each command runs in a fresh process, as an editor runs it: ``bib export`` in the four formats and
``bib check`` on a synthetic .bib of distinct works (seeded, so every run reads the same file), then
the hostile files of ``tests/data/hostile`` whose pandoc run would never end or take minutes (a
crossref cycle, 100,000 nested braces), which must be refused at once. Before issue 16 the 10 MB
export took up to a minute (most of it bibtexparser's copy before writing and pylatexenc's per-call
cost) and ``bib check`` over a minute (every pair of titles of one author and year compared);
pandoc's own time (CSL-JSON) is not ours to cut. ``--code`` times another checkout's package (its
folder is where ``python -m edition.cli`` runs), e.g. the code before the change; ``--timeout`` stops
a command that would not end.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from report import write_report  # benchmarks/ is the script's folder, first on sys.path

ROOT = Path(__file__).resolve().parent.parent
SURNAMES = ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Aydın", "Özdemir", "Arslan", "Doğan",
            "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt", "Özkan", "Şimşek", "Polat", "Erdoğan",
            "Smith", "Ivanov", "Petrov", "Müller", "Dupont")
GIVEN = ("Ahmet", "Mehmet", "Ayşe", "Fatma", "Mustafa", "Ali", "Hüseyin", "Zeynep", "Emine", "İbrahim",
         "Hatice", "Osman", "John", "Olga", "Pierre")
WORDS = ("tarih", "siyaset", "ilişkiler", "milli", "mücadele", "sovyet", "türk", "dış", "politika",
         "kurtuluş", "savaşı", "belgeler", "ankara", "moskova", "antlaşma", "diplomasi", "heyet", "meclis",
         "ordu", "cephe", "barış", "konferans", "yıllar", "dönem", "inceleme", "araştırma")


def synthetic_bib(path: Path, size: int) -> int:
    """Write a .bib of distinct books (author, title, publisher, place, year, provenance) of about
    ``size`` bytes; return the number of entries."""
    rng = random.Random(16)
    entries, written = [], 0
    while written < size:
        n = len(entries)
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9))).capitalize()
        entry = (f"@book{{w{n},\n\tauthor = {{{rng.choice(SURNAMES)}, {rng.choice(GIVEN)}}},\n"
                 f"\ttitle = {{{title}}},\n\tpublisher = {{{rng.choice(SURNAMES)} Yayınları}},\n"
                 f"\tlocation = {{İstanbul}},\n\tdate = {{{rng.randint(1900, 2024)}}},\n"
                 f"\tlangid = {{turkish}},\n"
                 f"\tprovenance = {{synthetic entry {n}: {title.lower()}}}\n}}\n\n")
        entries.append(entry)
        written += len(entry.encode("utf-8"))
    path.write_text("".join(entries), encoding="utf-8")
    return len(entries)


def timed(args: list[str], code: Path, timeout: float) -> dict:
    """One command in a fresh process of ``code``'s package: its time, exit status and first line."""
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "edition.cli", *args], cwd=code, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"seconds": None, "timed_out_after": timeout}
    return {"seconds": round(time.perf_counter() - start, 3), "exit": done.returncode,
            "stderr": done.stderr.strip().splitlines()[:1]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=10)
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to time (default: this one)")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "hostile_bib.json")
    args = parser.parse_args()
    code = args.code.resolve()

    def run(*command: str) -> dict:
        return timed(list(command), code, args.timeout)

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        bib = work / "large.bib"
        entries = synthetic_bib(bib, int(args.megabytes * 1_000_000))
        large = {f"bib export --format {fmt}": run("bib", "export", "--format", fmt, "--bib", str(bib))
                 for fmt in ("bibtex", "biblatex", "csljson", "ris")}
        large["bib check"] = run("bib", "check", "--bib", str(bib))  # exit 1: the volume cites none of them
        depth = 100_000
        (work / "deep.bib").write_text("@book{deep,\n  title = " + "{" * depth + "x" + "}" * depth + "\n}\n",
                                       encoding="utf-8")
        hostile_dir = ROOT / "tests" / "data" / "hostile"
        hostile = {
            "crossref cycle, csljson": run("bib", "export", "--format", "csljson", "--bib",
                                           str(hostile_dir / "bib-crossref-cycle.bib")),
            "100,000 nested braces, csljson": run("bib", "export", "--format", "csljson", "--bib",
                                                  str(work / "deep.bib")),
            "100,000 nested braces, bibtex": run("bib", "export", "--format", "bibtex", "--bib",
                                                 str(work / "deep.bib")),
        }
        size = bib.stat().st_size
    report = {
        "benchmark": "bibliography commands on a large .bib, hostile .bib files refused (fresh processes)",
        "code": str(code),
        "bib_bytes": size,
        "bib_entries": entries,
        "large_bib": large,
        "hostile": hostile,
        "exports_succeeded": all(r.get("exit") == 0 for k, r in large.items() if k != "bib check"),
        "hostile_refused": all(r.get("exit") == 1 for r in hostile.values()),
    }
    return write_report(report, args.out)


if __name__ == "__main__":
    raise SystemExit(main())
