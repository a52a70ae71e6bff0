"""``edition bib import FILE``: entries from RIS, EndNote XML, CSL-JSON or another .bib, merged into
the project's .bib.

RIS is read here (``ris``: pandoc's RIS reader drops dates, places and notes), EndNote XML and
CSL-JSON by pandoc, all into CSL-JSON items written here as BibLaTeX; a .bib is read as every
command reads one (``read.parse_bib``). Each new entry gets the project's key (docs/bibliography.md:
first surname + year, Turkish letters folded, ``b``, ``c`` … for a second work of the year; a title
word where there is no author), the same key for the same entry on every run, and a ``provenance``
naming the file it came from. An entry that is already there (the same DOI, or the same kind of work,
first author, year and a like title) is not added but reported with the entry it matches; within
the file only a repeated DOI counts, since a file that gives two entries of one author, year and
title different keys says they are two works (2019a, 2019b). The project's .bib is only appended
to: its own text, macros and comments stay as written.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field

from edition.bib.bibliography import LANGUAGE_TAGS
from edition.bib.export import write_bib
from edition.bib.fields import MONTHS, Record, records
from edition.bib.read import parse_bib, read_bib, read_bibliographies
from edition.bib.ris import ris_items
from edition.errors import EditionError, Location
from edition.i18n.language import turkish_lower
from edition.pandoc import run_pandoc
from edition.textfile import read_text

READERS = {".ris": "ris", ".xml": "endnotexml", ".json": "csljson"}  # pandoc's, by file suffix
TURKISH_FOLD = str.maketrans("çğıİöşüâîû", "cgiiosuaiu")
CLASSIC_TO_BIBLATEX = {"journal": "journaltitle", "address": "location", "school": "institution"}
LINKS = ("crossref", "xdata")


@dataclass(frozen=True)
class Duplicate:
    incoming: str  # the key the entry had in the imported file
    existing: str  # the key of the entry it repeats
    reason: str


@dataclass
class Merge:
    text: str  # the project's .bib with the new entries appended
    added: list[str] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)  # each imported entry's key → its key in the project


def merge(source: Path, target: Path, others: Sequence[Path] = ()) -> Merge:
    """The project's .bib ``target`` with the new entries of ``source`` appended (nothing written);
    ``others``: the project's other .bib files, whose entries count as already there too."""
    target_text = read_bib(target)
    existing = records(read_bibliographies([target, *others]).library)
    incoming_text = biblatex_of(Path(source))
    parse_bib(incoming_text, Path(source))  # a syntax error or a crossref cycle: refused with its line
    library = bibtexparser.parse_string(incoming_text)  # @string macros resolved: the target lacks them
    keys = {record.key for record in existing}
    result = Merge(target_text)
    renamed: dict[str, str] = {}
    new_entries: list[Entry] = []
    seen: list[Record] = []  # the new entries, compared by DOI only
    for entry, record in zip(library.entries, records(library), strict=True):
        repeated = duplicate_of(record, existing) or duplicate_of(record, seen, by_title=False)
        if repeated:
            renamed[entry.key] = renamed.get(repeated[0], repeated[0])
            result.duplicates.append(Duplicate(entry.key, renamed[entry.key], repeated[1]))
            continue
        key = new_key(record, keys)
        keys.add(key)
        renamed[entry.key] = key
        seen.append(record)
        new_entries.append(project_entry(entry, key, Path(source).name))
    for entry in new_entries:
        relink(entry, renamed)
    result.keys = renamed
    if new_entries:
        result.added = [entry.key for entry in new_entries]
        result.text = target_text.rstrip("\n") + "\n\n" + write_bib(Library(new_entries))
    return result


