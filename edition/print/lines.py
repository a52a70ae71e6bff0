"""Line numbers found after layout: WeasyPrint cannot number lines, so they are counted on the laid-out
pages, from the line boxes of the text.

A text whose apparatus keys entries by line marks its body ``data-line-every="N"`` (the part's
template): its lines are counted from 1 (again in each such body: each article, poem or scene the
template marks), lines of headings, footnotes, margin notes and divisions' numbers left out. Every
N-th line's number is printed in the margin by the folio sheet (``layout.folio_sheet``), over the
finished page, so the text's layout does not move; each variation point (an ``.app`` with
``data-entry``) learns the line its lemma starts on and the one it ends on, which its apparatus entry
prints at the page foot (``.app-line``, a fixed-width slot filled on a second layout: see
``layout.lay_out_part``).

Like ``audit.py``, this reads WeasyPrint's laid-out boxes through ``weasy.py`` (``laid_out_pages``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from edition.print.weasy import LaidBox, laid_out_pages, root_element

SCOPE = "data-line-every"
SKIPPED_CLASSES = frozenset({"footnote", "margin-note", "pb", "page-number", "div-number"})
SKIPPED_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


@dataclass(frozen=True)
class MarginNumber:
    """A line number printed in the margin: its page (0-based, in the part), the line box's top and
    height, the text block's left edge (CSS px, from the page area's top left), and the number."""

    page: int
    top: float
    height: float
    left: float
    number: int


@dataclass
class LineNumbers:
    margin: list[MarginNumber] = field(default_factory=list)
    entries: dict[str, tuple[int, int]] = field(default_factory=dict)  # entry id -> (first, last line)


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split()) if element is not None else set()


def _skipped(box: LaidBox) -> bool:
    if box.kind in ("notes", "margin"):
        return True
    if box.element is None:
        return False
    if box.tag in SKIPPED_TAGS and box.kind == "block":
        return True
    return bool(_classes(box.element) & SKIPPED_CLASSES) and box.kind != "line"


def _has_text(box: LaidBox) -> bool:
    if box.kind == "text":
        return bool(box.text.strip())
    return any(_has_text(child) for child in box.children if not _skipped(child))


def _owners(root) -> dict[int, list[str]]:
    """For every element inside a variation point (``.app[data-entry]``), the entries it belongs to:
    a lemma may hold a block (a quotation), whose lines carry no fragment of the ``.app`` itself."""
    owners: dict[int, list[str]] = {}
    for app in root.iter():
        if app.get("data-entry") and "app" in _classes(app):
            for inner in app.iter():
                owners.setdefault(id(inner), []).append(app.get("data-entry"))
    return owners


def _apps(box: LaidBox, owners: dict[int, list[str]], found: set[str]) -> None:
    """The variation points with words in ``box`` (a line)."""
    if _skipped(box):
        return
    if box.element is not None and box.kind in ("inline", "text"):
        found.update(owners.get(id(box.element), ()))
    for child in box.children:
        _apps(child, owners, found)


def number_lines(document) -> LineNumbers:
    """Count the lines of every numbered body in a laid-out document (WeasyPrint's)."""
    result = LineNumbers()
    counts: dict[int, int] = {}  # id(scope element) -> lines so far
    root = root_element(document)
    owners = _owners(root) if root is not None else {}

    def walk(box: LaidBox, page: int, scope, every: int, left: float) -> None:
        if _skipped(box):
            return
        element = box.element
        if box.kind == "block" and element is not None and element.get(SCOPE) and box.tag != "html":
            if any(inner.get(SCOPE) for inner in element.iter() if inner is not element):
                scope = None  # its divisions number their own lines; the rest (a preface) is not
            else:
                scope, every, left = element, int(element.get(SCOPE) or 0), box.content_left
        if box.kind == "line" and scope is not None:
            if _has_text(box):
                count = counts[id(scope)] = counts.get(id(scope), 0) + 1
                if every and count % every == 0:
                    result.margin.append(MarginNumber(page, box.top, box.height, left, count))
                found: set[str] = set()
                _apps(box, owners, found)
                for ident in found:
                    first, _ = result.entries.get(ident, (count, count))
                    result.entries[ident] = (first, count)
            return
        for child in box.children:
            walk(child, page, scope, every, left)

    for index, page in enumerate(laid_out_pages(document)):
        walk(page, index, None, 0, 0.0)
    return result


SOURCE_PAGE = "pb-margin"


def source_pages(document) -> list[tuple[int, float, float, float, str]]:
    """Where the source's page numbers stand: (page, top and height of the line each page break
    falls in, the right edge of the page's text block, the number), CSS px; a break between blocks
    (its line has no height) stands beside the next line. The folio sheet prints them in the margin
    (``layout.folio_sheet``): a float there overlapped another on the same line (two witnesses'
    pages), as WeasyPrint forgets a float's clearance when hyphenation lays the line out again."""
    found: list[tuple[int, float, float, float, str]] = []
    for index, page in enumerate(laid_out_pages(document)):
        blocks = [child for child in page.children if child.kind == "block"]
        right = max((block.content_left + block.width for block in blocks), default=0.0)
        lines: list[tuple[float, float]] = []  # the page's lines with a height, top to bottom
        marks: list[tuple[float, str]] = []
        _source_marks(page, None, lines, marks)
        lines.sort()
        for top, number in marks:
            line = next((line for line in lines if line[0] >= top - 0.01), lines[-1] if lines else (top, 0.0))
            found.append((index, *line, right, number))
    return found


def _source_marks(box: LaidBox, line: LaidBox | None, lines: list[tuple[float, float]],
                  marks: list[tuple[float, str]]) -> None:
    """The lines of a page (the notes' too) and the page breaks in them: (line top, number)."""
    if box.kind == "margin":
        return
    if box.kind == "line":
        line = box
        if box.height > 0:
            lines.append((box.top, box.height))
    if line is not None and box.kind == "inline" and SOURCE_PAGE in _classes(box.element):
        marks.append((line.top, box.element.get("data-n") or ""))
    for child in box.children:
        _source_marks(child, line, lines, marks)


def line_label(first: int, last: int) -> str:
    """An entry's line as printed: "12", or "12–13" for a lemma that runs onto the next line."""
    return str(first) if first == last else f"{first}–{last}"
