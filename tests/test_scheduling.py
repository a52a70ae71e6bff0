"""The typesetter lays each part out once its page numbers are known: the bundled volume's real
dependencies, what a cold and an incremental build lay out, and the assembler joining parts as they
come or after the layout (a long book) giving the same book."""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

import pytest
from pikepdf import NumberTree, Pdf

from edition import typeset
from edition.book import Book, PageRefs, own_ids, page_ref_targets
from edition.pagination import Schedule
from edition.pipeline import BOOK_CSS, FOLIO_CSS, BuildOptions, Timings, build, load
from edition.render_html import Renderer

from .conftest import ARTICLES, IncrementalBuild


@pytest.fixture(scope="module")
def schedule(project) -> Schedule:
    book = Book(load(project, None, Timings(), None), Renderer(project.templates), list(BOOK_CSS),
                list(FOLIO_CSS))
    html = {spec.name: book.render(spec, PageRefs()).html for spec in book.specs}
    return Schedule(book.specs, {name: own_ids(text) for name, text in html.items()},
                    {name: page_ref_targets(text) for name, text in html.items()})


def test_article_texts_wait_for_nothing(schedule: Schedule) -> None:
    assert all(schedule.needs[article] == set() for article in ARTICLES)


def test_the_indexes_wait_for_every_text_of_the_main_matter(schedule: Schedule) -> None:
    main_text = {*ARTICLES, *(f"{article}-notes" for article in ARTICLES)}
    assert schedule.needs["index-person"] == main_text
    assert schedule.needs["bibliography"] == main_text


def test_notes_that_point_into_later_articles_wait_for_themselves(schedule: Schedule) -> None:
    """a000's editorial notes give pages of a001–a004, which start after those notes: a cycle, so
    the notes are measured before the later articles' pages are known."""
    assert {"a001", "a004"} <= schedule.needs["a000-notes"]
    assert "a000-notes" in schedule.needs["a000-notes"]  # its own length moves the pages it names
    assert {f"{article}-notes" for article in ARTICLES} | {"front"} == schedule.cyclic
    assert not schedule.cyclic & set(ARTICLES)


def test_a_cold_build_lays_each_part_out_once(incremental: IncrementalBuild) -> None:
    """Only the parts that wait for themselves are laid out twice: measured, then for good."""
    counts = Counter(incremental.cold.laid_out)
    assert {part: n for part, n in counts.items() if n > 1} == {
        f"{article}-notes": 2 for article in ARTICLES} | {"front": 2}


def test_an_edit_that_adds_a_page_lays_each_part_out_once(incremental: IncrementalBuild) -> None:
    """The last build's page numbers stand in until the parts before are placed: nothing is laid
    out with numbers that the edited article is about to move."""
    counts = Counter(incremental.edited.laid_out)
    assert set(counts.values()) == {1}
    assert "a003-notes" in counts and "index-person" in counts


def text_by_page(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return text.split("\f")


def test_joining_the_parts_after_the_layout_gives_the_same_book(
        built: Path, tmp_path: Path, project, monkeypatch: pytest.MonkeyPatch) -> None:
    """A long book's parts are joined once the workers have exited (memory budget): same pages,
    same words, one structure tree, as when they are joined while the layout goes on."""
    monkeypatch.setattr(typeset, "EARLY_ASSEMBLY_BUDGET", -1)
    result = build(project, BuildOptions(html=False, out=tmp_path))
    assert text_by_page(result.pdf) == text_by_page(built / "edition.pdf")
    joined_late, joined_early = Pdf.open(result.pdf), Pdf.open(built / "edition.pdf")
    assert len(joined_late.Root.StructTreeRoot.K[0].K) == len(joined_early.Root.StructTreeRoot.K[0].K)
    late = dict(NumberTree(joined_late.Root.StructTreeRoot.ParentTree).items())
    assert len(late) == len(dict(NumberTree(joined_early.Root.StructTreeRoot.ParentTree).items()))
