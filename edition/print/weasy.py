"""The one module that reads WeasyPrint's private API.

WeasyPrint's API reference documents ``HTML``, ``CSS``, ``Document``, ``Page`` (its size, anchors,
bookmarks and links), ``FontConfiguration`` and ``URLFetcher``, and warns that anything else may
change in any release. The book needs more than it: an ``HTML`` built from a tree parsed elsewhere
(``html_tree.py``), whether a laid-out page is a blank one inserted before a recto, where each footnote
call and footnote body stands (``audit.py``), the boxes of the text's lines (``lines.py``),
corrections of WeasyPrint's layout (a note it loses, the room an emptied footnote area keeps), and the
page foot's notes set series by series
(the authors', the editors', the apparatus: ``_notes_in_series``), and the PDF's tags (running heads
and folios as artifacts, footnote bodies as notes). Those live here, each behind one
function, so that a new WeasyPrint breaks this module alone; ``tests/test_weasy.py`` pins every
attribute read on a real render.

WeasyPrint reshapes its internals between major versions, so the versions this module was written for
are checked when it is imported: outside them, one clear error rather than a wrong layout. The mends
of WeasyPrint's behaviour (``MENDS``) are pinned closer, each to the release whose fault it was
written for and reproduced on (``tests/test_weasy.py``, ``tests/test_setting.py``): on another
release it is left out, with a warning that says which, until a test shows it is still wanted.
"""

from __future__ import annotations

import warnings
import weakref
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from math import inf

import cssselect2
import pydyf
from weasyprint import HTML
from weasyprint import document as weasy_document
from weasyprint import draw as weasy_draw
from weasyprint import pdf as weasy_pdf
from weasyprint.css.properties import Dimension
from weasyprint.formatting_structure import boxes
from weasyprint.layout import LayoutContext
from weasyprint.layout import block as block_layout
from weasyprint.pdf import tags as weasy_tags

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


# Each mend of WeasyPrint's behaviour, and the release whose fault it mends (reproduced by a test).
MENDS = {
    "whole runs": "70.0",  # a run that fits without its trailing space is not broken (mend_line_breaking)
    "words left whole": "70.0",  # the setting audit's remedy: ``unhyphenated`` (mend_line_breaking)
    "hyphenated lines limited": "70.0",  # hyphenate-limit-lines as lines are broken (_count_hyphenated_lines)
    "no page ends hyphenated": "70.0",  # hyphenate-limit-last: page, as pages are made (_page_end_whole)
    "notes kept with their lines": "70.0",  # a line kept by orphans loses no note (_linebox_layout)
    "notes in series": "70.0",  # the page foot's series one below the other (_update_footnote_area)
    "an emptied footnote area freed": "70.0",  # its margin and rule given back (_update_footnote_area)
    "one link per linked box": "70.0",  # not one annotation per box inside a link (gather_anchors)
    "margin boxes as artifacts": "70.0",  # running heads and folios not read as text (_margin_boxes_...)
    "notes tagged as notes": "70.0",  # a footnote body a /Note with an ID, not a /Span (_notes_as_notes)
}


class MendLeftOut(UserWarning):
    """A mend of WeasyPrint's behaviour left out: the installed release is not the one it was written
    for."""


def mended(name: str, installed: str | None = None) -> bool:
    """True where the mend ``name`` (of ``MENDS``) applies to the installed WeasyPrint (``installed``:
    its version, read from the package's metadata when not given); else warn that it is left out."""
    installed = installed or version("weasyprint")
    if installed == MENDS[name]:
        return True
    warnings.warn(f"WeasyPrint {installed}: edition's mend '{name}' was written for WeasyPrint "
                  f"{MENDS[name]} and is left out (tests/test_weasy.py and tests/test_setting.py show "
                  "whether this release still needs it)", MendLeftOut, stacklevel=2)
    return False


COLLAPSING_WHITE_SPACE = frozenset({"normal", "nowrap", "pre-line"})


HYPHENATION_KEY = 48  # characters up to a hyphenated word's end that name where it stands
_unhyphenated: set[str] = set()  # words that must not be hyphenated where they stand (their keys)


