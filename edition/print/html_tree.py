"""The tree WeasyPrint lays a part out from, parsed fast.

WeasyPrint parses HTML with tinyhtml5, an HTML5 parser in pure Python: for the book's parts that is
some 0.5 s of processor time a build. The parts come from our templates with every text escaped, so
they are XML but for their void elements (``<meta>``, ``<link>``); expat, in C, parses them about twenty
times faster. The tree must be the one the HTML5 parser would build, or the layout would differ, so the
fast path is taken only for plain documents, where the two parsers agree:

* only elements of an allow-list (text, sections, lists, links, headings: no tables, forms, raw
  text elements but ``<style>``, SVG or MathML), in lower case, void elements only self-closed;
* no comment, CDATA section, processing instruction or ``<base>``, no character reference HTML5
  reads otherwise than XML (NUL, C1 controls, surrogates), no ``&`` in a ``<style>``, no line break
  or tab in an attribute value (XML turns them into spaces, HTML keeps them);
* well-formed once its void elements are closed;
* nothing an HTML5 parser rebuilds: a link inside a link, a block (or a list item) inside a
  paragraph, a heading directly in a heading, a list item inside a list item (or a ``dd``/``dt``
  inside a ``dd``/``dt``) with no list between them.

Anything else goes to WeasyPrint's own parser. Whitespace the HTML5 parser moves or drops around
``<head>`` and ``<body>`` is moved and dropped the same way. The test suite checks that both parsers
give the same tree for every part of the bundled volume, its folio sheet and a part with added rules.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator

from weasyprint import HTML

from edition.print.weasy import ParsedHTML

VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                  "wbr"})
ALLOWED = VOID - {"area", "col", "embed", "input", "source", "track"} | {
    "html", "head", "title", "style", "body", "div", "span", "p", "a", "em", "strong", "i", "b", "u", "s",
    "small", "sup", "sub", "abbr", "cite", "q", "dfn", "code", "kbd", "samp", "var", "mark", "time",
    "data", "bdi", "bdo", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "section", "article", "header",
    "footer", "nav", "aside", "main", "figure", "figcaption", "address", "h1", "h2", "h3", "h4", "h5",
    "h6", "hgroup"}
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Start tags that close an open paragraph (HTML5 "close a p element"), among the allowed elements.
CLOSES_P = frozenset({"address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption",
                      "figure", "footer", "header", "hgroup", "hr", "li", "main", "nav", "ol", "p",
                      "section", "ul"}) | HEADINGS
# Where a new li (dd, dt) stops looking for an open one to close: the "special" elements but these.
STOPS_ITEM_SEARCH = frozenset({"ul", "ol", "dl", "blockquote", "section", "article", "aside", "nav",
                               "header", "footer", "main", "figure", "figcaption", "hgroup", "h1", "h2",
                               "h3", "h4", "h5", "h6", "hr", "br", "img", "wbr", "li", "dd", "dt"})

ITEM_KINDS = {"li": ("li",), "dd": ("dd", "dt"), "dt": ("dd", "dt")}
_TAG = re.compile(r"<(/?)([^\s/>]+)([^>]*)>")
_DOCTYPE = re.compile(r"^<!DOCTYPE html>", re.IGNORECASE)
_UNSAFE = re.compile(r"<!--|<!\[|<\?|=\"[^\"]*[\t\n\r][^\"]*\"|='[^']*[\t\n\r][^']*'")
_CHARACTER_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.DOTALL)
# A comment XML reads as HTML5 does (the apparatus's entry markers, ``layout.fill_lines``): the layout
# ignores it, so the tree may leave it out.
_PLAIN_COMMENT = re.compile(r"<!--(?!-?>)(?:(?!--).)*?-->", re.DOTALL)


def parse_part(html: str) -> ElementTree.Element | None:
    """The HTML5 parser's tree of ``html`` (but for its comments), or None where only the HTML5 parser
    can tell it."""
    html = html.lstrip()  # HTML5 drops whitespace before the doctype and <html>
    markup = _closed_voids(_DOCTYPE.sub("", _PLAIN_COMMENT.sub("", html), count=1))
    if markup is None or _UNSAFE.search(_PLAIN_COMMENT.sub("", html)) or not _plain_references(html) or any(
            "&" in style for style in _STYLE.findall(html)):
        return None
    try:
        root = ElementTree.fromstring(markup)
    except ElementTree.ParseError:
        return None
    if root.tag != "html" or _rebuilt(root):
        return None
    return _as_html5(root, html[len(html.rstrip()):])


def _closed_voids(html: str) -> str | None:
    """``html`` with its void elements self-closed; None if a tag is not allowed or not plain."""
    unsafe = False

    def close(match: re.Match) -> str:
        nonlocal unsafe
        slash, name, rest = match.groups()
        if name not in ALLOWED:
            unsafe = True
        elif rest.endswith("/") and name not in VOID:
            unsafe = True  # <span/> is an open tag in HTML
        elif name in VOID and not slash:
            return f"<{name}{rest.removesuffix('/')}/>"
        return match.group(0)

    closed = _TAG.sub(close, html)
    return None if unsafe else closed


def _plain_references(html: str) -> bool:
    """True when every numeric character reference means in HTML5 what it means in XML."""
    for hexadecimal, decimal in _CHARACTER_REFERENCE.findall(html):
        code = int(hexadecimal, 16) if hexadecimal else int(decimal)
        if code == 0 or 0x80 <= code <= 0x9F or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
            return False
    return True


def _rebuilt(root: ElementTree.Element) -> bool:
    """True when an HTML5 parser would build another tree: close or move elements the markup nests,
    or name attributes otherwise (it lowercases names; XML reads ``xml:lang`` as a namespace)."""
    for element in root.iter():
        tag = element.tag
        if any(name.startswith("{") or name != name.lower() for name in element.attrib):
            return True
        if tag == "a" and element.find(".//a") is not None:
            return True
        if tag == "p" and any(inner.tag in CLOSES_P for inner in element.iter() if inner is not element):
            return True
        if tag in HEADINGS and any(child.tag in HEADINGS for child in element):
            return True
        if tag in ("li", "dd", "dt") and next(_items_within(element, ITEM_KINDS[tag]), None) is not None:
            return True
    return False


def _items_within(element: ElementTree.Element, kinds: tuple[str, ...]) -> Iterator[ElementTree.Element]:
    """List items inside ``element`` that an HTML5 parser takes as closing the item ``element`` is
    or is in: those not behind a list or another element that stops its search."""
    for child in element:
        if child.tag in kinds:
            yield child
        elif child.tag not in STOPS_ITEM_SEARCH:
            yield from _items_within(child, kinds)


def _as_html5(root: ElementTree.Element, trailing: str) -> ElementTree.Element | None:
    """Whitespace where the HTML5 parser puts it: none before ``<head>``; what follows ``</body>``
    (and ``</html>``) goes at the end of the body."""
    children = list(root)
    if [child.tag for child in children] != ["head", "body"] or (root.text or "").strip():
        return None
    root.text = None
    body = children[1]
    after = (body.tail or "") + trailing
    body.tail = None
    if after:
        if len(body):
            body[-1].tail = (body[-1].tail or "") + after
        else:
            body.text = (body.text or "") + after
    return root


def document(html: str, base_url: str, url_fetcher) -> HTML:
    """A WeasyPrint document of ``html``, parsed fast where the HTML5 parser's tree is certain."""
    root = parse_part(html)
    if root is None:
        return HTML(string=html, base_url=base_url, url_fetcher=url_fetcher)
    return ParsedHTML(root, base_url, url_fetcher)
