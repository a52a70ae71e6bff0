"""Pagination of the assembled book: where each part starts, which pages are blank, every page's folio.

Parts are laid out separately (see ``book.py``); their lengths decide everything else. A part that
opens on a recto after an odd number of pages gets a blank verso before it. The front matter is
numbered in roman figures (the half-title, title page and imprint are counted but carry no number);
the main matter restarts at 1 with the first article. An article's opening page, the bibliography's
and each index's (and that of each division of a long document cut into parts) carry their folio at
the foot, other pages at the outer corner of the head, blank pages none. ``Schedule`` tells which
parts must be placed before a part's printed page numbers are final.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from edition.print.book import FRONT, MAIN, PageRefs, PartSpec

FOLIO_NONE, FOLIO_LEFT, FOLIO_RIGHT, FOLIO_FOOT = "none", "left", "right", "foot"
FIRST_NUMBERED_ANCHOR = "toc"  # front-matter pages before the table of contents carry no folio


@dataclass
class PartLayout:
    """What the typesetter learnt from laying out one part (the PDF itself travels separately)."""

    name: str
    pages: int
    blank: list[bool]  # WeasyPrint's own blank pages (a forced recto inside the part)
    anchors: dict[str, int]  # id -> 0-based page within the part
    bookmarks: list[tuple[int, str, int, float, float]]  # level, label, page, x, y (PDF points)
    problems: list[tuple[str, str]] = field(default_factory=list)  # footnote audit: (note id, problem)
    seconds: float = 0.0
    # Line numbers for the margin (print/lines.py): page, top, height, left (CSS px, from the page
    # area's top left), number.
    line_numbers: list[tuple[int, float, float, float, int]] = field(default_factory=list)
    renders: int = 0  # WeasyPrint layouts this part took (the setting audit's and line numbers' included)
    whole: list[str] = field(default_factory=list)  # words the setting audit left whole (hyphenation_key)
    entries: dict[str, list[int]] = field(default_factory=dict)  # apparatus entry -> [first, last] line
    # The source's page numbers for the margin (print/lines.py): page, the line's top and height, the
    # text block's right edge (CSS px), the number.
    source_pages: list[tuple[int, float, float, float, str]] = field(default_factory=list)


@dataclass
class PagePlan:
    """The assembled book's pages: each part's first physical page and every page's folio."""

    starts: dict[str, int]  # part -> 0-based physical index of its first page
    blank_before: dict[str, bool]  # part -> a blank verso is inserted before it
    folios: list[tuple[str, str]]  # per physical page: (placement, text)
    refs: PageRefs
    main_start: int  # physical index of the main matter's page 1
    # Per physical page, its line numbers for the margin: (top, height, left, number), CSS px.
    line_numbers: dict[int, list[tuple[float, float, float, int]]] = field(default_factory=dict)
    # Per physical page, the source's page numbers for the margin: (top, height, right, number), CSS px.
    source_pages: dict[int, list[tuple[float, float, float, str]]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.folios)


def starts_left(spec: PartSpec, refs: PageRefs) -> bool:
    """Whether a part that need not open on a recto begins on a verso, as far as ``refs`` tell.

    The main matter's page 1 is a recto, so its even pages are versos; a part's own id is an anchor
    on its first page.
    """
    return not spec.opens_recto and refs.main.get(spec.name, 1) % 2 == 0