def hyphenation_key(line_start: str, word_end: str) -> str:
    """Names one hyphenation: the text of a run from where it starts on the line to the end of the
    hyphenated word (its part on the line, without the hyphen, and its part on the next)."""
    return (line_start + word_end)[-HYPHENATION_KEY:]


@contextmanager
def unhyphenated(keys: set[str]) -> Iterator[None]:
    """Lay out with the words that ``keys`` name (``hyphenation_key``) not hyphenated there: the
    setting audit's remedy for a ladder of hyphens and a page ending on one."""
    _unhyphenated.clear()
    _unhyphenated.update(keys)
    try:
        yield
    finally:
        _unhyphenated.clear()


def mend_line_breaking() -> None:
    """Mend WeasyPrint 70's line breaking, once per process.

    A paragraph with inline elements (a name, a citation, a note call) is laid out as a run of text
    boxes; each is split by ``split_first_line``, which measures the run's line with its trailing
    space. When the run up to the next element fits the line but that space does not, the function
    takes the line as unbreakable and keeps only its first word ("Özalp'la" alone on a line, then the
    paragraph goes on), or hyphenates it ("başarı-"). A space at the end of a line hangs (CSS Text 3,
    4.1.2): where the run fits without its trailing spaces, it is laid out whole, and the inline
    layout, which already allows for a trailing space, breaks before the next element.

    WeasyPrint implements neither ``hyphenate-limit-lines`` nor ``hyphenate-limit-last``: under
    ``hyphenation_limits`` a line is broken without hyphenation where it would make too many
    hyphenated lines in a row or end a page hyphenated, and the words ``unhyphenated`` names are laid
    out without hyphenation where they stand.
    """
    from weasyprint.layout import inline

    _count_hyphenated_lines()
    original = inline.split_first_line
    if getattr(original, "mended", False):
        return
    runs_whole, words_whole = mended("whole runs"), mended("words left whole")
    if not (runs_whole or words_whole or mended("hyphenated lines limited")):
        return

    def whole_run(text, style, context, max_width, *rest):
        result = original(text, style, context, max_width, *rest)
        words = text.rstrip(" ")
        if (not runs_whole or result[2] is None or max_width is None or max_width == inf
                or words in ("", text) or style["white_space"] not in COLLAPSING_WHITE_SPACE):
            return result
        trimmed = original(words, style, context, max_width, *rest)
        if trimmed[2] is None and trimmed[3] <= max_width:
            return original(text, style, context, inf, *rest)
        return result

    def split_first_line(text, style, context, max_width, justification_spacing, is_line_start=True,
                         minimum=False):
        rest = (justification_spacing, is_line_start, minimum)
        if _hyphenation_off[0] and style["hyphens"] == "auto":
            style = _without_hyphenation(style)
        result = whole_run(text, style, context, max_width, *rest)
        if words_whole and _unhyphenated and _hyphenated_here(text, style, result) in _unhyphenated:
            result = whole_run(text, _without_hyphenation(style), context, max_width, *rest)
        return result

    split_first_line.mended = True
    split_first_line.wrapped = original
    inline.split_first_line = split_first_line


def _without_hyphenation(style):
    style = style.copy()
    style["hyphens"] = "manual"
    return style


_limit: list[int | None] = [None]  # hyphenated lines a paragraph may have in a row (None: no limit)
_page_ends_whole = [False]  # no page's last line ends hyphenated where its paragraph goes on
_hyphenation_off = [False]  # True while a line that may not end hyphenated is broken
_runs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # layout -> {line's start: run}
_whole_lines: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # layout -> {line's start}


def _line_start(box, skip_stack) -> tuple[int, str]:
    """Names the line of an inline formatting context (``box``) that starts at ``skip_stack``."""
    return id(box), repr(skip_stack)


def _page_end(context, box, skip_stack) -> tuple[int, str, int]:
    """Names the line that starts at ``skip_stack`` as the last of the page being made: where the
    block is laid out again on another page, the line is broken as any other."""
    return (*_line_start(box, skip_stack), context.current_page)


