"""Title page, running heads and headings of the printed book (issue 21)."""

from __future__ import annotations

import re

from lxml import html as lxml_html

# An identifier of the TEI where a reader expects words: an article's file name, a register entry's id.
IDENTIFIER = re.compile(r"\b(?:a\d{3}(?:-[\w-]+)?|(?:per|pla|org|evt|bib)-[\w-]+)\b")


def test_the_title_page_names_the_editors_and_keeps_turk_sovyet_together(book_parts) -> None:
    tree = lxml_html.fromstring(book_parts["front"])
    title = tree.xpath("string(//section[contains(@class, 'title-page')]//p[@class='volume-title'])")
    assert "Türk–\u2060Sovyet" in title
    assert tree.xpath("string(//p[@class='volume-editors'])").strip()
    assert tree.xpath("//meta[@name='author']/@content")[0].strip()


def test_running_heads_are_short_titles_not_cut_ones(book_parts) -> None:
    heads = [head for name, html in book_parts.items()
             for head in lxml_html.fromstring(html).xpath("//@data-running-right")]
    assert heads and not [head for head in heads if head.rstrip("]").endswith("…")]


def test_no_heading_or_running_head_shows_an_identifier(book_parts) -> None:
    found = []
    for name, html in book_parts.items():
        tree = lxml_html.fromstring(html)
        texts = [h.text_content() for h in tree.xpath("//h1|//h2|//h3|//h4|//h5|//h6")]
        texts += tree.xpath("//@data-running-left|//@data-running-right")
        found += [(name, text) for text in texts if IDENTIFIER.search(text)]
    assert found == []


def test_the_source_s_pages_stand_in_the_margin_numbered_or_counted(book_parts) -> None:
    numbers = lxml_html.fromstring(book_parts["a004"]).xpath("//span[contains(@class, 'pb-margin')]/@data-n")
    assert "188" in numbers and "193" in numbers  # printed by the source
    assert numbers[numbers.index("188") + 1] == "[189]"  # counted by the editors, in brackets
    first = lxml_html.fromstring(book_parts["a000"]).xpath("//span[contains(@class, 'pb-margin')]/@data-n")[0]
    assert first == "[2]"  # the source's first page holds the title, the abstracts and the keywords


def test_acronyms_are_set_apart_in_the_text_but_not_in_headings(book_parts) -> None:
    tree = lxml_html.fromstring(book_parts["a001"])
    acronyms = [span.text for span in tree.xpath("//span[@class='acronym']")]
    assert "TBMM" in acronyms and not {"I", "II", "XV"} & set(acronyms)
    assert not tree.xpath("//h1//span[@class='acronym'] | //h2//span[@class='acronym']")


def test_an_author_encoded_by_parts_is_printed_forename_first(book_parts) -> None:
    """A verso head, the contents and the article's head printed "Tekinsoy, B.", the order of the
    source's page header: the book prints "B. Tekinsoy"."""
    article = lxml_html.fromstring(book_parts["a004"])
    assert set(article.xpath("//@data-running-left")) == {"B. Tekinsoy"}
    assert article.xpath("string(//p[@class='article-author'])").strip() == "B. Tekinsoy"
    contents = lxml_html.fromstring(book_parts["front"]).xpath("string(//*[contains(@class, 'toc')])")
    assert "B. Tekinsoy" in contents and "Tekinsoy, B." not in contents


def test_a_list_numbered_by_the_source_gets_no_numbers_of_its_own(book_parts) -> None:
    """The Moscow Treaty's articles (a001) carry the source's numbers ("1.", "9-14.", "16."); set as an
    ordered list they printed "1. 1. Madde", "11. 16. Madde", numbers the source has not."""
    tree = lxml_html.fromstring(book_parts["a001"])
    labelled = tree.xpath("//*[contains(@class, 'labelled')]")
    assert labelled and all(node.tag != "ol" for node in labelled)
    labels = [label.text_content() for label in labelled[0].xpath(".//span[@class='label']")]
    assert labels[0] == "1." and labels[-1] == "16."


def test_the_abbreviations_are_set_apart_from_their_meanings(book_parts) -> None:
    """The list of abbreviations and signs printed "a.g.e. adı geçen eser", term and meaning run
    together; each term now stands in a label of its own, set in a column."""
    tree = lxml_html.fromstring(book_parts["introduction"])
    items = tree.xpath("//*[contains(@class, 'abbreviations')]/li")
    assert len(items) >= 10
    assert all(item.xpath("./span[@class='label']") for item in items)
