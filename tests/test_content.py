"""The bundled volume's TEI as the historian's reading left it (issue 21): the Havza envoy apart from
the marshal, the keywords' punctuation as the sources print it, a lost line's remnant marked as such,
the sources' descriptions read as citations."""

from __future__ import annotations

from lxml import etree

from edition.tei.load import load_volume
from edition.tei.model import build_model, citation_line, plain_text

from .conftest import ROOT

NS = {"tei": "http://www.tei-c.org/ns/1.0"}
XML = {"xml": "http://www.w3.org/XML/1998/namespace"}


def parsed(name: str) -> etree._ElementTree:
    return etree.parse(str(ROOT / "tei" / name))


def test_only_perincek_s_budyonni_means_the_marshal() -> None:
    marshal, envoy = [], []
    for name in ("a000.xml", "a001.xml", "a004.xml"):
        for mention in parsed(name).iter(f"{{{NS['tei']}}}persName"):
            paragraph = next(mention.iterancestors(f"{{{NS['tei']}}}p"), None)
            where = paragraph.get("{http://www.w3.org/XML/1998/namespace}id") if paragraph is not None else ""
            if mention.get("ref") == "#per-budyonny":
                marshal.append(where)
            elif mention.get("ref") == "#per-havza-envoy":
                envoy.append(where)
    assert set(marshal) == {"a000-p14"}
    assert len(envoy) == 22


def test_the_envoy_s_identification_is_uncertain_and_says_why() -> None:
    entry = parsed("registers.xml").xpath("//tei:person[@xml:id='per-havza-envoy']", namespaces=NS)[0]
    note = entry.find("tei:note[@type='identification']", NS)
    assert note.get("cert") == "low" and note.get("resp") == "#ed"
    text = "".join(note.itertext())
    assert "Çaritsin" in text and "Ertürk" in text and "Mdivani" in text


def source_text(article: str) -> str:
    """The article's text as extracted from its source PDF, its blanks made single spaces."""
    path = next((ROOT / "tei" / "sources").glob(f"{article[1:]}_*.txt"))
    return " ".join(path.read_text(encoding="utf-8").split())


def test_keywords_keep_the_sources_commas_and_final_stop() -> None:
    for article in ("a000", "a001", "a004"):
        source = source_text(article)
        for keywords in parsed(f"{article}.xml").iterfind(".//tei:list[@type='keywords']", NS):
            items = [" ".join("".join(item.itertext()).split()) for item in keywords.iterfind("tei:item", NS)]
            assert all(item.endswith(",") for item in items[:-1]), (article, items)
            assert " ".join(items) in source, (article, items)


def test_the_fragment_kiye_is_marked_as_the_remnant_of_a_lost_line() -> None:
    """a002's line 41 prints only "kiye." (the editors take it for what is left of a lost keywords
    line): the loss before it is marked, so the book prints "[…]kiye.", not a paragraph of one word;
    the word itself is kept as the witness has it."""
    paragraph = parsed("a002.xml").find(".//tei:p[@xml:id='a002-p3']", NS | XML)
    gap = paragraph[0]
    assert etree.QName(gap).localname == "gap" and gap.get("reason") == "lost" and gap.get("resp") == "#ed"
    assert gap.tail == "kiye." and (paragraph.text or "") == ""
    witness = (ROOT / "tei" / "sources" / "002_1153e0046de7ad24.txt").read_text(encoding="utf-8").splitlines()
    assert witness[40].strip() == "kiye."


def test_a_source_line_of_bare_parts_reads_as_a_citation() -> None:
    """a004's source is described by parts with no punctuation between them: its line tells the
    titles, the author and the journal apart ("Rusya’nın … = Soviet Russia’s …"), where a002's own
    punctuation is printed as it stands."""
    volume = build_model(load_volume(ROOT / "tei" / "volume.xml", ROOT))
    venues = {article.id: article.venue for article in volume.articles}
    assert venues["a004"] == (
        "Memduh Şevket bey’in Josef Stalin’le gerçekleştirdiği mülakata göre Sovyet Rusya’nın … = Soviet "
        "Russia’s View of the Turkish War of Independence According to Memduh Şevket Bey’s Interview with "
        "Joseph Stalin. Tekinsoy, B. Ahi Evran Üniversitesi Sosyal Bilimler Enstitüsü Dergisi (AEÜSBED), "
        "2025, Cilt 11, Sayı 1, Sayfa 187-206")
    assert venues["a002"] == plain_text(parsed("a002.xml").find(".//tei:bibl[@type='original']", NS))
    bibl = etree.fromstring('<bibl xmlns="http://www.tei-c.org/ns/1.0"><title>Başlık</title> '
                            '<title xml:lang="en">Title</title> <author>Yazar, A.</author> '
                            '<title level="j">Dergi</title> <date>1990</date></bibl>')
    assert citation_line(bibl) == "Başlık = Title. Yazar, A. Dergi, 1990"
