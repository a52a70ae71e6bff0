"""Page numbers printed in the TOC, the indexes and the cross-references match the pages they name.

Checked on the bundled volume's cold (parallel) build, and on an incremental build after an article
grew by a page: there the later articles' layouts come from the cache and only their folios, the
contents, the notes' cross-references and the indexes change.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from edition.pipeline import project_renderer
from edition.project import Project
from edition.render.html import RenderContext
from edition.tei.load import load_volume
from edition.tei.model import build_model, plain_text

from .conftest import ROOT

ROMAN = re.compile(r"^[ivxlc]+$")
MM = 72 / 25.4  # PDF points per millimetre
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>')


@pytest.fixture(scope="module", params=["cold", "incremental"])
def book(request: pytest.FixtureRequest) -> tuple[Path, Path]:
    """(the PDF, the project root whose TEI it was built from)."""
    if request.param == "cold":
        return request.getfixturevalue("built") / "edition.pdf", ROOT
    incremental = request.getfixturevalue("incremental")
    return incremental.edited.pdf, incremental.root


@pytest.fixture(scope="module")
def pages(book: tuple[Path, Path]) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(book[0]), "-"], check=True,
                          capture_output=True, text=True).stdout
    return [re.sub(r"[-‐]\n(?=\w)", "", page) for page in text.split("\f")]


@pytest.fixture(scope="module")
def printed_folios(book: tuple[Path, Path]) -> list[str | None]:
    """The number printed in each page's head or foot margin (None where there is none), read from the
    words' positions: the head margin is the top 20 mm, the foot margin the bottom 24 mm."""
    html = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(book[0]), "-"],
                          check=True, capture_output=True, text=True).stdout
    folios: list[str | None] = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S):
        height = float(page.group(2))
        words = [(float(x), float(y_min), float(y_max), word) for x, y_min, y_max, word
                 in WORD.findall(page.group(3))]
        head = sorted((x, word) for x, _, y_max, word in words if y_max < 20 * MM)
        foot = [word for _, y_min, _, word in words if y_min > height - 24 * MM]
        # The folio stands at the outer corner of the head (first or last word), or alone at the foot.
        candidates = [head[0][1], head[-1][1]] if head else []
        numbers = [w for w in candidates + foot if w.isdigit() or ROMAN.match(w)]
        folios.append(numbers[0] if numbers else None)
    return folios


@pytest.fixture(scope="module")
def folio_pages(pages: list[str], printed_folios: list[str | None]) -> dict[str, str]:
    """Printed page number (arabic, main matter) → that page's text."""
    assert len(pages) >= len(printed_folios) > 0
    return {folio: text for folio, text in zip(printed_folios, pages, strict=False)
            if folio and folio.isdigit()}


def test_main_matter_folios_run_from_one_without_gaps(printed_folios: list[str | None]) -> None:
    arabic = [int(folio) for folio in printed_folios if folio and folio.isdigit()]
    first = printed_folios.index("1")
    assert arabic[0] == 1 and all(f is None or not f.isdigit() or int(f) == i - first + 1
                                  for i, f in enumerate(printed_folios) if i >= first)
    assert all(folio is None or ROMAN.match(folio) for folio in printed_folios[:first])


@pytest.fixture(scope="module")
def model(book: tuple[Path, Path]):
    return build_model(load_volume(book[1] / "tei" / "volume.xml", book[1]))


def flat(text: str) -> str:
    return " ".join(text.split())


def test_toc_numbers_open_the_articles(pages: list[str], folio_pages: dict[str, str], model) -> None:
    start = next(i for i, p in enumerate(pages) if "İçindekiler" in p)
    toc = flat("\n".join(pages[start:start + 3]))
    for article in model.articles:
        title = article.title[:30]
        match = re.search(re.escape(title) + r".*?(?:\. ){3,}\.?\s*(\d+)\b", toc)
        assert match, title
        opening = flat(folio_pages[match.group(1)])
        assert title in opening, (article.id, match.group(1))


def test_index_pages_hold_the_names(pages: list[str], folio_pages: dict[str, str], model) -> None:
    index_text = flat(pages[-1] if "Yerler" in pages[-1] else "\n".join(pages[-12:]))
    printed: dict[str, list[str]] = {}  # entry id -> the forms the articles print
    for article in model.articles:
        for name in article.text.iter("{http://www.tei-c.org/ns/1.0}persName",
                                      "{http://www.tei-c.org/ns/1.0}placeName"):
            words = plain_text(name).split()  # as printed: corrected readings, not the source's
            if words and name.get("ref"):
                # The index gives the page the name starts on: a name may run onto the next page.
                printed.setdefault(name.get("ref")[1:], []).extend(words[:1] + words[-1:])
    checked = 0
    for entry in model.register("person") + model.register("place"):
        if not 1 <= len(entry.mentions) <= 3:
            continue
        pattern = (r"(?:^|\d )" + re.escape(entry.heading)
                   + r"(?: \([^)]*\))?(?: — [^0-9]*)? ((?:\d+(?:–\d+)?(?:, )?)+)")
        match = re.search(pattern, index_text)
        if not match:
            continue
        for folio in re.findall(r"\d+", match.group(1))[:1]:
            page = flat(folio_pages.get(folio, ""))
            stems = {n.split("’")[0][:5] for n in printed.get(entry.id, []) if len(n) >= 3}
            assert any(stem in page for stem in stems), (entry.id, folio, stems)
            checked += 1
    assert checked >= 20


