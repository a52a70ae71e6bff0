"""Incremental builds: nothing changed means nothing done; an edited article is the only one laid out
again, and the book it gives is as correct as a cold build's (see also test_page_references)."""

from __future__ import annotations

from .conftest import ARTICLES, EDITED_ARTICLE, ROOT, SMALL_EDIT_ARTICLE, IncrementalBuild, pdf_pages


def bodies(parts: list[str]) -> set[str]:
    return {part for part in parts if part in ARTICLES}


def test_a_cold_build_lays_out_every_article(incremental: IncrementalBuild) -> None:
    assert bodies(incremental.cold.laid_out) == set(ARTICLES)


def pointing_at_moved_pages(article: str) -> bool:
    """Whether an article's text names a page of the edited article or of one after it (its editors'
    notes at the page foot print those pages, which the edit moved)."""
    later = ARTICLES[ARTICLES.index(EDITED_ARTICLE):]
    source = (ROOT / "tei" / f"{article}.xml").read_text(encoding="utf-8")
    return any(f'target="#{name}' in source for name in later)


def test_an_edit_that_moves_pages_lays_out_again_the_articles_naming_them(
        incremental: IncrementalBuild) -> None:
    """The edited article, and those whose notes print a page the edit moved; no other."""
    expected = {EDITED_ARTICLE} | {article for article in ARTICLES if pointing_at_moved_pages(article)}
    assert bodies(incremental.edited.laid_out) == expected


def test_the_edit_moved_the_later_articles(incremental: IncrementalBuild) -> None:
    """The edit added a page, so later articles start later although their layouts were reused."""
    assert pdf_pages(incremental.edited.pdf) > incremental.cold_pages


def test_notes_stay_at_the_foot_of_their_pages_after_the_edit(incremental: IncrementalBuild) -> None:
    assert [str(p) for p in incremental.edited.note_problems] == []


def test_an_unchanged_volume_is_not_built_again(incremental: IncrementalBuild) -> None:
    assert incremental.unchanged.up_to_date
    assert incremental.unchanged.laid_out == []
    assert incremental.unchanged.pdf.stat().st_mtime_ns == incremental.edited_mtime  # not rewritten


def test_an_edited_text_is_laid_out_while_the_rest_of_the_book_is_rendered(
        incremental: IncrementalBuild) -> None:
    """With the last build's page numbers, an edited article that prints page numbers (its notes
    name pages) goes to the workers as soon as it is rendered, not once the whole book is, and that
    layout is its last where no page it names moved; a cold build knows no page numbers and measures
    such texts once the book is rendered (every article of the bundled volume prints some)."""
    assert incremental.small_edit.early == [SMALL_EDIT_ARTICLE]
    assert incremental.small_edit.laid_out.count(SMALL_EDIT_ARTICLE) == 1
    assert incremental.edited.early == [EDITED_ARTICLE]
    assert incremental.cold.early == []


def test_a_small_edit_reuses_every_other_layout(incremental: IncrementalBuild) -> None:
    """A word added: that article is laid out again, and the front matter comes from the cache."""
    assert bodies(incremental.small_edit.laid_out) == {SMALL_EDIT_ARTICLE}
    assert "front" not in incremental.small_edit.laid_out
    assert [str(p) for p in incremental.small_edit.note_problems] == []