@contextmanager
def hyphenation_limits(lines: int | None, page_ends: bool) -> Iterator[None]:
    """Lay out with at most ``lines`` lines in a row ending with a hyphenated word (CSS Text 4's
    ``hyphenate-limit-lines``) and, with ``page_ends``, no page's last line ending with one where its
    paragraph goes on (``hyphenate-limit-last: page``): a line that would is broken without
    hyphenation, its last word going over whole."""
    saved = _limit[0], _page_ends_whole[0]
    _limit[0], _page_ends_whole[0] = lines, page_ends
    try:
        yield
    finally:
        _limit[0], _page_ends_whole[0] = saved


def _count_hyphenated_lines() -> None:
    """Count the hyphenated lines in a row as WeasyPrint breaks a block's lines one after the other
    (``iter_line_boxes``, which block layout calls for each run of a block's lines, on each page it
    is on), carrying the count over a page break by the point where the block resumes; the line
    after a run as long as the limit is broken without hyphenation. Once per process."""
    from weasyprint.layout import block as block_module

    iter_line_boxes = block_module.iter_line_boxes
    if getattr(iter_line_boxes, "wrapped", None) is not None or not mended("hyphenated lines limited"):
        return

    def iter_line_boxes_limited(context, box, position_y, bottom_space, skip_stack, *args):
        if _limit[0] is None and not _page_ends_whole[0]:  # no limit in force: nothing to count
            yield from iter_line_boxes(context, box, position_y, bottom_space, skip_stack, *args)
            return
        runs, whole = _runs.setdefault(context, {}), _whole_lines.get(context, ())
        start = skip_stack
        run = runs.get(_line_start(box, start), 0) if start is not None else 0
        lines = iter_line_boxes(context, box, position_y, bottom_space, skip_stack, *args)
        while True:
            outer = _hyphenation_off[0]  # a line being broken around this block (an inline-block's)
            _hyphenation_off[0] = ((_limit[0] is not None and run >= _limit[0])
                                   or _page_end(context, box, start) in whole)
            try:
                line, start = next(lines)
            except StopIteration:
                return
            finally:
                _hyphenation_off[0] = outer
            run = run + 1 if hyphen_ending(line) is not None else 0
            if start is not None:
                runs[_line_start(box, start)] = run
            yield line, start

    iter_line_boxes_limited.wrapped = iter_line_boxes
    block_module.iter_line_boxes = iter_line_boxes_limited


def hyphen_ending(line) -> str | None:
    """The hyphenation character a laid-out line ends with (its last text's, where hyphens are
    allowed): the mark of a word broken by hyphenation; None where the line ends otherwise."""
    last = None
    for box in line.descendants():
        if isinstance(box, boxes.TextBox):
            last = box
    if last is None or last.style["hyphens"] == "none":
        return None
    hyphen = last.style["hyphenate_character"]
    return hyphen if last.text.endswith(hyphen) else None


def _hyphenated_here(text: str, style, result) -> str | None:
    """The ``hyphenation_key`` of the word ``split_first_line`` hyphenated at the end of the line
    (``result``), None where it hyphenated none."""
    layout, length, resume_index = result[:3]
    hyphen = style["hyphenate_character"]
    if resume_index is None or not layout.text.endswith(hyphen):
        return None
    encoded = text.encode()
    if encoded[:length].decode(errors="ignore").endswith(hyphen):
        return None  # the text's own hyphen
    start = encoded[:resume_index].decode(errors="ignore")
    following = encoded[resume_index:].decode(errors="ignore")
    return hyphenation_key(start, following.split(" ", 1)[0])


