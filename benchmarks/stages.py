"""Time each stage of a full build of the bundled volume and record peak memory, as JSON.

    .venv/bin/python benchmarks/stages.py [--runs N] [--out benchmarks/results/stages.json]

Not part of the test suite: numbers depend on the machine. Each run is a fresh process so that
caches (compiled templates, fonts, hyphenation dictionaries) count as they do for a user.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

from report import write_report  # benchmarks/ is the script's folder, first on sys.path

ROOT = Path(__file__).resolve().parent.parent

ONE_RUN = r"""
import json, resource, sys, tempfile, time
from pathlib import Path
from edition.project import Project
from edition.pipeline import Timings, load, BuildOptions
from edition.validate import validate
from edition.bibliography import load_bibliography
from edition.render_html import Renderer, render_book, render_site
from edition.pipeline import BOOK_CSS
from edition.typeset import typeset

project = Project(Path(sys.argv[1]))
timings = Timings()
with timings.stage("validate"):
    validate(project.volume, project.root)
model = load(project, None, timings, None)
with timings.stage("bibliography"):
    if project.bibliography.exists():
        load_bibliography(project.bibliography)
renderer = Renderer(project.templates)
with timings.stage("html"):
    render_site(model, renderer)
    render_book(model, renderer, list(BOOK_CSS))
with timings.stage("pdf"):
    pdf, _ = typeset(lambda folios: render_book(model, renderer, list(BOOK_CSS), folios), project,
                     model.articles[0].id)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"stages": timings.stages, "peak_rss_bytes": peak, "pdf_bytes": len(pdf)}))
"""


def run_once() -> dict:
    start = time.perf_counter()
    completed = subprocess.run([sys.executable, "-c", ONE_RUN, str(ROOT)], check=True,
                               capture_output=True, text=True, cwd=ROOT)
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = time.perf_counter() - start
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "stages.json")
    args = parser.parse_args()
    runs = [run_once() for _ in range(args.runs)]
    stages = {name: min(r["stages"][name] for r in runs) for name in runs[0]["stages"]}
    total = sum(stages.values())
    report = {
        "benchmark": "full build of the bundled volume, stage by stage",
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": __import__("os").cpu_count()},
        "runs": args.runs,
        "best_stage_seconds": stages,
        "own_stages_share": round(1 - stages.get("pdf", 0) / total, 4) if total else None,
        "peak_rss_bytes": max(r["peak_rss_bytes"] for r in runs),
        "wall_seconds": [round(r["wall_seconds"], 3) for r in runs],
        "benchmark_self_rss_bytes": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
    }
    return write_report(report, args.out)


if __name__ == "__main__":
    raise SystemExit(main())
