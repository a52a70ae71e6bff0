"""The setting audit: lines a typographer would send back, found on the laid-out pages.

* a loose line inside a paragraph: a word alone, or a few words stretched across the measure, and
  the paragraph goes on (the mark of a break with no reason in the text);
* a ladder: more than ``LADDER`` hyphenated lines in a row;
* a page whose last line ends on a hyphen;
* a heading at the foot of a page (``break-after: avoid`` should have taken it over with its lines);
* a page short by more than ``SHORT_LINES`` lines with no reason: the next page does not open with a
  heading (kept with the lines after it), and its first line with the next page's notes would have
  fitted in the room left (a line goes with its notes);
* a paragraph's single line alone at a page's foot (an orphan) or head (a widow).

WeasyPrint has neither ``hyphenate-limit-lines`` nor ``hyphenate-limit-last``: ``layout.py`` breaks
lines under ``weasy.hyphenation_limits``, which prevents ladders and hyphenated page ends as lines are
broken, and remedies any the audit still finds by laying the part out again with the offending words
not hyphenated where they stand (``weasy.unhyphenated``); loose lines are reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise, takewhile

from edition.print.weasy import LaidBox, TextLine, hyphenation_key, justified_lines, laid_out_pages

LOOSE = 0.6  # a line inside a paragraph whose words fill less of the measure than this is loose
LADDER = 2  # hyphenated lines in a row a page may have
SHORT_LINES = 4  # a page may end this many lines short: a heading and its first lines, or a paragraph
# held back by widows and orphans with what must keep with it, go over whole
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


@dataclass(frozen=True)
class SettingProblem:
    page: int  # 1-based, in the part
    line: str
    problem: str
    key: str | None = None  # the hyphenation_key of the word to leave whole, where that is the remedy

    def __str__(self) -> str:
        return f"page {self.page}: {self.problem}: “{self.line}”"


def paragraphs(lines: list[TextLine]) -> list[list[TextLine]]:
    """The lines grouped by block, a paragraph that runs onto the next page in one group."""
    groups: list[list[TextLine]] = []
    for line in lines:
        if groups and groups[-1][-1].block == line.block:
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def audit_setting(document) -> list[SettingProblem]:
    """Loose lines, ladders of hyphens and pages ending on a hyphen in a laid-out document."""
    return audit_lines(justified_lines(document))


def audit_lines(lines: list[TextLine]) -> list[SettingProblem]:
    """The problems of a document's justified lines (``weasy.justified_lines``), in reading order."""
    text = [line for line in lines if not line.note]
    problems: list[SettingProblem] = []
    for group in paragraphs(text) + paragraphs([line for line in lines if line.note]):
        problems += _loose(group) + _ladders(group)
    return problems + _page_ends(text)


def _loose(group: list[TextLine]) -> list[SettingProblem]:
    return [SettingProblem(line.page + 1, line.text, "a loose line inside a paragraph")
            for line in group[:-1] if line.natural < LOOSE * line.measure]


def hyphenated_word(line: TextLine, following: TextLine) -> str:
    """The ``hyphenation_key`` of the word hyphenated at the end of ``line``."""
    return hyphenation_key(line.tail, following.head.split(" ", 1)[0])


def _ladders(group: list[TextLine]) -> list[SettingProblem]:
    problems, run = [], 0
    for line, following in pairwise(group):
        run = run + 1 if line.hyphenated else 0
        if run > LADDER:
            problems.append(SettingProblem(line.page + 1, line.text, f"{run} hyphenated lines in a row",
                                           hyphenated_word(line, following)))
    return problems


def _page_ends(lines: list[TextLine]) -> list[SettingProblem]:
    """A paragraph's last line on a page, hyphenated, where the paragraph goes on on the next page.
    Told by the paragraph (its block), not by the order of the lines: a block inside a line (a float,
    such as a division's number run in) is listed after the lines of the paragraph it is in."""
    opening = {}  # (block, page) -> its first line there
    for line in lines:
        opening.setdefault((line.block, line.page), line)
    problems = []
    for line in lines:
        following = opening.get((line.block, line.page + 1))
        if line.hyphenated and line.last and following is not None:
            problems.append(SettingProblem(line.page + 1, line.text, "the page ends on a hyphen",
                                           hyphenated_word(line, following)))
    return problems


