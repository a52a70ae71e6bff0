"""Time `edition validate` of the bundled volume: a cold process, and warm runs in one process.

    .venv/bin/python benchmarks/validate.py [--runs N] [--out benchmarks/results/validate.json]

The goal (issue 4): under 2 s warm for the whole volume.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from report import write_report  # benchmarks/ is the script's folder, first on sys.path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "validate.json")
    args = parser.parse_args()

    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "edition.cli", "validate", "--quiet"], cwd=ROOT, check=True)
    cold_process = time.perf_counter() - start

    from edition.check.validate import validate

    warm = []
    for _ in range(args.runs):
        start = time.perf_counter()
        findings = validate(ROOT / "tei" / "volume.xml", ROOT)
        warm.append(time.perf_counter() - start)
    report = {
        "benchmark": "edition validate of the bundled volume",
        "cold_process_seconds": round(cold_process, 4),
        "warm_seconds": [round(t, 4) for t in warm],
        "warm_best_seconds": round(min(warm), 4),
        "goal_seconds": 2.0,
        "goal_met": max(warm) < 2.0 and cold_process < 2.0,
        "findings": len(findings),
    }
    return write_report(report, args.out)


if __name__ == "__main__":
    raise SystemExit(main())
