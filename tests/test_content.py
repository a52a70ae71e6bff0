"""The bundled volume's TEI as the historian's reading left it (issue 21): the Havza envoy apart from
the marshal, and the keywords' punctuation as the sources print it."""

from __future__ import annotations

from lxml import etree

from .conftest import ROOT

NS = {"tei": "http://www.tei-c.org/ns/1.0"}


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
