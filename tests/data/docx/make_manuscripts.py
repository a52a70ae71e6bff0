# ruff: noqa: E501, UP031  (RTF control words and the texts' own sentences, kept whole)
"""Make the two test manuscripts (README.md says what they hold): RTF written here, turned into DOCX
by LibreOffice (``soffice --headless --convert-to docx``), as an author's word processor would save them.

Run from this folder: ``python make_manuscripts.py`` (needs lxml and LibreOffice's soffice). The
Zotero citations are Word fields in Zotero's own format (``ADDIN ZOTERO_ITEM CSL_CITATION {json}``,
https://github.com/citation-style-language/schema/raw/master/csl-citation.json); LibreOffice keeps
them as fields in the DOCX it writes.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

from lxml import etree

HERE = Path(__file__).resolve().parent
SERMON = HERE.parent / "tei" / "tei-publisher" / "27003.xml"
TEI = {"t": "http://www.tei-c.org/ns/1.0"}
SCHEMA = "https://github.com/citation-style-language/schema/raw/master/csl-citation.json"


def rtf_text(text: str) -> str:
    """Text as RTF: a line break of the TEI source is a space (RTF ignores line ends)."""
    out = []
    for char in re.sub(r"\s+", " ", text):
        if char in "\\{}":
            out.append("\\" + char)
        elif ord(char) < 128:
            out.append(char)
        else:
            code = ord(char)
            out.append(f"\\u{code if code < 32768 else code - 65536}?")
    return "".join(out)


def zotero(citation_id: str, shown: str, items: list[dict]) -> str:
    """A Zotero citation field showing ``shown``; items: (itemData, locator) as Zotero writes them."""
    data = {"citationID": citation_id,
            "properties": {"formattedCitation": shown, "plainCitation": shown, "noteIndex": 0},
            "citationItems": items, "schema": SCHEMA}
    code = " ADDIN ZOTERO_ITEM CSL_CITATION " + json.dumps(data, ensure_ascii=False) + " "
    return r"{\field{\*\fldinst{" + rtf_text(code) + r"}}{\fldrslt{" + rtf_text(shown) + "}}}"


def mendeley(citation_id: str, shown: str, items: list[dict]) -> str:
    """A Mendeley citation field (``ADDIN CSL_CITATION {json}``, the same schema; items named ITEM-n)."""
    data = {"citationID": citation_id, "properties": {"noteIndex": 0}, "isEdited": False,
            "manualOverride": {"isManuallyOverridden": False, "citeprocText": shown, "manualOverrideText": ""},
            "citationItems": items, "schema": SCHEMA}
    code = " ADDIN CSL_CITATION " + json.dumps(data, ensure_ascii=False) + " "
    return r"{\field{\*\fldinst{" + rtf_text(code) + r"}}{\fldrslt{" + rtf_text(shown) + "}}}"


def footnote(body: str) -> str:
    return r"{\super\chftn}{\footnote\pard\plain\s20{\super\chftn} " + body + r"\par}"


HEAD = (r"{\rtf1\ansi\ansicpg1252\deff0\deflang%(lang)d{\fonttbl{\f0\froman Liberation Serif;}}"
        r"{\stylesheet{\s0\lang%(lang)d Normal;}{\s1\outlinelevel0\b\fs32 heading 1;}{\s2\outlinelevel1\b\fs28 heading 2;}"
        r"{\s3\outlinelevel2\b\i heading 3;}{\s15\fs40 Title;}{\s16\li720\ri720 Quote;}{\s20\fs20 footnote text;}}"
        r"{\*\listtable"
        r"{\list\listtemplateid1{\listlevel\levelnfc23\levelnfcn23\leveljc0\levelstartat1{\leveltext\'01\u8226 ?;}"
        r"{\levelnumbers;}\fi-360\li720}{\listname bullets;}\listid1}"
        r"{\list\listtemplateid2{\listlevel\levelnfc0\levelnfcn0\leveljc0\levelstartat1{\leveltext\'02\'00.;}"
        r"{\levelnumbers\'01;}\fi-360\li720}{\listname numbers;}\listid2}}"
        r"{\*\listoverridetable{\listoverride\listid1\listoverridecount0\ls1}"
        r"{\listoverride\listid2\listoverridecount0\ls2}}"
        r"{\info{\title %(title)s}{\author %(author)s}}" "\n")


LANGUAGE = {"code": 1033}  # the language of the manuscript being written (Windows LCID)


def paragraph(content: str, style: int = 0) -> str:
    level = {1: r"\outlinelevel0", 2: r"\outlinelevel1", 3: r"\outlinelevel2"}.get(style, "")
    return r"{\pard\plain\s%d%s\lang%d " % (style, level, LANGUAGE["code"]) + content + r"\par}" "\n"


def list_items(items: list[str], numbered: bool) -> str:
    number = 2 if numbered else 1
    return "".join(r"{\pard\plain\s0\ls%d\ilvl0\fi-360\li720 " % number + item + r"\par}" "\n" for item in items)


def table(rows: list[list[str]]) -> str:
    width = 9000 // len(rows[0])
    cells = "".join(r"\cellx%d" % (width * (i + 1)) for i in range(len(rows[0])))
    out = []
    for row in rows:
        out.append(r"\trowd" + cells + "".join(r"\pard\intbl " + rtf_text(cell) + r"\cell" for cell in row)
                   + r"\row" "\n")
    return "".join(out) + r"\pard" "\n"


def png(width: int, height: int) -> bytes:
    """A small grey-on-white PNG: a figure of the manuscript (the importer keeps it beside the article)."""
    rows = b"".join(b"\x00" + bytes(0x80 if (x // 8 + y // 8) % 2 else 0xF0 for x in range(width))
                    for y in range(height))
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def picture(data: bytes, width: int, height: int) -> str:
    return (r"{\pict\pngblip\picw%d\pich%d\picwgoal%d\pichgoal%d " % (width, height, width * 15, height * 15)
            + data.hex() + "}")


def inline_tei(element: etree._Element, zotero_for: dict[str, str]) -> str:
    """A TEI element's text as RTF: notes as footnotes, italics kept, a bibl with a Zotero item as its field."""
    out = [rtf_text(element.text or "")]
    for child in element:
        name = etree.QName(child).localname
        if name == "note":
            out.append(footnote(inline_tei(child, zotero_for)))
        elif name == "hi" and child.get("rend") == "italic":
            out.append(r"{\i " + inline_tei(child, zotero_for) + "}")
        elif name == "bibl" and child.get("corresp") in zotero_for:
            out.append(zotero_for[child.get("corresp")])
        elif name == "edition" and child.get("rend") == "sup":
            out.append(r"{\super " + inline_tei(child, zotero_for) + "}")
        else:
            out.append(inline_tei(child, zotero_for))
        out.append(rtf_text(child.tail or ""))
    return " ".join("".join(out).split()) if element.tag.endswith("}p") else "".join(out)


