"""Shared by the benchmark scripts: write a result as JSON (and show it)."""

from __future__ import annotations

import json
from pathlib import Path


def write_report(report: dict, out: Path, show: bool = True) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if show:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0
