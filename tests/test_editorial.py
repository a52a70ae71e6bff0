"""The editorial layer: registers reach every mention, dates are normalised, articles cross-refer."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import html as lxml_html

from edition.tei.load import NS, TEI_NS, XML_NS

from .conftest import ARTICLES

RUMI_MONTHS = ("Kânunusani", "Kanunusani", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz",
               "Ağustos", "Eylül", "Teşrinievvel", "Teşrinisani", "Kânunuevvel", "Kanunuevvel")
RUMI_DATE = re.compile(rf"\b\d{{1,2}}\s+(?:{'|'.join(RUMI_MONTHS)})\s+13[0-4]\d\b")


def test_names_are_tagged_in_every_article(volume) -> None:
    for article in volume.articles:
        names = list(article.root.iter(f"{{{TEI_NS}}}persName", f"{{{TEI_NS}}}placeName"))
        tagged = [n for n in names if (n.get("ref") or "").startswith("#")]
        assert len(tagged) >= 10, article.id


def test_every_variant_spelling_reaches_the_same_entry(volume, built: Path) -> None:
    """A reader meeting 'Budiyeni' in one article reaches every mention of the Havza envoy (his own
    entry, the identification with Budyonny disputed) in the others."""
    registers = lxml_html.parse(str(built / "html" / "persons.html")).getroot()
    entry = registers.get_element_by_id("per-havza-envoy")
    mentions = entry.xpath(".//a[@class='mention']/@href")
    articles = {href.split(".html")[0] for href in mentions}
    assert len(articles) >= 2, mentions
    for href in mentions[:5]:
        page, anchor = href.split("#")
        target = lxml_html.parse(str(built / "html" / page)).getroot().get_element_by_id(anchor)
        assert (target.get("href") or target.get("data-href")) == "persons.html#per-havza-envoy"


def test_rumi_dates_carry_their_gregorian_equivalent(volume) -> None:
    for article in volume.articles:
        text = article.root.find("tei:text", NS)
        for element in text.iter():
            if not isinstance(element.tag, str) or element.tag == f"{{{TEI_NS}}}date":
                continue
            for chunk in (element.text, element.tail):
                for match in RUMI_DATE.finditer(chunk or ""):
                    inside_date = chunk is element.text and element.tag == f"{{{TEI_NS}}}date"
                    assert inside_date, f"{article.id}: '{match.group()}' has no <date when>"
    dates = [d for d in volume.root.iter(f"{{{TEI_NS}}}date") if d.get("when") or d.get("notBefore")]
    assert any(d.get("when") == "1920-10-12" for d in dates)


def test_articles_cross_refer(volume) -> None:
    ids = {e.get(f"{{{XML_NS}}}id"): e for e in volume.root.iter() if isinstance(e.tag, str)}
    crossings = 0
    for article in volume.articles:
        for ref in article.root.iter(f"{{{TEI_NS}}}ref"):
            target = (ref.get("target") or "")[1:]
            other = ids.get(target)
            if other is None or not target.startswith("a0"):
                continue
            if not target.startswith(article.id):
                crossings += 1
    assert crossings >= 10


def test_a_run_of_references_names_each_article_and_section_once(book_parts: dict[str, str]) -> None:
    """Empty references in a row (a004's note on Mustafa Suphi: a000-p21, a001-p102, -p105, -p108, …)
    print the article, and the section, only where it changes: "2. makale, § 7.5, 1. paragraf,
    4. paragraf, 7. paragraf", not "2. makale, § 7.5, …, 2. makale, § 7.5, …"."""
    notes = "".join(html for name, html in book_parts.items() if name.startswith("a004"))
    note = re.search(r'id="a004-ed35".*?id="a004-ed36"', notes, re.S)  # gathered or at the page foot
    labels = [re.sub(r"<[^>]+>", "", label) for label in
              re.findall(r'<a class="ref xref"[^>]*>(.*?)</a>', note.group(0), re.S)]
    assert labels == ["1. makale, § 2, 7. paragraf", "2. makale, § 7.5, 1. paragraf", "4. paragraf",
                      "7. paragraf", "3. makale, § 2, 13. paragraf", "4. makale, 16. paragraf",
                      "24. paragraf"], labels


def test_introduction_has_english_summary(volume) -> None:
    intro = volume.introduction.root
    summary = intro.find(".//tei:div[@type='abstract']", NS)
    assert summary is not None and summary.get(f"{{{XML_NS}}}lang") == "en"
    for article_id in ARTICLES:
        assert intro.find(f".//tei:ref[@target='#{article_id}']", NS) is not None, article_id


def test_editorial_notes_are_the_editors(volume) -> None:
    for note in volume.root.iter(f"{{{TEI_NS}}}note"):
        if note.get("type") == "editorial":
            assert note.get("resp") == "#ed"
