"""Shared fixtures: the real project and one build of the bundled volume per test session."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from edition.pipeline import (
    BOOK_CSS,
    FOLIO_CSS,
    BuildOptions,
    BuildResult,
    Timings,
    build,
    load,
    project_renderer,
)
from edition.print.book import Book, PageRefs
from edition.project import Project
from edition.render.search import GLOBAL_NAME
from edition.tei.load import load_volume

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ("a000", "a001", "a002", "a003", "a004")


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


@pytest.fixture(scope="session")
def volume():
    """The bundled volume's TEI, read once (tests only read it)."""
    return load_volume(ROOT / "tei" / "volume.xml", ROOT)


@pytest.fixture(scope="session")
def book(project: Project) -> Book:
    """The bundled volume's printed book (its bibliography formatted), before any layout."""
    renderer = project_renderer(project)
    return Book(load(project, None, Timings(), None), renderer, list(BOOK_CSS), list(FOLIO_CSS))


@pytest.fixture(scope="session")
def book_parts(book: Book) -> dict[str, str]:
    """Every part's HTML as the typesetter first receives it (no page numbers known yet)."""
    return {spec.name: book.render(spec, PageRefs()) for spec in book.specs}


@pytest.fixture(scope="session")
def build_result(project: Project, tmp_path_factory: pytest.TempPathFactory):
    """The bundled volume built once (PDF, HTML and EPUB) into a temporary folder."""
    return build(project, BuildOptions(out=tmp_path_factory.mktemp("build"), epub=True))


@pytest.fixture(scope="session")
def built(build_result) -> Path:
    return build_result.pdf.parent


@pytest.fixture(scope="session")
def site(built: Path) -> Path:
    """The reading site of that build."""
    return built / "html"


@pytest.fixture(scope="session")
def search_index(site: Path) -> dict:
    """The site's search index, as the pages load it (a script assigning it to a global)."""
    script = (site / "assets" / "search-index.js").read_text(encoding="utf-8")
    prefix = f"window.{GLOBAL_NAME} = "
    assert script.startswith(prefix) and script.rstrip().endswith(";")
    return json.loads(script[len(prefix):].rstrip().rstrip(";"))


@pytest.fixture(scope="session")
def pdf_text(built: Path) -> str:
    """The PDF's text as pdftotext reads it, pages separated by form feeds."""
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(built / "edition.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout


PROJECT_FOLDERS = ("tei", "bibliography", "styles")
EDITED_ARTICLE = "a003"
SMALL_EDIT_ARTICLE = "a002"
# Enough text to add two pages: the articles after the edited one move (a blank verso before the next
# article could take one page in).
ADDED_TEXT = "Editörlerin bu sınama için eklediği cümle, sayfa düzenini bir sayfa kadar uzatır. " * 56


@dataclass
class IncrementalBuild:
    root: Path
    cold: BuildResult
    cold_pages: int  # the cold build's PDF is replaced by the next build's
    small_edit: BuildResult  # a word added to another article: no page moves
    edited: BuildResult  # the PDF left in place: the edited build's, which the unchanged one keeps
    edited_mtime: int  # nanoseconds
    unchanged: BuildResult


@pytest.fixture(scope="session")
def incremental(tmp_path_factory: pytest.TempPathFactory) -> IncrementalBuild:
    """A copy of the project built cold, then after a word was added to one article, then after a
    paragraph of another grew by a page, then once more with nothing changed."""
    root = tmp_path_factory.mktemp("incremental")
    for folder in PROJECT_FOLDERS:
        shutil.copytree(ROOT / folder, root / folder)
    shutil.copy(ROOT / "edition.toml", root)  # its settings too: the interface in Turkish, its profile
    project = Project(root)
    options = BuildOptions(html=False)
    cold = build(project, options)
    cold_pages = pdf_pages(cold.pdf)
    add_to_paragraph(root, SMALL_EDIT_ARTICLE, "p5", "Deneme. ")
    small_edit = build(project, options)
    add_to_paragraph(root, EDITED_ARTICLE, "p3", ADDED_TEXT)
    edited = build(project, options)
    edited_mtime = edited.pdf.stat().st_mtime_ns
    unchanged = build(project, options)
    return IncrementalBuild(root, cold, cold_pages, small_edit, edited, edited_mtime, unchanged)


def add_to_paragraph(root: Path, article: str, paragraph: str, text: str) -> None:
    path = root / "tei" / f"{article}.xml"
    source = path.read_text(encoding="utf-8")
    opening = re.search(rf'<p [^>]*xml:id="{article}-{paragraph}"[^>]*>', source).group(0)
    path.write_text(source.replace(opening, opening + text, 1), encoding="utf-8")


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


# --- the browser tests' Chromium (Debian's; Playwright's own browser download is not used) ---------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]  # containers often give /dev/shm too little room


def require(condition: bool, message: str) -> None:
    """Fail (not skip): CI must prove the site works in a browser."""
    if not condition:
        pytest.fail(message, pytrace=False)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One Chromium for the whole session (Playwright's own browser download is not used)."""
    require(CHROMIUM.is_file(), f"{CHROMIUM} is missing: `make` installs Debian's chromium "
                                "(scripts/system-deps.sh)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is missing: `make` installs it with the test extra", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
