"""Issue 24, "do less": the printed book carries only the links a reader of paper or PDF uses, one
link per linked box, and each font face once.

Links: note calls and the notes' way back, cross-references, citations, contents, the indexes' and the
bibliography's page numbers (and a web address printed in full). A name in the text is no link in
print: its index entry's page numbers lead to it. Fonts: the parts' subsets of a face are merged at
assembly (``edition/print/fonts.py``); the merged book reads and prints exactly as the parts joined
as they were.
"""

from __future__ import annotations

import io
import re
import subprocess
import warnings
from itertools import pairwise
from pathlib import Path

import pikepdf
import pytest
from pikepdf import NameTree, NumberTree
from weasyprint import HTML

import edition.print.weasy  # noqa: F401  (mends WeasyPrint's link gathering)
from edition.print.book import Book, PageRefs, own_ids
from edition.print.fonts import parse_to_unicode, parse_widths, share_fonts, to_unicode_cmap
from edition.print.layout import PDF_VARIANT

# The classes of the print HTML's links that serve a reader of the book (book/parts.html.j2 and
# tei/*.html.j2): the notes both ways, cross-references, citations, contents and page numbers.
PURPOSES = frozenset({"note-call", "note-back", "xref", "citation", "page-ref", "page-link", "app-page"})
PRINTED_ADDRESS = ("https://", "http://", "mailto:")
TAG_A = re.compile(r"<a\s[^>]*>")


def links(pdf: pikepdf.Pdf) -> list[tuple[int, str, list[float]]]:
    """(page, destination or address, rectangle) of every link annotation."""
    found = []
    for number, page in enumerate(pdf.pages):
        for annotation in page.obj.get("/Annots", pikepdf.Array()):
            if annotation.get("/Subtype") != pikepdf.Name.Link:
                continue
            action = annotation.get("/A")
            target = annotation.get("/Dest") or action.get("/URI", action.get("/D"))
            found.append((number, str(target), [float(value) for value in annotation.Rect]))
    return found


def overlap(one: list[float], other: list[float]) -> bool:
    return min(one[2], other[2]) > max(one[0], other[0]) and min(one[3], other[3]) > max(one[1], other[1])


# ---- WeasyPrint's link gathering (weasy.py) on small documents ----

STYLE = ("@page { size: 100mm 120mm; margin: 10mm } a.entry { display: block } "
         "a.entry::after { content: ' 12' }")


def test_a_linked_block_and_what_it_holds_make_one_link_a_split_link_one_per_line() -> None:
    body = ('<a class="entry" href="#x"><span>A contents entry long enough to run onto a second line '
            '<em>of</em> the page</span></a><p>A call<a href="#x"><sup>1</sup></a> and '
            '<a href="#y">a link that runs on across the end of its line and on to the next</a>.</p>'
            '<p id="x">x</p><p id="y">y</p>')
    html = f'<html lang="en"><head><style>{STYLE}</style></head><body>{body}</body></html>'
    document = HTML(string=html).render()
    found = [(target, area) for _, target, area, _ in document.pages[0].links]
    assert [target for target, _ in found if target == "x"] == ["x", "x"]  # the entry, the call
    lines = [area for target, area in found if target == "y"]
    assert len(lines) >= 2 and not any(overlap(a, b) for a, b in pairwise(lines))
    call = found[1][1]
    assert call[1] < lines[0][1]  # the superscript's area joined the call's: above the line's text
    pdf = pikepdf.open(io.BytesIO(document.write_pdf(pdf_variant=PDF_VARIANT)))
    annotations = list(pdf.pages[0].obj.Annots)
    assert len(annotations) == len(found)
    # PDF/UA: each annotation is a Link element's object reference.
    parents = dict(NumberTree(pdf.Root.StructTreeRoot.ParentTree).items())
    for annotation in annotations:
        element = parents[int(annotation.StructParent)]
        assert pikepdf.Name.Link == element.S
        assert any(kid.get("/Obj") == annotation for kid in element.K if isinstance(kid, pikepdf.Dictionary))


# ---- the font merge's parts, on small inputs ----

def test_widths_in_both_forms_and_text_maps_in_both_forms_are_read() -> None:
    widths = pikepdf.Array([3, pikepdf.Array([250, 500]), 10, 12, 333])
    assert parse_widths(widths) == {3: 250, 4: 500, 10: 333, 11: 333, 12: 333}
    cmap = (b"2 beginbfchar\n<0003> <0020>\n<0041> <011f>\nendbfchar\n"
            b"1 beginbfrange\n<0050> <0052> <0130>\nendbfrange\n<00a0> <00660069>")
    assert parse_to_unicode(cmap) == {3: " ", 0x41: "ğ", 0x50: "İ", 0x51: "ı", 0x52: "Ĳ"}
    text = {3: " ", 0x41: "ğ", 0x42: "fi", 0x43: "ş"}
    assert parse_to_unicode(to_unicode_cmap(text)) == text


# ---- the bundled volume's book ----

@pytest.fixture(scope="module")
def book_pdf(built: Path) -> pikepdf.Pdf:
    return pikepdf.open(built / "edition.pdf")