def _keep_each_line_with_its_notes(linebox_layout):
    """A line that overflows the page where breaking before it would leave fewer than ``orphans``
    lines of its block: WeasyPrint 70 (``_linebox_layout``) moves the notes already on the page to the
    next page, a page after their calls, until the line fits; it then keeps the line without laying
    out the line's own notes, which are never printed, or, where the line still does not fit, moves
    the block to the next page and leaves the notes moved. Here the block goes to the next page and
    the notes stay with their calls, as orphans control does on a page without notes (and as
    ``footnote-policy: line`` asks). On a page that holds nothing else (nowhere to break before),
    WeasyPrint's choice stands, and the line's own notes follow the others to the next page."""

    def linebox_layout_keeping_notes(context, box, index, child, new_children, page_is_empty,
                                     absolute_boxes, fixed_boxes, *args):
        before = len(new_children)
        on_page = list(context.current_page_footnotes)
        moved_on = list(context.reported_footnotes)
        result = linebox_layout(context, box, index, child, new_children, page_is_empty,
                                absolute_boxes, fixed_boxes, *args)
        abort, stop, resume_at, position_y, new_footnotes, max_lines = result
        if not (abort or stop):
            return result
        kept = [] if abort else new_children[before:]
        lost = [inner.footnote for line in kept for inner in line.descendants()
                if inner.footnote is not None and inner.footnote in context.footnotes]
        # Notes moved on to make room for a line, not the kept line's own (which WeasyPrint moves on
        # where they do not fit, keeping the line, as footnote-policy: auto asks).
        own = {inner.footnote for inner in kept[-1].descendants()} if kept else set()
        displaced = [note for note in context.reported_footnotes if note not in moved_on and note not in own]
        if not lost and not displaced:
            return result
        if page_is_empty and not abort:
            for footnote in lost:
                context.layout_footnote(footnote)
                context.report_footnote(footnote)
            return abort, stop, resume_at, position_y, [*new_footnotes, *lost], max_lines
        # the notes moved on come back
        _take_back(context, kept, on_page, moved_on, absolute_boxes, fixed_boxes)
        return True, False, resume_at, position_y, new_footnotes, max_lines  # the block moves on

    linebox_layout_keeping_notes.wrapped = linebox_layout
    return linebox_layout_keeping_notes


if not hasattr(block_layout._linebox_layout, "wrapped") and mended("notes kept with their lines"):
    block_layout._linebox_layout = _keep_each_line_with_its_notes(block_layout._linebox_layout)  # once


PAGE_END_TRIES = 3  # a paragraph's last line on a page broken again without hyphenation, at most


def _take_back(context, lines: list, on_page: list, moved_on: list, absolute_boxes, fixed_boxes) -> None:
    """Take laid-out lines off the page: their notes back to the waiting list (and the notes on the
    page and moved on as they were before), their floats and positioned boxes out, as WeasyPrint's
    ``_break_line`` does for the lines it keeps for the next page."""
    for line in lines:
        block_layout.remove_placeholders(context, line.children, absolute_boxes, fixed_boxes)
    context.current_page_footnotes[:] = on_page
    context.reported_footnotes[:] = moved_on
    context._update_footnote_area()


def _page_end_whole(linebox_layout):
    """Where a page breaks inside a paragraph after a line that ends hyphenated, the paragraph's lines
    on the page are broken again with that line unhyphenated (its last word goes over whole), as
    ``hyphenate-limit-last: page`` asks and WeasyPrint 70 does not implement. Only the paragraph's
    lines on this page are laid out again, after ``_take_back``. The line is left unhyphenated on
    this page for the rest of the layout (WeasyPrint may lay the block out again: a break moved
    earlier), not where the block is laid out on another; a column's end is not a page's. Applies
    under ``hyphenation_limits(…, page_ends=True)``."""

    def linebox_layout_page_end_whole(context, box, index, child, new_children, page_is_empty,
                                      absolute_boxes, fixed_boxes, *args):
        if not _page_ends_whole[0] or context.in_column:
            return linebox_layout(context, box, index, child, new_children, page_is_empty,
                                  absolute_boxes, fixed_boxes, *args)
        skip_stack = args[3]  # adjoining_margins, bottom_space, position_y, skip_stack, …
        before = len(new_children)
        on_page, moved_on = list(context.current_page_footnotes), list(context.reported_footnotes)
        for attempt in range(PAGE_END_TRIES + 1):
            result = linebox_layout(context, box, index, child, new_children, page_is_empty,
                                    absolute_boxes, fixed_boxes, *args)
            abort, stop, resume_at = result[:3]
            kept = new_children[before:]
            if (attempt == PAGE_END_TRIES or abort or not stop or resume_at is None or not kept
                    or hyphen_ending(kept[-1]) is None):
                return result
            start = _page_end(context, child, kept[-2].resume_at if len(kept) > 1 else skip_stack)
            whole = _whole_lines.setdefault(context, set())
            if start in whole:
                return result
            whole.add(start)
            _take_back(context, kept, on_page, moved_on, absolute_boxes, fixed_boxes)
            del new_children[before:]
        raise AssertionError("unreachable: the last attempt returns its result")

    linebox_layout_page_end_whole.wrapped = linebox_layout
    return linebox_layout_page_end_whole


