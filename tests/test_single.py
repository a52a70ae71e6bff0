"""A TEI file on its own: ``edition build FILE`` anywhere on disk, with the package's theme (or a
project's own files, one by one), and the real documents of tests/data/tei built from a folder
outside the repository, each showing at least 99.5% of the words of its ``<text>`` in the PDF and
in the site."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html
from pypdf import PdfReader

from edition.project import THEME

from .conftest import ROOT
from .wordshare import pdf_words, share, site_words, tei_words

EDITION = Path(sys.executable).parent / "edition"
REAL = ROOT / "tests" / "data" / "tei"
JING = dict(line.split("\t")[:2] for line in (REAL / "jing.tsv").read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#"))
THRESHOLD = 0.995
# Documents that fall short today, with the cause; strict: once one passes, its marker must go.
SHORT: dict[str, str] = {}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EDITION), *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def documents() -> list:
    """The real documents, those known to fall short marked ``xfail(strict=True)``."""
    marked = []
    for name in JING:
        reason = SHORT.get(name)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        marked.append(pytest.param(name, marks=marks, id=name))
    return marked


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory):
    """One build per document (PDF and site), made when first asked for: the file copied into a
    folder of its own outside the repository and built from there, as a new user would."""
    made: dict[str, tuple[Path, subprocess.CompletedProcess[str]]] = {}

    def build(name: str) -> tuple[Path, subprocess.CompletedProcess[str]]:
        if name not in made:
            folder = tmp_path_factory.mktemp(name.replace("/", "-"))
            source = Path(shutil.copy(REAL / name, folder))
            # jing calls three of them invalid: built anyway, as a user would with --force.
            force = ["--force"] if JING[name] == "invalid" else []
            made[name] = source, run("build", source.name, "--out", "tmp", *force, cwd=folder)
        return made[name]

    return build


def built(builds, name: str) -> Path:
    """The output folder of a document's build, which must have succeeded."""
    source, result = builds(name)
    assert result.returncode == 0, result.stderr
    return source.parent / "tmp"


@pytest.mark.parametrize("name", documents())
def test_a_real_document_builds(builds, name: str) -> None:
    source, result = builds(name)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
    assert (source.parent / "tmp" / "edition.pdf").is_file()
    assert (source.parent / "tmp" / "html" / "index.html").is_file()
    assert not (source.parent / "output").exists()  # --out is obeyed


@pytest.mark.parametrize("name", documents())
def test_the_pdf_shows_the_words_of_the_text(builds, name: str) -> None:
    out = built(builds, name)
    found, missing = share(tei_words(REAL / name), pdf_words(out / "edition.pdf"))
    assert found >= THRESHOLD, f"{found:.2%} of the words; missing: {missing.most_common(20)}"


@pytest.mark.parametrize("name", documents())
def test_the_site_shows_the_words_of_the_text(builds, name: str) -> None:
    out = built(builds, name)
    found, missing = share(tei_words(REAL / name), site_words(out / "html"))
    assert found >= THRESHOLD, f"{found:.2%} of the words; missing: {missing.most_common(20)}"


@pytest.mark.parametrize("name", documents())
def test_the_site_links_only_pages_it_has(builds, name: str) -> None:
    """A document with no bibliography or registers gets no such pages, and no link to them."""
    site = built(builds, name) / "html"
    pages = {page.name for page in site.glob("*.html")}
    assert not pages & {"bibliography.html", "sources.html", "persons.html", "places.html"}
    for page in sorted(site.glob("*.html")):
        links = lxml_html.fromstring(page.read_bytes()).xpath("//a/@href | //link/@href | //form/@action")
        for href in links:
            target = href.split("#")[0].split("?")[0]
            if target and not re.match(r"[a-z]+:", target):
                assert (site / target).exists(), f"{page.name} links to {href}, which the site does not have"