def biblatex_of(source: Path) -> str:
    """The text of ``source`` as BibLaTeX: a .bib as it is; RIS read here (``ris``), EndNote XML and
    CSL-JSON by pandoc, into CSL-JSON written as BibLaTeX here (pandoc's own BibLaTeX writer recases
    titles: "How Secure Is {AOP}")."""
    suffix = source.suffix.lower()
    if suffix == ".bib":
        return read_bib(source)
    if suffix not in READERS:
        raise EditionError(f"cannot import a {source.suffix or 'suffixless'} file: give a .ris, .xml "
                           "(EndNote XML), .json (CSL-JSON) or .bib file", Location(source), "bib-import")
    text = read_text(source, "bib_file_bytes", "bib-read")
    if suffix == ".ris":
        items = ris_items(text, source)
    else:
        items = json.loads(run_pandoc([f"--from={READERS[suffix]}", "--to=csljson"], source, stdin=text))
    return write_bib(Library([entry_of(item) for item in items]))


# CSL 1.0.2 types → BibLaTeX (the inverse of pandoc's reading, which the exports follow).
BIBLATEX_TYPES = {"article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
                  "article": "article", "book": "book", "chapter": "incollection",
                  "paper-conference": "inproceedings", "thesis": "thesis", "report": "report",
                  "webpage": "online", "post-weblog": "online", "manuscript": "unpublished",
                  "periodical": "periodical", "patent": "patent", "dataset": "dataset",
                  "entry-encyclopedia": "inreference", "entry-dictionary": "inreference",
                  "pamphlet": "booklet", "software": "software", "standard": "standard"}
CSL_FIELDS = {"title": "title", "volume": "volume", "issue": "number", "page": "pages", "edition": "edition",
              "publisher": "publisher", "publisher-place": "location", "collection-title": "series",
              "volume-title": "issuetitle", "pages": "pages", "ISBN": "isbn", "ISSN": "issn", "DOI": "doi",
              "URL": "url", "note": "note", "abstract": "abstract", "keyword": "keywords", "genre": "type",
              "archive": "howpublished", "archive_location": "number", "number": "number"}
CSL_ROLES = ("author", "editor", "translator")
LATEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "#": r"\#",
                 "_": r"\_", "$": r"\$", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
VERBATIM = {"url", "doi"}


def entry_of(item: dict) -> Entry:
    """A BibLaTeX entry of a CSL-JSON item: every variable BibLaTeX has a field for, text escaped."""
    kind = BIBLATEX_TYPES.get(item.get("type", ""), "misc")
    fields: dict[str, str] = {}
    for role in CSL_ROLES:
        if item.get(role):
            fields[role] = " and ".join(name_of(name) for name in item[role])
    for variable, name in CSL_FIELDS.items():
        if item.get(variable) is not None and name not in fields:
            value = str(item[variable])
            fields[name] = value if name in VERBATIM else escaped(value)
    if kind != "article" and "issuetitle" in fields:  # CSL's title is the work's, volume-title the volume's
        fields.update({"maintitle": fields.pop("title")} if "title" in fields else {})
        fields["title"] = fields.pop("issuetitle")
    if kind in {"thesis", "report"} and "publisher" in fields:  # CSL's publisher is the institution
        fields["institution"] = fields.pop("publisher")
    container = item.get("container-title")
    if container:
        place = "journaltitle" if kind == "article" else "booktitle" if kind in {
            "incollection", "inproceedings", "inreference"} else "howpublished"
        fields.setdefault(place, escaped(container))
    if item.get("type") in {"article-magazine", "article-newspaper"}:
        fields["entrysubtype"] = item["type"].removeprefix("article-")
    date = date_of(item.get("issued"))
    if date:
        fields["date"] = date
    elif (item.get("issued") or {}).get("literal"):  # "ca. 1920": BibLaTeX's year takes any text
        fields["year"] = escaped(str(item["issued"]["literal"]))
    for name, value in (item.get("edition-fields") or {}).items():  # from our own RIS export's note
        fields[name] = escaped(value)
    language = item.get("language", "")
    babel = {tag.split("-")[0]: name for name, tag in LANGUAGE_TAGS.items()}.get(language.split("-")[0])
    if babel or re.fullmatch(r"[a-z]+", language):  # "tr-TR" is the project's "turkish"
        fields["langid"] = babel or language
    elif language:
        fields["language"] = escaped(language)
    return Entry(kind, str(item.get("id") or "item"), [Field(k, v, enclosing="{") for k, v in fields.items()])


