"""`edition build --epub`: the EPUB 3 of the bundled volume (made by the session's one build) and of a
foreign TEI document pass EPUBCheck with no error and no warning, and hold what a reader needs."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from edition.pipeline import BuildOptions, build
from edition.project import find_project

from .conftest import ARTICLES, ROOT

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
FOREIGN = ROOT / "tests" / "data" / "tei" / "ceteicean" / "meros.xml"  # Japanese prose with notes


def epubcheck(epub: Path) -> str:
    """EPUBCheck's report (Debian's epubcheck is the jar itself)."""
    jar = shutil.which("epubcheck")
    if jar is None:
        pytest.fail("epubcheck is not installed (scripts/system-deps.sh installs it)")
    done = subprocess.run(["java", "-jar", str(Path(jar).resolve()), str(epub)], capture_output=True,
                          text=True, timeout=300)
    return done.stdout + done.stderr


def members(epub: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(epub) as package:
        return {info.filename: package.read(info) for info in package.infolist()}


def xml(data: bytes) -> etree._Element:
    return etree.fromstring(data)


@pytest.fixture(scope="session")
def volume_epub(build_result) -> Path:
    return build_result.epub


@pytest.fixture(scope="module")
def foreign_epub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("foreign")
    result = build(find_project(FOREIGN), BuildOptions(pdf=False, epub=True, out=out), volume=FOREIGN)
    return result.epub


@pytest.mark.parametrize("which", ["volume_epub", "foreign_epub"])
def test_epubcheck_finds_nothing(which: str, request: pytest.FixtureRequest) -> None:
    report = epubcheck(request.getfixturevalue(which))
    assert "Messages: 0 fatals / 0 errors / 0 warnings / 0 infos" in report, report


def test_package_layout(volume_epub: Path) -> None:
    with zipfile.ZipFile(volume_epub) as package:
        first = package.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
    files = members(volume_epub)
    assert files["mimetype"] == b"application/epub+zip"
    opf = xml(files["OEBPS/package.opf"])
    assert opf.findtext(".//dc:language", namespaces=OPF) == "tr"
    spine = [opf.find(f".//opf:item[@id='{ref.get('idref')}']", OPF).get("href")
             for ref in opf.iterfind(".//opf:itemref", OPF)]
    assert spine[:6] == ["index.xhtml", *(f"{article}.xhtml" for article in ARTICLES)]
    assert "bibliography.xhtml" in spine and "persons.xhtml" in spine
    properties = [m.text for m in opf.iterfind(".//opf:meta", OPF)
                  if m.get("property") == "schema:accessibilityFeature"]
    assert {"tableOfContents", "printPageNumbers", "structuralNavigation"} <= set(properties)


def test_fonts_are_embedded_as_woff2(volume_epub: Path) -> None:
    files = members(volume_epub)
    fonts = {name: data for name, data in files.items() if name.startswith("OEBPS/fonts/")}
    assert "OEBPS/fonts/LinLibertine_R.woff2" in fonts
    assert all(data[:4] == b"wOF2" for data in fonts.values())
    css = files["OEBPS/css/epub.css"].decode()
    for name in fonts:
        assert f'url("../fonts/{Path(name).name}") format("woff2")' in css
    # Subset to the book's characters: far smaller than the fonts the theme ships.
    shipped = (ROOT / "edition" / "theme" / "fonts" / "LinLibertine_R.otf").stat().st_size
    assert len(fonts["OEBPS/fonts/LinLibertine_R.woff2"]) < 0.3 * shipped


def test_notes_are_footnotes_with_back_links(volume_epub: Path) -> None:
    document = xml(members(volume_epub)["OEBPS/a000.xhtml"])
    ids = {element.get("id"): element for element in document.iter() if element.get("id")}
    calls = [a for a in document.iter(f"{XHTML}a") if a.get(EPUB_TYPE) == "noteref"]
    assert len(calls) >= 30
    for call in calls:
        note = ids[call.get("href")[1:]]
        assert note.tag == f"{XHTML}aside" and note.get(EPUB_TYPE) == "footnote"
        back = note.find(f".//{XHTML}a[@role='doc-backlink']")
        assert back.get("href") == f"#{call.get('id')}"


def test_every_language_is_stated_twice_alike(volume_epub: Path) -> None:
    for name, data in members(volume_epub).items():
        if name.endswith(".xhtml"):
            for element in xml(data).iter():
                if element.get("lang") is not None or element.get(XML_LANG) is not None:
                    assert element.get("lang") == element.get(XML_LANG), (name, element.tag)


def test_page_list_follows_the_printed_book(volume_epub: Path, pdf_text: str) -> None:
    files = members(volume_epub)
    nav = xml(files["OEBPS/nav.xhtml"])
    page_list = next(n for n in nav.iter(f"{XHTML}nav") if n.get(EPUB_TYPE) == "page-list")
    targets = [a.get("href") for a in page_list.iter(f"{XHTML}a")]
    numbers = [int(a.text) for a in page_list.iter(f"{XHTML}a")]
    assert numbers == sorted(numbers) and len(numbers) >= 100
    pages = pdf_text.split("\f")
    for href in targets:
        name, _, ident = href.partition("#")
        document = xml(files[f"OEBPS/{name}"])
        marker = document.find(f".//*[@id='{ident}']")
        assert marker.get(EPUB_TYPE) == "pagebreak" and marker.get("role") == "doc-pagebreak"
    # The words right after a marker are on the printed page it names: a page of the PDF that holds
    # them carries that folio.
    document = xml(files["OEBPS/a001.xhtml"])
    for marker in [m for m in document.iter() if m.get(EPUB_TYPE) == "pagebreak"][:6]:
        words = re.findall(r"\w{6,}", text_after(marker))[:3]
        folio = marker.get("aria-label")
        holding = [page for page in pages if all(word in page for word in words)]
        assert any(re.search(rf"(?m)^\s*{folio}\s*$", page) for page in holding), (folio, words)


def text_after(marker: etree._Element, enough: int = 300) -> str:
    """The text that follows ``marker`` in its document (some hundred characters of it)."""
    parts = [marker.tail or ""]
    node = marker
    while sum(map(len, parts)) < enough and node is not None:
        following = node.getnext()
        while following is None and node.getparent() is not None:
            node = node.getparent()
            following = node.getnext()
        if following is None:
            break
        parts.append("".join(following.itertext()) + (following.tail or ""))
        node = following
    return " ".join("".join(parts).split())


def test_bibliography_and_registers_are_linked(volume_epub: Path) -> None:
    files = members(volume_epub)
    bibliography = xml(files["OEBPS/bibliography.xhtml"])
    entries = {li.get("id") for li in bibliography.iter(f"{XHTML}li")
               if (li.get("id") or "").startswith("bib-")}
    assert len(entries) > 50
    article = xml(files["OEBPS/a000.xhtml"])
    citations = [a.get("href") for a in article.iter(f"{XHTML}a")
                 if "citation" in a.get("class", "").split()]
    assert citations and all(href == f"bibliography.xhtml#{href.split('#')[1]}" for href in citations)
    assert all(href.split("#")[1] in entries for href in citations)
    persons = xml(files["OEBPS/persons.xhtml"])
    assert persons.find(f".//{XHTML}section").get(EPUB_TYPE) == "index"
