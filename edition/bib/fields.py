"""One reading of any .bib: classic BibTeX and BibLaTeX alike, as the text formats need it.

bibtexparser splits the file (``read.parse_bib``); here each entry becomes a ``Record``: ``@string``
macros, the month macros and ``#`` concatenations resolved, ``crossref`` and ``xdata`` inherited as
biber inherits them, classic names read as BibLaTeX's (``journal`` → ``journaltitle``, ``address`` →
``location``, ``year``/``month`` → ``date``, ``@phdthesis`` → ``@thesis``), and LaTeX turned into
Unicode text with pylatexenc (``Jim{\\'e}nez`` → ``Jiménez``; protective braces dropped). Names are
split on the raw value, so that a name in braces (``{Genelkurmay … Başkanlığı}``) stays one name.

The BibTeX and BibLaTeX exports do not use this: they keep the user's LaTeX and macros as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from bibtexparser.library import Library
from bibtexparser.model import Entry
from pylatexenc import latex2text, latexwalker, macrospec

from edition.bib.read import concatenation

# BibTeX's own month macros (plain.bst), so ``month = jul`` reads without an ``@string``.
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
MONTH_MACROS = {name[:3]: name.capitalize() for name in MONTHS}
CLASSIC_FIELDS = {"journal": "journaltitle", "address": "location", "school": "institution",
                  "annote": "annotation", "archiveprefix": "eprinttype", "primaryclass": "eprintclass"}
CLASSIC_TYPES = {"conference": "inproceedings", "phdthesis": "thesis", "mastersthesis": "thesis",
                 "techreport": "report", "electronic": "online", "www": "online"}
THESIS_TYPES = {"phdthesis": "phdthesis", "mastersthesis": "mathesis"}  # biber's type for each
NOT_TEXT = {"url", "doi", "eprint", "file", "verba", "verbb", "verbc", "pdf", "urlraw", "crossref",
            "xdata", "ids", "entryset", "related", "keywords"}
NAME_FIELDS = ("author", "editor", "translator", "bookauthor", "editora", "editorb", "editorc",
               "commentator", "introduction", "foreword", "afterword", "holder", "annotator")
# Fields a child never inherits (biber's defaults), and those it inherits under another name.
NOT_INHERITED = {"ids", "crossref", "xref", "xdata", "entryset", "entrysubtype", "execute", "label",
                 "options", "presort", "related", "relatedoptions", "relatedstring", "relatedtype",
                 "shorthand", "shorthandintro", "sortkey"}
AS_BOOK = {"title": "booktitle", "subtitle": "booksubtitle", "titleaddon": "booktitleaddon"}
AS_MAIN = {"title": "maintitle", "subtitle": "mainsubtitle", "titleaddon": "maintitleaddon"}
BOOKS = {"book", "collection", "proceedings", "reference", "periodical"}
IN_BOOKS = {"inbook", "bookinbook", "suppbook", "incollection", "suppcollection", "inproceedings",
            "inreference"}
MV_BOOKS = {"mvbook", "mvcollection", "mvproceedings", "mvreference"}
# BibLaTeX's literal lists ("Oxford and London"): items joined by "; " as pandoc and Zotero show them.
LIST_FIELDS = {"publisher", "location", "institution", "organization", "origlocation", "origpublisher"}
BIBLATEX_ONLY = {"date", "journaltitle", "location", "langid", "urldate", "eventdate", "origdate"}
NEEDS_LATEX = re.compile(r"[\\{}~$]|--|``|''")


@dataclass(frozen=True)
class Person:
    """One name of a name list. ``literal``: a name written in braces, one name never split
    (a corporate author or editor)."""

    family: str = ""
    given: str = ""
    prefix: str = ""  # "von", "de", "van den"
    suffix: str = ""  # "Jr."
    literal: str = ""

    def inverted(self) -> str:
        """"von Family, Jr., Given", as RIS writes a name; a literal name with a comma after it,
        which EndNote, Zotero and pandoc read as one name ("Genelkurmay … Başkanlığı,")."""
        if self.literal:
            return f"{self.literal},"
        family = " ".join(filter(None, (self.prefix, self.family)))
        return ", ".join(filter(None, (family, self.suffix, self.given)))


@dataclass
class Record:
    """An entry as text: canonical BibLaTeX field names, Unicode values, inherited fields filled in."""

    key: str
    kind: str  # the BibLaTeX type (``thesis`` for ``@phdthesis``), lower case
    written_type: str  # the type as the file writes it, lower case
    line: int
    text: dict[str, str] = field(default_factory=dict)  # field → Unicode text
    people: dict[str, list[Person]] = field(default_factory=dict)  # name field → names

    def get(self, name: str) -> str:
        return self.text.get(name, "")

    @property
    def year(self) -> str:
        found = re.search(r"\d{4}", self.get("date"))
        return found.group() if found else ""


def records(library: Library) -> list[Record]:
    """Every entry of ``library`` (parsed by ``read.parse_bib``) as a Record."""
    strings = {**MONTH_MACROS, **{k.lower(): str(s.value) for k, s in library.strings_dict.items()}}
    raw = {entry.key: raw_fields(entry, strings) for entry in library.entries}
    kinds = {entry.key: entry.entry_type.lower() for entry in library.entries}
    done: set[str] = set()
    for entry in library.entries:
        inherit(raw, entry.key, kinds, done)
    # A file that uses BibLaTeX's own fields is read as BibLaTeX: its ``publisher`` and ``location``
    # are lists. In classic BibTeX they are text ("Johnson and Sons").
    lists = any(f.key.lower() in BIBLATEX_ONLY for entry in library.entries for f in entry.fields)
    return [record_of(entry, raw[entry.key], lists) for entry in library.entries]


def raw_fields(entry: Entry, strings: dict[str, str]) -> dict[str, str]:
    """The entry's fields, classic names read as BibLaTeX's, macros and ``#`` resolved, still LaTeX.
    Where an entry has both (``journal`` and ``journaltitle``), the BibLaTeX field wins."""
    enclosing = entry.parser_metadata.get("removed_enclosing", {})
    values = {}
    for item in entry.fields:
        value = str(item.value)
        if enclosing.get(item.key) == "no-enclosing":  # a macro (``jul``) or a concatenation
            value = strings.get(value.lower(), value) if "#" not in value else concatenation(value, strings)
        values.setdefault(item.key.lower(), value)
    fields = {name: value for name, value in values.items() if name not in CLASSIC_FIELDS}
    for name, value in values.items():
        if name in CLASSIC_FIELDS:
            fields.setdefault(CLASSIC_FIELDS[name], value)
    if "date" not in fields and "year" in fields:
        fields["date"] = classic_date(fields)
    written = entry.entry_type.lower()
    if written in THESIS_TYPES and "type" not in fields:
        fields["type"] = THESIS_TYPES[written]
    return fields


def classic_date(fields: dict[str, str]) -> str:
    """``year``, ``month`` (a macro, a name or a number) and ``day`` as an ISO 8601 date where the
    parts are plain numbers and names; otherwise the year as written."""
    year = plain(fields["year"])
    if not re.fullmatch(r"\d{4}", year):
        return year
    month = month_number(plain(fields.get("month", "")))
    if not month:
        return year
    day = plain(fields.get("day", ""))
    found = re.fullmatch(r"(\d{1,2})\D+\w+", plain(fields.get("month", "")))  # "10~" # jan
    day = day or (found.group(1) if found else "")
    return f"{year}-{month:02d}" + (f"-{int(day):02d}" if day.isdigit() and 0 < int(day) <= 31 else "")


def month_number(text: str) -> int:
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else 0
    words = re.findall(r"[a-z]+", text.lower())
    months = [index + 1 for word in words for index, name in enumerate(MONTHS)
              if len(word) >= 3 and name.startswith(word)]
    return months[0] if len(months) == 1 else 0  # "jun-aug" is a range, not one month


def plain(value: str) -> str:
    return re.sub(r"[{}]", "", value).replace("~", " ").strip()


def inherit(raw: dict[str, dict[str, str]], key: str, kinds: dict[str, str], done: set[str]) -> None:
    """Fill the fields ``key`` lacks from its ``xdata`` entries and its ``crossref`` parent, as biber
    does by default (a book's title becomes a chapter's booktitle). Cycles and depth are refused by
    ``read.check_links`` before this runs; each entry is filled once, its parents first."""
    if key in done:
        return
    done.add(key)
    fields = raw[key]
    parents = [(k.strip(), "xdata") for k in plain(fields.get("xdata", "")).split(",") if k.strip()]
    if plain(fields.get("crossref", "")):
        parents.append((plain(fields["crossref"]), "crossref"))
    for parent, link in parents:
        if parent not in raw:
            continue
        inherit(raw, parent, kinds, done)
        for name, value in raw[parent].items():
            if name not in NOT_INHERITED:
                target = name if link == "xdata" else inherited_name(name, kinds[parent], kinds[key])
                fields.setdefault(target, value)


def inherited_name(name: str, parent: str, child: str) -> str:
    if parent in MV_BOOKS and (child in BOOKS or child in IN_BOOKS):
        return AS_MAIN.get(name, name)
    if parent in BOOKS and child in IN_BOOKS:
        if name == "author" and child in {"inbook", "bookinbook", "suppbook"}:
            return "bookauthor"
        return AS_BOOK.get(name, name)
    if parent == "periodical" and child in {"article", "suppperiodical"}:
        return {"title": "journaltitle", "subtitle": "journalsubtitle"}.get(name, name)
    return name


def record_of(entry: Entry, raw: dict[str, str], lists: bool) -> Record:
    written = entry.entry_type.lower()
    record = Record(entry.key, CLASSIC_TYPES.get(written, written), written, (entry.start_line or 0) + 1)
    for name, value in raw.items():
        if name in NAME_FIELDS:
            record.people[name] = people(value)
        if name in NOT_TEXT:
            record.text[name] = value.strip()
        elif lists and name in LIST_FIELDS:
            record.text[name] = "; ".join(to_text(item) for item in split_outside_braces(value, r"\s+and\s+"))
        else:
            record.text[name] = to_text(value)
    return record


# biblatex's quotation macros, printed with Turkish and English double quotation marks.
QUOTES = {"mkbibquote": ("{", "“%(1)s”"), "enquote": ("*{", "“%(2)s”")}
# The TeX family's logos, which pylatexenc drops: "The {\\TeX book}" is "The TeXbook".
LOGOS = {name: name for name in ("TeX", "LaTeX", "BibTeX", "XeTeX", "XeLaTeX", "LuaTeX", "LuaLaTeX",
                                  "ConTeXt", "AmSTeX")} | {"LaTeXe": "LaTeX2e"}
KEPT = ("texttt", "url", "mkbibemph", "mkbibitalic", "mkbibbold", "textsc", "nolinkurl")


@cache
def _converter() -> tuple[latexwalker.LatexContextDb, latex2text.LatexNodes2Text]:
    """pylatexenc's LaTeX parser and text writer, keeping the words of macros it would drop
    (``\\texttt{…}``) and the quotation marks of biblatex's ``\\mkbibquote``/``\\enquote``."""
    parsing = latexwalker.get_default_latex_context_db()
    quoting = [macrospec.MacroSpec(name, args) for name, (args, _) in QUOTES.items()]
    parsing.add_context_category("edition", prepend=True, macros=quoting)
    text = latex2text.get_default_latex_context_db()
    text.add_context_category("edition", prepend=True, macros=[
        *(latex2text.MacroTextSpec(name, discard=False) for name in KEPT),
        *(latex2text.MacroTextSpec(name, shown) for name, (_, shown) in QUOTES.items()),
        latex2text.MacroTextSpec("hyphen", "-"),  # biblatex's hyphen
        *(latex2text.MacroTextSpec(name, shown) for name, shown in LOGOS.items())])
    return parsing, latex2text.LatexNodes2Text(latex_context=text)


