"""Outputs are written atomically: a failure leaves the previous file or folder as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from edition.output import staged_directory, write_bytes


def test_write_bytes_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "edition.pdf"
    write_bytes(target, b"first")
    write_bytes(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in tmp_path.iterdir()] == ["edition.pdf"]


def test_failed_site_build_keeps_the_old_site(tmp_path: Path) -> None:
    site = tmp_path / "html"
    with staged_directory(site) as staging:
        (staging / "index.html").write_text("old")
    with pytest.raises(RuntimeError), staged_directory(site) as staging:
        (staging / "index.html").write_text("half")
        raise RuntimeError("typesetting failed")
    assert (site / "index.html").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["html"]
