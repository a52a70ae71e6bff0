"""Reading RIS into CSL-JSON items, for ``edition bib import``.

pandoc's RIS reader drops the full date (DA), the place (CY), notes (N1), the series editor and
translator (A3, A4) and the archive (DB, AN); this reads every tag our export writes, as the RIS
specification and Zotero's RIS translator define them, so that an exported RIS comes back whole.
A line that is not ``XX  - value`` continues the value before it (Zotero, EndNote).
"""

from __future__ import annotations

import re
from pathlib import Path

from edition.errors import EditionError, Location

LINE = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
TYPES = {"JOUR": "article-journal", "EJOUR": "article-journal", "MGZN": "article-magazine",
         "NEWS": "article-newspaper", "BOOK": "book", "EBOOK": "book", "EDBOOK": "book", "CHAP": "chapter",
         "ECHAP": "chapter", "CPAPER": "paper-conference", "CONF": "book", "THES": "thesis", "RPRT": "report",
         "ELEC": "webpage", "BLOG": "post-weblog", "UNPB": "manuscript", "MANSCPT": "manuscript",
         "PAMP": "pamphlet", "JFULL": "periodical", "ENCYC": "entry-encyclopedia", "DICT": "entry-dictionary",
         "PAT": "patent", "DATA": "dataset", "COMP": "software", "STAND": "standard", "GEN": "document"}
PARTS = {"CHAP", "ECHAP", "CPAPER", "ENCYC", "DICT"}
SIMPLE = {"TI": "title", "T1": "title", "PB": "publisher", "CY": "publisher-place", "VL": "volume",
          "IS": "issue", "ET": "edition", "DO": "DOI", "UR": "URL", "LA": "language", "AB": "abstract",
          "N2": "abstract", "M3": "genre", "DB": "archive", "JF": "container-title", "JO": "container-title",
          "T3": "collection-title"}
# The edition's own fields, written by ``export.to_ris`` into the one N1 as "name = value" parts.
EDITION_PARTS = re.compile(r"^(provenance|conflict|issuetitle|howpublished|keywords) = (.*)$", re.DOTALL)


def ris_items(text: str, source: Path) -> list[dict]:
    """CSL-JSON items of the RIS ``text``; a record without TY or ER is refused with its line."""
    items, tags, start = [], None, 0
    for number, line in enumerate(text.splitlines(), start=1):
        found = LINE.match(line.rstrip())
        if found and found.group(1) == "TY":
            if tags is not None:
                raise EditionError("this RIS record begins before the one above ended (ER  - )",
                                   Location(source, number, 1), "bib-import")
            tags, start = [("TY", found.group(2) or "")], number
        elif found and found.group(1) == "ER":
            if tags is None:
                raise EditionError("ER  - without a record (TY  - ) before it", Location(source, number, 1),
                                   "bib-import")
            items.append(item_of(tags))
            tags = None
        elif tags is not None and found:
            tags.append((found.group(1), found.group(2) or ""))
        elif tags is not None and line.strip() and tags:
            tag, value = tags[-1]
            tags[-1] = (tag, f"{value} {line.strip()}")  # a continuation line
    if tags is not None:
        raise EditionError("this RIS record has no end (ER  - )", Location(source, start, 1), "bib-import")
    return items


def item_of(tags: list[tuple[str, str]]) -> dict:
    kind = tags[0][1].strip()
    item: dict = {"type": TYPES.get(kind, "document")}
    notes, keywords = [], []
    for tag, value in tags[1:]:
        value = value.strip()
        if not value:
            continue
        role = name_role(tag, kind)
        if role:
            item.setdefault(role, []).append(name_of(value))
        elif tag == "ID":
            item["id"] = value
        elif tag in {"PY", "Y1"}:
            item.setdefault("issued", {"date-parts": [[int(value[:4])]]} if value[:4].isdigit()
                            else {"literal": value})
        elif tag == "DA":
            parts = [int(p) for p in value.split("/") if p.strip().isdigit()]
            if parts:
                item["issued"] = {"date-parts": [parts]}
        elif tag == "T2":
            item["collection-title" if kind in {"BOOK", "EDBOOK"} else "container-title"] = value
        elif tag == "C3" and kind == "CPAPER":
            item["container-title"] = value
        elif tag == "AN":
            item["archive_location" if kind == "MANSCPT" else "number"] = value
        elif tag == "SN":
            item["ISSN" if kind in {"JOUR", "MGZN", "NEWS", "JFULL"} else "ISBN"] = value
        elif tag == "SP":
            item["page"] = value + item.get("page", "")
        elif tag == "EP":
            item["page"] = item.get("page", "") + "-" + value
        elif tag == "KW":
            keywords.append(value)
        elif tag == "N1":
            notes.append(value)
        elif tag in SIMPLE:
            item.setdefault(SIMPLE[tag], value)
    if keywords:
        item["keyword"] = ", ".join(keywords)
    edition_parts(item, " | ".join(notes))
    return item


def edition_parts(item: dict, note: str) -> None:
    """The note, and the edition's fields ``export.to_ris`` put into it, back in their places."""
    kept = []
    for part in note.split(" | ") if note else []:
        found = EDITION_PARTS.match(part)
        if found:
            item.setdefault("edition-fields", {})[found.group(1)] = found.group(2)
        else:
            kept.append(part)
    if kept:
        item["note"] = "\n".join(kept)


def name_role(tag: str, kind: str) -> str:
    if tag in {"AU", "A1"}:
        return "author"
    if tag == "ED" or (tag == "A2" and kind in PARTS) or (tag == "A3" and kind in {"BOOK", "EDBOOK"}):
        return "editor"
    if tag == "A2":
        return "collection-editor"
    if tag == "A4":
        return "translator"
    return ""


def name_of(value: str) -> dict:
    """"Family, Given" or "Family, Suffix, Given"; a name without a given part ("AAM," or with no
    comma at all) is one name, as Zotero reads it."""
    parts = [p.strip() for p in value.split(",")]
    if len(parts) == 1 or not any(parts[1:]):
        return {"literal": parts[0]}
    if len(parts) >= 3:
        return {"family": parts[0], "suffix": parts[1], "given": ", ".join(parts[2:])}
    return {"family": parts[0], "given": parts[1]}
