"""Shared fixtures: the real project and one build of the bundled volume per test session."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from edition.pipeline import BuildOptions, build
from edition.project import Project

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ("a000", "a001", "a002", "a003", "a004")


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


@pytest.fixture(scope="session")
def build_result(project: Project, tmp_path_factory: pytest.TempPathFactory):
    """The bundled volume built once (PDF and HTML) into a temporary folder."""
    return build(project, BuildOptions(out=tmp_path_factory.mktemp("build")))


@pytest.fixture(scope="session")
def built(build_result) -> Path:
    return build_result.pdf.parent


@pytest.fixture(scope="session")
def pdf_text(built: Path) -> str:
    """The PDF's text as pdftotext reads it, pages separated by form feeds."""
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(built / "edition.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout
