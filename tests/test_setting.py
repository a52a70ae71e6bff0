"""The setting audit and its remedies: no line broken inside a paragraph for no reason, no ladder of
more than two hyphens, no page ending on a hyphen (issue 21)."""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import pairwise

import pytest
from weasyprint import HTML
from weasyprint.layout import inline

import edition.print.layout as layout_module
import edition.print.weasy as weasy
from edition.i18n.language import bind_dates
from edition.pipeline import book_stylesheets
from edition.print.hyphenation import register_patterns
from edition.print.layout import APP_LINE, lay_out_part, layout, layout_with_notes
from edition.print.setting import audit_lines, audit_pages, audit_setting, hyphenated_word
from edition.print.weasy import (
    TextLine,
    footnotes,
    hyphenation_limits,
    justified_lines,
    mend_line_breaking,
    unhyphenated,
)

NARROW = ("@page { size: 60mm 200mm; margin: 5mm } "
          "p { text-align: justify; hyphens: auto; font-size: 11pt; margin: 0 }")
# Public-domain English (the Gettysburg Address, 1863): long words, hyphenated in a narrow column.
ENGLISH = ("Four score and seven years ago our fathers brought forth on this continent a new nation, "
           "conceived in liberty, and dedicated to the proposition that all men are created equal. "
           "Now we are engaged in a great civil war, testing whether that nation, or any nation so "
           "conceived and so dedicated, can long endure.")


def lines_of(html_body: str) -> list[TextLine]:
    mend_line_breaking()
    html = f'<html lang="en"><head><style>{NARROW}</style></head><body>{html_body}</body></html>'
    return justified_lines(HTML(string=html).render())


def line(text: str, page: int = 0, hyphenated: bool = False, natural: float = 100.0) -> TextLine:
    return TextLine(page, 1, text, natural, 100.0, False, hyphenated, head=text, tail=text.rstrip("‐"))


def test_a_loose_line_inside_a_paragraph_is_found_its_last_line_is_not() -> None:
    problems = audit_lines([line("a full line"), line("Özalp’la", natural=20), line("end", natural=10)])
    assert [(p.line, p.problem) for p in problems] == [("Özalp’la", "a loose line inside a paragraph")]


def test_a_third_hyphen_in_a_row_and_a_page_ending_on_one_are_found() -> None:
    """A page ends on a hyphen where a paragraph's last line on it is hyphenated and the paragraph goes
    on on the next (a float in the paragraph, a block listed after its lines, once hid "yaşa‐" at the
    foot of p. 18: the source's page number, then set in the margin as a float)."""
    group = [line("one‐", hyphenated=True), line("two‐", hyphenated=True), line("three‐", hyphenated=True),
             line("four"), replace(line("five‐", hyphenated=True), last=True), line("six", page=1)]
    problems = audit_lines(group)
    assert [p.problem for p in problems] == ["3 hyphenated lines in a row", "the page ends on a hyphen"]
    assert problems[0].key == "threefour" and problems[1].key == "fivesix"


def test_a_word_named_unhyphenated_is_left_whole_where_it_stands() -> None:
    body = f"<p>{ENGLISH}</p>"
    before = lines_of(body)
    hyphenated = [(a, b) for a, b in pairwise(before) if a.hyphenated]
    assert hyphenated, "the narrow column hyphenates some word"
    first, following = hyphenated[0]
    word = first.tail.rsplit(" ", 1)[-1] + following.head.split(" ", 1)[0]
    with unhyphenated({hyphenated_word(first, following)}):
        after = lines_of(body)
    assert any(word in a.text.split() for a in after), (word, [a.text for a in after])
    assert " ".join(a.text for a in after).replace("‐ ", "").split() == ENGLISH.split()


SMALL_PAGES = ("@page { size: 50mm 40mm; margin: 4mm } .note { float: footnote; font-size: 8pt } "
               "p { text-align: justify; hyphens: auto; font-size: 11pt; line-height: 14pt; margin: 0; "
               "orphans: 1; widows: 1 }")