if not hasattr(block_layout._linebox_layout, "page_end_whole") and mended("no page ends hyphenated"):
    block_layout._linebox_layout = _page_end_whole(block_layout._linebox_layout)  # once
    block_layout._linebox_layout.page_end_whole = True


def note_series(box) -> int:
    """The series a footnote belongs to: its CSS ``order`` (0 by default). The theme gives each series
    its own value (print.css: the authors' notes 0, the editors' 1, the apparatus 2)."""
    return box.style["order"]


def _notes_in_series(update_footnote_area):
    """WeasyPrint 70 sets a page's footnotes in the order of their calls, in one area. Here the area
    holds them series by series, in the order their CSS ``order`` gives (a stable sort: within a
    series, in the order of their calls), as reledmac sets its series one below the other; a note's
    ``margin-top`` is the space above its series, kept only where the series starts (``in_series``).
    Only the area's children change: WeasyPrint's own list stays in call order, since it moves the
    last note called (not the last printed) to the next page when a page overflows."""

    def update_footnote_area_in_series(context):
        called = context.current_page_footnotes
        context.current_page_footnotes = in_series(called)
        try:
            return update_footnote_area(context)  # sets the area's children to the sorted list
        finally:
            context.current_page_footnotes = called

    update_footnote_area_in_series.wrapped = update_footnote_area
    return update_footnote_area_in_series


def in_series(notes: list) -> list:
    """Footnote boxes sorted by series; a note that does not start a series below another (the first
    of the area, or one after a note of its own series) set without its margin-top (a copy)."""
    ordered = sorted(notes, key=note_series)
    placed = []
    for index, note in enumerate(ordered):
        opens = index > 0 and note_series(ordered[index - 1]) != note_series(note)
        if not opens and getattr(note.style["margin_top"], "value", 0):
            note = note.copy()
            note.style = note.style.copy()
            note.style["margin_top"] = Dimension(0, "px")
        placed.append(note)
    return placed


def _free_an_emptied_footnote_area(update_footnote_area):
    """A page's footnote area with no note in it, once asked to update (a note moved on with its call's
    line, or taken back when a block is laid out again): WeasyPrint 70 (``LayoutContext.
    _update_footnote_area``) sets its height to 0 but keeps its margin, padding and border (the rule
    above the notes) off the page's text area, some 24 px. Lines placed before it emptied then
    overflow the shorter page, and the paragraph holding them is pushed whole to the next page (half
    a page left empty). An empty area takes no room here, as on a page that never held a note."""

    def update_keeping_an_empty_area_free(context) -> bool:
        area = context.current_footnote_area
        if context.current_page_footnotes:
            return update_footnote_area(context)
        if area.height != "auto" and not context.in_column:
            context.page_bottom += area.margin_height()  # what the area held, given back
        area.children = []
        area.height = "auto"
        return False

    update_keeping_an_empty_area_free.wrapped = update_footnote_area
    return update_keeping_an_empty_area_free


def _mend_footnote_area(update_footnote_area):
    """Both mends of ``_update_footnote_area`` that apply, the emptied area's outermost (it answers
    alone for an area with no note; one with notes is set series by series)."""
    if mended("notes in series"):
        update_footnote_area = _notes_in_series(update_footnote_area)
    if mended("an emptied footnote area freed"):
        update_footnote_area = _free_an_emptied_footnote_area(update_footnote_area)
    return update_footnote_area


if not hasattr(LayoutContext._update_footnote_area, "wrapped"):  # once, however often this is imported
    LayoutContext._update_footnote_area = _mend_footnote_area(LayoutContext._update_footnote_area)


