"""Stage: export the bibliography for citation managers, from the project's .bib or any other.

- ``biblatex``: the .bib as written (UTF-8), re-serialised by bibtexparser: ``@string``, ``@preamble``,
  macros and the user's LaTeX kept; ``language`` written beside ``langid`` (Zotero reads only the first).
- ``bibtex``: classic BibTeX for tools that predate UTF-8: BibLaTeX's fields and types renamed to
  BibTeX's (journaltitle → journal, location → address, date → year and month), the user's LaTeX,
  braces and macros kept as written, and only non-ASCII letters escaped, in braces so that BibTeX's
  name parsing and sorting see one letter (``{\\c{S}}``, ``{\\u{g}}``, ``{\\i}``, ``{\\.I}``);
  what an entry inherits by ``crossref`` or ``xdata`` written into it as well (Zotero and EndNote do
  not follow the links).
- ``csljson``: CSL-JSON from pandoc's biblatex reader, with a CSL type for every entry, the variables
  pandoc leaves out (``issuetitle`` → ``volume-title``) and the edition's own fields in ``note``.
- ``ris``: RIS for EndNote and Zotero, written here from ``fields.records`` (Unicode text, crossref
  resolved): tags by type as the RIS specification and Zotero's translator read them, one line a value.

The tests read each export back with pandoc, bibtexparser, rispy, biber and citation-js and compare.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.middlewares import AddEnclosingMiddleware, RemoveEnclosingMiddleware
from bibtexparser.model import Entry, Field, Preamble, String
from pylatexenc.latexencode import RULE_DICT, UnicodeToLatexConversionRule, UnicodeToLatexEncoder

from edition.bib.fields import (
    CLASSIC_TYPES,
    MONTHS,
    NOT_INHERITED,
    Person,
    Record,
    inherited_name,
    plain,
    records,
)
from edition.bib.read import read_bibliographies
from edition.pandoc import run_pandoc

FORMATS = ("bibtex", "biblatex", "csljson", "ris")
EDITION_FIELDS = ("provenance", "conflict", "keywords")  # kept in CSL note / RIS N1
EDITION_NOTE_FIELDS = ("provenance", "conflict")  # kept in BibTeX's annote (keywords Zotero reads)
NO_ESCAPE = {"url", "doi", "file", "eprint", "crossref", "xdata"}
# BibLaTeX entries that are no work: a set groups works exported on their own, an xdata entry holds
# fields its children inherit. RIS and CSL-JSON have no place for them (Zotero made empty items).
NOT_WORKS = {"set", "xdata"}
# BibLaTeX → BibTeX where BibTeX has the field under another name; the BibLaTeX field is kept too
# when BibTeX has no place for part of it (``date`` with a day).
BIBTEX_NAMES = {"journaltitle": "journal", "location": "address"}
BIBTEX_TYPES = {"online": "misc", "collection": "book", "mvbook": "book", "mvcollection": "book",
                "bookinbook": "inbook", "report": "techreport", "mvproceedings": "proceedings",
                "reference": "book", "mvreference": "book", "inreference": "incollection",
                "periodical": "misc", "suppbook": "inbook", "suppcollection": "incollection",
                "suppperiodical": "article", "patent": "misc", "dataset": "misc", "software": "misc",
                "artwork": "misc", "audio": "misc", "image": "misc", "letter": "misc", "movie": "misc",
                "music": "misc", "performance": "misc", "standard": "misc", "video": "misc",
                "review": "article", "set": "misc", "xdata": "misc"}


def export(bib: Path | Sequence[Path], fmt: str) -> str:
    """The bibliography (one .bib file, or several merged into one) in ``fmt``."""
    merged = read_bibliographies(bib)  # read, checked and parsed as every command reads them
    if fmt == "biblatex":
        return to_biblatex(as_written(merged.text))
    if fmt == "bibtex":
        return to_bibtex(as_written(merged.text))
    if fmt == "csljson":
        return to_csljson(merged.text, merged.paths[0], merged.library)
    if fmt == "ris":
        return to_ris(records(merged.library))
    raise ValueError(f"unknown format {fmt}")


def as_written(text: str) -> Library:
    """The file's blocks with their values as written: macros not replaced, enclosing remembered
    (``month = jul`` stays a macro, ``"10~" # jan`` a concatenation). ``text`` has passed
    ``read.parse_bib``."""
    return bibtexparser.parse_string(text, parse_stack=[RemoveEnclosingMiddleware()])


def write_bib(library: Library) -> str:
    """bibtexparser's serialisation, each value enclosed as it was written (braces for new ones),
    changing ``library`` in place: copying every entry first took most of the time of a 10 MB file."""
    stack = [AddEnclosingMiddleware(allow_inplace_modification=True, default_enclosing="{",
                                    reuse_previous_enclosing=True, enclose_integers=False)]
    return bibtexparser.write_string(library, unparse_stack=stack)


def with_language(entry: Entry) -> None:
    """``language`` beside ``langid``: biber reads the one, Zotero's BibTeX import the other."""
    names = {f.key.lower() for f in entry.fields}
    langid = entry.fields_dict.get("langid") or entry.fields_dict.get("LANGID")
    if langid is not None and "language" not in names:
        entry.fields.append(Field("language", str(langid.value), enclosing="{"))


def with_annote(entry: Entry) -> None:
    """The edition's own fields again in ``annote``, ``name = value`` parts joined by " | " (a line that
    begins "name = " inside a value makes biber warn of a runaway string): Zotero's BibTeX import
    drops fields it does not know and keeps ``annote`` as a note; biber reads it as ``annotation``,
    and BibTeX's styles do not print it."""
    names = {f.key.lower() for f in entry.fields}
    if names & {"annote", "annotation"}:
        return
    lines = [f"{f.key.lower()} = {f.value}" for f in entry.fields if f.key.lower() in EDITION_NOTE_FIELDS]
    if lines:
        entry.fields.append(Field("annote", " | ".join(lines), enclosing="{"))


def to_biblatex(library: Library) -> str:
    for entry in library.entries:
        with_language(entry)
        with_annote(entry)
    return write_bib(library)


# --- BibTeX -------------------------------------------------------------------------------------------

def _latex_encoder() -> UnicodeToLatexEncoder:
    keep_quotes = UnicodeToLatexConversionRule(RULE_DICT, {ord('"'): '"'})  # fine inside braces
    return UnicodeToLatexEncoder(conversion_rules=[keep_quotes, "defaults"],
                                 replacement_latex_protection="braces-all", unknown_char_policy="keep")


# BibTeX's own dashes and LaTeX's \\ldots: pandoc's BibTeX reader drops ``\\textendash`` and
# ``\\textellipsis`` (and so the character).
DASHES = {"–": "--", "—": "---", "…": "{\\ldots}"}


class LatexEscaper:
    """pylatexenc's encoding of a field value, a character at a time where that gives the same result.

    pylatexenc walks a value character by character in Python (and defines a class per call), which
    took most of the time of a 10 MB export. Without combining marks every character is replaced on its
    own, so each distinct character is encoded once and the runs it leaves alone are copied.
    """

    def __init__(self) -> None:
        self.encoder = _latex_encoder()
        # ASCII is the user's LaTeX (braces, backslashes, ``~``, ``$``) and stays as written; a
        # letter with combining marks is encoded as one (``s`` + U+0327 → ``{\\c{s}}``).
        self.escaped = re.compile(r"[A-Za-z][\u0300-\u036f]+|[^\x00-\x7f]")
        self.done: dict[str, str] = {}  # character → its encoding

    def __call__(self, value: str) -> str:
        if value.isascii():
            return value
        return self.escaped.sub(self._one, unicodedata.normalize("NFC", value))

    def _one(self, found: re.Match) -> str:
        character = found.group()
        if character in DASHES:
            return DASHES[character]
        if character not in self.done:
            self.done[character] = self.encoder.unicode_to_latex(character)
        return self.done[character]


# biblatex's text macros, which LaTeX without biblatex does not know, as plain LaTeX says them (a
# quotation's words in braces: biblatex does not change the case of a macro's argument).
ARGUMENT = r"\s*\{((?:[^{}]|\{[^{}]*\})*)\}"  # one argument, braces inside one level deep
BIBLATEX_MACROS = [(re.compile(r"\\hyphen(?![a-zA-Z])(?:\s+|\{\})?"), "-"),
                   (re.compile(r"\\(?:mkbibquote|enquote\*?)" + ARGUMENT), r"``{\1}''"),
                   (re.compile(r"\\mkbibemph(?![a-zA-Z])"), r"\\emph"),
                   (re.compile(r"\\mkbibitalic(?![a-zA-Z])"), r"\\textit"),
                   (re.compile(r"\\mkbibbold(?![a-zA-Z])"), r"\\textbf")]


def without_biblatex_macros(value: str) -> str:
    for macro, plain_latex in BIBLATEX_MACROS:
        value = macro.sub(plain_latex, value)
    return value


def to_bibtex(library: Library) -> str:
    escape = LatexEscaper()
    entries = {entry.key: entry for entry in library.entries}
    done: set[str] = set()
    for entry in library.entries:
        with_inherited(entry, entries, done)
    for block in library.blocks:
        if isinstance(block, Entry):
            classic_entry(block)
            for item in block.fields:
                if item.key.lower() not in NO_ESCAPE:
                    item.value = escape(without_biblatex_macros(str(item.value)))
        elif isinstance(block, String | Preamble):
            block.value = escape(str(block.value))
    return write_bib(library)


# Fields that say the same thing: an entry with one of a group inherits none of it.
SAME = [{"date", "year", "month", "day"}, {"journaltitle", "journal"}, {"location", "address"},
        {"institution", "school"}, {"annotation", "annote"}]


def with_inherited(entry: Entry, entries: dict[str, Entry], done: set[str]) -> None:
    """The fields ``entry`` inherits from its ``xdata`` entries and its ``crossref`` parent written into
    it, as written there and under the name biber gives them (a book's title is a chapter's
    booktitle); the links stay. Zotero's and EndNote's imports do not follow them, and BibTeX
    inherits only fields of the same name. Parents first; cycles were refused on reading."""
    if entry.key in done:
        return
    done.add(entry.key)
    value = {f.key.lower(): plain(str(f.value)) for f in entry.fields}
    links = [(key.strip(), "xdata") for key in value.get("xdata", "").split(",") if key.strip()]
    links += [(value["crossref"], "crossref")] if value.get("crossref") else []
    kind = CLASSIC_TYPES.get(entry.entry_type.lower(), entry.entry_type.lower())
    enclosing = entry.parser_metadata.setdefault("removed_enclosing", {})
    for key, link in links:
        parent = entries.get(key)
        if parent is None:
            continue
        with_inherited(parent, entries, done)
        parent_kind = CLASSIC_TYPES.get(parent.entry_type.lower(), parent.entry_type.lower())
        parent_enclosing = parent.parser_metadata.get("removed_enclosing", {})
        for item in parent.fields:
            name = item.key.lower()
            target = name if link == "xdata" else inherited_name(name, parent_kind, kind)
            names = {f.key.lower() for f in entry.fields}
            same = next((group for group in SAME if target in group), {target})
            if name in NOT_INHERITED or names & same:
                continue
            entry.fields.append(Field(target, item.value))
            enclosing[target] = parent_enclosing.get(item.key)


def classic_entry(entry: Entry) -> None:
    """Rename BibLaTeX's types and fields to BibTeX's where the entry does not have them already."""
    kind = entry.entry_type.lower()
    names = {f.key.lower() for f in entry.fields}
    if kind == "thesis":
        thesis = str(entry.fields_dict["type"].value).lower() if "type" in entry.fields_dict else ""
        kind = "mastersthesis" if thesis in {"mathesis", "mastersthesis", "master's thesis"} else "phdthesis"
    if kind == "online" and "howpublished" not in names and "url" in entry.fields_dict:
        url = entry.fields_dict["url"].value
        entry.fields.append(Field("howpublished", f"\\url{{{url}}}", enclosing="{"))
    entry.entry_type = BIBTEX_TYPES.get(kind, kind)
    enclosing = entry.parser_metadata.get("removed_enclosing", {})
    fields = []
    for item in entry.fields:
        name = item.key.lower()
        renamed = BIBTEX_NAMES.get(name) or ("school" if name == "institution" and kind in
                                              {"phdthesis", "mastersthesis"} else None)
        if renamed and renamed not in names:
            enclosing[renamed] = enclosing.get(item.key)  # a macro (``journaltitle = jomch``) stays one
            item.key = renamed
        elif name == "date" and "year" not in names:
            fields += classic_date(str(item.value))
        fields.append(item)
    entry.fields = [f for f in fields if not (f.key == "date" and re.fullmatch(r"\d{4}", str(f.value)))]
    join_subtitles(entry)
    with_language(entry)
    with_annote(entry)


SUBTITLES = {"subtitle": "title", "booksubtitle": "booktitle", "journalsubtitle": "journal"}


def join_subtitles(entry: Entry) -> None:
    """BibTeX has no subtitles: each joins its title as "Title: Subtitle", as biblatex prints it."""
    by_name = {f.key.lower(): f for f in entry.fields}
    for sub, main in SUBTITLES.items():
        if sub in by_name and main in by_name and by_name[main].value and by_name[sub].value:
            title = str(by_name[main].value)
            joiner = " " if re.search(r"[.?!:]}*$", title) else ": "
            by_name[main].value = f"{title}{joiner}{by_name[sub].value}"
            entry.fields.remove(by_name[sub])


def classic_date(date: str) -> list[Field]:
    """``year`` and ``month`` (BibTeX's month macro, unenclosed) of an ISO 8601 ``date``; the date
    itself is kept beside them when it says more (a day, a range)."""
    found = re.fullmatch(r"(\d{4})(?:-(\d{2}))?.*", date)
    if not found:
        return []
    fields = [Field("year", found.group(1), enclosing="{")]
    if found.group(2) and 1 <= int(found.group(2)) <= 12:
        fields.append(Field("month", MONTHS[int(found.group(2)) - 1][:3], enclosing="no-enclosing"))
    return fields


# --- CSL-JSON -----------------------------------------------------------------------------------------

# The CSL 1.0.2 type of the BibLaTeX types pandoc leaves untyped or types otherwise than the CSL
# specification's appendix and citeproc-js's BibLaTeX mapping.
CSL_TYPES = {"periodical": "periodical", "manual": "report", "mvbook": "book", "collection": "book",
             "mvcollection": "book", "proceedings": "book", "online": "webpage", "unpublished": "manuscript"}


def csl_type(record: Record) -> str | None:
    if record.kind == "misc":
        return "manuscript" if archival(record) else "document"
    if record.kind == "article" and record.get("entrysubtype") in {"newspaper", "magazine"}:
        return f"article-{record.get('entrysubtype')}"
    return CSL_TYPES.get(record.kind)


def archival(record: Record) -> bool:
    """An unpublished primary source kept in an archive or library (``howpublished`` or ``archive``
    says where): what Zotero and EndNote call a manuscript."""
    return bool(record.get("archive") or record.get("library")
                or ("primary" in keywords(record) and record.get("howpublished")))


def keywords(record: Record) -> set[str]:
    return {k.strip() for k in record.get("keywords").split(",") if k.strip()}


def to_csljson(text: str, bib: Path, library: Library) -> str:
    """pandoc's CSL-JSON of ``text``, the .bib as read and checked (given on stdin, so that pandoc
    reads the very text that was checked), with what pandoc leaves out added from the records
    (read after pandoc, whose time limit stops a file too slow to read)."""
    items = json.loads(run_pandoc(["--from=biblatex", "--to=csljson"], bib, stdin=text))
    by_key = {record.key: record for record in records(library)}
    items = [item for item in items if getattr(by_key.get(item["id"]), "kind", "") not in NOT_WORKS]
    for item in items:
        record = by_key.get(item["id"])
        if record is None:  # an entry pandoc made of something bibtexparser read otherwise
            continue
        item["type"] = csl_type(record) or item.get("type") or "document"
        parts = date_parts(record.get("date"))
        if len(parts) > len((item.get("issued") or {}).get("date-parts", [[]])[0]):
            item["issued"] = {"date-parts": [parts]}  # pandoc drops a classic month = "10~" # jan
        issue = ": ".join(filter(None, (record.get("issuetitle"), record.get("issuesubtitle"))))
        if issue and "volume-title" not in item and issue.casefold() != item.get("title", "").casefold():
            item["volume-title"] = issue
        if archival(record):
            with_archive(item, record)
        if record.get("language") or record.get("langid"):
            item.setdefault("language", record.get("language") or record.get("langid"))
        note = joined_note(item.get("note", ""), edition_note(record))
        note = "\n".join(filter(None, (*extra_lines(item), note)))
        if note:
            item["note"] = note
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def with_archive(item: dict, record: Record) -> None:
    """An archival document's archive as CSL's ``archive`` (pandoc makes ``howpublished`` a publisher),
    which Zotero reads as the manuscript's archive and an import back as ``howpublished``."""
    archive = record.get("archive") or record.get("library") or record.get("howpublished")
    if item.get("publisher") == archive:
        del item["publisher"]
    item["archive"] = archive


# CSL variables Zotero has no field for: its CSL JSON import would drop them.
ZOTERO_EXTRA = ("volume-title",)


def extra_lines(item: dict) -> list[str]:
    """``variable: value`` lines for the note: Zotero keeps the note as Extra, and its citeproc reads
    such a line of Extra back as the variable (pandoc reads it as the variable the item has already)."""
    return [f"{name}: {item[name]}" for name in ZOTERO_EXTRA if item.get(name)]


def date_parts(date: str) -> list[int]:
    """[year, month, day] of an ISO 8601 date, as far as it goes (none for a range or a text)."""
    found = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", date)
    return [int(part) for part in found.groups() if part] if found else []


VARIABLE_LINE = re.compile(r"^\s*[\w-]+:\s")


def joined_note(note: str, edition: str) -> str:
    """The entry's note and the edition's fields as one block. citeproc (pandoc, Zotero) reads a
    ``Name: value`` line at the start of a note as a CSL variable and drops it from the note, so a
    note that starts so comes after the edition's lines."""
    if VARIABLE_LINE.match(note) and edition:
        return f"{edition}\n{note}"
    return "\n".join(filter(None, (note, edition)))


def edition_note(record: Record) -> str:
    """The edition's own fields as ``name = value`` lines (CSL and RIS have no place for them).

    Not ``name: value``: citeproc reads such lines of a CSL note as variables and drops them.
    """
    return "\n".join(f"{name} = {record.get(name)}" for name in EDITION_FIELDS if record.get(name))


# --- RIS ----------------------------------------------------------------------------------------------

RIS_TYPES = {"book": "BOOK", "mvbook": "BOOK", "collection": "EDBOOK", "mvcollection": "EDBOOK",
             "proceedings": "CONF", "mvproceedings": "CONF", "inproceedings": "CPAPER", "article": "JOUR",
             "incollection": "CHAP", "inbook": "CHAP", "bookinbook": "CHAP", "inreference": "ENCYC",
             "reference": "BOOK", "thesis": "THES", "report": "RPRT", "manual": "RPRT", "online": "ELEC",
             "unpublished": "UNPB", "booklet": "PAMP", "periodical": "JFULL", "patent": "PAT",
             "dataset": "DATA", "software": "COMP", "letter": "PCOMM", "movie": "MPCT", "video": "VIDEO",
             "audio": "SOUND", "music": "MUSIC", "artwork": "ART", "image": "FIGURE", "standard": "STAND"}
# Where the title of what holds the work goes: a journal in JO (and T2, which Zotero reads as the
# publication), a book or proceedings in T2.
PARTS = {"incollection", "inbook", "bookinbook", "inproceedings", "inreference"}


def ris_type(record: Record) -> str:
    if record.kind == "misc":
        return "MANSCPT" if archival(record) else "GEN"
    if record.kind == "article" and record.get("entrysubtype") == "newspaper":
        return "NEWS"
    if record.kind == "article" and record.get("entrysubtype") == "magazine":
        return "MGZN"
    return RIS_TYPES.get(record.kind, "GEN")


def ris_names(tag: str, people: list[Person]) -> list[tuple[str, str]]:
    return [(tag, person.inverted()) for person in people]


def ris_record(record: Record) -> list[tuple[str, str]]:
    """(tag, value) lines of one record, tags as the RIS specification and Zotero's RIS translator
    read them for its type: a book's editor ED (read as the editor by Zotero, EndNote and pandoc; A2
    is a book's series editor there, and pandoc drops A3), the editor of the book a chapter is in A2, the
    translator A4 (TA is a translated author's name), the journal or book in T2, a book's series in
    T2 and a part's in T3, an archive in DB and the document's number there in AN."""
    get = record.get
    kind = ris_type(record)
    lines = [("TY", kind), ("ID", record.key)]
    lines += ris_names("AU", record.people.get("author", []))
    lines += ris_names("A2" if record.kind in PARTS else "ED", record.people.get("editor", []))
    lines += ris_names("A4", record.people.get("translator", []))
    lines.append(("TI", ": ".join(filter(None, (get("title"), get("subtitle"))))))
    container = get("journaltitle") or get("booktitle")
    subtitle = get("journalsubtitle") or get("booksubtitle")
    container = ": ".join(filter(None, (container, subtitle)))
    lines.append(("C3" if kind == "CPAPER" else "T2", container))
    lines.append(("T2" if kind in {"BOOK", "EDBOOK"} else "T3", get("series") or get("maintitle")))
    lines += ris_date(get("date"))
    if kind == "MANSCPT":
        lines += [("DB", get("howpublished") or get("archive")), ("AN", get("number"))]
    for tag, name in (("PB", "publisher"), ("PB", "institution"), ("PB", "organization"),
                      ("CY", "location"), ("VL", "volume"),
                      ("IS", "number"), ("ET", "edition"), ("SN", "isbn"), ("SN", "issn"), ("DO", "doi"),
                      ("UR", "url"), ("LA", "language"), ("LA", "langid"), ("AB", "abstract")):
        lines.append((tag, get(name)))
    if kind != "MANSCPT":  # (a manuscript's howpublished is its archive, in DB)
        lines.append(("PB", get("howpublished")))
    if kind in {"THES", "RPRT", "MANSCPT"}:
        lines.append(("M3", get("type")))
    lines += ris_pages(get("pages"))
    lines += [("KW", k) for k in sorted(keywords(record))]
    # RIS has no tag for an issue's title: it goes with the edition's fields into the one note, and
    # so does ``howpublished`` where PB already holds the publisher.
    extra = [f"issuetitle = {issue}" for issue in
             [": ".join(filter(None, (get("issuetitle"), get("issuesubtitle"))))] if issue]
    if get("howpublished") and get("publisher") and kind != "MANSCPT":
        extra.append(f"howpublished = {get('howpublished')}")
    extra.append(edition_note(record))
    lines.append(("N1", joined_note(get("note"), "\n".join(filter(None, extra)))))
    return first_of_each(lines)


def first_of_each(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Lines with a value, a single-valued tag written once (``LA`` from ``language`` or ``langid``,
    ``PB`` from ``publisher`` or ``institution``); AU, ED, A2, A3, TA and KW repeat."""
    repeated = {"AU", "ED", "A2", "A4", "KW", "SN"}
    seen, kept = set(), []
    for tag, value in lines:
        if not value or (tag in seen and tag not in repeated):
            continue
        seen.add(tag)
        kept.append((tag, value))
    return kept


def ris_date(date: str) -> list[tuple[str, str]]:
    """PY: the year; DA: ``YYYY/MM/DD/`` with what the date has (the RIS specification's form)."""
    found = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", date)
    if not found:
        return [("PY", date)]
    lines = [("PY", found.group(1))]
    if found.group(2):
        lines.append(("DA", "/".join(p or "" for p in found.groups()) + "/"))
    return lines


def ris_pages(pages: str) -> list[tuple[str, str]]:
    start, _, end = re.sub(r"\s*(--|–|—)\s*", "-", pages).partition("-")
    return [("SP", start.strip()), ("EP", end.strip())]


def to_ris(entries: list[Record]) -> str:
    """RIS for every record (rispy's writer starts with a ``1.`` line other readers reject). A value
    is one line: RIS has no continuation lines, so line breaks in a value become spaces, and the
    note's lines are joined by " | " into one N1 (citation-js keeps only the first N1)."""
    out = []
    for record in (record for record in entries if record.kind not in NOT_WORKS):
        lines = [(tag, " | ".join(value.splitlines()) if tag == "N1" else re.sub(r"[ \t\r\n]+", " ", value))
                 for tag, value in ris_record(record)]
        out.append("".join(f"{tag}  - {value}\n" for tag, value in lines) + "ER  - \n")
    return "\n".join(out)