def name_of(name: dict) -> str:
    """"von Family, Jr., Given"; a literal (institutional) name in braces, so it stays one name."""
    if "literal" in name:
        return "{" + escaped(name["literal"]) + "}"
    family = escaped(name.get("family", ""))
    words = family.split()
    if words and not words[0][:1].islower() and any(word[:1].islower() for word in words[1:]):
        family = "{" + family + "}"  # "Vázques de Parga" is one surname: BibTeX would make "de" a particle
    family = " ".join(filter(None, (escaped(name.get("non-dropping-particle", "")),
                                    escaped(name.get("dropping-particle", "")), family)))
    return ", ".join(filter(None, (family, escaped(name.get("suffix", "")), escaped(name.get("given", "")))))


def date_of(issued: dict | None) -> str:
    """ISO 8601 of CSL date parts (a range with "/"); a literal date is kept in ``date`` only if it is
    ISO-like, since BibLaTeX reads nothing else there."""
    if not issued:
        return ""
    if "date-parts" in issued:
        ends = ["-".join(f"{int(p):02d}" if i else str(p) for i, p in enumerate(parts))
                for parts in issued["date-parts"] if parts]
        return "/".join(ends)
    literal = str(issued.get("literal", ""))
    return literal if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", literal) else ""


def escaped(text: str) -> str:
    """LaTeX of CSL text: the special characters escaped, CSL's rich-text markup (``<i>``, ``<b>``,
    ``<sup>``, ``<sub>``, small capitals, ``<span class="nocase">``) as the commands BibLaTeX reads."""
    text = re.sub(r"[\\{}&%#_$~^]", lambda found: LATEX_SPECIAL[found.group()], text)
    for pattern, command in CSL_MARKUP:
        text = re.sub(pattern, command, text, flags=re.DOTALL)
    return text


CSL_MARKUP = [(r"<i>(.*?)</i>", r"\\textit{\1}"), (r"<b>(.*?)</b>", r"\\textbf{\1}"),
              (r"<sup>(.*?)</sup>", r"\\textsuperscript{\1}"), (r"<sub>(.*?)</sub>", r"\\textsubscript{\1}"),
              (r'<span style="font-variant:\s*small-caps;?">(.*?)</span>', r"\\textsc{\1}"),
              (r'<span class="nocase">(.*?)</span>', r"{\1}")]


def duplicate_of(record: Record, others: list[Record], by_title: bool = True) -> tuple[str, str] | None:
    """(key, reason) of the first of ``others`` that ``record`` repeats (one under its own key
    first): the same DOI; or the same kind of work, first author and year, a like title (with its
    subtitle: RIS and CSL join them) and no other volume or number; without an author, the same full
    date and archive number too."""
    doi = record.get("doi").lower()
    for other in sorted(others, key=lambda other: other.key != record.key):
        if doi and doi == other.get("doi").lower():
            return other.key, "the same DOI"
        if record.get("url") and record.get("url") == other.get("url") and not full_title(record):
            return other.key, "the same URL and no title"
        if by_title and same_work(record, other):
            if first_surname(record):
                return other.key, "the same kind of work, first author, year and a like title"
            return other.key, "no author; the same kind of work, date, number and a like title"
    return None


def same_work(record: Record, other: Record) -> bool:
    if kind_class(record) != kind_class(other) or record.year != other.year:
        return False
    if turkish_lower(first_surname(record)) != turkish_lower(first_surname(other)):
        return False
    if not alike(full_title(record), full_title(other)):
        return False
    for name in ("volume", "number", "pages"):
        mine, theirs = plain_range(record.get(name)), plain_range(other.get(name))
        if mine and theirs and mine != theirs:
            return False
    if first_surname(record):
        return True
    container = turkish_lower(record.get("journaltitle") or record.get("howpublished"))
    return record.get("date") == other.get("date") and alike(container, turkish_lower(
        other.get("journaltitle") or other.get("howpublished"))) and bool(
        full_title(record) or record.get("number") or container)


