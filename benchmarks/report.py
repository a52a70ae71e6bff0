"""Shared by the benchmark scripts: write a result as JSON (and show it)."""

from __future__ import annotations

import json
from pathlib import Path


def write_report(report: dict, out: Path) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))
    return 0
