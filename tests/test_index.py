"""The printed indexes (issue 21): persons surname first, every entry with its pages, ranges that do
not break at the dash, mentions in the authors' footnotes located by note, page numbers as links."""

from __future__ import annotations

import re

import pytest
from lxml import html as lxml_html

from edition.print.book import PageRefs


@pytest.fixture(scope="module")
def refs(book) -> PageRefs:
    """Pages for every mention: each article's mentions run over pages 10 apart, three to a page."""
    refs = PageRefs()
    for number, article in enumerate(book.volume.articles):
        for index, mention in enumerate(article.mentions.values()):
            page = 100 * number + 1 + index // 3
            refs.main[mention.id] = page
            refs.folios[mention.id] = str(page)
    return refs


@pytest.fixture(scope="module")
def indexes(book, refs) -> dict[str, lxml_html.HtmlElement]:
    return {spec.name: lxml_html.fromstring(book.render(spec, refs)) for spec in book.specs
            if spec.name.startswith("index-")}


def entries(tree) -> list:
    return tree.xpath("//li[contains(@class, 'register-entry')]")


def test_the_volume_prints_indexes_of_persons_places_and_organisations(indexes) -> None:
    assert sorted(indexes) == ["index-org", "index-person", "index-place"]


def test_every_entry_printed_has_pages_that_link_to_its_mentions(indexes) -> None:
    for name, tree in indexes.items():
        for entry in entries(tree):
            links = entry.xpath(".//span[@class='pages']//a[@class='page-link']")
            assert links, (name, entry.get("id"))
            assert all(link.get("href", "").startswith(("#m-", "x-edition:m-")) for link in links)


def test_places_the_texts_name_have_their_pages(indexes) -> None:
    printed = {entry.get("id") for entry in entries(indexes["index-place"])}
    assert {"pla-bolu", "pla-kutahya", "pla-londra", "pla-lozan"} <= printed


def test_persons_are_printed_surname_first_and_told_apart(indexes) -> None:
    names = [entry.xpath("string(.//span[@class='entry-name'])")
             for entry in entries(indexes["index-person"])]
    assert "Abilov, İbrahim" in names and "İbrahim Abilov" not in names
    assert "Enver Paşa" in names  # a name ending in an honorific is sorted and printed as written
    kamenevs = [name for name in names if name.startswith("Kamenev")]
    assert len(kamenevs) == len(set(kamenevs)) == 2  # two men, told apart


def test_a_name_with_no_surname_is_not_inverted(indexes) -> None:
    """Ottoman names before the surname law were printed as if their last word were a surname
    ("Suphi, Mustafa", "Ethem, Çerkez", "Vasıf, Kara"); the register encodes them by their parts
    (forenames, an epithet) and the index prints them as written, filed under their first word."""
    names = [entry.xpath("string(.//span[@class='entry-name'])")
             for entry in entries(indexes["index-person"])]
    assert {"Mustafa Suphi", "Çerkez Ethem", "Kara Vasıf", "Bahattin Şakir"} <= set(names)
    assert not {"Suphi, Mustafa", "Ethem, Çerkez", "Vasıf, Kara", "Şakir, Bahattin"} & set(names)
    assert "Karabekir, Kâzım" in names  # a surname is still put first


def test_a_rulers_ordinal_does_not_file_him_under_its_numeral(indexes) -> None:
    """"II. Mahmut", "II. Nikola" and "I. Petro" were filed among the I: a ruler is filed under his
    name, printed as the texts write it."""
    names = [entry.xpath("string(.//span[@class='entry-name'])")
             for entry in entries(indexes["index-person"])]
    assert {"II. Mahmut", "II. Nikola", "I. Petro"} <= set(names)
    for name, letter in (("II. Mahmut", "M"), ("II. Nikola", "N"), ("I. Petro", "P")):
        at = names.index(name)
        assert names[at - 1][0] == letter or names[at + 1][0] == letter, names[at - 1:at + 2]


def test_a_death_dated_between_two_days_gives_its_year(indexes) -> None:
    """Mustafa Suphi's death is known to two days of January 1921 (notBefore/notAfter); the index
    printed "(1883–)", as if he were alive."""
    dates = {entry.get("id"): entry.xpath("string(.//span[@class='entry-dates'])")
             for entry in entries(indexes["index-person"])}
    assert dates["per-mustafa-suphi"] == "(1883–1921)"
    assert not [(ident, date) for ident, date in dates.items() if date.endswith("–)")]


def test_ranges_hold_together_and_footnote_mentions_give_their_note(indexes) -> None:
    ranges = [span.text_content() for tree in indexes.values()
              for span in tree.xpath("//span[@class='page-range']")]
    assert any(re.fullmatch(r"\d+–\d+", text) for text in ranges)
    assert any(re.fullmatch(r"\d+ n.\u00a0\d+", text) for text in ranges)
