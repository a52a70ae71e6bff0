"""The footnote audit on the real volume, and on a page WeasyPrint gets wrong without help."""

from __future__ import annotations

import re

from edition.print.audit import audit_footnotes
from edition.print.layout import NOTE_IDS, layout

from .conftest import ARTICLES


def test_real_volume_notes_are_all_at_the_foot_of_their_pages(build_result) -> None:
    """The authors' notes, the editors' and the corrections' entries: each on the page of its call,
    once, whole, in the order of the calls of its series."""
    assert [str(p) for p in build_result.note_problems] == []


def test_the_editors_notes_are_a_series_the_audit_checks(book_parts: dict[str, str]) -> None:
    """The bundled volume sets its editors' notes at the foot of the page (the default): in every
    article they float as the authors' do, and the audit looks for each of them."""
    for article in ARTICLES:
        html = book_parts[article]
        editors = re.findall(r'<span id="([^"]+)" class="footnote editorial-note"', html)
        assert len(editors) > 10 and set(editors) <= set(NOTE_IDS.findall(html)), article


def test_audit_detects_a_note_pushed_to_the_next_page(project) -> None:
    """Without footnote-policy, a long note called at a page's last line lands on the next page."""
    filler = "<p>" + "Kurtuluş Savaşı yıllarında metin sürer. " * 60 + "</p>"
    long_note = "Uzun dipnot metni. " * 120
    html = (f"<html><head><style>@page {{ size: 100mm 120mm; margin: 10mm }} "
            f".footnote {{ float: footnote }}</style></head><body>{filler}"
            f"<p>Son satır<span class='footnote' id='n1'>{long_note}</span> biter.</p>"
            f"<p>Sonra<span class='footnote' id='n2'>kısa</span>.</p></body></html>")
    problems = audit_footnotes(layout(html, project), ["n1", "n2"])
    n1 = [p.problem for p in problems if p.note == "n1"]
    assert any("printed on page" in problem or "runs past" in problem for problem in n1), problems
    assert all(p.note in {"n1", "n2"} or "order" in p.problem for p in problems)