def roman(number: int) -> str:
    values = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
              (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
    text = ""
    for value, letters in values:
        count, number = divmod(number, value)
        text += letters * count
    return text


def plan_pages(specs: list[PartSpec], layouts: dict[str, PartLayout]) -> PagePlan:
    """Place the parts that have been laid out, in book order; parts not yet laid out are skipped
    (the main matter's numbers do not depend on the front matter, which comes first and counts apart).
    """
    starts: dict[str, int] = {}
    blank_before: dict[str, bool] = {}
    pages: list[tuple[str, int, bool]] = []  # per physical page: part name ("" = inserted), page, blank
    for spec in specs:
        layout = layouts.get(spec.name)
        if layout is None:
            continue
        blank_before[spec.name] = spec.opens_recto and len(pages) % 2 == 1
        if blank_before[spec.name]:
            pages.append(("", 0, True))
        starts[spec.name] = len(pages)
        pages.extend((spec.name, index, layout.blank[index]) for index in range(layout.pages))
    matter = {spec.name: spec.matter for spec in specs}
    # Pages that open with a title: an article's first, the bibliography's and each index's.
    openings = {starts[spec.name] for spec in specs
                if spec.kind in ("article", "back") and spec.name in starts}
    openings |= {starts[spec.name] + layouts[spec.name].anchors[ident] for spec in specs
                 if spec.name in starts for ident in spec.openings if ident in layouts[spec.name].anchors}
    main_start = next((i for i, (name, _, _) in enumerate(pages) if name and matter[name] != FRONT),
                      len(pages))
    first_numbered = _first_numbered_page(starts, layouts)
    folios = [_folio(i, blank, main_start, first_numbered, i in openings)
              for i, (_, _, blank) in enumerate(pages)]
    refs = PageRefs()
    for name, start in starts.items():
        for ident, index in layouts[name].anchors.items():
            physical = start + index
            refs.folios.setdefault(ident, folios[physical][1] or _number(physical, main_start))
            if physical >= main_start:
                refs.main.setdefault(ident, physical - main_start + 1)
    return PagePlan(starts, blank_before, folios, refs, main_start,
                    _by_page(starts, {name: layout.line_numbers for name, layout in layouts.items()}),
                    _by_page(starts, {name: layout.source_pages for name, layout in layouts.items()}))


def _by_page(starts: dict[str, int], marks: dict[str, list[tuple]]) -> dict[int, list[tuple]]:
    """Each part's margin marks (page within the part first) by physical page."""
    pages: dict[int, list[tuple]] = {}
    for name, start in starts.items():
        for page, *mark in marks[name]:
            pages.setdefault(start + page, []).append(tuple(mark))
    return pages


def _first_numbered_page(starts: dict[str, int], layouts: dict[str, PartLayout]) -> int:
    for name, start in starts.items():
        if FIRST_NUMBERED_ANCHOR in layouts[name].anchors:
            return start + layouts[name].anchors[FIRST_NUMBERED_ANCHOR]
    return 0


def _number(physical: int, main_start: int) -> str:
    return roman(physical + 1) if physical < main_start else str(physical - main_start + 1)


def _folio(physical: int, blank: bool, main_start: int, first_numbered: int,
           opening: bool) -> tuple[str, str]:
    text = _number(physical, main_start)
    if blank or (physical < main_start and physical < first_numbered):
        return FOLIO_NONE, ""
    if physical < main_start or opening:
        return FOLIO_FOOT, text
    return (FOLIO_RIGHT if physical % 2 == 0 else FOLIO_LEFT), text


class Schedule:
    """When a part's page numbers are final, so that it can be laid out once.

    A part's printed page numbers are final once every part they point into, and every part before
    that one in the same numbering, has been laid out. The back matter prints the pages of the whole
    main matter; the contents list every part. A part that need not open on a recto also waits for
    the parts before it, which decide the side its first page falls on.

    Some parts wait for themselves through others: an article's editorial notes point into later
    articles, whose first pages depend on the notes' own length; the contents give the roman folio
    of the introduction, which depends on the contents' length. Those parts are measured first (laid
    out with the page numbers as known so far, no PDF written), so that the others can wait for
    their lengths.
    """

    def __init__(self, specs: list[PartSpec], ids: dict[str, set[str]], targets: dict[str, set[str]]):
        owner = {ident: name for name, idents in ids.items() for ident in idents}
        earlier = {spec.name: {s.name for s in specs[:index] if s.matter == spec.matter}
                   for index, spec in enumerate(specs)}
        main_text = {s.name for s in specs if s.matter == MAIN and s.kind != "back"}
        self.needs: dict[str, set[str]] = {}
        for spec in specs:
            if spec.kind == "front":
                needs = {s.name for s in specs}
            elif spec.kind == "back":
                needs = set(main_text)
            else:
                needs = set() if spec.opens_recto else set(earlier[spec.name])
                for target in targets[spec.name]:
                    if target == spec.name:  # a part's own id is on its first page
                        needs |= earlier[spec.name]
                    elif target in owner:
                        needs |= {owner[target], *earlier[owner[target]]}
            self.needs[spec.name] = needs
        self.cyclic = {name for name in self.needs if name in self._reachable(name)}

    def _reachable(self, name: str) -> set[str]:
        seen: set[str] = set()
        todo = list(self.needs[name])
        while todo:
            part = todo.pop()
            if part not in seen:
                seen.add(part)
                todo.extend(self.needs[part])
        return seen

    def ready(self, name: str, layouts: dict[str, PartLayout], busy: set[str]) -> bool:
        """All the parts it needs have a layout and none is being laid out again (``busy``). A part
        that waits for itself need not wait for the others in its cycle (they wait for it too): their
        next layouts are expected to keep the lengths they have. Any other part waits until they
        settle, since what it prints may move inside them (the indexes print every mention's page)."""
        in_cycle = name in self.cyclic
        return all(need in layouts and (need not in busy or (in_cycle and need in self.cyclic))
                   for need in self.needs[name] - {name})
