"""The command line: help, exit codes, one-line errors, nothing written on failure."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT


def edition(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "edition.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("command", [["--help"], ["build", "--help"], ["validate", "--help"],
                                     ["bib", "export", "--help"]])
def test_help(command: list[str]) -> None:
    result = edition(*command)
    assert result.returncode == 0
    assert "usage: edition" in result.stdout


def test_usage_error_exits_2() -> None:
    result = edition("build", "--no-such-option")
    assert result.returncode == 2
    assert "unrecognized arguments" in result.stderr


def small_project(tmp_path: Path, volume_text: str) -> Path:
    """A project folder with only a volume file (enough to be found, and to fail validation)."""
    (tmp_path / "tei").mkdir()
    (tmp_path / "styles").mkdir()
    volume = tmp_path / "tei" / "volume.xml"
    volume.write_text(volume_text, encoding="utf-8")
    return volume


def malformed_project(tmp_path: Path) -> Path:
    return small_project(tmp_path, '<teiCorpus xmlns="http://www.tei-c.org/ns/1.0">\n  <teiHeader>\n'
                                   "  </teiCorpus>\n")


def test_malformed_tei_gives_one_located_line_and_no_output(tmp_path: Path) -> None:
    volume = malformed_project(tmp_path)
    out = tmp_path / "out"
    result = edition("build", str(volume), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    pattern = r"tei/volume\.xml:3:\d+: error: malformed XML: .+\[xml-malformed\]"
    assert re.fullmatch(pattern, lines[0]), result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_build_only_one_article_html(tmp_path: Path) -> None:
    result = edition("build", "--html", "--only", "a003", "--out", str(tmp_path), "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert (tmp_path / "html" / "a003.html").is_file()
    assert not (tmp_path / "html" / "a000.html").exists()
    assert not (tmp_path / "edition.pdf").exists()


def test_unknown_article_is_an_input_error(tmp_path: Path) -> None:
    result = edition("build", "--html", "--only", "a999", "--out", str(tmp_path))
    assert result.returncode == 1
    assert "no article 'a999'" in result.stderr


def test_build_refuses_an_invalid_volume_unless_forced(tmp_path: Path) -> None:
    source = ROOT / "tests" / "data" / "invalid" / "dangling-pointer.xml"
    volume = small_project(tmp_path, source.read_text(encoding="utf-8"))
    # A dangling pointer is an error under the bundled volume's profile (for any TEI, a warning).
    (tmp_path / "edition.toml").write_text('[validation]\nprofile = "article-volume"\n', encoding="utf-8")
    result = edition("build", str(volume), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 1
    assert "[pointer-resolves]" in result.stderr
    assert "not building a volume with validation errors (use --force" in result.stderr
    assert not (tmp_path / "out").exists()