def plain(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


# The work the sermon's note 3 cites, as its editors give it (Karl Barth-Gesamtausgabe, kbga-bibls-1793).
HERRMANN = {"id": 1793, "type": "book", "title": "Der Verkehr des Christen mit Gott: Im Anschluss an Luther dargestellt",
            "author": [{"family": "Herrmann", "given": "Wilhelm"}], "edition": "4",
            "publisher-place": "Stuttgart/Berlin", "issued": {"date-parts": [[1903]]}}


def sermon() -> str:
    """Karl Barth, Predigt 254 (Neujahr 1915), from the Karl Barth-Gesamtausgabe's TEI (CC BY-SA 4.0)."""
    tei = etree.parse(str(SERMON))
    text = tei.find(".//t:text/t:body/t:div", TEI)
    herrmann_shown = "W. Herrmann, Der Verkehr des Christen mit Gott. Im Anschluss an Luther dargestellt, Stuttgart/Berlin 19034, S. 95"
    field = zotero("kbga-n03", herrmann_shown, [{"id": 1793, "uris": ["http://zotero.org/users/local/kbga/items/HERR1903"],
                                                  "itemData": HERRMANN, "locator": "95", "label": "page"}])
    # The field shows the citation as the edition prints it: title in italics, the edition number raised.
    bibl = tei.find(".//t:bibl[@corresp='kbga-bibls-1793']", TEI)
    field = field.replace(r"{\fldrslt{" + rtf_text(herrmann_shown) + "}}", r"{\fldrslt{" + inline_tei(bibl, {}).strip() + "}}")
    fields = {"kbga-bibls-1793": field}
    title = plain(tei.find(".//t:titleStmt/t:title[@type='content']", TEI))
    parts = [HEAD % {"lang": 1031, "title": rtf_text(title), "author": "Karl Barth"}, paragraph(rtf_text(title), 15)]
    opener = text.find("t:div[@type='opener']", TEI)
    parts.append(paragraph(inline_tei(opener.find("t:dateline", TEI), fields)))
    cit = opener.find("t:epigraph/t:cit", TEI)
    parts.append(paragraph(rtf_text(plain(cit.find("t:quote", TEI)) + " (" + plain(cit.find("t:ref", TEI)) + ")"), 16))
    parts.append(paragraph(rtf_text(plain(opener.find("t:salute", TEI)))))
    for p in text.findall("t:div[@type='main']/t:p", TEI):
        parts.append(paragraph(inline_tei(p, fields)))
    parts.append(paragraph(rtf_text(plain(text.find("t:div[@type='closer']/t:salute", TEI)))))
    return "".join(parts) + "}"


# The works the TEI Guidelines cite in "About These Guidelines" (BCP 14: RFC 2119 and RFC 8174; the XML
# Recommendation, BIB-Bibliography.xml's XMLREC), as their publishers describe them.
RFC2119 = {"id": 2119, "type": "report", "title": "Key words for use in RFCs to Indicate Requirement Levels",
           "author": [{"family": "Bradner", "given": "Scott"}], "publisher": "Internet Engineering Task Force",
           "collection-title": "Request for Comments", "number": "2119", "DOI": "10.17487/RFC2119",
           "issued": {"date-parts": [[1997, 3]]}}
RFC8174 = {"id": 8174, "type": "report",
           "title": "Ambiguity of Uppercase vs Lowercase in RFC 2119 Key Words",
           "author": [{"family": "Leiba", "given": "Barry"}], "publisher": "Internet Engineering Task Force",
           "collection-title": "Request for Comments", "number": "8174", "DOI": "10.17487/RFC8174",
           "issued": {"date-parts": [[2017, 5]]}}
XMLREC = {"id": 1008, "type": "report", "title": "Extensible Markup Language (XML) 1.0 (Fifth Edition)",
          "author": [{"family": "Bray", "given": "Tim"}, {"family": "Paoli", "given": "Jean"},
                     {"family": "Sperberg-McQueen", "given": "C. M."}, {"family": "Maler", "given": "Eve"},
                     {"family": "Yergeau", "given": "François"}],
          "publisher": "World Wide Web Consortium", "genre": "W3C Recommendation",
          "URL": "https://www.w3.org/TR/xml/", "issued": {"date-parts": [[2008, 11, 26]]}}


def item(data: dict, key: str, locator: str | None = None) -> dict:
    cited = {"id": data["id"], "uris": [f"http://zotero.org/users/local/teiguide/items/{key}"], "itemData": data}
    if locator:
        cited |= {"locator": locator, "label": "section"}
    return cited


def guidelines(image: bytes) -> str:
    """TEI P5 Guidelines, chapter 1 "About These Guidelines" (excerpts), CC BY 3.0 / BSD-2."""
    bcp14 = zotero("ab-bcp14", "(Bradner 1997; Leiba 2017)", [item(RFC2119, "RFC2119"), item(RFC8174, "RFC8174")])
    # The second citation as Mendeley inserts it: another manager, the same kind of item data.
    xmlrec = mendeley("ab-xmlrec", "(Bray et al. 2008, sec. 2)",
                      [{"id": "ITEM-1", "itemData": {**XMLREC, "id": "ITEM-1"}, "locator": "2", "label": "section",
                        "uris": ["http://www.mendeley.com/documents/?uuid=xmlrec"]}])
    t = rtf_text
    parts = [HEAD % {"lang": 1033, "title": "About These Guidelines", "author": "TEI Consortium"},
             paragraph("About These Guidelines", 15),
             paragraph(t("These Guidelines have been developed and are maintained by the Text Encoding Initiative "
                         "Consortium (TEI). They are addressed to anyone who works with any kind of textual "
                         "resource in digital form.")),
             paragraph(t("These Guidelines apply to texts in any natural language, of any date, in any literary "
                         "genre or text type, without restriction on form or content. They treat both continuous "
                         "materials (") + r"{\i running text}" + t(") and discontinuous materials such as "
                         "dictionaries and linguistic corpora.")),
             paragraph("The use of modal verbs", 1),
             paragraph(t("In general the TEI guidelines try to be careful when using modal verbs and phrases such "
                         "as 'must', 'must not, 'should', 'should not' and 'may'. In terms of the meanings, these "
                         "generally follow ") + bcp14 + t(" in the different meanings of these words. In particular:")),
             table([["MUST", "This word, or the terms \"REQUIRED\" or \"SHALL\", means that this is an absolute "
                      "requirement of the TEI Guidelines for production of a TEI conformant file."],
                     ["MAY", "This word, or the adjective \"OPTIONAL\", means that a recommendation is truly optional."]]),
             paragraph("TEI Naming Conventions", 1),
             paragraph("Element and Attribute Names", 2),
             paragraph(t("An unadorned name such as ") + r"{\b blort}" + t(" is the name of a TEI element or attribute. ")
                       + footnote(t("During generation of TEI RELAX NG schema fragments, the patterns corresponding "
                                    "with these TEI names are given a prefix ") + r"{\f0 tei}" + t(" to allow them to "
                                    "co-exist with names from other XML namespace."))),
             paragraph(t("The following conventions apply to the choice of names:")),
             list_items([t("Elements are given generic identifiers as far as possible consisting of one or more "
                           "tokens, by which we mean whole words or recognisable abbreviations of them, taken from "
                           "the English language."),
                         t("Module names also use whole words, for the most part, but are always all lower case.")],
                        numbered=False),
             paragraph("Design Principles", 1),
             paragraph(t("The syntax of the recommendations made in this document conforms to the World Wide Web "
                         "Consortium's XML Recommendation ") + xmlrec + t(" but their definition is as far as "
                         "possible independent of any particular schema language.")
                       + footnote(t("The philosophy of these Guidelines is ") + r"{\i " + t("if you want to encode "
                                  "this feature, do it this way") + "}" + t("\u2014but very few features are "
                                  "mandatory."))),
             paragraph("Use for Interchange", 2),
             paragraph(t("To translate between any pair of encoding schemes implies:")),
             list_items([t("identifying the sets of textual features distinguished by the two schemes;"),
                         t("determining where the two sets of features correspond;"),
                         t("creating a suitable set of mappings.")], numbered=True),
             paragraph(picture(image, 64, 32))]
    return "".join(parts) + "}"


def convert(name: str, rtf: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder, f"{name}.rtf")
        source.write_text(rtf, encoding="ascii")
        subprocess.run(["soffice", "--headless", "--convert-to", "docx", "--outdir", folder, str(source)],
                       check=True, capture_output=True)
        shutil.copy(Path(folder, f"{name}.docx"), HERE / f"{name}.docx")


if __name__ == "__main__":
    LANGUAGE["code"] = 1031
    convert("barth-neujahr-1915", sermon())
    LANGUAGE["code"] = 1033
    convert("tei-about", guidelines(png(64, 32)))
