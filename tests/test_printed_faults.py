"""Faults a typographer and a historian sent back (issue 21), looked for in the built book's PDF: each
class of fault a program can see has its test here. Lines broken inside a paragraph are found on the
laid-out pages (``test_setting``: the PDF's text does not tell a stretched line from small capitals).
"""

from __future__ import annotations

import re
import statistics
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from .conftest import ROOT

MM = 72 / 25.4  # PDF points per millimetre
HEAD, FOOT = 20 * MM, 24 * MM  # the margins that hold the running heads and folios
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
HYPHEN = "\u2010"  # the hyphen the book's hyphenation prints (a word's own hyphen is "-")
TURKISH_MONTHS = ("Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim",
                  "Kasım", "Aralık")
ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December")
MONTHS = "|".join(TURKISH_MONTHS + ENGLISH_MONTHS)
# A day at a line's end with its month on the next, a month with its year, or a date in figures cut.
SPLIT_DATE = re.compile(rf"\b\d{{1,2}}\.?\n(?:{MONTHS})\b|\b(?:{MONTHS})\n\d{{4}}\b|\b\d{{1,2}}/\n[IVX\d]")
INDEX_HEADING = "Kişiler"  # the first index's heading (the bundled volume prints its interface in Turkish)
LOCATOR = re.compile(r"(?:\d|n\. \S+)$")  # an entry ends on a page: "12", "61–64", "12 n. 5"


@pytest.fixture(scope="module")
def pdf(built: Path) -> Path:
    return built / "edition.pdf"


