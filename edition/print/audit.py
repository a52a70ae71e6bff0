"""The footnote audit: every note body on the page of its call, once, in order, whole (the order of
the calls within each series: the authors' notes, then the editors', then the apparatus).

WeasyPrint places a footnote body in the footnote area of the page where its call falls, but it may
move a body to the next page when the area is full, print bodies out of call order, and it never splits
a body too long for one page (upstream issues 1833 and 1564). This audit reads the laid-out pages and
reports every note that does not sit where a reader expects it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from edition.print.weasy import footnotes


@dataclass(frozen=True)
class NoteProblem:
    note: str
    problem: str

    def __str__(self) -> str:
        return f"note {self.note}: {self.problem}"


def note_positions(document) -> tuple[dict[str, list[int]], dict[str, list[int]], list[list[str]],
                                       list[list[str]], set[str]]:
    """Pages of every call and body, the order of calls (series by series) and bodies per page, and
    overflowing bodies."""
    calls: dict[str, list[int]] = defaultdict(list)
    bodies: dict[str, list[int]] = defaultdict(list)
    call_order: list[list[str]] = []
    body_order: list[list[str]] = []
    overflowing: set[str] = set()
    for number, page in enumerate(document.pages, start=1):
        page_calls, page_bodies = footnotes(page)
        for call in page_calls:
            calls[call.note].append(number)
        for body in page_bodies:
            bodies[body.note].append(number)
            if body.overflows:
                overflowing.add(body.note)
        # A note called from inside a note has no place in the order; the page foot sets the series
        # one below the other (weasy.note_series), each in the order of its calls.
        series = sorted((call for call in page_calls if not call.nested), key=lambda call: call.series)
        call_order.append([call.note for call in series])
        body_order.append([body.note for body in page_bodies])
    return calls, bodies, call_order, body_order, overflowing


def audit_footnotes(document, expected: list[str]) -> list[NoteProblem]:
    """Problems with the notes ``expected`` (their ids, in document order) in a laid-out document."""
    calls, bodies, call_order, body_order, overflowing = note_positions(document)
    problems = []
    for ident in expected:
        if not calls.get(ident):
            problems.append(NoteProblem(ident, "its call is missing"))
        if not bodies.get(ident):
            problems.append(NoteProblem(ident, "its text is missing"))
        elif len(bodies[ident]) > 1:
            problems.append(NoteProblem(ident, f"its text is printed {len(bodies[ident])} times"))
        elif calls.get(ident) and bodies[ident][0] != calls[ident][0]:
            problems.append(NoteProblem(ident, f"called on page {calls[ident][0]} but printed on page "
                                               f"{bodies[ident][0]}"))
        if ident in overflowing:
            problems.append(NoteProblem(ident, "its text runs past the edge of the page"))
    for page, (page_calls, page_bodies) in enumerate(zip(call_order, body_order, strict=True), start=1):
        in_order = [ident for ident in page_calls if ident in page_bodies]
        if [ident for ident in page_bodies if ident in page_calls] != in_order:
            problems.append(NoteProblem(",".join(page_bodies), f"printed out of order on page {page}"))
    return problems