def test_cross_references_point_to_the_right_pages(pages: list[str], folio_pages: dict[str, str],
                                                   model) -> None:
    """Every printed "N. makale, s. P" names a page where one of the paragraphs it may mean begins."""
    starts: dict[str, list[str]] = {}  # printed label -> first words of every paragraph it labels
    for article in model.articles:
        for ref in article.text.iter("{http://www.tei-c.org/ns/1.0}ref"):
            target = (ref.get("target") or "")[1:]
            if not re.fullmatch(r"a00\d-p\d+", target):
                continue
            other = next(a for a in model.articles if target.startswith(a.id))
            paragraph = other.text.find(f".//*[@{{http://www.w3.org/XML/1998/namespace}}id='{target}']")
            words = [w for w in paragraph.xpath("string(.)").split() if w.isalpha()][:2]
            starts.setdefault(" ".join("".join(ref.itertext()).split()), []).append(" ".join(words))
    text = flat("\n".join(pages))
    checked = 0
    for label, paragraphs in starts.items():
        if not label:
            continue  # an empty ref prints its target's name (the renderer's words, not a label to find)
        for folio in re.findall(re.escape(label) + r", s\. (\d+)", text):
            page = flat(folio_pages.get(folio, ""))
            assert any(words.split()[0] in page for words in paragraphs if words), (label, folio)
            checked += 1
    assert checked >= 20


TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
PAGES = re.compile(r", s\. (\d+)(?:–\u2060?(\d+))?")  # "s. 45" or a range, "s. 88–89"


def passage_labels(model, root: Path) -> dict[str, set]:
    """What each cross-reference to a paragraph prints before its pages (its own words, or for an
    empty one the renderer's name of the passage) → the paragraphs printed with that label."""
    project_renderer(Project(root))  # the interface language the book is printed in
    paragraphs = {p.get(XML_ID): p for article in model.articles for p in article.text.iter(f"{TEI}p")
                  if p.get(XML_ID)}
    labels: dict[str, set] = {}
    for text in [*model.articles, *([model.introduction] if model.introduction else [])]:
        context = RenderContext(mode="print", article=text, volume=model)
        for ref in text.text.iter(f"{TEI}ref"):
            target = (ref.get("target") or "#").split()[0][1:]
            if target in paragraphs:
                label = " ".join("".join(ref.itertext()).split()) or context.target_label(f"#{target}", ref)
                labels.setdefault(label, set()).add(paragraphs[target])
    return labels


def printed_on(page: str, words: list[str]) -> bool:
    """Whether ``words`` are printed in a row on the page, a note call or a margin number allowed
    between two of them and glued to a word."""
    between = r"\W+(?:\w{1,3}\W+)?"
    return re.search(between.join(re.escape(word) + r"\w{0,2}" for word in words), flat(page)) is not None


def test_cross_references_name_every_page_of_the_passage(pages: list[str], folio_pages: dict[str, str],
                                                          model, book: tuple[Path, Path]) -> None:
    """A reference to a paragraph names the page its first words are printed on and the page its
    last words are printed on: one page ("s. 45") only where the whole paragraph is on it, else the
    range ("s. 88–89"), never the article's opening page or the paragraph's first page alone."""
    text = flat("\n".join(pages))
    checked = ranges = 0
    labels = passage_labels(model, book[1])
    for label in labels:
        # A run of references names the article once: "5. paragraf" is also the end of a longer label.
        paragraphs = {p for other, found in labels.items() if other.endswith(label) for p in found}
        for found in re.finditer(re.escape(label) + PAGES.pattern, text):
            first, last = found.group(1), found.group(2) or found.group(1)
            words = [re.findall(r"\w+", plain_text(paragraph)) for paragraph in paragraphs]
            assert any(printed_on(folio_pages.get(first, ""), w[:4])
                       and printed_on(folio_pages.get(last, ""), w[-4:]) for w in words), (label, first, last)
            checked += 1
            ranges += first != last
    assert checked >= 150 and ranges >= 20, (checked, ranges)