def _one_link_per_area(gather_anchors):
    """WeasyPrint 70 (``anchors.gather_anchors``) gives every box inside a link a link annotation of
    its own: a contents entry (the block, its title's span, its leader and page number) made four to
    six overlapping annotations, a note call (the link and its superscript) two. A box inside a box
    already linked to the same target is left out, its area added to that link's: one annotation,
    and one ``Link`` tag, per linked box (per line of a link that runs onto the next)."""

    def gather_anchors_once(box, anchors, links, bookmarks, forms, *args, **kwargs):
        gather_anchors(box, anchors, links, bookmarks, forms, *args, **kwargs)
        kept: list = []
        within: dict[int, int] = {}  # id() of a box inside a kept link's box -> that link's index
        for kind, target, area, linked in links:
            index = within.get(id(linked))
            if index is not None and kept[index][:2] == (kind, target):
                outer = kept[index]
                kept[index] = (kind, target, _union(outer[2], area), outer[3])
                continue
            for inner in linked.descendants():
                within.setdefault(id(inner), len(kept))
            kept.append((kind, target, area, linked))
        links[:] = kept

    gather_anchors_once.wrapped = gather_anchors
    return gather_anchors_once


def _union(one: tuple, other: tuple) -> tuple:
    return min(one[0], other[0]), min(one[1], other[1]), max(one[2], other[2]), max(one[3], other[3])


if not hasattr(weasy_document.gather_anchors, "wrapped") and mended("one link per linked box"):
    # Page() gathers a page's links through it
    weasy_document.gather_anchors = _one_link_per_area(weasy_document.gather_anchors)


# How print/assemble.py marks the folios it prints over joined pages: the same for WeasyPrint's own.
PAGINATION_ARTIFACT = {"Type": "/Pagination"}


def _margin_boxes_as_artifacts(draw_stacking_context):
    """WeasyPrint 70 (``draw.draw_stacking_context``) marks a margin box's text as a ``/Span`` with an
    MCID and then leaves its structure element out of the tree: a screen reader reads the running head
    and the folio on every page as text without a place in the document. A margin box is drawn as one
    pagination artifact instead (``/Artifact <</Type /Pagination>> BDC … EMC``), its text unmarked."""

    def draw_margin_boxes_as_artifacts(stream, stacking_context):
        if stream._tags is None or not isinstance(stacking_context.box, boxes.MarginBox):
            return draw_stacking_context(stream, stacking_context)
        tags, stream._tags = stream._tags, None  # nothing inside it marked, nor mapped to the tree
        stream.begin_marked_content("Artifact", pydyf.Dictionary(PAGINATION_ARTIFACT))
        try:
            return draw_stacking_context(stream, stacking_context)
        finally:
            stream.end_marked_content()
            stream._tags = tags

    draw_margin_boxes_as_artifacts.wrapped = draw_stacking_context
    return draw_margin_boxes_as_artifacts


def _untagged_margin_boxes(build_box_tree):
    """The tag tree's side of ``_margin_boxes_as_artifacts``: a margin box's text has no MCID to map."""

    def build_box_tree_without_margin_boxes(box, *args, **kwargs):
        if isinstance(box, boxes.MarginBox):
            return iter(())
        return build_box_tree(box, *args, **kwargs)

    build_box_tree_without_margin_boxes.wrapped = build_box_tree
    return build_box_tree_without_margin_boxes


NOTE_IDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # PDF -> {a note's ID: its /Note}


def _notes_as_notes(build_box_tree):
    """WeasyPrint 70 (``pdf.tags._get_pdf_tag``) tags a box by its HTML tag name alone: a footnote body
    (``float: footnote``, the theme's ``.note``: a child of the page's footnote area) is a ``/Span``. It
    is tagged ``/Note``, with the ID PDF/UA asks of a note (its element's id; a part continued on a
    later page gets a suffix, an ID being unique in the document); its call stays as it was."""

    bodies: set[int] = set()  # id() of the note bodies in the footnote area being tagged

    def build_box_tree_with_notes(box, parent, pdf, *args, **kwargs):
        if isinstance(box, boxes.FootnoteAreaBox):  # laid out, a body's float is "none": its area says
            bodies.update(id(child) for child in box.children)
        body = id(box) in bodies
        bodies.discard(id(box))
        for element in build_box_tree(box, parent, pdf, *args, **kwargs):
            if body and box.element is not None:
                element["S"] = "/Note"
                element["ID"] = pydyf.String(_note_id(pdf, box.element.get("id") or "note", element))
            yield element

    build_box_tree_with_notes.wrapped = build_box_tree
    return build_box_tree_with_notes


