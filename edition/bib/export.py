"""Stage: export the unified bibliography for citation managers.

- ``biblatex``: the .bib as it is (UTF-8), re-serialised by bibtexparser.
- ``bibtex``: classic BibTeX for tools that predate UTF-8: fields renamed to BibTeX's (journaltitle →
  journal, location → address, date → year), non-ASCII letters escaped with braces so BibTeX's name
  parsing and sorting see one letter (``{\\c{S}}``, ``{\\u{g}}``, ``{\\i}``, ``{\\.I}``).
- ``csljson``: CSL-JSON from pandoc's biblatex reader, with an explicit CSL type for every entry and
  the edition's own fields (provenance, conflict, incompleteness) kept in ``note``.
- ``ris``: RIS for EndNote and Zotero, written here (rispy's writer starts with a ``1.`` line other
  readers reject); the edition's own fields go to ``N1``.

Every format keeps every entry and every field a citation manager can hold; the tests read each export
back (bibtexparser, pandoc, rispy) and compare.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.middlewares import default_unparse_stack
from bibtexparser.model import Entry, Field
from pylatexenc.latexencode import RULE_DICT, UnicodeToLatexConversionRule, UnicodeToLatexEncoder

from edition.bib.bibliography import field_value
from edition.bib.read import read_bibliographies
from edition.pandoc import run_pandoc

FORMATS = ("bibtex", "biblatex", "csljson", "ris")
EDITION_FIELDS = ("provenance", "conflict", "keywords")  # kept in CSL note / RIS N1
BIBTEX_NAMES = {"journaltitle": "journal", "location": "address"}
NO_ESCAPE = {"url", "doi"}
CSL_TYPES = {"book": "book", "article": "article-journal", "incollection": "chapter", "inbook": "chapter",
             "thesis": "thesis", "online": "webpage", "unpublished": "manuscript", "misc": "document",
             "collection": "book", "periodical": "periodical"}
RIS_TYPES = {"book": "BOOK", "article": "JOUR", "incollection": "CHAP", "inbook": "CHAP", "thesis": "THES",
             "online": "ELEC", "unpublished": "UNPB", "misc": "GEN", "collection": "EDBOOK"}


def export(bib: Path | Sequence[Path], fmt: str) -> str:
    """The bibliography (one .bib file, or several merged into one) in ``fmt``."""
    merged = read_bibliographies(bib)
    text, library = merged.text, merged.library
    bib = merged.paths[0]
    if fmt == "biblatex":
        return write_bib(library)
    if fmt == "bibtex":
        return to_bibtex(library)
    if fmt == "csljson":
        return to_csljson(text, Path(bib), library)
    if fmt == "ris":
        return to_ris(library)
    raise ValueError(f"unknown format {fmt}")


def write_bib(library: Library) -> str:
    """bibtexparser's serialisation, changing ``library`` in place: its default copies every entry
    first, most of the time a 10 MB file takes."""
    in_place = default_unparse_stack(allow_inplace_modification=True)
    return bibtexparser.write_string(library, unparse_stack=in_place)


# --- BibTeX -------------------------------------------------------------------------------------------

def _latex_encoder() -> UnicodeToLatexEncoder:
    keep_quotes = UnicodeToLatexConversionRule(RULE_DICT, {ord('"'): '"'})  # fine inside braces
    return UnicodeToLatexEncoder(conversion_rules=[keep_quotes, "defaults"],
                                 replacement_latex_protection="braces-all", unknown_char_policy="keep")


class LatexEscaper:
    """pylatexenc's encoding of a field value, a character at a time where that gives the same result.

    pylatexenc walks a value character by character in Python (and defines a class per call), which
    took most of the time of a 10 MB export. Without combining marks every character is replaced on its
    own, so each distinct character is encoded once and the runs it leaves alone are copied.
    """

    def __init__(self) -> None:
        self.encoder = _latex_encoder()
        text = "\t\n\r" + "".join(chr(c) for c in range(32, 127))  # (pylatexenc warns of other controls)
        kept = "".join(c for c in text if self.encoder.unicode_to_latex(c) == c)
        self.escaped = re.compile(f"[^{re.escape(kept)}]")
        self.done: dict[str, str] = {}  # character → its encoding

    def __call__(self, value: str) -> str:
        if any(unicodedata.combining(c) for c in set(value) if not c.isascii()):
            return self.encoder.unicode_to_latex(value)
        return self.escaped.sub(self._one, value)

    def _one(self, found: re.Match) -> str:
        character = found.group()
        if character not in self.done:
            self.done[character] = self.encoder.unicode_to_latex(character)
        return self.done[character]


def to_bibtex(library: Library) -> str:
    entries = []
    for entry in library.entries:
        fields = []
        for item in entry.fields:
            name = BIBTEX_NAMES.get(item.key, item.key)
            value = str(item.value)
            if item.key == "date":
                name, value = "year", value[:4]
                if len(str(item.value)) > 4:
                    fields.append(Field("date", str(item.value)))  # the full date is kept as well
            fields.append(Field(name, value))
        kind = "misc" if entry.entry_type.lower() in {"online", "unpublished"} else entry.entry_type
        if entry.entry_type.lower() == "online" and "howpublished" not in {f.key for f in fields}:
            url = field_value(entry, "url")
            fields.append(Field("howpublished", f"\\url{{{url}}}"))
        entries.append(Entry(kind, entry.key, fields))
    escape = LatexEscaper()
    for entry in entries:
        for item in entry.fields:
            if item.key not in NO_ESCAPE and not str(item.value).startswith("\\url{"):
                item.value = escape(str(item.value))
    return write_bib(Library(entries))


# --- CSL-JSON -----------------------------------------------------------------------------------------

def to_csljson(text: str, bib: Path, library: Library) -> str:
    """pandoc's CSL-JSON of ``text``, the .bib as read and checked (given on stdin, so that pandoc
    reads the very text that was checked)."""
    items = json.loads(run_pandoc(["--from=biblatex", "--to=csljson"], bib, stdin=text))
    by_key = {entry.key: entry for entry in library.entries}
    for item in items:
        entry = by_key[item["id"]]
        item["type"] = CSL_TYPES.get(entry.entry_type.lower(), "document")
        note = edition_note(entry)
        if note:
            item["note"] = "\n".join(filter(None, [item.get("note", ""), note]))
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def edition_note(entry: Entry) -> str:
    """The edition's own fields as ``name = value`` lines (CSL and RIS have no place for them).

    Not ``name: value``: pandoc's citeproc reads such lines of a CSL note as variables and drops them.
    """
    return "\n".join(f"{name} = {field_value(entry, name)}" for name in EDITION_FIELDS
                     if field_value(entry, name))


# --- RIS ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Name:
    family: str
    given: str

    def ris(self) -> str:
        return f"{self.family}, {self.given}" if self.given else self.family


def names(value: str) -> list[Name]:
    result = []
    for name in filter(None, (n.strip() for n in value.split(" and "))):
        if "," in name:
            family, given = (part.strip() for part in name.split(",", 1))
        else:
            family, given = name, ""
        result.append(Name(family, given))
    return result


def to_ris(library: Library) -> str:
    records = []
    for entry in library.entries:
        kind = entry.entry_type.lower()
        lines = [("TY", RIS_TYPES.get(kind, "GEN")), ("ID", entry.key)]
        lines += [("AU", n.ris()) for n in names(field_value(entry, "author"))]
        lines += [("A2", n.ris()) for n in names(field_value(entry, "editor"))]
        title = field_value(entry, "title")
        subtitle = field_value(entry, "subtitle")
        lines.append(("TI", f"{title}: {subtitle}" if subtitle else title))
        container = field_value(entry, "journaltitle") or field_value(entry, "booktitle")
        lines.append(("T2", container))
        date = field_value(entry, "date")
        lines.append(("PY", date[:4]))
        if len(date) > 4:
            parts = [*date.split("-"), "", ""][:3]
            lines.append(("DA", "/".join(parts) + "/"))
        for tag, name in (("PB", "publisher"), ("CY", "location"), ("VL", "volume"), ("IS", "number"),
                          ("UR", "url"), ("LA", "langid"), ("M3", "howpublished")):
            lines.append((tag, field_value(entry, name)))
        pages = field_value(entry, "pages")
        if pages:
            start, _, end = pages.replace("--", "-").partition("-")
            lines += [("SP", start), ("EP", end)]
        lines += [("KW", k.strip()) for k in field_value(entry, "keywords").split(",") if k.strip()]
        notes = [field_value(entry, "note"), *edition_note(entry).splitlines()]
        lines += [("N1", note) for note in notes if note]  # one N1 per note: RIS values are one line
        records.append("\n".join(f"{tag}  - {value}" for tag, value in lines if value) + "\nER  - \n")
    return "\n".join(records)

