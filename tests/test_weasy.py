"""The adapter to WeasyPrint's private API: each attribute it reads, pinned on a real render.

A WeasyPrint release that renames or moves one of them fails here, by name, before a build
misreads a layout.
"""

from __future__ import annotations

import io
import re
import tomllib
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from weasyprint import HTML
from weasyprint import draw as weasy_draw
from weasyprint import pdf as weasy_pdf
from weasyprint.layout import LayoutContext
from weasyprint.layout import block as block_layout
from weasyprint.pdf import tags as weasy_tags

from edition.errors import EditionError
from edition.print.assemble import ARTIFACT_END, ARTIFACT_START, AssembledPart, Assembler
from edition.print.audit import audit_footnotes
from edition.print.pagination import PartLayout
from edition.print.weasy import (
    MENDS,
    SUPPORTED,
    LaidBox,
    MendLeftOut,
    NoteBody,
    NoteCall,
    ParsedHTML,
    check_version,
    footnotes,
    is_blank,
    laid_out_pages,
    mended,
    placed_text,
    root_element,
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


ORPHANS = PAGE + (" .note { line-height: 20px } p { orphans: 2; widows: 2; margin: 0; line-height: 20px;"
                  " font-size: 14px }")


def notes_then(words: int, paragraph: str):
    """A page filled by ``words`` words and a note, then ``paragraph``, whose second line cannot stay
    on the page without the first (orphans: 2)."""
    return render(f'<p>{" ".join(["word"] * words)}<span class="note" id="a">{"an earlier note " * 3}'
                  f"</span></p><p>{paragraph}</p>", ORPHANS)


CALLED_ON_THE_LINE = (f'{"one two three four five six seven " * 2}call<span class="note" id="b">the note of '
                      f'the line</span> {"end of it all " * 12}')
NO_CALL = "one two three four five six seven " * 8


@pytest.mark.parametrize("words", range(91, 98))
def test_a_note_called_on_a_line_kept_by_orphans_is_printed_with_its_call(words: int) -> None:
    """block._linebox_layout (wrapped: WeasyPrint 70 kept such a line by moving the notes before it
    to the next page, and never printed the line's own note): the paragraph goes to the next page
    with its note; the note before stays with its call. Context .footnotes, .current_page_footnotes,
    .reported_footnotes, ._update_footnote_area(); block.remove_placeholders."""
    document = notes_then(words, CALLED_ON_THE_LINE)
    pages = [footnotes(page) for page in document.pages]
    assert pages == [([NoteCall("a", False)], [NoteBody("a", False)]),
                     ([NoteCall("b", False)], [NoteBody("b", False)])]


def _every(box: LaidBox):
    yield box
    for child in box.children:
        yield from _every(child)


def test_laid_out_pages_give_each_box_its_kind_element_and_place() -> None:
    """Page ._page_box, .content_box_x(), .content_box_y(); Box .element, .element_tag, .children,
    .position_y, .height, .content_box_x(); LineBox, TextBox, InlineBox, BlockBox, FootnoteAreaBox,
    MarginBox; the root box's element."""
    style = PAGE + " @page { @top-center { content: 'head' } } body, p { line-height: 20px; margin: 0 }"
    document = render('<p id="first">one <em>two</em><span class="note" id="n">note</span></p>'
                      '<p style="margin-left: 20mm">three</p>', style)
    (page,) = laid_out_pages(document)
    assert page.top < 0 and page.content_left == 0  # the page box starts above its area, its content on it
    every = list(_every(page))
    assert {box.kind for box in every} >= {"block", "line", "inline", "text", "notes", "margin"}
    lines = [box for box in every if box.kind == "line" and box.element is not None
             and box.element.tag.rpartition("}")[2] == "p"]
    words = [[t.text for t in _every(line) if t.kind == "text"] for line in lines]
    assert words == [["one ", "two", "1"], ["three"]]  # "1": the note's call, a pseudo-element
    assert any("::" in box.tag for box in _every(lines[0]))
    assert lines[0].top == 0 and lines[0].height > 20  # the call's line is taller
    assert abs(lines[1].top - lines[0].height) < 0.01
    paragraphs = [box for box in every if box.kind == "block" and box.tag == "p"]
    assert abs(paragraphs[1].content_left - paragraphs[0].content_left - 20 * 96 / 25.4) < 0.01
    assert [box.tag for box in every if box.kind == "inline"][:1] == ["em"]
    notes = [box for box in every if box.kind == "notes"]
    assert [t.text for t in _every(notes[0]) if t.kind == "text"] == ["1. ", "note"]  # its marker, its text
    assert root_element(document).get("lang") == "en"


@pytest.mark.parametrize("words", range(91, 98))
def test_a_note_stays_with_its_call_when_a_later_line_is_kept_by_orphans(words: int) -> None:
    """block._linebox_layout (wrapped: WeasyPrint 70 kept the second line of the next paragraph on
    the page by moving the note before it to the next page, a page after its call)."""
    document = notes_then(words, NO_CALL)
    pages = [footnotes(page) for page in document.pages]
    assert pages == [([NoteCall("a", False)], [NoteBody("a", False)]), ([], [])]


def test_weasyprint_70_itself_loses_those_notes(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the mend 'notes kept with their lines' mends, on WeasyPrint's own _linebox_layout: the note
    before goes a page after its call, and the kept line's own note is never printed."""
    own = block_layout._linebox_layout
    while hasattr(own, "wrapped"):  # under every mend of it
        own = own.wrapped
    monkeypatch.setattr(block_layout, "_linebox_layout", own)
    pages = [footnotes(page) for page in notes_then(94, CALLED_ON_THE_LINE).pages]
    assert pages == [([NoteCall("a", False), NoteCall("b", False)], []), ([], [NoteBody("a", False)])]
    pages = [footnotes(page) for page in notes_then(94, NO_CALL).pages]
    assert pages == [([NoteCall("a", False)], []), ([], [NoteBody("a", False)])]


def test_each_mend_is_pinned_to_the_installed_release() -> None:
    assert all(mended(name) for name in MENDS)  # this release is the one each was written for


@pytest.mark.parametrize("name", sorted(MENDS))
def test_on_another_release_a_mend_is_left_out_with_a_warning(name: str) -> None:
    other = f"{SUPPORTED[0]}.{int(MENDS[name].split('.')[1]) + 1}"
    with pytest.warns(MendLeftOut, match=rf"WeasyPrint {other}: edition's mend '{name}' was written for "
                                         rf"WeasyPrint {re.escape(MENDS[name])} and is left out"):
        assert not mended(name, other)


SERIES = (PAGE + " .note { margin-top: 0 } .editors { order: 1; margin-top: 12px }"
          " .apparatus { order: 2; margin-top: 12px }")


def test_the_page_foot_sets_its_series_one_below_the_other() -> None:
    """LayoutContext._update_footnote_area, .current_page_footnotes and a box's .style["order"]: the
    notes stand series by series, each in the order of its calls (the calls: an editors' note, an
    author's, an apparatus entry, another editors' note, another author's), the margin-top of a
    series kept only above its first note; the audit (which compares bodies with calls series by
    series) finds them in order."""
    document = render('<p>One<span class="note editors" id="a">ed. a</span> two<span class="note" id="n1">'
                      'author 1</span> three<span class="note apparatus" id="x">entry</span> four'
                      '<span class="note editors" id="b">ed. b</span> five<span class="note" id="n2">'
                      'author 2</span>.</p>', SERIES)
    (page,) = document.pages
    calls, bodies = footnotes(page)
    assert [call.note for call in calls] == ["a", "n1", "x", "b", "n2"]
    assert [(body.note, body.series) for body in bodies] == [
        ("n1", 0), ("n2", 0), ("a", 1), ("b", 1), ("x", 2)]
    words = {text: top for text, _, top in placed_text(page)}
    line = words["author 2"] - words["author 1"]  # one line of notes, no space between (px, rounded)
    assert abs(words["ed. b"] - words["ed. a"] - line) <= 1
    assert abs(words["ed. a"] - words["author 2"] - (line + 12)) <= 1
    assert abs(words["entry"] - words["ed. b"] - (line + 12)) <= 1
    assert audit_footnotes(document, ["a", "n1", "x", "b", "n2"]) == []


def test_a_footnote_area_emptied_again_gives_its_room_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """LayoutContext._update_footnote_area (wrapped: WeasyPrint 70 set an emptied area's height to 0
    and kept its margin, padding and rule off the page, so the lines already placed overflowed it and
    their paragraph went whole to the next page, a004's half-empty p. 96). Read: .current_page_footnotes,
    .current_footnote_area (.height, .margin_height()), .page_bottom, .in_column, .layout_footnote,
    .report_footnote. A note moved on with its call's line leaves the page as if it had held none."""
    seen: list[tuple] = []
    layout_footnote, report_footnote = LayoutContext.layout_footnote, LayoutContext.report_footnote

    def laying_out(context, footnote):
        if not context.current_page_footnotes:
            seen.append(("empty", context.page_bottom))
        return layout_footnote(context, footnote)

    def reporting(context, footnote):
        report_footnote(context, footnote)
        seen.append(("moved on", context.page_bottom, context.current_footnote_area.height))

    monkeypatch.setattr(LayoutContext, "layout_footnote", laying_out)
    monkeypatch.setattr(LayoutContext, "report_footnote", reporting)
    style = ("@page { size: 100mm 120mm; margin: 10mm; @footnote { margin-top: 4mm; padding-top: 2mm;"
             " border-top: 1px solid } } .note { float: footnote; footnote-policy: line; line-height: 20px }"
             " p { margin: 0; line-height: 20px; font-size: 14px }")
    note = f'<span class="note" id="n">{"a long note " * 40}</span>'
    render(f'<p>{"alpha " * 80}call{note} {"omega " * 50}</p>', style)
    empty = seen[0][1]
    assert ("moved on", empty, "auto") in seen and all(entry[1] == empty for entry in seen)


HEADS = ("@page { size: 100mm 120mm; margin: 20mm 10mm; @top-center { content: 'Running head' }"
         " @bottom-center { content: counter(page) } } .note { float: footnote }")
NOTES = ('<p>Body text<span class="note" id="n1">First note</span> and more<span class="note" id="n2">'
         'Second note</span>.</p>')


def tagged(body: str, style: str = HEADS) -> pikepdf.Pdf:
    html = f'<html lang="en"><head><title>T</title><style>{style}</style></head><body>{body}</body></html>'
    return pikepdf.open(io.BytesIO(HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")))


def marked_content(page: pikepdf.Page) -> list[tuple[str, dict]]:
    """Each marked-content sequence a page's content stream opens: its tag and property list."""
    opened = []
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "BDC":
            opened.append((str(operands[0]), {str(key): value for key, value in operands[1].items()}))
        elif str(operator) == "BMC":
            opened.append((str(operands[0]), {}))
    return opened


def structure(element) -> Iterator:
    """The structure elements under ``element`` (a dictionary with /S), depth first."""
    kids = element.get("/K")
    kids = kids if isinstance(kids, pikepdf.Array) else [kids]
    for kid in kids:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from structure(kid)


def mapped_mcids(element) -> set[int]:
    found = set()
    for each in [element, *structure(element)]:
        kids = each.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, int):
                found.add(int(kid))
    return found


def test_running_heads_and_folios_are_pagination_artifacts_outside_the_tree() -> None:
    """draw.draw_stacking_context and pdf.tags._build_box_tree (wrapped): the head and the folio are
    drawn inside /Artifact <</Type /Pagination>> (as print/assemble.py marks its folios), with no MCID;
    every MCID the page marks is the text of one element of the structure tree."""
    pdf = tagged(NOTES)
    opened = marked_content(pdf.pages[0])
    artifacts = [(tag, properties) for tag, properties in opened if tag == "/Artifact" and properties]
    folio = pikepdf.Pdf.new()
    folio.add_blank_page()
    folio.pages[0].Contents = folio.make_stream(ARTIFACT_START + ARTIFACT_END)
    assert artifacts == marked_content(folio.pages[0]) * 2  # the running head and the folio
    mcids = {int(properties["/MCID"]) for _, properties in opened if "/MCID" in properties}
    assert mcids == mapped_mcids(pdf.Root.StructTreeRoot.K[0])


def test_footnote_bodies_are_notes_with_unique_ids() -> None:
    """pdf.tags._build_box_tree (wrapped): each note body in the footnote area is a /Note whose ID is
    its element's id, its text under it, the structure tree's /IDTree mapping each ID to its /Note."""
    pdf = tagged(NOTES)
    notes = [element for element in structure(pdf.Root.StructTreeRoot.K[0]) if element.S == "/Note"]
    assert [str(note.ID) for note in notes] == ["n1", "n2"]
    assert all(mapped_mcids(note) for note in notes)
    ids = pikepdf.NameTree(pdf.Root.StructTreeRoot.IDTree)
    assert [(key, ids[key].objgen) for key in ids] == [(str(note.ID), note.objgen) for note in notes]


def test_notes_without_an_id_are_given_one_each() -> None:
    """An ID is unique in the document (WeasyPrint 70 does not split a note body over two pages: the
    same element's body tagged twice would be the other case)."""
    pdf = tagged('<p>One<span class="note">first</span> two<span class="note">second</span>.</p>')
    ids = [str(element.ID) for element in structure(pdf.Root.StructTreeRoot.K[0]) if element.S == "/Note"]
    assert ids == ["note", "note-2"]


def test_joined_parts_keep_every_note_id_once() -> None:
    """print/assemble.py carries each part's /IDTree into the book's: two parts whose notes have the
    same id (here the fallback "note") keep both, the second renamed on its /Note."""
    assembler = Assembler(["one", "two"])
    for name in ("one", "two"):
        buffer = io.BytesIO()
        tagged('<p>One<span class="note">a note</span>.</p>').save(buffer)
        assembler.add(name, AssembledPart(PartLayout(name, 1, [False], {}, []), buffer.getvalue()))
    assembler._write_structure_root(["one", "two"])
    root = assembler.out.Root.StructTreeRoot
    notes = [element for element in structure(root.K[0]) if element.S == "/Note"]
    ids = pikepdf.NameTree(root.IDTree)
    assert [str(note.ID) for note in notes] == ["note", "note-2"]
    assert [(key, ids[key].objgen) for key in ids] == [(str(note.ID), note.objgen) for note in notes]


def test_weasyprint_70_itself_tags_heads_as_text_and_notes_as_spans(monkeypatch: pytest.MonkeyPatch) -> None:
    """What both tagging mends mend: WeasyPrint's own draws the head and folio as MCID'd /Span content
    the tree never maps, and tags no /Note."""
    monkeypatch.setattr(weasy_draw, "draw_stacking_context", weasy_draw.draw_stacking_context.wrapped)
    monkeypatch.setattr(weasy_tags, "_build_box_tree", weasy_tags._build_box_tree.wrapped.wrapped)
    monkeypatch.setattr(weasy_pdf, "add_tags", weasy_pdf.add_tags.wrapped)
    pdf = tagged(NOTES)
    opened = marked_content(pdf.pages[0])
    assert not [tag for tag, properties in opened if tag == "/Artifact" and properties]
    mcids = {int(properties["/MCID"]) for _, properties in opened if "/MCID" in properties}
    document = pdf.Root.StructTreeRoot.K[0]
    assert len(mcids - mapped_mcids(document)) >= 2  # the head's and the folio's text, unmapped
    assert not [element for element in structure(document) if element.S == "/Note"]
