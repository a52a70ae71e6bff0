"""Incremental builds: nothing changed means nothing done; an edited article is the only one laid out
again, and the book it gives is as correct as a cold build's (see also test_page_references)."""

from __future__ import annotations

from .conftest import ARTICLES, EDITED_ARTICLE, SMALL_EDIT_ARTICLE, IncrementalBuild, pdf_pages


def bodies(parts: list[str]) -> set[str]:
    return {part for part in parts if part in ARTICLES}


def test_a_cold_build_lays_out_every_article(incremental: IncrementalBuild) -> None:
    assert bodies(incremental.cold.laid_out) == set(ARTICLES)


def test_an_edited_article_is_the_only_article_laid_out_again(incremental: IncrementalBuild) -> None:
    assert bodies(incremental.edited.laid_out) == {EDITED_ARTICLE}


def test_the_edit_moved_the_later_articles(incremental: IncrementalBuild) -> None:
    """The edit added a page, so later articles start later although their layouts were reused."""
    assert pdf_pages(incremental.edited.pdf) > incremental.cold_pages


def test_notes_stay_at_the_foot_of_their_pages_after_the_edit(incremental: IncrementalBuild) -> None:
    assert [str(p) for p in incremental.edited.note_problems] == []


def test_an_unchanged_volume_is_not_built_again(incremental: IncrementalBuild) -> None:
    assert incremental.unchanged.up_to_date
    assert incremental.unchanged.laid_out == []
    assert incremental.unchanged.pdf.stat().st_mtime_ns == incremental.edited_mtime  # not rewritten


def test_a_small_edit_reuses_every_other_layout(incremental: IncrementalBuild) -> None:
    """A word added: that article is laid out again, and the front matter comes from the cache."""
    assert bodies(incremental.small_edit.laid_out) == {SMALL_EDIT_ARTICLE}
    assert "front" not in incremental.small_edit.laid_out
    assert [str(p) for p in incremental.small_edit.note_problems] == []
