"""The adapter to WeasyPrint's private API: each attribute it reads, pinned on a real render.

A WeasyPrint release that renames or moves one of them fails here, by name, before a build
misreads a layout.
"""

from __future__ import annotations

import tomllib
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from weasyprint import HTML

from edition.errors import EditionError
from edition.print.weasy import (
    SUPPORTED,
    NoteBody,
    NoteCall,
    ParsedHTML,
    check_version,
    footnotes,
    is_blank,
    placed_text,
)

ROOT = Path(__file__).resolve().parent.parent
PAGE = "@page { size: 100mm 120mm; margin: 10mm } .note { float: footnote }"


def render(body: str, style: str = PAGE):
    html = f'<html lang="en"><head><style>{style}</style></head><body>{body}</body></html>'
    return HTML(string=html).render()


def test_the_supported_range_is_the_one_the_package_asks_for() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [d for d in pyproject["project"]["dependencies"] if d.startswith("weasyprint")]
    assert pins == [f"weasyprint>={SUPPORTED[0]},<{SUPPORTED[1]}"]


@pytest.mark.parametrize("installed", [f"{SUPPORTED[0]}.0", f"{SUPPORTED[1] - 1}.9", f"{SUPPORTED[0]}.0rc1"])
def test_a_weasyprint_in_the_range_is_accepted(installed: str) -> None:
    check_version(installed)


@pytest.mark.parametrize("installed", [f"{SUPPORTED[0] - 1}.2", f"{SUPPORTED[1]}.0", "unknown"])
def test_a_weasyprint_outside_the_range_is_one_clear_error(installed: str) -> None:
    with pytest.raises(EditionError) as refused:
        check_version(installed)
    message = str(refused.value)
    assert f"WeasyPrint {installed} is installed" in message
    assert f"install weasyprint>={SUPPORTED[0]},<{SUPPORTED[1]}" in message
    assert "\n" not in message


def test_the_installed_weasyprint_is_accepted() -> None:
    check_version()


def test_a_page_inserted_before_a_recto_is_blank() -> None:
    """Page._page_box.page_type.blank"""
    document = render('<p>first</p><p style="break-before: right">second</p>')
    assert [is_blank(page) for page in document.pages] == [False, True, False]


def test_calls_and_bodies_of_notes_are_found_on_their_page() -> None:
    """Box.footnote, .element, .descendants(), FootnoteAreaBox and its .children."""
    document = render('<p>One<span class="note" id="n1">first note</span> and two'
                      '<span class="note" id="n2">second note</span>.</p>'
                      '<p style="break-before: page">Three<span class="note" id="n3">third</span>.</p>')
    assert [footnotes(page) for page in document.pages] == [
        ([NoteCall("n1", False), NoteCall("n2", False)], [NoteBody("n1", False), NoteBody("n2", False)]),
        ([NoteCall("n3", False)], [NoteBody("n3", False)]),
    ]


def test_notes_run_on_in_one_line_are_found_each() -> None:
    """Inline bodies (``footnote-display: inline``, the apparatus's run-on entries): boxes below the
    area's anonymous line, told by the book's class ``footnote``."""
    style = PAGE + " .footnote { float: footnote; footnote-display: inline }"
    document = render('<p>One<span class="footnote" id="e1">first</span> two<span class="footnote" '
                      'id="e2">second</span>.</p>', style)
    (page,) = document.pages
    assert footnotes(page)[1] == [NoteBody("e1", False), NoteBody("e2", False)]


def test_a_note_called_inside_a_note_is_nested() -> None:
    """Footnote area descendants: a call among them is inside another note's body."""
    document = render('<p>Text<span class="note" id="outer">outer note'
                      '<span class="note" id="inner">inner note</span> ends</span>.</p>')
    calls = [call for page in document.pages for call in footnotes(page)[0]]
    assert NoteCall("outer", False) in calls
    assert NoteCall("inner", True) in calls


@pytest.mark.parametrize("repeat", [20, 200])
def test_a_note_body_fits_on_its_page_or_overflows(repeat: int) -> None:
    """PageBox .content_box_y(), .height; a body's .position_y and .margin_height(): a body too long
    for the page starts above its top (WeasyPrint 70) and would lose its first lines unreported."""
    filler = "<p>" + "The text goes on for a while. " * 60 + "</p>"
    document = render(f'{filler}<p>Last line<span class="note" id="n">{"A long note. " * repeat}</span>.</p>')
    bodies = [body for page in document.pages for body in footnotes(page)[1]]
    assert bodies == [NoteBody("n", repeat == 200)]


def test_placed_text_is_every_word_where_it_stands() -> None:
    """TextBox .text, .position_x, .position_y."""
    document = render('<p>alpha beta</p><p style="margin-left: 20mm">gamma</p>')
    (page,) = document.pages
    placed = placed_text(page)
    assert [text for text, _, _ in placed] == ["alpha beta", "gamma"]
    (alpha_x, alpha_y), (gamma_x, gamma_y) = [(x, y) for _, x, y in placed]
    assert gamma_y > alpha_y
    assert abs(gamma_x - alpha_x - 20 * 96 / 25.4) <= 1  # 20 mm in CSS pixels, rounded


def test_a_parsed_tree_lays_out_as_weasyprints_own_parse() -> None:
    """ParsedHTML sets the attributes HTML sets from its source."""
    source = ('<html lang="en"><head><style>' + PAGE + '</style></head><body><p>Text<span class="note" '
              'id="n1">note</span>.</p></body></html>')
    parsed = ParsedHTML(ElementTree.fromstring(source), "file:///", None)
    own = HTML(string=source, base_url="file:///")
    assert vars(parsed).keys() == vars(own).keys()
    ours, theirs = parsed.render(), own.render()
    assert [placed_text(p) for p in ours.pages] == [placed_text(p) for p in theirs.pages]
    assert [footnotes(p) for p in ours.pages] == [footnotes(p) for p in theirs.pages]
    assert placed_text(ours.pages[0])[0][0] == "Text"