@pytest.fixture(scope="module")
def purposeful(book: Book) -> set[str]:
    """The ids the print HTML links to from a link that serves a reader, every page number known (the
    index and the bibliography link their page numbers only then): each id on a page of its own, two
    apart (so that no run of pages hides one), for the index to link every mention."""
    parts = {spec.name: book.render(spec, PageRefs()) for spec in book.specs}
    ids = sorted(set().union(*(own_ids(html) for html in parts.values())))
    pages = {ident: 2 * number for number, ident in enumerate(ids, start=1)}
    placed = PageRefs({ident: str(page) for ident, page in pages.items()}, pages)
    targets = set()
    for spec in book.specs:
        for tag in TAG_A.findall(book.render(spec, placed)):
            href = re.search(r'\bhref="(?:#|x-edition:)([^"]+)"', tag)
            classes = re.search(r'\bclass="([^"]*)"', tag)
            if href and classes and PURPOSES.intersection(classes.group(1).split()):
                targets.add(href.group(1))
    return targets


def test_every_link_of_the_book_serves_a_reader_and_resolves(book_pdf: pikepdf.Pdf, purposeful: set[str],
                                                             book: Book) -> None:
    destinations = {str(name) for name, _ in NameTree(book_pdf.Root.Names.Dests).items()}
    found = links(book_pdf)
    assert found
    printed = [target for _, target, _ in found if target.startswith(PRINTED_ADDRESS)]
    internal = [target for _, target, _ in found if not target.startswith(PRINTED_ADDRESS)]
    assert not set(internal) - destinations, "links to no destination of the book"
    assert not set(internal) - purposeful, "links a reader of the book does not use"
    assert not set(book.volume.registers) & set(internal), "a name links to its register entry"
    assert len(printed) <= 5, printed  # the bibliography's web addresses, printed in full
    # Every kind of link a reader uses is still there.
    assert any(t.startswith("bib-") for t in internal)  # citations
    assert any(t.startswith("m-") for t in internal)  # index page numbers
    assert any(t.startswith("register-") for t in internal)  # contents
    assert len(found) < 3000, len(found)  # 6,980 before: names and each box inside a link were links


def test_no_two_links_to_one_place_overlap(book_pdf: pikepdf.Pdf) -> None:
    """One link per contents entry, per note call, per page number: no link annotation lies over
    another that goes to the same place."""
    by_page: dict[tuple[int, str], list[list[float]]] = {}
    for page, target, rect in links(book_pdf):
        by_page.setdefault((page, target), []).append(rect)
    doubled = [(page, target) for (page, target), rects in by_page.items()
               if any(overlap(a, b) for i, a in enumerate(rects) for b in rects[i + 1:])]
    assert not doubled, doubled[:10]


def test_a_contents_entry_is_one_link(book_pdf: pikepdf.Pdf) -> None:
    contents = next(number for number, page in enumerate(book_pdf.pages)
                    if any(str(a.get("/Dest", "")) == "register-person" for a in page.obj.get("/Annots", [])))
    entries = [target for page, target, _ in links(book_pdf) if page in (contents - 1, contents)]
    assert entries.count("bibliography") == 1
    assert entries.count("register-person") == 1


def fonts_listed(pdf: Path) -> list[list[str]]:
    listing = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    return [row.split() for row in listing.splitlines()[2:]]


def test_each_face_is_embedded_once(built: Path) -> None:
    rows = fonts_listed(built / "edition.pdf")
    names = [row[0] for row in rows]
    assert len(names) == len(set(names)), names
    assert all(row[-5:-2] == ["yes", "yes", "yes"] for row in rows), rows  # embedded, subset, mapped


def test_merging_the_parts_fonts_loses_no_glyph_or_character(built: Path, tmp_path: Path) -> None:
    """The parts' PDFs (the layout cache) joined as they are, and joined with their fonts merged: the
    same text (pdftotext, Turkish letters and all) and the same page images."""
    joined = pikepdf.new()
    sources = []
    for part in sorted((built / ".cache" / "layout").glob("*.pdf")):
        source = pikepdf.open(part)
        sources.append(source)
        with warnings.catch_warnings():  # the pages' text and fonts are compared, not their links
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            joined.pages.extend(source.pages)
    joined.save(tmp_path / "joined.pdf")
    merged = pikepdf.open(tmp_path / "joined.pdf")
    assert share_fonts(merged) > 0
    merged.save(tmp_path / "merged.pdf")
    before, after = (fonts_listed(tmp_path / name) for name in ("joined.pdf", "merged.pdf"))
    assert len(after) == len({row[0] for row in before}) < len(before)
    texts = [subprocess.run(["pdftotext", "-enc", "UTF-8", str(tmp_path / name), "-"], check=True,
                            capture_output=True, text=True).stdout for name in ("joined.pdf", "merged.pdf")]
    assert texts[0] == texts[1]
    assert all(letter in texts[1] for letter in "ğşıİçöüÇŞÖÜ")
    for name in ("joined", "merged"):
        subprocess.run(["pdftoppm", "-r", "30", "-gray", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)],
                       check=True)
    images = sorted(tmp_path.glob("joined-*.pgm"))
    assert images
    for image in images:
        twin = tmp_path / image.name.replace("joined", "merged")
        assert image.read_bytes() == twin.read_bytes(), image.name
