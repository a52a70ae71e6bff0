"""A long document on its own (issue 17, item 5): ``edition build FILE --clean`` of a 200-page novel
(cut into parts at its chapters and laid out on every core) next to one WeasyPrint render of the same
book's HTML (the single-render baseline of ``build.py``). Results as JSON.

    .venv/bin/python benchmarks/longdoc.py [--runs N] [--file TEI] [--out FILE]

Not part of the test suite: the numbers depend on the machine (and on what else runs on it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from build import edition, fastest  # benchmarks/ is the script's folder, first on sys.path

ROOT = Path(__file__).resolve().parent.parent
NOVEL = ROOT / "benchmarks" / "data" / "ENG18860_Hardy.xml"

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
from edition.print.layout import PDF_VARIANT, layout

source = Path(sys.argv[1])
project = find_project(source)
refs = Manifest(Path(sys.argv[2])).refs()
model = load(project, source, Timings(), None)
book = Book(model, Renderer(project.template_folders), list(BOOK_CSS), list(FOLIO_CSS))
parts = sum(1 for spec in book.specs if spec.text is not None)
html = book.whole(refs, list(BOOK_CSS))
start, cpu = time.perf_counter(), time.process_time()
document = layout(html, project)
laid_out = time.perf_counter()
pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
done = time.perf_counter()
print(json.dumps({"layout": laid_out - start, "write": done - laid_out, "total": done - start,
                  "cpu_seconds": time.process_time() - cpu, "pages": len(document.pages),
                  "text_parts": parts}))
"""


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(info.split("Pages:")[1].split()[0])


def measure(source: Path, runs: int) -> dict:
    cold, single = [], []
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(shutil.copy(source, folder))
        for _ in range(runs):
            # --force: ELTeC's schema is not tei_all; the benchmark measures the layout.
            cold.append(edition(Path(folder), "build", copy.name, "--pdf", "--force", "-v", "--clean"))
        manifest = Path(folder) / "output" / ".cache" / "manifest-edition.json"
        for _ in range(runs):
            single.append(json.loads(subprocess.run(
                [sys.executable, "-c", SINGLE_RENDER, str(copy), str(manifest)], check=True,
                capture_output=True, text=True, cwd=ROOT).stdout.strip().splitlines()[-1]))
        book_pages = pages(Path(folder) / "output" / "edition.pdf")
    best, baseline = fastest(cold), min(single, key=lambda run: run["total"])
    return {
        "document": str(source.relative_to(ROOT)) if source.is_relative_to(ROOT) else str(source),
        "pages": book_pages, "text_parts": baseline["text_parts"], "cores": len(os.sched_getaffinity(0)),
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
    parser.add_argument("--file", type=Path, default=NOVEL)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "longdoc.json")
    args = parser.parse_args()
    results = {"machine": {"python": platform.python_version(), "processor": platform.processor()},
               **measure(args.file.resolve(), args.runs)}
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in results.items() if not isinstance(v, list)}, indent=2))


if __name__ == "__main__":
    main()