def pdf_lines(pdf: Path, *options: str) -> list[list[str]]:
    """Each page's lines of text as pdftotext reads them."""
    text = subprocess.run(["pdftotext", *options, "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return [[line for line in page.split("\n") if line.strip()] for page in text.split("\f")]


@pytest.fixture(scope="module")
def page_lines(pdf: Path) -> list[list[str]]:
    """Each page's lines in reading order: a column's, a block's lines one after the other."""
    return pdf_lines(pdf)


def pdf_words(pdf: Path) -> Iterator[tuple[float, float, list[tuple[float, float, float, float, str]]]]:
    """Each page's width, height and words (x min, y min, x max, y max, text), in PDF points."""
    out = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
        words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in WORD.findall(page.group(3))]
        yield float(page.group(1)), float(page.group(2)), words


def test_no_ladder_of_more_than_two_hyphens(page_lines: list[list[str]]) -> None:
    """48 runs of three or more hyphenated lines (seven in a row on p. 86)."""
    ladders = []
    for number, lines in enumerate(page_lines, start=1):
        run = 0
        for line in lines:
            run = run + 1 if line.endswith(HYPHEN) else 0
            if run > 2:
                ladders.append((number, line))
    assert ladders == [], ladders


def test_no_page_ends_on_a_hyphen(pdf: Path) -> None:
    """26 pages ended on a hyphen. A page's last line of text is the lowest line set in the size most of
    its words are set in (its notes are set smaller)."""
    ends = []
    for number, (_, height, words) in enumerate(pdf_words(pdf), start=1):
        text = [w for w in words if w[1] > HEAD and w[3] < height - FOOT]
        if len(text) < 20:
            continue
        size = statistics.mode(round(w[3] - w[1], 1) for w in text)
        body = [w for w in text if abs(w[3] - w[1] - size) < 0.3]
        bottom = max(w[3] for w in body)
        last = max((w for w in body if bottom - w[3] < 1), key=lambda w: w[2])
        if last[4].endswith(HYPHEN):
            ends.append((number, last[4]))
    assert ends == [], ends


MARGIN_MARKS = re.compile(r"^\s*\d+\s{2,}|\s*\[\d+\]\s*$")  # line numbers; the source's page numbers


def test_no_date_is_split_across_lines(pdf: Path) -> None:
    """Days were split from months (13), months from years (30), "22/|II/1922" on p. 62. The lines as
    laid out (a line's words stay together however far apart justification set them)."""
    _, height, _ = next(pdf_words(pdf))
    text_area = ("-y", str(round(HEAD)), "-W", "10000", "-H", str(round(height - HEAD - FOOT)))  # no folios
    pages = [[MARGIN_MARKS.sub("", line).strip() for line in lines]
             for lines in pdf_lines(pdf, "-layout", "-x", "0", *text_area)]
    split = [(number, match.group(0)) for number, lines in enumerate(pages, start=1)
             for match in SPLIT_DATE.finditer("\n".join(lines))]
    assert split == [], split


def index_entries(pdf: Path) -> list[str]:
    """The indexes' entries as printed, each with its continued lines (indented under it) joined: the
    pages from the first index's heading (set larger than the entries) to the end, two columns each."""
    pages = list(pdf_words(pdf))

    def opens(words) -> bool:
        size = statistics.median(w[3] - w[1] for w in words)
        return any(w[4] == INDEX_HEADING and w[3] - w[1] > 1.2 * size and w[1] > HEAD for w in words)

    start = next(i for i, (_, _, words) in enumerate(pages) if words and opens(words))
    entries: list[str] = []
    for width, height, words in pages[start:]:
        text = [w for w in words if w[1] > HEAD and w[3] < height - FOOT]
        if not text:
            continue
        size = statistics.median(w[3] - w[1] for w in text)
        text = [w for w in text if w[3] - w[1] < 1.2 * size]  # headings are set larger
        for column in ([w for w in text if w[0] < width / 2], [w for w in text if w[0] >= width / 2]):
            if column:
                entries += _column_entries(column)
    return entries


def _column_entries(words) -> list[str]:
    lines: dict[int, list] = {}
    for word in words:
        lines.setdefault(round(word[1]), []).append(word)
    left = min(word[0] for word in words)
    entries: list[str] = []
    for top in sorted(lines):
        line = sorted(lines[top])
        text = " ".join(word[4] for word in line)
        if line[0][0] - left < 2 or not entries:
            entries.append(text)
        elif entries[-1].endswith(HYPHEN):
            entries[-1] = entries[-1][:-1] + text
        else:
            entries[-1] += " " + text
    return entries


def test_every_index_entry_has_its_pages(pdf: Path) -> None:
    """Bolu, Kütahya, Londra and Lozan were printed with no page, though the text names them."""
    entries = index_entries(pdf)
    assert len(entries) > 250
    assert [entry for entry in entries if not LOCATOR.search(entry)] == []
    places = {entry.split()[0]: entry for entry in entries}
    assert all(re.search(r"\d$", places[name]) for name in ("Bolu", "Kütahya", "Londra", "Lozan"))


def test_no_id_of_the_tei_is_printed(page_lines: list[list[str]]) -> None:
    """Headings and references once printed ids ("bkz. a004-p20", "a000") that mean nothing to a
    reader. An id made of a word alone ("introduction") may be that word in the text: only ids with a
    figure or a hyphen are looked for."""
    ids = {element.get("{http://www.w3.org/XML/1998/namespace}id")
           for path in (ROOT / "tei").glob("*.xml") for element in etree.parse(str(path)).iter()
           if isinstance(element.tag, str)} - {None}
    coded = {ident for ident in ids if re.search(r"[\d-]", ident)}
    words = {word for lines in page_lines for line in lines for word in re.findall(r"[\w.-]+", line)}
    assert len(coded) > 500 and sorted(coded & words) == []


def test_an_abstracts_second_paragraph_is_indented(pdf: Path) -> None:
    """a000's abstract has two paragraphs; both were set flush left, so the second could not be told
    from a line of the first. Its first line starts an indent to the right of the lines above it."""
    for _, _, words in pdf_words(pdf):
        starts: dict[int, list[tuple[float, str]]] = {}
        for x, y, _, _, text in words:
            starts.setdefault(round(y), []).append((x, text))
        lines = [sorted(starts[y]) for y in sorted(starts)]
        opening = next((line for line in lines if [w for _, w in line[:3]] == ["Bolşevik", "Rusya,", "bu"]),
                       None)
        if opening is None:
            continue
        above = next(line for line in lines if [w for _, w in line[:3]] == ["Milli", "Mücadele’nin", "ilk"])
        assert opening[0][0] - above[0][0] > 2 * MM
        return
    pytest.fail("the abstract's second paragraph was not found")


def test_the_bibliography_does_not_end_on_a_page_of_one_entry(pdf: Path) -> None:
    """The bibliography's last page held one entry alone ("Yüceer, 2011. † → 47")."""
    pages = list(pdf_words(pdf))
    last = max(i for i, (_, _, words) in enumerate(pages) if any(w[4] == "Kaynakça" for w in words))
    _, height, words = pages[last]
    entries = {round(w[1]) for w in words if w[1] > HEAD and w[3] < height - FOOT and w[4] == "→"}
    assert len(entries) >= 3, (last + 1, len(entries))


def test_a_contents_entrys_turnover_lines_hang(pdf: Path) -> None:
    """A contents entry of two lines started its second line flush with its first, so that it read as
    an entry of its own ("Albay Budienni Görüşmesi … 4" under "1. Bolşevik Rusya ile …"); the page
    numbers still stand flush right, one above the other."""
    _, _, words = next(page for page in pdf_words(pdf) if any(w[4] == "İçindekiler" for w in page[2]))
    starts: dict[int, list[tuple[float, float, str]]] = {}
    for x, y, right, _, text in words:
        starts.setdefault(round(y), []).append((x, right, text))
    lines = [sorted(starts[y]) for y in sorted(starts)]
    first = next(i for i, line in enumerate(lines) if [w[2] for w in line[:3]] == ["1.", "Bolşevik", "Rusya"])
    assert lines[first + 1][0][0] - lines[first][0][0] > 2 * MM
    # A folio ends its entry's last line, after the leader's dots (a title's line may end on a year).
    folios = [line[-1][1] for line in lines if line[-1][2].isdigit() and line[-2][2] == "."]
    assert len(folios) > 20 and max(folios) - min(folios) < 1


def test_a_page_that_opens_with_a_title_has_its_folio_at_the_foot(pdf: Path) -> None:
    """The bibliography's and the indexes' first pages carried their folio in the head, where no
    running head stands beside it, unlike the articles' opening pages; each now has it at the foot."""
    titles = ("Kaynakça", "Kişiler Dizini", "Yerler Dizini", "Kurumlar Dizini")
    checked = 0
    for _, height, words in pdf_words(pdf):
        body = [w for w in words if w[1] > HEAD and w[3] < height - FOOT]
        opening = " ".join(w[4] for w in sorted(body, key=lambda w: (round(w[1]), w[0]))[:2])
        if opening not in titles and opening.split(" ")[0] not in titles:
            continue
        head = [w[4] for w in words if w[3] <= HEAD]
        foot = [w[4] for w in words if w[1] >= height - FOOT]
        assert head == [] and len(foot) == 1 and foot[0].isdigit(), (opening, head, foot)
        checked += 1
    assert checked == len(titles)
