"""A long document on its own (issue 17, item 5) is cut into parts at its top-level divisions and laid
out on every core; the split book prints exactly the pages of one WeasyPrint render of the whole.

Real documents: DraCor's Macbeth (five acts, cut by the default thresholds) and TEI Publisher's letter
edition let695 (three letters with 28 footnotes, cut here by lowering the thresholds)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from edition.buildcache import Manifest
from edition.pipeline import BOOK_CSS, FOLIO_CSS, BuildOptions, Timings, build, load
from edition.print import book as book_module
from edition.print.audit import audit_footnotes
from edition.print.book import Book, render_divisions
from edition.print.layout import NOTE_IDS, layout
from edition.project import find_project
from edition.render.html import Renderer, render_article

from .conftest import ROOT

EDITION = Path(sys.executable).parent / "edition"
MACBETH = ROOT / "tests" / "data" / "tei" / "dracor" / "macbeth.xml"
LETTERS = ROOT / "tests" / "data" / "tei" / "tei-publisher" / "let695.xml"
ACTS = [f"ACT {number}" for number in range(1, 6)]
# The page's text block in PDF points (page.css: 160×240 mm, 20 mm above, 24 mm below): what lies
# outside it is the running head and the folio.
TOP, BOTTOM, WIDTH, HEIGHT = 57, 612, 454, 681
# The text column on either page (19 mm to 141 mm: page.css's margins), without the margins' marks:
# the source's page numbers, which the build's folio sheet prints and one render does not.
LEFT, COLUMN = 54, 346


def book_of(source: Path) -> Book:
    project = find_project(source)
    model = load(project, source, Timings(), None)
    return Book(model, Renderer(project.template_folders), list(BOOK_CSS), list(FOLIO_CSS))


def one_render(source: Path, out: Path) -> tuple[Path, set[str]]:
    """The whole book as one document, laid out by one WeasyPrint render, with the page numbers the
    build settled (as benchmarks/build.py's single-render baseline); and the notes the footnote audit
    finds away from their calls in it."""
    book = book_of(source)
    refs = Manifest(out / ".cache" / "manifest-edition.json").refs()
    html = book.whole(refs, list(BOOK_CSS))
    document = layout(html, find_project(source))
    pdf = out / "whole.pdf"
    pdf.write_bytes(document.write_pdf())
    return pdf, {problem.note for problem in audit_footnotes(document, NOTE_IDS.findall(html))}


def page_texts(pdf: Path, top: float = TOP, height: float = BOTTOM - TOP, left: float = LEFT,
               width: float = COLUMN) -> list[list[str]]:
    """Each page's words within a band (by default the text block: no heads, no folios, no margins)."""
    text = subprocess.run(["pdftotext", "-x", str(left), "-y", str(top), "-W", str(width), "-H", str(height),
                           str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return [page.split() for page in text.split("\f")[:-1]]


def margins(pdf: Path) -> list[list[str]]:
    """Each page's words above and below the text block: running head and folio."""
    heads, feet = page_texts(pdf, 0, TOP, 0, WIDTH), page_texts(pdf, BOTTOM, HEIGHT - BOTTOM, 0, WIDTH)
    return [head + foot for head, foot in zip(heads, feet, strict=True)]


@pytest.fixture(scope="module")
def macbeth(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """Macbeth built on its own (PDF only) by the real CLI, and one render of the same book."""
    folder = tmp_path_factory.mktemp("macbeth")
    source = Path(shutil.copy(MACBETH, folder))
    result = subprocess.run([str(EDITION), "build", source.name, "--out", "out", "--pdf", "-v", "--clean"],
                            cwd=folder, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return folder / "out" / "edition.pdf", one_render(source, folder / "out")[0], result.stderr


def test_the_play_is_cut_into_one_part_per_act(macbeth) -> None:
    specs = book_of(MACBETH).specs
    texts = [(spec.name, spec.divisions) for spec in specs if spec.text is not None]
    assert texts == [("shake000031", (0, 1)), *((f"shake000031-part-{n}", (n - 1, n)) for n in range(2, 6))]
    laid_out = re.search(r"parts laid out: (.*)", macbeth[2]).group(1).split(", ")
    assert {name for name, _ in texts} <= set(laid_out)


def test_the_split_book_prints_the_pages_of_one_render(macbeth) -> None:
    split, whole, _ = macbeth
    split_pages, whole_pages = page_texts(split), page_texts(whole)
    assert len(split_pages) == len(whole_pages) > 40
    for number, (ours, theirs) in enumerate(zip(split_pages, whole_pages, strict=True), start=1):
        assert ours == theirs, f"page {number}"


def test_page_numbers_continue_across_the_parts(macbeth) -> None:
    split = macbeth[0]
    labels = PdfReader(split).page_labels
    first = labels.index("1")
    assert labels[first:] == [str(n) for n in range(1, len(labels) - first + 1)]
    for index, (words, margin) in enumerate(zip(page_texts(split), margins(split), strict=True)):
        if index >= first and words:  # blank pages carry no folio
            assert str(index - first + 1) in margin, f"page {index - first + 1}: {margin}"


def test_each_act_has_its_bookmark_its_running_head_and_opens_a_recto(macbeth) -> None:
    split = macbeth[0]
    reader = PdfReader(split)
    title, acts = reader.outline[0], reader.outline[1]
    assert title.title == "Macbeth"
    assert [entry.title for entry in acts if not isinstance(entry, list)] == ACTS
    opening = [reader.get_destination_page_number(entry) for entry in acts if not isinstance(entry, list)]
    first = reader.page_labels.index("1")
    assert all((page - first) % 2 == 0 for page in opening)  # rectos: odd page numbers
    heads = margins(split)
    for number, (start, stop) in enumerate(zip(opening, [*opening[1:], len(heads)], strict=True), start=1):
        assert any(" ".join(heads[page][:2]) == f"ACT {number}" for page in range(start, stop))


def test_the_divisions_joined_are_the_body_as_rendered_whole() -> None:
    for source in (MACBETH, LETTERS):
        book = book_of(source)
        article = book.volume.articles[0]
        rendered, divisions = render_divisions(article, book.renderer, book.volume)
        whole = render_article(article, book.renderer, "print", book.volume)
        assert "".join(division.html for division in divisions) == rendered.body == whole.body
        assert (rendered.front, rendered.back, rendered.notes) == (whole.front, whole.back, whole.notes)


def test_a_short_document_stays_one_part() -> None:
    specs = book_of(LETTERS).specs  # three letters, some 9 pages: below the threshold
    assert [spec.name for spec in specs] == ["front", "let695"]
    assert specs[1].divisions is None


def test_notes_keep_their_numbers_and_pages_across_parts(tmp_path: Path, monkeypatch) -> None:
    """The letters cut into three parts (thresholds lowered): the calls number as the document does,
    the pages are those of one render, and the footnote audit finds the same notes away from their
    calls as in one render (six that WeasyPrint cannot keep with their calls, split or not)."""
    monkeypatch.setattr(book_module, "SPLIT_MIN_CHARS", 0)
    monkeypatch.setattr(book_module, "PART_MIN_CHARS", 0)
    source = Path(shutil.copy(LETTERS, tmp_path))
    out = tmp_path / "out"
    result = build(find_project(source), BuildOptions(html=False, out=out, incremental=False), source)
    book = book_of(source)
    assert [spec.name for spec in book.specs] == ["front", "let695", "let695-part-2", "let695-part-3"]
    refs = Manifest(out / ".cache" / "manifest-edition.json").refs()
    calls = re.compile(r'class="footnote"[^>]*data-n="([^"]*)"|data-n="([^"]*)"[^>]*class="footnote"')
    in_parts = [m.group(0) for spec in book.specs for m in calls.finditer(book.render(spec, refs))]
    assert len(in_parts) > 10
    assert in_parts == [m.group(0) for m in calls.finditer(book.whole(refs, []))]
    whole, displaced = one_render(source, out)
    assert page_texts(out / "edition.pdf") == page_texts(whole)
    assert {problem.note for problem in result.note_problems} == displaced
    assert len(displaced) < len(in_parts)
