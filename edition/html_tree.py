"""The tree WeasyPrint lays a part out from, parsed fast.

WeasyPrint parses HTML with tinyhtml5, an HTML5 parser in pure Python: for the book's parts that is
some 0.5 s of processor time a build. The parts come from our own templates, with every text
escaped, so they are XML but for their void elements (``<meta>``, ``<link>``); expat, in C, parses them
about twenty times faster. The tree must be the one the HTML5 parser would build, or the layout would
differ, so the fast path is taken only where the two cannot differ:

* the document is well-formed once its void elements are closed;
* nothing in it makes an HTML5 parser rebuild the tree (a link inside a link, a block inside a
  paragraph, a table row outside a table section, a list item directly in a list item);
* no attribute value holds a line break or tab (XML turns them into spaces, HTML keeps them);
* there is no ``<base>`` (WeasyPrint would take the document's address from it).

Anything else goes to WeasyPrint's own parser. Whitespace the HTML5 parser moves or drops around
``<head>`` and ``<body>`` is moved and dropped the same way. The test suite checks that both parsers
give the same tree for every part of the bundled volume.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

import cssselect2
from weasyprint import HTML

_VOID = re.compile(r"<(area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr)\b([^>]*?)/?>")
_DOCTYPE = re.compile(r"^\s*<!DOCTYPE html>", re.IGNORECASE)
_SPACE_IN_ATTRIBUTE = re.compile(r'="[^"]*[\t\n\r][^"]*"')
# Element paths whose presence makes an HTML5 parser build another tree than the markup says (and
# <base>, which WeasyPrint reads while it parses).
_BLOCKS_CLOSING_P = ("address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset",
                     "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
                     "header", "hr", "main", "menu", "nav", "ol", "p", "pre", "section", "table", "ul")
_REBUILT = (".//base", ".//a//a", ".//table/tr", ".//li/li",
            *(f".//p//{block}" for block in _BLOCKS_CLOSING_P))


def parse_part(html: str) -> ElementTree.Element | None:
    """The HTML5 parser's tree of ``html``, or None where only the HTML5 parser can tell it."""
    if _SPACE_IN_ATTRIBUTE.search(html):
        return None
    try:
        root = ElementTree.fromstring(_VOID.sub(r"<\1\2/>", _DOCTYPE.sub("", html, count=1)))
    except ElementTree.ParseError:
        return None
    if root.tag != "html" or any(root.find(path) is not None for path in _REBUILT):
        return None
    return _as_html5(root)


def _as_html5(root: ElementTree.Element) -> ElementTree.Element | None:
    """Whitespace where the HTML5 parser puts it: none before ``<head>``; what follows ``</body>``
    goes at the end of the body."""
    children = list(root)
    if [child.tag for child in children] != ["head", "body"] or (root.text or "").strip():
        return None
    root.text = None
    body = children[1]
    if body.tail:
        if len(body):
            body[-1].tail = (body[-1].tail or "") + body.tail
        else:
            body.text = (body.text or "") + body.tail
        body.tail = None
    return root


class ParsedHTML(HTML):
    """A WeasyPrint document from a tree already parsed (``HTML`` parses its source itself)."""

    def __init__(self, root: ElementTree.Element, base_url: str, url_fetcher, media_type: str = "print"):
        self.base_url = base_url
        self.url_fetcher = url_fetcher
        self.media_type = media_type
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
        self.etree_element = self.wrapper_element.etree_element


def document(html: str, base_url: str, url_fetcher) -> HTML:
    """A WeasyPrint document of ``html``, parsed fast where the HTML5 parser's tree is certain."""
    root = parse_part(html)
    if root is None:
        return HTML(string=html, base_url=base_url, url_fetcher=url_fetcher)
    return ParsedHTML(root, base_url, url_fetcher)