def small_pages(call_after: int, page_ends: bool) -> tuple[list[str], list[str]]:
    """The Gettysburg Address twice in one paragraph on small pages, a note called after its
    ``call_after``-th word: the pages that end on a hyphen, and the text's words as printed
    (hyphenated words joined), after checking that the note is printed once."""
    mend_line_breaking()
    words = ENGLISH.split()
    body = (" ".join(words[:call_after]) + '<span class="note" id="n">a note</span> '
            + " ".join(words[call_after:]) + " " + ENGLISH)
    html = f'<html lang="en"><head><style>{SMALL_PAGES}</style></head><body><p>{body}</p></body></html>'
    with hyphenation_limits(None, page_ends):
        document = HTML(string=html).render()
    assert [body.note for page in document.pages for body in footnotes(page)[1]] == ["n"]
    lines = justified_lines(document)
    ends = [p.line for p in audit_lines(lines) if p.problem == "the page ends on a hyphen"]
    return ends, " ".join(a.text for a in lines if not a.note).replace("‐ ", "").split()


def printed_words(call_after: int) -> list[str]:
    words = ENGLISH.split()  # the note's call "1" after its word
    return [*words[:call_after - 1], words[call_after - 1] + "1", *words[call_after:], *words]


@pytest.mark.parametrize("call_after", [12, 19, 33, 47])
def test_no_page_ends_hyphenated_as_the_pages_are_made(call_after: int) -> None:
    """Under ``hyphenation_limits(…, page_ends=True)`` a paragraph's last line on a page is broken
    again without hyphenation (WeasyPrint 70 ends pages of this column on a hyphen); its words and
    its note are all printed, the note once."""
    ends, words = small_pages(call_after, page_ends=False)
    assert ends and words == printed_words(call_after)
    ends, words = small_pages(call_after, page_ends=True)
    assert not ends and words == printed_words(call_after)


@pytest.mark.parametrize("tries", [0, 1])
def test_a_page_end_broken_again_loses_no_line_on_the_last_try(tries: int, monkeypatch) -> None:
    """The last try of a page's end is kept as laid out, its lines on the page, even where it ends
    hyphenated (a try that gave up after taking the lines back lost them and their notes)."""
    monkeypatch.setattr(weasy, "PAGE_END_TRIES", tries)
    for call_after in (12, 19, 33, 47):
        _, words = small_pages(call_after, page_ends=True)
        assert words == printed_words(call_after)


# Kafka, Die Verwandlung (1915, in the public domain), its opening: long words, hyphenated in a narrow column.
GERMAN = ("Als Gregor Samsa eines Morgens aus unruhigen Träumen erwachte, fand er sich in seinem Bett zu "
          "einem ungeheueren Ungeziefer verwandelt. Er lag auf seinem panzerartig harten Rücken und sah, "
          "wenn er den Kopf ein wenig hob, seinen gewölbten, braunen, von bogenförmigen Versteifungen "
          "geteilten Bauch, auf dessen Höhe sich die Bettdecke, zum gänzlichen Niedergleiten bereit, kaum "
          "noch erhalten konnte. Seine vielen, im Vergleich zu seinem sonstigen Umfang kläglich dünnen Beine "
          "flimmerten ihm hilflos vor den Augen.")


def longest_run(lines: list[TextLine]) -> int:
    """The most hyphenated lines in a row, counted over page breaks."""
    longest = run = 0
    for line in lines:
        run = run + 1 if line.hyphenated else 0
        longest = max(longest, run)
    return longest


@pytest.mark.parametrize("height", [300, 45, 40])
def test_no_more_than_two_hyphenated_lines_in_a_row_as_lines_are_broken(height: int) -> None:
    """In a narrow column WeasyPrint 70 hyphenates up to five lines in a row; under
    ``hyphenation_limits(2, …)`` the third is broken without hyphenation, on one page and across
    page breaks (the run is carried over), and every word is printed."""
    mend_line_breaking()
    style = (f"@page {{ size: 34mm {height}mm; margin: 3mm }} p {{ text-align: justify; hyphens: auto; "
             "font-size: 10pt; line-height: 12pt; margin: 0; orphans: 1; widows: 1 }")
    html = f'<html lang="de"><head><style>{style}</style></head><body><p>{GERMAN}</p></body></html>'
    runs = {}
    for limit in (None, 2):
        with hyphenation_limits(limit, False):
            lines = justified_lines(HTML(string=html).render())
        runs[limit] = longest_run(lines)
        assert " ".join(line.text for line in lines).replace("‐ ", "").split() == GERMAN.split()
    assert runs[None] > 2 and runs[2] == 2, runs