@cache
def to_text(value: str) -> str:
    """Unicode text of a LaTeX value: accents composed, protective braces dropped, ``--`` a dash,
    lines joined (a .bib value runs over lines as the editor wrapped it)."""
    if NEEDS_LATEX.search(value):
        parsing, writer = _converter()
        walker = latexwalker.LatexWalker(value, latex_context=parsing, tolerant_parsing=True)
        value = writer.nodelist_to_text(walker.get_latex_nodes()[0])
    return re.sub(r"[ \t\r\n]+", " ", value).strip()  # a tie (``~``) stays a no-break space


def people(value: str) -> list[Person]:
    """The names of a name list, split at ``and`` outside braces."""
    return [person(name) for name in split_outside_braces(value, r"\s+and\s+") if name.strip()]


def person(name: str) -> Person:
    name = name.strip()
    if name.startswith("{") and name.endswith("}") and balanced(name[1:-1]):
        return Person(literal=to_text(name[1:-1]))
    parts = [p.strip() for p in split_outside_braces(name, r",")]
    if len(parts) == 1:
        words = split_outside_braces(parts[0], r"\s+")
        von = next((i for i, w in enumerate(words[:-1]) if i and w[:1].islower()), len(words) - 1)
        if len(words) > 1 and words[0][:1].islower():
            von = 0
        given, family = words[:von], words[von:]
        prefix = [w for w in family[:-1] if w[:1].islower()]
        return Person(to_text(" ".join(family[len(prefix):])), to_text(" ".join(given)),
                      to_text(" ".join(prefix)))
    words = split_outside_braces(parts[0], r"\s+")
    prefix = [w for w in words[:-1] if w[:1].islower()]
    family = " ".join(words[len(prefix):])
    suffix, given = (parts[1], parts[2]) if len(parts) > 2 else ("", parts[1])
    return Person(to_text(family), to_text(given), to_text(" ".join(prefix)), to_text(suffix))


def balanced(text: str) -> bool:
    depth = 0
    for character in text:
        depth += {"{": 1, "}": -1}.get(character, 0)
        if depth < 0:
            return False
    return depth == 0


def split_outside_braces(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` (a regular expression) where no brace is open."""
    parts, start, depth = [], 0, 0
    pattern = re.compile(separator, re.IGNORECASE)
    index = 0
    while index < len(text):
        character = text[index]
        if character == "{":
            depth += 1
        elif character == "}":
            depth -= 1
        elif depth == 0:
            found = pattern.match(text, index)
            if found and found.end() > index:
                parts.append(text[start:index])
                start = index = found.end()
                continue
        index += 1
    parts.append(text[start:])
    return [p for p in parts if p]