@dataclass(frozen=True)
class PageLine:
    """A line of a page's text (its notes and margins left out), with the element its block is for."""

    top: float
    bottom: float
    tag: str  # the nearest block's element name: "p", "h2", "li" …
    text: str
    block: object = None  # that block's element: its lines on two pages share it


def page_lines(page: LaidBox) -> list[PageLine]:
    """The lines with words of a laid-out page's text, in order, notes and margin boxes left out."""
    found: list[PageLine] = []

    def walk(box: LaidBox, tag: str, block: object) -> None:
        if box.kind in ("notes", "margin"):
            return
        if box.kind == "block" and box.tag:
            tag, block = box.tag, box.element
        if box.kind == "line":
            words = "".join(text.text for text in _texts(box)).strip()
            if words:
                found.append(PageLine(box.top, box.top + box.height, tag, words, block))
            return
        for child in box.children:
            walk(child, tag, block)

    walk(page, "", None)
    return found


def _texts(box: LaidBox):
    if box.kind == "text":
        yield box
    for child in box.children:
        yield from _texts(child)


def _notes(page: LaidBox) -> LaidBox | None:
    if page.kind == "notes":
        return page
    return next((found for child in page.children if (found := _notes(child)) is not None), None)


def audit_pages(document) -> list[SettingProblem]:
    """Headings at the foot of a page and pages left short with no reason, in a laid-out document (its
    last page, which ends the text, may be as short as it is)."""
    pages = laid_out_pages(document)
    lines = [page_lines(page) for page in pages]
    problems: list[SettingProblem] = []
    for index, (page, text) in enumerate(zip(pages, lines, strict=True)):
        if not text:
            continue
        last = max(text, key=lambda line: line.bottom)
        if last.tag in HEADINGS:
            problems.append(SettingProblem(index + 1, last.text, "a heading at the foot of the page"))
        following = lines[index + 1] if index + 1 < len(lines) else []
        if not following:
            continue
        problems.extend(_lone_lines(index + 1, text, following))
        notes = _notes(page)
        room = (notes.top if notes is not None and notes.children else page.height) - last.bottom
        height = sorted(line.bottom - line.top for line in text)[len(text) // 2]  # a body line's
        if room > SHORT_LINES * height and not _reason(room, following, pages[index + 1]):
            short = f"the page ends {room / height:.0f} lines short"
            problems.append(SettingProblem(index + 1, last.text, short))
    return problems


def _lone_lines(page: int, text: list[PageLine], following: list[PageLine]) -> list[SettingProblem]:
    """A paragraph that runs over the page break leaving one line alone on either side: its first
    line at this page's foot (an orphan) or its last at the next page's head (a widow)."""
    block = text[-1].block
    if block is None or following[0].block is not block:
        return []
    before = len(list(takewhile(lambda line: line.block is block, reversed(text))))
    after = len(list(takewhile(lambda line: line.block is block, following)))
    found = []
    if before == 1:
        found.append(SettingProblem(page, text[-1].text, "a paragraph's first line alone at the page foot"))
    if after == 1:
        found.append(SettingProblem(page + 1, following[0].text,
                                    "a paragraph's last line alone at the head of the page"))
    return found


def _reason(room: float, following: list[PageLine], next_page: LaidBox) -> bool:
    """Why a page may end short: the next opens with a heading (kept with its first lines), or its
    first line and its notes (the next page's, at most) would not have fitted in the room left."""
    if following[0].tag in HEADINGS:
        return True
    notes = _notes(next_page)
    if notes is None or not notes.children:
        return False
    # The notes' area with its rule and spacing, from its top to the page's foot.
    return following[0].bottom + next_page.height - notes.top > room