def test_the_longest_article_is_set_without_ladders_or_hyphenated_page_ends_in_one_layout(
        book_parts, project) -> None:
    """a004 as WeasyPrint 70 breaks its lines has ladders of up to seven hyphens and pages ending on
    one (the setting audit then laid it out five times); with the limits in force as its lines are
    broken, the first layout has neither, and no word is lost."""
    css = tuple(book_stylesheets(project)[0])
    register_patterns(project.hyphenation)  # as layout() does: the Turkish patterns, the mends
    mend_line_breaking()
    with hyphenation_limits(None, False):
        parsed = layout_module.parse(book_parts["a004"], project)
        unlimited = layout_module._render(parsed, project, css, None)
    faults = {p.problem.split(" ", 1)[1] if p.problem[0].isdigit() else p.problem
              for p in audit_setting(unlimited) if p.key}
    assert faults == {"hyphenated lines in a row", "the page ends on a hyphen"}
    before = layout_module.RENDERS[0]
    document = layout(book_parts["a004"], project, css)
    assert layout_module.RENDERS[0] - before == 1
    assert [str(p) for p in audit_setting(document) if p.key] == []

    def letters(document) -> tuple[str, list[str]]:
        """The text's letters in order (spaces left out: a line may break after the text's own
        hyphen, "Brest-Litovsk", in one layout and not the other), the notes' letters (the page
        foot's series move with the lines)."""
        lines = justified_lines(document)
        text, notes = ("".join(line.text for line in lines if line.note == note).replace("‐", "")
                       for note in (False, True))
        return "".join(text.split()), sorted("".join(notes.split()))

    assert letters(document) == letters(unlimited)


def test_a_measurement_of_a_part_with_an_apparatus_is_one_layout_and_guides_the_final(
        book_parts, project) -> None:
    """a003 has an apparatus entry: a measurement counts its lemma's line in its one layout (the
    entry's number is printed only by a final layout), and the final layout, starting from that
    line, is one layout too where the lemma stays on it."""
    css = tuple(book_stylesheets(project)[0])
    html = book_parts["a003"]
    assert APP_LINE.search(html), "a003 has an apparatus entry"
    measured, pdf = lay_out_part("a003", html, project.root, css, measure=True)
    assert pdf == b"" and measured.renders == 1 and measured.entries
    final, pdf = lay_out_part("a003", html, project.root, css, whole=tuple(measured.whole),
                              lines=measured.entries)
    assert pdf.startswith(b"%PDF") and final.renders == 1
    assert final.entries == measured.entries


@pytest.fixture(scope="module")
def a001(book_parts, project):
    return layout(book_parts["a001"], project, tuple(book_stylesheets(project)[0]))


def test_the_second_article_is_set_without_faults(a001) -> None:
    assert [str(p) for p in audit_setting(a001)] == []


def test_a_name_and_its_suffix_do_not_end_a_line_alone(a001) -> None:
    """WeasyPrint measured the run of text after "Kazım Özalp" with its trailing space and, finding it
    a hair too wide, kept only "’la" on the line: "Özalp’la" stood alone and the paragraph went on."""
    texts = [line.text for line in justified_lines(a001)]
    assert any("Özalp’la irtibata" in text for text in texts)
    assert "Özalp’la" not in texts


def test_weasyprint_70_itself_sets_the_name_alone(book_parts, project, monkeypatch) -> None:
    """What the mend 'whole runs' (weasy.MENDS) mends, on WeasyPrint's own split_first_line."""
    mend_line_breaking()
    monkeypatch.setattr(inline, "split_first_line", inline.split_first_line.wrapped)
    monkeypatch.setattr(layout_module, "mend_line_breaking", lambda: None)  # as WeasyPrint is
    document = layout(book_parts["a001"], project, tuple(book_stylesheets(project)[0]))
    assert "Özalp’la" in [line.text for line in justified_lines(document)]


