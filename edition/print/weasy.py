"""The one module that reads WeasyPrint's private API.

WeasyPrint's API reference documents ``HTML``, ``CSS``, ``Document``, ``Page`` (its size, anchors,
bookmarks and links), ``FontConfiguration`` and ``URLFetcher``, and warns that anything else may
change in any release. The book needs three things beyond it: an ``HTML`` built from a tree parsed
elsewhere (``html_tree.py``), whether a laid-out page is a blank one inserted before a recto, and where
each footnote call and footnote body stands (``audit.py``). Those reads live here, each behind one
function, so that a new WeasyPrint breaks this module alone; ``tests/test_weasy.py`` pins every
attribute read on a real render.

WeasyPrint reshapes its internals between major versions, so the versions this module was written for
are checked when it is imported: outside them, one clear error rather than a wrong layout.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from importlib.metadata import version

import cssselect2
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from edition.errors import EditionError

# The major versions whose internals this module reads: from the first up to, not including, the second
# (pyproject.toml asks for the same range, ``weasyprint>=70,<71``; a test keeps the two in step).
SUPPORTED = (70, 71)
OVERFLOW_TOLERANCE = 0.5  # CSS pixels a note body may pass the page's text area by (rounding)


def check_version(installed: str | None = None) -> None:
    """Refuse a WeasyPrint outside ``SUPPORTED`` (``installed``: the version, read from the package's
    metadata when not given)."""
    installed = installed or version("weasyprint")
    try:
        major = int(installed.split(".")[0])
    except ValueError:
        major = -1
    if not SUPPORTED[0] <= major < SUPPORTED[1]:
        wanted = f"weasyprint>={SUPPORTED[0]},<{SUPPORTED[1]}"
        raise EditionError(f"WeasyPrint {installed} is installed, but edition reads the internals of "
                           f"WeasyPrint {SUPPORTED[0]} to lay the book out: install {wanted}",
                           rule="dependency")


check_version()


class ParsedHTML(HTML):
    """A WeasyPrint document from a tree already parsed: ``HTML`` parses its source itself and sets
    these attributes (a test compares them with those it sets)."""

    def __init__(self, root: ElementTree.Element, base_url: str, url_fetcher, media_type: str = "print"):
        self.base_url = base_url
        self.url_fetcher = url_fetcher
        self.media_type = media_type
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
        self.etree_element = self.wrapper_element.etree_element


def is_blank(page) -> bool:
    """True for a page WeasyPrint inserted empty (before a division that opens on a recto)."""
    return page._page_box.page_type.blank


@dataclass(frozen=True)
class NoteCall:
    note: str  # the id of the note's element
    nested: bool  # called from inside another note's body


@dataclass(frozen=True)
class NoteBody:
    note: str | None  # the id of the note's element (None when it has none)
    overflows: bool  # runs past the page's text area


def footnotes(page) -> tuple[list[NoteCall], list[NoteBody]]:
    """The footnote calls on a laid-out page and the bodies in its footnote area, in page order."""
    page_box = page._page_box
    areas = [box for box in page_box.descendants() if isinstance(box, boxes.FootnoteAreaBox)]
    in_notes = {id(inner) for area in areas for inner in area.descendants()}
    calls = []
    for box in page_box.descendants():
        footnote = getattr(box, "footnote", None)  # set on the box of a footnote's call
        if footnote is not None and footnote.element is not None:
            calls.append(NoteCall(footnote.element.get("id") or "", id(box) in in_notes))
    bodies = [NoteBody(ident, _overflows(body, page_box))
              for area in areas for ident, body in _note_bodies(area)]
    return calls, bodies


def _note_bodies(area) -> list[tuple[str, object]]:
    """(id, first box) of each note body in a page's footnote area, in order: a block of its own (a
    child of the area, whatever its class), or an inline box on a line shared with others
    (``footnote-display: inline``, the apparatus: told by the book's class ``footnote``)."""
    blocks = {id(child) for child in area.children}
    found: dict[int, tuple[str, object]] = {}
    for body in area.descendants():
        element = getattr(body, "element", None)
        tag = getattr(body, "element_tag", "") or ""
        if element is None or "::" in tag or isinstance(body, boxes.LineBox | boxes.TextBox):
            continue  # a note's marker, or a call inside a note, is not a body
        if id(body) in blocks or "footnote" in (element.get("class") or "").split():
            found.setdefault(id(element), (element.get("id") or "", body))
    return list(found.values())


def _overflows(body, page_box) -> bool:
    """True when a note body leaves the page's text area. WeasyPrint 70 sets a body too long for the
    page bottom-aligned, its first lines above the top of the page, never past the foot."""
    top = page_box.content_box_y() - OVERFLOW_TOLERANCE
    foot = page_box.content_box_y() + page_box.height + OVERFLOW_TOLERANCE
    return body.position_y < top or body.position_y + body.margin_height() > foot


def placed_text(page) -> list[tuple[str, int, int]]:
    """Every piece of text on a laid-out page, in order, with where it stands (CSS pixels)."""
    return [(box.text, round(box.position_x), round(box.position_y))
            for box in page._page_box.descendants() if isinstance(box, boxes.TextBox)]