def test_the_title_page_comes_from_the_header(builds) -> None:
    """Kipling's "If—": the title and the author of its teiHeader make the book's first page, the
    site's title and its page titles; nothing of the bundled volume's front matter is printed."""
    out = built(builds, "tei-publisher/kipling.xml")
    first = PdfReader(out / "edition.pdf").pages[0].extract_text()
    assert "If" in first and "Rudyard Kipling" in first
    book = subprocess.run(["pdftotext", str(out / "edition.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Tanıklar" not in book and "İçindekiler" not in book  # the volume's imprint and contents
    index = lxml_html.parse(str(out / "html" / "index.html")).getroot()
    assert index.findtext(".//title") == "If"
    assert index.xpath("string(//a[@class='site-title'])") == "If"
    # The text is not the first article of a volume: its page says nothing of the kind.
    page = lxml_html.parse(str(out / "html" / "kipling.html")).getroot()
    assert page.xpath("//h1[@class='article-title']") and not page.xpath("//*[@class='article-number']")


def test_output_goes_beside_the_file_by_default(tmp_path: Path) -> None:
    """Without --out, the output goes to output/ beside a file that has no project around it, from
    whatever folder edition runs in."""
    folder = tmp_path / "poems"
    folder.mkdir()
    shutil.copy(REAL / "tei-publisher" / "kipling.xml", folder)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run("build", str(folder / "kipling.xml"), "--html", cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert (folder / "output" / "html" / "kipling.html").is_file()
    assert not list(elsewhere.iterdir())
    again = run("build", str(folder / "kipling.xml"), "--html", cwd=elsewhere)
    assert again.returncode == 0 and "nothing changed" in again.stderr, again.stderr


def test_the_project_root_is_the_nearest_edition_toml(tmp_path: Path) -> None:
    """A file in a folder below an edition.toml belongs to that project: its output goes there."""
    (tmp_path / "edition.toml").write_text("[validation]\n", encoding="utf-8")
    (tmp_path / "texts").mkdir()
    shutil.copy(REAL / "tei-publisher" / "kipling.xml", tmp_path / "texts")
    result = run("build", "texts/kipling.xml", "--html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "output" / "html" / "kipling.html").is_file()
    assert not (tmp_path / "texts" / "output").exists()


def test_a_project_overrides_the_theme_file_by_file(tmp_path: Path) -> None:
    """A project's own styles/ replaces the package's files it has and only those: its page size
    (css/page.css, fetched by WeasyPrint while the fonts its fonts.css names come from the
    package), its site stylesheet and one site template."""
    shutil.copy(REAL / "tei-publisher" / "kipling.xml", tmp_path)
    styles = tmp_path / "styles"
    page_css = (THEME / "css" / "page.css").read_text(encoding="utf-8")
    assert "size: 160mm 240mm;" in page_css
    (styles / "css").mkdir(parents=True)
    (styles / "css" / "page.css").write_text(page_css.replace("size: 160mm 240mm;", "size: A5 landscape;"),
                                             encoding="utf-8")
    (styles / "css" / "screen.css").write_text("/* the project's own */\n", encoding="utf-8")
    (styles / "templates" / "site").mkdir(parents=True)
    (styles / "templates" / "site" / "search.html.j2").write_text(
        '{% extends "site/base.html.j2" %}{% block main %}<p>our own search page</p>{% endblock %}',
        encoding="utf-8")
    result = run("build", "kipling.xml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    site = tmp_path / "output" / "html"
    assert (site / "assets" / "css" / "screen.css").read_text(encoding="utf-8") == "/* the project's own */\n"
    # The package's fonts (the project has no fonts.css), as WOFF2 subsets the site's fonts.css names.
    fonts_css = (site / "assets" / "css" / "fonts.css").read_text(encoding="utf-8")
    site_fonts = re.findall(r'url\("\.\./fonts/([^"]+)"\)', fonts_css)
    assert "LinLibertine_R.woff2" in site_fonts
    assert all((site / "assets" / "fonts" / name).is_file() for name in site_fonts)
    assert "our own search page" in (site / "search.html").read_text(encoding="utf-8")
    assert "our own" not in (site / "kipling.html").read_text(encoding="utf-8")  # the package's template
    pdf = PdfReader(tmp_path / "output" / "edition.pdf")
    width, height = (float(v) for v in pdf.pages[-1].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 420)  # A5 landscape, in points
    fonts = {str(font) for page in pdf.pages for font in
             (page["/Resources"].get("/Font") or {}).values() for font in [font.get_object()["/BaseFont"]]}
    assert any("Libertine" in font for font in fonts), fonts  # url(../fonts/…) found in the package