def test_dates_are_bound_with_the_month_names_of_their_language() -> None:
    assert bind_dates("27/28 Ocak\n1920 gecesi, 15 Mayıs 1919’da; 22/II/1922", "tr") == (
        "27/28\u00a0Ocak\u00a01920 gecesi, 15\u00a0Mayıs\u00a01919’da; 22/\u2060II/\u20601922")
    assert bind_dates("on 15 May 1919, or May 15, 1919; you may 3 times", "en") == (
        "on 15\u00a0May\u00a01919, or May\u00a015, 1919; you may 3 times")
    assert bind_dates("15 Mayıs 1919", "und") == "15 Mayıs 1919"


TURKISH_MONTHS = ("Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim",
                  "Kasım", "Aralık")
SPLIT_DATE = re.compile(rf"(\b\d{{1,2}}\.?\n({'|'.join(TURKISH_MONTHS)})\b)|"
                        rf"(\b({'|'.join(TURKISH_MONTHS)})\n\d{{4}})|(\d/\n[IVX\d])")


def test_no_date_is_split_at_a_line_end(a001) -> None:
    text = "\n".join(line.text for line in justified_lines(a001))
    assert [match.group(0) for match in SPLIT_DATE.finditer(text)] == []


PAGES = ("@page { size: 80mm 60mm; margin: 5mm } body { font-size: 10pt; line-height: 12pt } "
         "p, h2 { margin: 0 }")


def pages_of(body: str, style: str = "") -> list[str]:
    html = f'<html lang="en"><head><style>{PAGES} {style}</style></head><body>{body}</body></html>'
    return [p.problem for p in audit_pages(HTML(string=html).render())]


def test_a_heading_at_a_page_foot_and_a_page_left_short_are_found() -> None:
    filler = "<p>line</p>" * 10  # a page holds 11 lines of 12pt
    at_foot = pages_of(filler + "<h2>Heading</h2><p>" + "text " * 40 + "</p>", "h2 { break-after: auto }")
    assert at_foot == ["a heading at the foot of the page"]
    short = pages_of("<p>" + "word " * 20 + '</p><p style="break-before: page">' + "text " * 40 + "</p>")
    assert len(short) == 1 and short[0].startswith("the page ends") and short[0].endswith("lines short")


def test_a_paragraph_line_alone_at_a_page_foot_or_head_is_found() -> None:
    """Where a stylesheet lets a paragraph leave one line (``orphans``/``widows`` 1), as print.css
    once did in quotations, the audit names it; with the theme's two lines no such line is left."""
    loose = "p { orphans: 1; widows: 1 }"
    five_lines = "<p>" + "text " * 34 + "</p>"  # a page holds 11 lines of 12pt
    assert pages_of("<p>line</p>" * 10 + five_lines, loose) == [
        "a paragraph's first line alone at the page foot"]
    assert pages_of("<p>line</p>" * 7 + five_lines, loose) == [
        "a paragraph's last line alone at the head of the page"]
    assert pages_of("<p>line</p>" * 7 + five_lines, "p { orphans: 2; widows: 2 }") == []


def test_a_page_short_before_a_heading_kept_with_its_lines_is_not_a_fault() -> None:
    filler = "<p>line</p>" * 7
    kept = "<h2 style='break-after: avoid; font-size: 20pt; line-height: 40pt'>Heading</h2><p>" + "text " * 40
    assert pages_of(filler + kept + "</p>") == []


@pytest.fixture(scope="module")
def article_pages(book_parts, project) -> dict[str, object]:
    """Every article's text and notes, the bibliography and the indexes, laid out as the build lays
    them out (notes audited)."""
    css = tuple(book_stylesheets(project)[0])
    return {name: layout_with_notes(html, project, css)[0] for name, html in book_parts.items()
            if name.startswith(("a0", "bibliography", "index-"))}


def test_no_page_of_the_text_ends_on_a_heading_runs_short_or_leaves_a_line_alone(article_pages) -> None:
    """a004's p. 96 ended half empty (WeasyPrint kept an emptied footnote area's room, weasy.py); a
    heading was once left at a page foot in the bibliography; a quoted document's last line ("045)")
    stood alone at a page head in a002 when quotations allowed one line."""
    problems = {name: [str(p) for p in audit_pages(document)] for name, document in article_pages.items()}
    assert {name: found for name, found in problems.items() if found} == {}
