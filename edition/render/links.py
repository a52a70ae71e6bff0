"""Which URLs become links in the reading site and the PDF, and which ids may name a page.

Editors publish volumes built from files they did not all write. A link is where such a file could
make a reader's browser run a script (``javascript:``, ``data:``, ``vbscript:`` …) or reach outside
the site, so every link the build makes from its input passes ``safe_href``: http, https and mailto
URLs, DOIs (``doi:``, linked through the resolver), fragments of the same page and the site's own
files become links; anything else is printed as text, and ``edition validate`` warns (rule
``link-scheme``). Site pages are named after article ids, so an article id must match ``PAGE_ID``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterator, Mapping
from urllib.parse import quote

from lxml import html as lxml_html
from markupsafe import Markup

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
DOI_RESOLVER = "https://doi.org/"
DOI = re.compile(r"10\.[0-9.]+/\S+")
# A page's file name is the id and ".html": no path separator, no "..", no scheme (no ":").
# A digit may start a page name ("5.157", an EpiDoc file): no URL scheme starts with one, and ':' and
# '/' are never allowed, so such a name cannot be read as anything but a file of the site.
PAGE_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*")
PAGE_ID_LENGTH = 128  # the file name stays far below the 255 bytes file systems allow
PAGE_ID_RULE = ("a letter, digit or '_', then letters, digits, '_', '-' and single dots, at most "
                f"{PAGE_ID_LENGTH} characters")

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_IGNORED = re.compile(r"[\t\n\r]")  # a browser drops these anywhere in a URL: java<TAB>script:
_TRIMMED = "".join(map(chr, range(0x21)))  # control characters and space: trimmed at both ends
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_HOST_FIRST = ("//", "\\\\", "/\\", "\\/")  # a browser reads these as "another host"
# Fields of a .bib entry whose value pandoc's citeproc prints as a link, and LaTeX's link commands.
_BIB_URL_FIELDS = ("url",)
_BIB_DOI_FIELDS = ("doi",)
_LATEX_LINK = re.compile(r"\\(?:url|href)\s*\{([^{}]*)\}")
# What formatted HTML (pandoc's) may not keep even where its links are safe.
_DROPPED_ELEMENTS = frozenset({"script", "style", "iframe", "frame", "object", "embed", "applet", "form",
                               "base", "meta", "link", "svg", "math"})
_URL_ATTRIBUTES = frozenset({"href", "src", "srcset", "action", "formaction", "poster", "data",
                             "background", "cite", "xlink:href"})


def normalised(url: str) -> str:
    """The URL as a browser reads it: tabs and newlines dropped, spaces and controls trimmed."""
    return _IGNORED.sub("", url).strip(_TRIMMED)


def scheme_of(url: str) -> str | None:
    """The URL's scheme in lower case, as a browser finds it (``" JaVa\\tScript:"`` → javascript)."""
    match = _SCHEME.match(normalised(url))
    return match.group(1).lower() if match else None


def safe_href(url: str | None, local: Collection[str] = frozenset()) -> str | None:
    """``url`` as the href to write, or None where it must be printed as text.

    Links: http, https and mailto URLs; ``doi:10.…`` (to the DOI resolver); ``#fragment`` (the same
    page); a relative URL whose path is one of ``local``, the files the build writes (the site's
    pages), with or without a fragment. Not links: every other scheme however it is written (mixed
    case, spaces or control characters before it, tabs or newlines inside it), another host
    (``//host``), any other relative path (``../``, a file the build did not write).
    """
    if not url:
        return None
    text = normalised(url)
    if not text or _CONTROL.search(text):
        return None
    if text.startswith("#"):
        return text
    scheme = scheme_of(text)
    if scheme is None:
        return text if text.partition("#")[0] in local else None
    rest = text[len(scheme) + 1:]
    if scheme in ALLOWED_SCHEMES and rest:
        return text
    if scheme == "doi" and DOI.fullmatch(rest):
        return DOI_RESOLVER + quote(rest, safe="/:;()")
    return None


def refused_link(url: str) -> bool:
    """True for a URL that names a link the build refuses to make: a scheme outside the allow-list,
    another host, control characters, also when written with character references. A plain relative
    path is not one: it points to a file of the project, printed as text (``validate`` does not
    warn about it)."""
    text = normalised(url)
    if text.startswith(_HOST_FIRST) or _CONTROL.search(text):
        return True
    if scheme_of(text) is not None:
        return safe_href(text) is None
    decoded = html.unescape(text)  # "&#106;avascript:" is text here, but a script once decoded again
    return decoded != text and refused_link(decoded)


def is_page_id(ident: str) -> bool:
    """True when ``ident.html`` is a plain file name in the site's folder: no path, no scheme."""
    return len(ident) <= PAGE_ID_LENGTH and PAGE_ID.fullmatch(ident) is not None


def bib_links(fields: Mapping[str, str]) -> Iterator[tuple[str, str, str]]:
    """(field, value, URL) of every link an entry's fields ask for: url, doi (a bare DOI as
    ``doi:``), and ``\\url{…}`` or ``\\href{…}{…}`` in any field."""
    for name, value in fields.items():
        plain = re.sub(r"[{}]", "", value).strip()
        if name in _BIB_URL_FIELDS and plain:
            yield name, plain, plain
        elif name in _BIB_DOI_FIELDS and plain:
            yield name, plain, plain if scheme_of(plain) in ("http", "https", "doi") else f"doi:{plain}"
        for match in _LATEX_LINK.finditer(value):
            yield name, match.group(1), match.group(1)


def refused_bib_links(fields: Mapping[str, str]) -> list[tuple[str, str]]:
    """(field, value) of the links an entry asks for that must print as text."""
    return [(name, value) for name, value, url in bib_links(fields) if safe_href(url) is None]


def safe_links(formatted: str, refused: Collection[str] = ()) -> Markup:
    """Formatted HTML (pandoc's citeproc output) with every link ``safe_href`` refuses, or that was
    made from a ``refused`` value (citeproc prefixes ``https://`` to a URL field that has no
    scheme), turned into its text, and no element or attribute that could run a script. HTML
    with nothing to change is returned as it came."""
    if "<" not in formatted:
        return Markup(formatted)
    fragment = lxml_html.fragment_fromstring(formatted, create_parent="div")
    if not any([_clean(element, refused) for element in list(fragment.iter())]):
        return Markup(formatted)
    children = (lxml_html.tostring(child, encoding="unicode") for child in fragment)
    return Markup((fragment.text or "") + "".join(children))


def _clean(element, refused: Collection[str]) -> bool:
    """Make one element safe; True when it changed."""
    if not isinstance(element.tag, str):
        return False  # comments and processing instructions
    if element.tag in _DROPPED_ELEMENTS:
        element.drop_tree()
        return True
    changed = False
    for name, value in list(element.attrib.items()):
        if name.lower().startswith("on") or (name.lower() in _URL_ATTRIBUTES and element.tag != "a"
                                             and safe_href(value) is None):
            del element.attrib[name]
            changed = True
    if element.tag == "a" and "href" in element.attrib:
        href = safe_href(element.get("href"))
        made_from_refused = _mentions(f"{element.get('href')} {element.text_content()}", refused)
        if href is None or made_from_refused:
            element.drop_tag()
            return True
        if href != element.get("href"):
            element.set("href", href)
            changed = True
    return changed


def _mentions(text: str, values: Collection[str]) -> bool:
    """True when ``text`` contains one of ``values`` (spaces ignored: pandoc turns tabs into them)."""
    squeezed = "".join(text.split())
    return any(value and value in squeezed for value in ("".join(v.split()) for v in values))
