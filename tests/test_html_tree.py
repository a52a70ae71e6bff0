"""The fast parse of the book's parts gives the tree WeasyPrint's HTML5 parser gives, or steps aside."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest
import tinyhtml5
from weasyprint import HTML

from edition.bibliography import CSL_STYLE, build_bibliography
from edition.book import Book, PageRefs
from edition.html_tree import ParsedHTML, document, parse_part
from edition.layout import ProjectFetcher, _base_url, book_stylesheets
from edition.pipeline import BOOK_CSS, FOLIO_CSS, Timings, load
from edition.render_html import Renderer


@pytest.fixture(scope="module")
def parts(project) -> dict[str, str]:
    """Every part of the bundled volume's book, as the typesetter receives it."""
    model = load(project, None, Timings(), None)
    model.bibliography = build_bibliography(project.bibliography, project.csl / CSL_STYLE)
    book = Book(model, Renderer(project.templates), list(BOOK_CSS), list(FOLIO_CSS))
    return {spec.name: book.render(spec, PageRefs()).html for spec in book.specs}


def differences(html5: ElementTree.Element, ours: ElementTree.Element, path: str = "") -> list[str]:
    found = []
    for what in ("tag", "attrib", "text", "tail"):
        theirs, mine = getattr(html5, what), getattr(ours, what)
        if what in ("text", "tail"):
            theirs, mine = theirs or "", mine or ""
        if theirs != mine:
            found.append(f"{path}/{html5.tag}: {what} {theirs!r} != {mine!r}")
    if len(html5) != len(ours):
        return [*found, f"{path}/{html5.tag}: {len(html5)} children != {len(ours)}"]
    for child, other in zip(html5, ours, strict=True):
        found += differences(child, other, f"{path}/{html5.tag}")
    return found


def test_every_part_parses_fast_to_the_html5_parsers_tree(parts: dict[str, str]) -> None:
    assert {"front", "a001", "a001-notes", "bibliography", "index-person"} <= set(parts)
    for name, html in parts.items():
        ours = parse_part(html)
        assert ours is not None, f"{name} fell back to the slow parser"
        html5 = tinyhtml5.parse(html, namespace_html_elements=False)
        assert differences(html5, ours) == [], name


def test_no_part_nests_a_link_in_a_link(parts: dict[str, str]) -> None:
    """A citation with an editorial note inside is two links around the note call, in print too."""
    grouped = [name for name, html in parts.items() if 'class="citation-group"' in html]
    assert grouped  # the bundled volume has such citations (a000, a002)
    for name in grouped:
        assert parse_part(parts[name]).find(".//a//a") is None, name


HEAD = '<!DOCTYPE html><html lang="tr"><head><meta charset="utf-8"><title>t</title></head>'


@pytest.mark.parametrize("body", [
    '<body><a href="#x">one <a href="#y">two</a> three</a></body>',  # a link inside a link
    "<body><p>text <div>block</div> more</p></body>",  # a block inside a paragraph
    "<body><table><tr><td>cell</td></tr></table></body>",  # a row outside a table section
    "<body><p>no&nbsp;break</p></body>",  # an HTML entity XML does not know
    '<body><p title="two\nlines">text</p></body>',  # XML would make the line break a space
    "<body><p>unclosed</body>",
])
def test_what_the_html5_parser_would_rebuild_goes_to_it(body: str) -> None:
    html = HEAD + body + "</html>"
    assert parse_part(html) is None
    assert not isinstance(document(html, "file:///", ProjectFetcher("/")), ParsedHTML)


def test_a_part_parsed_fast_lays_out_as_weasyprint_parses_it(project, parts: dict[str, str]) -> None:
    html = parts["a003"]
    fetcher = ProjectFetcher(project.root)
    stylesheets, fonts = book_stylesheets(project.root, BOOK_CSS)
    fast = document(html, _base_url(project.root), fetcher)
    assert isinstance(fast, ParsedHTML)
    slow = HTML(string=html, base_url=_base_url(project.root), url_fetcher=fetcher)
    laid_out = [d.render(stylesheets=stylesheets, font_config=fonts) for d in (fast, slow)]
    assert len(laid_out[0].pages) == len(laid_out[1].pages) > 1
    for ours, theirs in zip(laid_out[0].pages, laid_out[1].pages, strict=True):
        assert ours.anchors.keys() == theirs.anchors.keys()
        assert len(page_text(ours._page_box)) > 500  # a page of text, each word where it stands
        assert page_text(ours._page_box) == page_text(theirs._page_box)


def page_text(box) -> str:
    """Every text box's text on a page, in order, with where it stands."""
    own = f"{getattr(box, 'text', '')}@{round(box.position_x)},{round(box.position_y)};" \
        if hasattr(box, "text") else ""
    return own + "".join(page_text(child) for child in getattr(box, "children", ()))