def _note_id(pdf, wanted: str, element) -> str:
    given_ids = NOTE_IDS.setdefault(pdf, {})
    given, part = wanted, 1
    while given in given_ids:
        part += 1
        given = f"{wanted}-{part}"
    given_ids[given] = element
    return given


def _with_an_id_tree(add_tags):
    """The structure tree root's /IDTree, which PDF 1.7 (14.7.2) requires once an element has an ID:
    each note's ID mapped to its /Note."""

    def add_tags_and_id_tree(pdf, *args, **kwargs):
        add_tags(pdf, *args, **kwargs)
        given_ids = NOTE_IDS.pop(pdf, {})
        if given_ids:
            root = next(each for each in pdf.objects
                        if isinstance(each, pydyf.Dictionary) and each.get("Type") == "/StructTreeRoot")
            names = [item for given in sorted(given_ids)
                     for item in (pydyf.String(given), given_ids[given].reference)]
            root["IDTree"] = pydyf.Dictionary({"Names": pydyf.Array(names)})

    add_tags_and_id_tree.wrapped = add_tags
    return add_tags_and_id_tree


if not hasattr(weasy_draw.draw_stacking_context, "wrapped") and mended("margin boxes as artifacts"):
    weasy_draw.draw_stacking_context = _margin_boxes_as_artifacts(weasy_draw.draw_stacking_context)
    weasy_tags._build_box_tree = _untagged_margin_boxes(weasy_tags._build_box_tree)
if not hasattr(weasy_tags._build_box_tree, "with_notes") and mended("notes tagged as notes"):
    weasy_tags._build_box_tree = _notes_as_notes(weasy_tags._build_box_tree)
    weasy_tags._build_box_tree.with_notes = True
    weasy_pdf.add_tags = _with_an_id_tree(weasy_pdf.add_tags)  # the name the PDF writer calls


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
    series: int = 0  # the note's series (``note_series``)


@dataclass(frozen=True)
class NoteBody:
    note: str | None  # the id of the note's element (None when it has none)
    overflows: bool  # runs past the page's text area
    series: int = 0  # the note's series (``note_series``)


