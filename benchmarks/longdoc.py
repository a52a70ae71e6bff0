"""A long document on its own (issues 17 and 24): ``edition build FILE --clean`` of a 200-page novel
(cut into parts at its chapters and laid out on every core) next to one WeasyPrint render of the same
book's HTML (the single-render baseline of ``build.py``), the peers typesetting that HTML (Paged.js,
pandoc → xelatex), ten words added to a paragraph of the longest chapter, and a profile of a cold
build: issue 24's goals as ratios of this run, as ``build.py`` reports them for the volume. JSON.

    .venv/bin/python benchmarks/longdoc.py [--runs N] [--quick] [--file TEI] [--out FILE]

Not part of the test suite: the numbers depend on the machine (and on what else runs on it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from build import RENDER_ONCE, edition, fastest, goals, pagedjs, pdf_words, xelatex  # on sys.path
from sampling import profile_build

ROOT = Path(__file__).resolve().parent.parent
NOVEL = ROOT / "benchmarks" / "data" / "ENG18860_Hardy.xml"
TEN_WORDS = "The editor added these ten words here to test rebuilds. "

# build.py's single render, for a file on its own: the project found around the file, its templates
# looked up as a build does.
SINGLE_RENDER = r"""
import json, sys, time
from pathlib import Path
from edition.print.book import Book
from edition.buildcache import Manifest
from edition.pipeline import BOOK_CSS, FOLIO_CSS, Timings, load
from edition.project import find_project
from edition.render.html import Renderer

source = Path(sys.argv[1])
project = find_project(source)
refs = Manifest(Path(sys.argv[2])).refs()
model = load(project, source, Timings(), None)
book = Book(model, Renderer(project.template_folders), list(BOOK_CSS), list(FOLIO_CSS))
parts = sum(1 for spec in book.specs if spec.text is not None)
html = book.whole(refs, list(BOOK_CSS))
""" + RENDER_ONCE + "print(json.dumps({**result, 'text_parts': parts}))\n"


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(info.split("Pages:")[1].split()[0])


def edit_longest_chapter(source: Path) -> str:
    """Add ten words to the fifth paragraph of the longest chapter; the chapter's number."""
    text = source.read_text(encoding="utf-8")
    starts = [match.start() for match in re.finditer(r"<div\b[^>]*type=\"chapter\"", text)]
    if not starts:
        raise RuntimeError(f"{source}: no chapter to edit")
    spans = list(zip(starts, [*starts[1:], len(text)], strict=True))
    number, (start, end) = max(enumerate(spans, 1), key=lambda item: item[1][1] - item[1][0])
    paragraphs = list(re.finditer(r"<p\b[^>]*>", text[start:end]))
    opening = paragraphs[min(4, len(paragraphs) - 1)]
    at = start + opening.end()
    source.write_text(text[:at] + TEN_WORDS + text[at:], encoding="utf-8")
    return f"chapter {number}"


def measure(source: Path, runs: int, rate: int) -> dict:
    cold, single, peers, edits = [], [], {"pagedjs": [], "xelatex": []}, []
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(shutil.copy(source, folder))
        # --force: ELTeC's schema is not tei_all; the benchmark measures the layout.
        command = ("build", copy.name, "--pdf", "--force", "-v")
        for _ in range(runs):
            cold.append(edition(Path(folder), *command, "--clean"))
        manifest = Path(folder) / "output" / ".cache" / "manifest-edition.json"
        whole = Path(folder) / "whole-book.html"
        for _ in range(runs):
            single.append(json.loads(subprocess.run(
                [sys.executable, "-c", SINGLE_RENDER, str(copy), str(manifest), str(whole)], check=True,
                capture_output=True, text=True, cwd=ROOT).stdout.strip().splitlines()[-1]))
            peers["pagedjs"].append(pagedjs(Path(folder), whole))
            peers["xelatex"].append(xelatex(whole))
        book_pages = pages(Path(folder) / "output" / "edition.pdf")
        words = pdf_words(Path(folder) / "output" / "edition.pdf")
        original = copy.read_text(encoding="utf-8")
        for _ in range(runs):
            edited = edit_longest_chapter(copy)
            edits.append({**edition(Path(folder), *command), "paragraph": edited})
            copy.write_text(original, encoding="utf-8")
            edition(Path(folder), *command)  # back to the unedited layouts
        profiled = Path(folder) / "profiled"
        profiled.mkdir()
        profile = profile_build(profiled, rate, Path(folder) / "stacks.txt",
                                (str(copy), "--pdf", "--force", "--clean"))
    best, baseline = fastest(cold), min(single, key=lambda run: run["total"])
    results = {"cold": cold, "unchanged": [], "edit": {"longest chapter": edits}, "single_render": single,
               **peers, "profile": profile, "pages": book_pages, "words_printed": words}
    return {
        "document": str(source.relative_to(ROOT)) if source.is_relative_to(ROOT) else str(source),
        "pages": book_pages, "words_printed": words, "text_parts": baseline["text_parts"],
        "cores": len(os.sched_getaffinity(0)),
        "goals": goals(results), **peers, "edit": edits, "profile": profile,
        "cold_build": cold, "single_render": single,
        "ratio_cold_build_to_single_render": round(best["wall_seconds"] / baseline["total"], 3),
        "ratio_pdf_stage_to_single_render": round(best["stages"].get("pdf", 0.0) / baseline["total"], 3),
        # On a machine shared with other work, wall times say little: the CPU time of the build's
        # processes against that of the single render says what the cutting costs.
        "ratio_cold_build_cpu_to_single_render_cpu": round(best["cpu_seconds"] / baseline["cpu_seconds"], 3),
        "load_average_at_end": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="one run (the default already)")
    parser.add_argument("--rate", type=int, default=50, help="the profile's samples per second")
    parser.add_argument("--file", type=Path, default=NOVEL)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "longdoc.json")
    args = parser.parse_args()
    results = {"machine": {"python": platform.python_version(), "processor": platform.processor()},
               **measure(args.file.resolve(), 1 if args.quick else args.runs, args.rate)}
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in results.items() if not isinstance(v, list)}, indent=2))


if __name__ == "__main__":
    main()
