"""The fast parse of the book's parts gives the tree WeasyPrint's HTML5 parser gives, or steps aside."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from types import MappingProxyType

import pytest
import tinyhtml5
from weasyprint import HTML

from edition.pipeline import BOOK_CSS
from edition.print.html_tree import document, parse_part
from edition.print.layout import ProjectFetcher, _base_url, book_stylesheets, folio_sheet, with_rules
from edition.print.pagination import FOLIO_NONE
from edition.print.weasy import ParsedHTML, placed_text


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


def without_comments(element: ElementTree.Element) -> ElementTree.Element:
    """The tree WeasyPrint lays out: comments left out, the text after each kept in its place."""
    for child in list(element):
        if child.tag is ElementTree.Comment:
            index = list(element).index(child)
            if index:
                element[index - 1].tail = (element[index - 1].tail or "") + (child.tail or "")
            else:
                element.text = (element.text or "") + (child.tail or "")
            element.remove(child)
        else:
            without_comments(child)
    return element


def same_tree_both_ways(html: str) -> list[str]:
    ours = parse_part(html)
    assert ours is not None, "fell back to the slow parser"
    return differences(without_comments(tinyhtml5.parse(html, namespace_html_elements=False)), ours)


def test_every_part_parses_fast_to_the_html5_parsers_tree(book_parts: dict[str, str]) -> None:
    assert {"front", "a001", "a000-notes", "bibliography", "index-person"} <= set(book_parts)
    for name, html in book_parts.items():
        assert same_tree_both_ways(html) == [], name


class FolioPlan:
    folios = (("left", "2"), ("right", "3"), (FOLIO_NONE, ""), ("foot", "xii"))
    # (top, height, left, number) of each margin line number, per page
    line_numbers = MappingProxyType({1: ((13.5, 13.5, 0.0, 5), (81.0, 13.5, 0.0, 10))})
    # (top, height, right, number) of each of the source's page numbers, per page
    source_pages = MappingProxyType({1: ((13.5, 13.5, 400.0, "101"), (13.5, 13.5, 400.0, "<113r>"))})


def test_the_folio_sheet_and_a_part_with_added_rules_parse_fast_alike(book_parts: dict[str, str]) -> None:
    assert same_tree_both_ways(folio_sheet(FolioPlan)) == []
    rules = "#a000-p3, #a000-p9 { break-before: page; }"
    assert same_tree_both_ways(with_rules(book_parts["a000"], rules)) == []


class LinkDepth(HTMLParser):
    """The deepest nesting of links in a document, read tag by tag (no tree is built)."""

    def __init__(self) -> None:
        super().__init__()
        self.open = self.deepest = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "a":
            self.open += 1
            self.deepest = max(self.deepest, self.open)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self.open -= 1


def test_no_part_nests_a_link_in_a_link(book_parts: dict[str, str]) -> None:
    """A citation with an editorial note inside is two links around the note call, in print too."""
    grouped = [name for name, html in book_parts.items() if 'class="citation-group"' in html]
    assert grouped  # the bundled volume has such citations (a000, a002)
    depths = {}
    for name, html in book_parts.items():
        depths[name] = LinkDepth()
        depths[name].feed(html)
    assert {name: depth.deepest for name, depth in depths.items() if depth.deepest > 1} == {}
    assert depths["a000"].deepest == 1  # links were seen


HEAD = '<!DOCTYPE html><html lang="tr"><head><meta charset="utf-8"><title>t</title></head>'


@pytest.mark.parametrize("body", [
    '<body><a href="#x">one <a href="#y">two</a> three</a></body>',  # a link inside a link
    "<body><p>text <div>block</div> more</p></body>",  # a block inside a paragraph
    "<body><p>text <span><li>item</li></span></p></body>",  # a list item closes a paragraph too
    "<body><h2>title <h3>sub</h3></h2></body>",  # a heading directly in a heading
    "<body><ul><li>one <div><li>two</li></div></li></ul></body>",  # an item in an item
    "<body><dl><dd>one <span><dt>two</dt></span></dd></dl></body>",
    "<body><table><tr><td>cell</td></tr></table></body>",  # tables are the HTML5 parser's
    "<body><pre>\nline</pre></body>",  # HTML5 drops the newline after <pre>
    "<body><p>no&nbsp;break</p></body>",  # an HTML entity XML does not know
    "<body><p>&#x80; is a euro sign in HTML</p></body>",
    '<body><p title="two\nlines">text</p></body>',  # XML would make the line break a space
    "<body><p title='two\nlines'>text</p></body>",
    "<body><p>a <span/> b</p></body>",  # an open tag in HTML
    "<body><p>a <!-- one -- two --> b</p></body>",  # "--" in a comment: not XML
    "<body><p>a <!--> b</p></body>",  # an empty comment to HTML5, an open one to XML
    "<body><p>a <![CDATA[b]]> c</p></body>",
    "<body><P>upper</P></body>",
    '<body><p ID="x">upper</p></body>',
    '<body><p xml:lang="en">namespaced</p></body>',
    "<body><svg><circle r='1'/></svg></body>",
    "<body><p>unclosed</body>",
])
def test_what_the_html5_parser_would_rebuild_goes_to_it(body: str) -> None:
    html = HEAD + body + "</html>"
    assert parse_part(html) is None
    assert not isinstance(document(html, "file:///", ProjectFetcher("/")), ParsedHTML)


def test_a_style_with_a_character_reference_goes_to_the_html5_parser() -> None:
    style = '<style>p::after { content: "&amp;" }</style></head>'
    html = HEAD.replace("</head>", style) + "<body></body></html>"
    assert parse_part(html) is None


@pytest.mark.parametrize("body", [
    "<body><ul><li>one<ul><li>two</li></ul></li></ul></body>",  # a list in an item: no item closed
    "<body><p>a <em>b <a href='#c'>c</a></em> <br> d</p></body>\n\n",  # whitespace after the end
    "<body><p>a <!-- note --> b<!--entry:x--><span>c</span><!--/entry:x--></p></body>",  # comments
])
def test_plain_documents_parse_fast_to_the_html5_parsers_tree(body: str) -> None:
    assert same_tree_both_ways(HEAD + body + "</html>") == []


def test_parsed_html_is_what_weasyprint_makes_of_the_same_source(book_parts: dict[str, str]) -> None:
    """ParsedHTML sets what WeasyPrint's HTML sets: a new WeasyPrint version that sets more fails here."""
    html, fetcher = book_parts["a002-notes"], ProjectFetcher("/")
    fast, slow = document(html, "file:///x/", fetcher), HTML(string=html, base_url="file:///x/",
                                                            url_fetcher=fetcher)
    assert isinstance(fast, ParsedHTML)
    assert vars(fast).keys() == vars(slow).keys()
    assert (fast.base_url, fast.media_type, fast.url_fetcher) == (slow.base_url, slow.media_type, fetcher)
    assert differences(slow.etree_element, fast.etree_element) == []


def test_a_part_parsed_fast_lays_out_as_weasyprint_parses_it(project, book_parts: dict[str, str]) -> None:
    html = book_parts["a003"]
    fetcher = ProjectFetcher(project.root)
    stylesheets, fonts = book_stylesheets(project.root, BOOK_CSS)
    fast = document(html, _base_url(project.root), fetcher)
    assert isinstance(fast, ParsedHTML)
    slow = HTML(string=html, base_url=_base_url(project.root), url_fetcher=fetcher)
    laid_out = [d.render(stylesheets=stylesheets, font_config=fonts) for d in (fast, slow)]
    assert len(laid_out[0].pages) == len(laid_out[1].pages) > 1
    for ours, theirs in zip(laid_out[0].pages, laid_out[1].pages, strict=True):
        assert ours.anchors.keys() == theirs.anchors.keys()
        words = "".join(text for text, _, _ in placed_text(ours))
        # A page of text, each word where it stands (the last may hold the article's last lines alone).
        assert len(words) > 300 or ours is laid_out[0].pages[-1]
        assert placed_text(ours) == placed_text(theirs)