def footnotes(page) -> tuple[list[NoteCall], list[NoteBody]]:
    """The footnote calls on a laid-out page and the bodies in its footnote area, in page order."""
    page_box = page._page_box
    areas = [box for box in page_box.descendants() if isinstance(box, boxes.FootnoteAreaBox)]
    in_notes = {id(inner) for area in areas for inner in area.descendants()}
    calls = []
    for box in page_box.descendants():
        footnote = getattr(box, "footnote", None)  # set on the box of a footnote's call
        if footnote is not None and footnote.element is not None:
            ident = footnote.element.get("id") or ""
            calls.append(NoteCall(ident, id(box) in in_notes, note_series(footnote)))
    bodies = [NoteBody(ident, _overflows(body, page_box), note_series(body))
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


@dataclass(frozen=True)
class TextLine:
    """A laid-out line of a justified block, as the setting audit reads it (CSS pixels)."""

    page: int  # 0-based, in the document
    block: int  # id() of the element whose block holds the line: one paragraph's lines share it
    text: str  # the line's words, a hyphen at its end where a word was hyphenated
    natural: float  # its width before justification stretched its spaces
    measure: float  # the width of the block it stands in
    last: bool  # the last line of its block on this page (the paragraph may go on on the next)
    hyphenated: bool  # ends with the hyphen of a word broken by hyphenation
    note: bool = False  # in the page's footnote area
    head: str = ""  # the text of its first text box (where a word hyphenated on the line before ends)
    tail: str = ""  # the text of its last text box, its hyphen left out


def justified_lines(document) -> list[TextLine]:
    """Every line of the justified blocks of a laid-out document, in reading order (headings and
    text aligned otherwise left out: their short lines are meant). Read from ``laid_out_pages``, the
    walk the line counter reads too."""
    found: list[TextLine] = []

    def walk(box: LaidBox, page: int, note: bool) -> None:
        note = note or box.kind == "notes"
        if box.justified:
            lines = [child for child in box.children if child.kind == "line"]
            for index, line in enumerate(lines):
                found.append(_text_line(page, box, line, index == len(lines) - 1, note))
        for child in box.children:
            walk(child, page, note)

    for number, page in enumerate(laid_out_pages(document)):
        walk(page, number, False)
    return found


def _text_line(page: int, block: LaidBox, line: LaidBox, last: bool, note: bool) -> TextLine:
    texts = [box for box in _descendants(line) if box.kind == "text"]
    text = "".join(box.text for box in texts)
    stretch = sum(box.stretch for box in texts)
    hyphen = line.hyphen
    hyphenated = bool(texts) and hyphen is not None
    head = texts[0].text if texts else ""
    tail = texts[-1].text.removesuffix(hyphen) if hyphenated and hyphen is not None else ""
    return TextLine(page, id(block.element), text.strip(), line.width - stretch, block.width, last,
                    hyphenated, note, head, tail)


def _descendants(box: LaidBox) -> Iterator[LaidBox]:
    yield box
    for child in box.children:
        yield from _descendants(child)


@dataclass(frozen=True)
class LaidBox:
    """A laid-out box as the line counter (``lines.py``) reads it: positions in CSS pixels from the
    top left of the page's area (where the folio sheet places things)."""

    kind: str  # "block", "line", "inline", "text", "notes" (the footnote area), "margin" or "other"
    element: object | None  # the HTML element it was made for (None for an anonymous box)
    tag: str  # that element's name without namespace, "" for none; a pseudo-element's holds "::"
    text: str  # a text box's words, "" for any other box
    top: float
    height: float
    content_left: float  # the left edge of its content
    children: tuple[LaidBox, ...]
    width: float = 0.0  # of its content
    justified: bool = False  # a block container whose lines are justified (text-align-all)
    stretch: float = 0.0  # a text box's: what justification added to its spaces
    hyphen: str | None = None  # the hyphenation character a line ends with, None where it ends otherwise


def _kind(box) -> str:
    if isinstance(box, boxes.FootnoteAreaBox):
        return "notes"
    if isinstance(box, boxes.MarginBox):
        return "margin"
    for kind, types in (("line", boxes.LineBox), ("text", boxes.TextBox), ("inline", boxes.InlineBox),
                        ("block", boxes.BlockBox)):
        if isinstance(box, types):
            return kind
    return "other"


def _laid_box(box, left: float, top: float) -> LaidBox:
    tag = getattr(box, "element_tag", "") or ""
    kind, style = _kind(box), box.style
    text = box.text if kind == "text" else ""
    justified = isinstance(box, boxes.BlockContainerBox) and style["text_align_all"] == "justify"
    stretch = box.justification_spacing * (text.count(" ") + text.count("\u00a0")) if text else 0.0
    hyphen = hyphen_ending(box) if kind == "line" else None
    return LaidBox(kind, getattr(box, "element", None), tag.rpartition("}")[2], text, box.position_y - top,
                   box.height, box.content_box_x() - left,
                   tuple(_laid_box(child, left, top) for child in getattr(box, "children", ())),
                   box.width, justified, stretch, hyphen)


_pages: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # document -> its laid_out_pages


def laid_out_pages(document) -> list[LaidBox]:
    """Each page of a laid-out document as a tree of its boxes, from the page's own box down: the one
    walk of the boxes that the setting audit and the line counter read (made once per document)."""
    pages = _pages.get(document)
    if pages is None:
        pages = _pages[document] = [_laid_box(page._page_box, page._page_box.content_box_x(),
                                              page._page_box.content_box_y()) for page in document.pages]
    return pages


def root_element(document):
    """The document's root HTML element (that of the first page's root box), None if it has none."""
    pages = document.pages
    if not pages or not pages[0]._page_box.children:
        return None
    return pages[0]._page_box.children[0].element
