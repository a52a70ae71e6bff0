"""The reading site as built files: every page there, every link landing, the search index sound,
languages marked, nothing fetched from the network. (Behaviour in a browser: test_site_browser.py.)"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import html as lxml_html

from edition.render.search import index_script, search_fold
from edition.tei.load import NS, TEI_NS, XML_NS

from .conftest import ARTICLES

PAGES = ("index.html", *(f"{a}.html" for a in ARTICLES), "persons.html", "places.html",
         "organisations.html", "events.html", "bibliography.html", "sources.html", "search.html")


@pytest.fixture(scope="module")
def pages(site: Path) -> dict[str, lxml_html.HtmlElement]:
    return {path.name: lxml_html.parse(str(path)).getroot() for path in sorted(site.glob("*.html"))}


def ids_of(page: lxml_html.HtmlElement) -> set[str]:
    return set(page.xpath("//@id"))


def test_the_site_has_every_page(pages) -> None:
    assert set(PAGES) <= set(pages), sorted(set(PAGES) - set(pages))
    for name in PAGES:
        page = pages[name]
        assert page.get("lang") == "tr", name
        assert page.xpath("//main[@id='main']"), name
        assert page.xpath("//form[@role='search']"), name  # search from every page
    toc = pages["index.html"].xpath("//nav[@id='contents']//a/@href")
    assert {f"{a}.html" for a in ARTICLES} <= set(toc) and "#introduction" in toc
    # An article of the volume says which it is (a document built on its own does not: test_single).
    assert pages["a001.html"].xpath("string(//p[@class='article-number'])") == "2. makale"


def test_every_link_and_id_is_sound(pages, site: Path) -> None:
    """Each internal link lands on a page and an id that exist (or a file to download: an article's
    TEI, the book's PDF beside the site); no id is used twice in a page."""
    for name, page in pages.items():
        every = page.xpath("//@id")
        assert len(every) == len(set(every)), (name, sorted(i for i in set(every) if every.count(i) > 1)[:5])
    ids = {name: ids_of(page) for name, page in pages.items()}
    checked = 0
    for name, page in pages.items():
        for href in page.xpath("//a/@href"):
            parts = urlsplit(href)
            assert not parts.scheme or parts.scheme in ("https", "http", "mailto"), (name, href)
            if parts.scheme:
                continue
            target = parts.path or name
            if target.endswith((".xml", ".pdf")):
                assert (site / target).is_file(), (name, href)
                continue
            assert target in pages, (name, href)
            if parts.fragment:
                assert unquote(parts.fragment) in ids[target], (name, href)
            checked += 1
    assert checked > 5000


def test_no_asset_comes_from_the_network(site: Path, pages) -> None:
    for name, page in pages.items():
        for url in page.xpath("//script/@src | //link/@href | //img/@src"):
            assert not urlsplit(url).scheme and (site / url).is_file(), (name, url)
    for css in (site / "assets" / "css").glob("*.css"):
        for url in re.findall(r"url\(([^)]+)\)", css.read_text(encoding="utf-8")):
            assert not urlsplit(url.strip("'\"")).scheme, (css.name, url)
            assert (css.parent / url.strip("'\"")).resolve().is_file(), (css.name, url)
    assert (site / "assets" / "js" / "site.js").is_file() and (site / "assets" / "js" / "search.js").is_file()


def test_registers_list_every_occurrence(pages, volume) -> None:
    """Every tagged name in the articles appears as a link in its register entry, and back."""
    tagged = Counter((f"{article.id}.html", name.get("ref")[1:]) for article in volume.articles
                     for name in article.root.iter(f"{{{TEI_NS}}}persName", f"{{{TEI_NS}}}placeName",
                                                   f"{{{TEI_NS}}}orgName")
                     if (name.get("ref") or "").startswith("#"))
    listed = Counter()
    for name in ("persons.html", "places.html", "organisations.html", "events.html"):
        for entry in pages[name].xpath("//li[@class='register-entry']"):
            for href in entry.xpath(".//a[@class='mention']/@href"):
                page, anchor = href.split("#")
                mention = pages[page].get_element_by_id(anchor)
                if mention.get("data-href"):  # a name: its entry one click away once highlighted
                    assert mention.get("data-href") == f"{name}#{entry.get('id')}", href
                else:  # a name inside another link (a cited title) cannot be a link of its own
                    assert mention.xpath("ancestor::a"), href
                listed[(page, entry.get("id"))] += 1
    assert listed == tagged


def test_bibliography_and_sources_link_back_to_every_citation(pages, volume) -> None:
    back = set(pages["bibliography.html"].xpath("//a[@class='back-ref']/@href"))
    citations = {f"{page}#{ident}" for page in (f"{a}.html" for a in ARTICLES)
                 for ident in pages[page].xpath("//*[contains(@class,'citation')]/@id")}
    assert citations and citations <= back
    sources = pages["sources.html"]
    primary = pages["bibliography.html"].xpath("//h2[.='Arşiv Belgeleri ve Birincil Kaynaklar']"
                                               "/following-sibling::ol[1]/li/@id")
    listed = sources.xpath("//li[contains(@class,'reference')]/@id")
    assert primary and [f"source-{i[4:]}" for i in primary] == listed
    assert len(sources.xpath("//dl[@class='witnesses']/dt")) == len(ARTICLES)


def test_corrections_show_both_readings(pages, volume) -> None:
    """Each sic/corr and orig/reg shows the edited reading and, beside it, the witness's."""
    for article in volume.articles:
        originals = Counter()
        for choice in article.root.find("tei:text", NS).iter(f"{{{TEI_NS}}}choice"):
            original = choice.find("tei:sic", NS)
            original = original if original is not None else choice.find("tei:orig", NS)
            if original is not None:
                originals[" ".join("".join(original.itertext()).split())] += 1
        shown = Counter()
        for span in pages[f"{article.id}.html"].xpath("//span[contains(@class,'choice')]"):
            assert span.xpath("string(.//span[@class='reading'])").strip(), article.id
            witness = span.xpath("string(.//span[@class='witness-reading'])")
            shown[re.fullmatch(r" \[Kaynakta: (.*)\]", witness, re.S).group(1)] += 1
        assert shown == originals, article.id


def test_a_supplied_title_is_bracketed_wherever_it_is_shown(pages, volume) -> None:
    """A title the editors supplied is theirs, not the author's: wherever the site names the article
    (its heading, the window title, links to it, tooltips) the title is in square brackets."""
    supplied = {}
    for article in volume.articles:
        title = article.root.find("tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title", NS)
        if title.get("type") == "supplied":
            supplied[article.id] = " ".join("".join(title.itertext()).split())
    assert supplied, "the bundled volume has supplied titles"
    shown = set()
    for name, page in pages.items():
        namings = [("title", e.text_content()) for e in page.xpath("//title")]
        namings += [("heading", e.text_content()) for e in page.xpath("//h1")]
        namings += [("tooltip", value) for value in page.xpath("//@title")]
        for ident, title in supplied.items():
            links = page.xpath(f"//a[starts-with(@href, '{ident}.html')]")
            for kind, text in namings + [("link", e.text_content()) for e in links]:
                text = " ".join(text.split())
                at = text.find(title)
                if at != -1:
                    shown.add((ident, name, kind))
                    assert text[at - 1:at] == "[" and text[at + len(title):at + len(title) + 1] == "]", \
                        f"{name}: {text!r}"
    order = [article.id for article in volume.articles]
    for ident in supplied:
        index = order.index(ident)
        neighbours = order[max(index - 1, 0):index] + order[index + 1:index + 2]
        expected = {(ident, f"{ident}.html", "title"), (ident, f"{ident}.html", "heading"),
                    (ident, "index.html", "link")}
        expected |= {(ident, f"{other}.html", "link") for other in neighbours}  # previous / next
        assert expected <= shown, sorted(expected - shown)


def test_editorial_notes_are_set_apart(pages) -> None:
    page = pages["a000.html"]
    editorial = page.xpath("//section[contains(@class,'editorial-notes')]//li")
    assert editorial and all("editorial-note" in li.get("class") for li in editorial)
    assert page.xpath("//section[contains(@class,'editorial-notes')]/h2")[0].text == "Editör Notları"
    assert all(li.get("data-label").startswith("Editör notu") for li in editorial)


def test_languages_are_marked_where_they_change(pages, volume) -> None:
    """Every passage the TEI marks as English is English in the HTML, apparatus words in an English
    passage are marked Turkish, and English works in the bibliography carry their language."""
    for article in volume.articles:
        page = pages[f"{article.id}.html"]
        for element in article.root.find("tei:text", NS).iter():
            ident = element.get(f"{{{XML_NS}}}id") if isinstance(element.tag, str) else None
            if ident and element.get(f"{{{XML_NS}}}lang") == "en":
                assert ident in ids_of(page), ident
                assert page.get_element_by_id(ident).get("lang") == "en", ident
    english = pages["a000.html"].xpath("//*[@lang='en']//span[@class='witness-reading']")
    assert english and all(span.get("lang") == "tr" for span in english)
    assert pages["bibliography.html"].xpath("//p[@class='csl-entry'][@lang='en']")
    assert pages["index.html"].xpath("//*[@lang='en']")


def test_every_paragraph_can_be_linked(pages, volume) -> None:
    """Paragraphs keep their TEI ids; those without one (the introduction's) get one on the page."""
    intro = pages["index.html"].xpath("//article[@id='introduction']//p")
    assert len(intro) > 20 and all(p.get("id") for p in intro)
    a001 = volume.articles[1].root
    paragraphs = [p.get(f"{{{XML_NS}}}id") for p in a001.iterfind(".//tei:body//tei:p", NS)]
    assert len(paragraphs) > 100 and set(paragraphs) <= ids_of(pages["a001.html"])


def test_search_index_covers_the_volume(search_index, pages) -> None:
    parts, records = search_index["parts"], search_index["records"]
    assert [p[0] for p in parts[:6]] == ["index.html", *(f"{a}.html" for a in ARTICLES)]
    ids = {page: ids_of(pages[page]) for page, _title in parts}
    for part, anchor, _label, text, folded, lang, _label_lang in records:
        assert anchor in ids[parts[part][0]], (parts[part][0], anchor)
        # a bibliography entry's words and case are the Turkish style's, whatever the work's language
        fold = "tr" if parts[part][0] == "bibliography.html" else lang or "tr"
        assert len(folded) == len(text) and folded == search_fold(text, fold)
    istanbul = [r for r in records if "İstanbul" in r[3]]
    assert len(istanbul) > 20 and all("istanbul" in r[4] for r in istanbul)
    assert any(re.fullmatch(r"a00\d-p\d+", r[1]) for r in istanbul)  # results reach paragraphs
    assert any(r[5] == "en" for r in records)  # English passages keep their language in results
    assert any("RGASPİ" in r[3] and "rgaspi" in r[4] and r[5] == "ru-Latn" for r in records)
    assert any(r[6] == "en" for r in records)  # and so do English section headings
    kinds = {parts[r[0]][0] for r in records}
    assert {"persons.html", "bibliography.html", "index.html"} <= kinds


def test_turkish_search_folding() -> None:
    assert {search_fold(w, "tr") for w in ("İstanbul", "ISTANBUL", "istanbul", "Istanbul", "ıstanbul")} == {
        "istanbul"}
    assert search_fold("Çiçerin’in Işık ŞÜKRÜ Hâkimiyet", "tr") == "cicerin'in isik sukru hakimiyet"
    assert search_fold("İI", "tr") == "ii" and len(search_fold("İİİ", "tr")) == 3


def test_search_folding_is_turkish_only_for_turkish_text() -> None:
    """Elsewhere I is the capital of i, and dotless ı a letter of its own."""
    assert search_fold("INDIA Café Müller’s", "en") == "india cafe muller's"
    assert search_fold("Işık", "en") == "isık" and search_fold("Işık", "tr") == "isik"
    assert search_fold("Işık", "az-Latn") == "isik" and search_fold("Işık") == "isık"


def test_index_script_cannot_close_a_script_element() -> None:
    script = index_script({"records": [[0, "x", "", "</script><script>alert(1)</script>", "", ""]]})
    assert "</script" not in script and "\\u003c/script>" in script
    assert json.loads(script.split(" = ", 1)[1].rstrip().rstrip(";"))["records"][0][3].startswith("</script>")
