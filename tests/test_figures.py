"""The introduction's figures, counted from the TEI when the book is built (issue 21)."""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from edition.tei.figures import FIGURES

from .conftest import ARTICLES, ROOT

NS = {"tei": "http://www.tei-c.org/ns/1.0"}


def editors_notes() -> int:
    return sum(len(etree.parse(str(ROOT / "tei" / f"{a}.xml")).xpath(
        "//tei:text//tei:note[@type='editorial']", namespaces=NS)) for a in ARTICLES)


def test_every_figure_the_introduction_asks_for_exists() -> None:
    tree = etree.parse(str(ROOT / "tei" / "introduction.xml"))
    asked = {num.get("ana") for num in tree.iterfind(".//tei:num[@type='count']", NS)}
    assert asked and asked <= set(FIGURES)


def test_the_introduction_prints_the_notes_the_texts_hold(book_parts) -> None:
    tree = lxml_html.fromstring(book_parts["introduction"])
    figures = [span.text_content() for span in tree.xpath("//span[contains(@class, 'count')]")]
    assert str(editors_notes()) in figures


def test_the_introduction_speaks_of_articles_not_files(book_parts) -> None:
    text = lxml_html.fromstring(book_parts["introduction"]).text_content()
    assert re.findall(r"\ba00\d\b|\.xml\b|edition\.bib|notesStmt|\bsic/corr\b|#ed\b", text) == []