def plain_range(value: str) -> str:
    """"14–14", "14--14" and "14-14" alike (RIS has no dash of its own: SP and EP)."""
    return re.sub(r"\s*[-–—]+\s*", "-", value)


def full_title(record: Record) -> str:
    return turkish_lower(": ".join(filter(None, (record.get("title"), record.get("subtitle")))))


KIND_CLASSES = {"article": "article", "book": "book", "collection": "book", "mvbook": "book",
                "mvcollection": "book", "proceedings": "book", "reference": "book", "incollection": "part",
                "inbook": "part", "inproceedings": "part", "inreference": "part", "bookinbook": "part",
                "thesis": "thesis", "report": "report", "manual": "report"}  # RIS and CSL: a report


def kind_class(record: Record) -> str:
    """A book and an article of one author, year and title are two works; a @misc and the
    @unpublished a format's round trip made of it (RIS MANSCPT) are not."""
    return KIND_CLASSES.get(record.kind, "other")


def alike(a: str, b: str) -> bool:
    return a == b or (bool(a) and bool(b) and SequenceMatcher(None, a, b).ratio() > 0.9)


def first_surname(record: Record) -> str:
    people = record.people.get("author") or record.people.get("editor") or []
    return (people[0].family or people[0].literal) if people else ""


def new_key(record: Record, taken: set[str]) -> str:
    """surname + year, folded to lowercase ASCII; a title word without an author; then the next
    free letter after those the base already has (tansel2019a–d → tansel2019e)."""
    people = record.people.get("author") or record.people.get("editor") or []
    name = people[0].prefix + people[0].family if people and people[0].family else ""  # vangennep
    if not name:
        words = [w for w in re.split(r"\W+", record.get("title") or (people[0].literal if people else ""))
                 if len(w) > 3]
        name = words[0] if words else "anon"
    base = fold(name) + record.year
    if base not in taken and not any(re.fullmatch(re.escape(base) + "[a-z]", key) for key in taken):
        return base
    used = [key[-1] for key in taken if re.fullmatch(re.escape(base) + "[a-z]", key)]
    letter = chr(ord(max(used)) + 1) if used else "b"
    while base + letter in taken:
        letter = chr(ord(letter) + 1)
    return base + letter


def fold(text: str) -> str:
    text = text.translate(TURKISH_FOLD)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


def project_entry(entry: Entry, key: str, source_name: str) -> Entry:
    """The entry under its new key, with BibLaTeX's field names, a month as its number, and where it
    came from in ``provenance``."""
    fields = []
    names = {f.key.lower() for f in entry.fields}
    for item in entry.fields:
        name = item.key.lower()
        value = str(item.value)
        if name in CLASSIC_TO_BIBLATEX and CLASSIC_TO_BIBLATEX[name] not in names:
            name = CLASSIC_TO_BIBLATEX[name]
        if name == "month" and value.lower()[:3] in {m[:3] for m in MONTHS}:
            value = str([m[:3] for m in MONTHS].index(value.lower()[:3]) + 1)
        fields.append(Field(name, value, enclosing="{"))
    if "provenance" not in names:
        fields.append(Field("provenance", f"imported from {source_name} (key {entry.key})", enclosing="{"))
    return Entry(entry.entry_type, key, fields)


def relink(entry: Entry, renamed: dict[str, str]) -> None:
    """crossref and xdata name the imported entries by their new keys."""
    for item in entry.fields:
        if item.key in LINKS:
            parts = [renamed.get(part.strip(), part.strip()) for part in str(item.value).split(",")]
            item.value = ", ".join(parts)
