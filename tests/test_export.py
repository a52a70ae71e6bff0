"""Every export reads back in real readers, field by field, with nothing lost: pandoc (its BibTeX,
BibLaTeX and CSL-JSON readers, the ones citeproc uses), rispy, and biber's data-model validation.

The bundled bibliography and two public .bib files are exported: biblatex's own biblatex-examples.bib
(BibLaTeX, LaTeX accents, @string, crossref, xdata) and JabRef's complex.bib (classic BibTeX with
@preamble, @string, LaTeX accents, von/Jr. names): tests/data/bib/README.md.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import rispy

from edition.bib.export import BIBTEX_TYPES, EDITION_FIELDS, NOT_WORKS, LatexEscaper, export, extra_lines
from edition.bib.fields import records
from edition.bib.read import parse_bib, read_bib
from edition.pandoc import pandoc_binary

from .conftest import ROOT

BIB = ROOT / "bibliography" / "edition.bib"
DATA = ROOT / "tests" / "data" / "bib"
EXAMPLES = DATA / "biblatex-examples.bib"
CLASSIC = DATA / "jabref-complex.bib"


def pandoc_csl(path: Path, reader: str) -> dict[str, dict]:
    """What pandoc (and so citeproc) reads in ``path``: its CSL-JSON, by id."""
    out = subprocess.run([pandoc_binary(), f"--from={reader}", "--to=csljson", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return {item["id"]: item for item in json.loads(out)}


def written(tmp_path: Path, bib: Path, fmt: str) -> Path:
    path = tmp_path / f"{bib.stem}.{fmt}"
    path.write_text(export(bib, fmt), encoding="utf-8")
    return path


def differences(before: dict[str, dict], after: dict[str, dict]) -> dict[str, set[str]]:
    """Per entry, the CSL variables whose values differ (no brace stripping: the values as read)."""
    assert after.keys() == before.keys()
    found = {}
    for key, item in before.items():
        changed = {name for name in item.keys() | after[key].keys() if item.get(name) != after[key].get(name)}
        if "annote" not in item:  # the edition's fields again, for Zotero: test_the_edition_fields_…
            changed.discard("annote")
        if changed:
            found[key] = changed
    return found


def test_bibtex_export_reads_as_the_bundled_biblatex(tmp_path: Path) -> None:
    """pandoc's BibTeX reader finds in the ASCII export what its BibLaTeX reader finds in the source:
    corporate names one name ({{AAM}}), titles without visible braces, dashes, Turkish letters."""
    text = export(BIB, "bibtex")
    assert all(line.isascii() for line in text.splitlines())
    assert "{\\c{s}}" in text and "{\\i}" in text and "{\\.I}" in text and "{\\u{g}}" in text
    before = pandoc_csl(BIB, "biblatex")
    after = pandoc_csl(written(tmp_path, BIB, "bibtex"), "bibtex")
    # An online entry becomes BibTeX's @misc with \url in howpublished, the classic form.
    online = {key for key, item in before.items() if item.get("type") == "webpage"}
    assert online == {"biblioclub"}
    assert {k: v for k, v in differences(before, after).items() if k not in online} == {}
    assert after["aam2006"]["author"] == [{"literal": "AAM"}]
    assert len(after["ataturkozelarsivindensecmeler"]["editor"]) == 1
    assert "{" not in after["gokay2006"]["title"]


def test_bibtex_export_of_a_classic_library_is_what_pandoc_read_before(tmp_path: Path) -> None:
    """JabRef's classic .bib: @preamble and @string kept, LaTeX accents kept as written."""
    text = export(CLASSIC, "bibtex")
    assert "@preamble{preamble}" in text.replace(" ", "").lower()
    assert "@string{firstString" in text
    assert 'Bostr\\"{o}m' in text  # the user's LaTeX, not {\{}…{\textbackslash}…
    assert differences(pandoc_csl(CLASSIC, "bibtex"), pandoc_csl(written(tmp_path, CLASSIC, "bibtex"),
                                                                  "bibtex")) == {}


def test_bibtex_export_of_biblatex_examples(tmp_path: Path) -> None:
    """biblatex-examples.bib: macros stay macros (``journal = jomch``), crossref kept, accents kept;
    what differs is what BibTeX cannot say (lists in ``address``, BibLaTeX-only types)."""
    text = export(EXAMPLES, "bibtex")
    assert "journal = jomch" in text and "@string{jomch" in text
    # what a chapter inherits from its crossref'd book, written in for readers that do not follow it
    chapter = parse_bib(text, EXAMPLES).entries_dict["westfahl:space"]
    assert {name: chapter[name] for name in ("crossref", "editor", "booktitle", "year")} == {
        "crossref": "westfahl:frontier", "editor": "Westfahl, Gary", "year": "2000",
        "booktitle": "Space and Beyond: The Frontier Theme in Science Fiction"}
    before = pandoc_csl(EXAMPLES, "biblatex")
    after = pandoc_csl(written(tmp_path, EXAMPLES, "bibtex"), "bibtex")
    lists = {"publisher-place", "publisher", "jurisdiction"}  # BibLaTeX lists, "and"-joined in BibTeX
    # BibLaTeX's types BibTeX lacks become its nearest (@online, @patent, @periodical → @misc).
    retyped = {r.key for r in records(parse_bib(read_bib(EXAMPLES), EXAMPLES)) if r.kind in BIBTEX_TYPES}
    for key, changed in differences(before, after).items():
        if key in retyped and changed <= {"type", "title", "container-title", "issue", "number", *lists}:
            continue
        assert changed <= lists, (key, changed)
        for name in changed:
            assert after[key][name].replace(" and ", "; ") == before[key][name], (key, name)


def test_biblatex_export_keeps_everything_and_adds_language(tmp_path: Path) -> None:
    for bib, reader in ((BIB, "biblatex"), (EXAMPLES, "biblatex"), (CLASSIC, "bibtex")):
        path = written(tmp_path, bib, "biblatex")
        assert differences(pandoc_csl(bib, reader), pandoc_csl(path, reader)) == {}, bib.name
    text = export(BIB, "biblatex")
    assert text.count("language = {") == text.count("langid = {") == 170


@pytest.mark.skipif(shutil.which("biber") is None, reason="biber (Debian biber) is not installed")
def test_biber_validates_the_biblatex_export(tmp_path: Path) -> None:
    """biber's data-model validation: no error; its warnings are the bundled entries' own gaps
    (each marked incomplete or primary) and the edition's fields it does not know."""
    path = written(tmp_path, BIB, "biblatex")
    result = subprocess.run(["biber", "--tool", "--validate-datamodel", "--output-file",
                             str(tmp_path / "validated.bib"), str(path)],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "ERROR" not in result.stdout
    texts = records(parse_bib(read_bib(BIB), BIB))
    marked = {r.key for r in texts if {"incomplete", "primary"} & set(re.split(r",\s*", r.get("keywords")))}
    edited = {r.key for r in texts if r.get("editor") and not r.get("author")}  # @book of an editor
    roman = {r.key for r in texts if r.get("volume") and not r.get("volume").isdigit()}  # "I" as printed
    for line in result.stdout.splitlines():
        if "WARN" not in line or "WARNINGS:" in line:
            continue
        assert "'language'" not in line, line
        field = re.search(r"Field '(\w+)' invalid in data model", line)
        if field:
            assert field.group(1) in EDITION_FIELDS, line
            continue
        entry = re.search(r"Entry '([^']+)'", line)
        key = entry.group(1) if entry else ""
        assert key in marked or (key in edited and "Missing mandatory field 'author'" in line) or \
            (key in roman and "'volume' must be datatype 'integer'" in line) or \
            re.search(r"Invalid field '\w+' for entrytype", line), line  # the source's own field


def test_csljson_reads_back_in_pandoc(tmp_path: Path) -> None:
    """pandoc reads our CSL-JSON as we wrote it, every variable (its reader drops what it does not
    understand and reads ``Name: value`` note lines as variables)."""
    for bib in (BIB, EXAMPLES, CLASSIC):
        items = json.loads(export(bib, "csljson"))
        path = tmp_path / f"{bib.stem}.json"
        path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        back = pandoc_csl(path, "csljson")
        for item in items:  # the lines for Zotero's Extra pandoc reads as the variables they repeat
            lines = [line for line in item.pop("note", "").split("\n") if line not in extra_lines(item)]
            item.update({"note": "\n".join(lines)} if any(lines) else {})
        # pandoc's CSL-JSON reader drops ``annote`` (its writer has it): a limit of pandoc 3.9's.
        assert {k: v - {"annote"} for k, v in differences({i["id"]: i for i in items}, back).items()
                if v - {"annote"}} == {}, bib.name
    items = {i["id"]: i for i in json.loads(export(BIB, "csljson"))}
    assert "Anlatan: Hüsamettin Ertürk" in items["tansu1969"]["note"].splitlines()
    assert all(i["type"] for i in items.values()) and all(i["language"] for i in items.values())
    classic = {i["id"]: i for i in json.loads(export(CLASSIC, "csljson"))}
    assert classic["1137631"]["type"] == "paper-conference"


def test_csljson_has_what_pandoc_leaves_out() -> None:
    items = {i["id"]: i for i in json.loads(export(BIB, "csljson"))}
    with_issue = [r for r in records(parse_bib(read_bib(BIB), BIB)) if r.get("issuetitle")]
    assert with_issue
    for record in with_issue:
        assert items[record.key]["volume-title"] == record.get("issuetitle")
    for record in records(parse_bib(read_bib(BIB), BIB)):
        for name in EDITION_FIELDS:
            if record.get(name):
                assert f"{name} = {record.get(name)}" in items[record.key]["note"], (record.key, name)


# rispy follows the 2011 RIS specification, which dropped ED; Zotero, EndNote and pandoc read it.
RIS_TAGS = {**rispy.TAG_KEY_MAPPING, "ED": "editors"}
RIS_LISTS = {*rispy.LIST_TYPE_TAGS, "ED"}


def ris_of(bib: Path) -> dict[str, dict]:
    text = export(bib, "ris")
    assert not text.lstrip().startswith("1.")
    return {record["id"]: record for record in rispy.loads(text, mapping=RIS_TAGS, list_tags=RIS_LISTS)}


def norm(title: str) -> str:
    """A title as compared: pandoc's readers sentence-case English titles, make apostrophes
    typographic and mark up small capitals and quotations."""
    return re.sub("[“”]", "", re.sub(r"<[^>]*>", "", title).lower().replace("’", "'"))


def family(name: dict) -> str:
    """A name's family part as compared (pandoc's BibLaTeX reader makes apostrophes typographic)."""
    if "literal" in name:
        return name["literal"].replace("’", "'")
    return " ".join(filter(None, (name.get("non-dropping-particle"), name.get("dropping-particle"),
                                  name.get("family")))).replace("’", "'")


def works(bib: Path, items: dict[str, dict]) -> dict[str, dict]:
    """The items of the works (RIS and CSL-JSON have no place for a @set or an @xdata entry)."""
    kinds = {r.key: r.kind for r in records(parse_bib(read_bib(bib), bib))}
    return {key: item for key, item in items.items() if kinds.get(key) not in NOT_WORKS}


def test_ris_has_names_roles_titles_years_and_languages_as_pandoc_reads_the_bib() -> None:
    for bib, reader in ((BIB, "biblatex"), (EXAMPLES, "biblatex"), (CLASSIC, "bibtex")):
        source, ris = works(bib, pandoc_csl(bib, reader)), ris_of(bib)
        assert ris.keys() == source.keys()
        for key, item in source.items():
            record = ris[key]
            assert [a.split(",")[0] for a in record.get("authors", [])] == \
                [family(n) for n in item.get("author", [])], key
            part = record["type_of_reference"] in {"CHAP", "CPAPER", "ENCYC"}
            editors = record.get("secondary_authors" if part else "editors", [])
            assert [e.split(",")[0] for e in editors] == \
                [family(n) for n in item.get("editor", [])], key
            translators = record.get("subsidiary_authors", [])
            assert [t.split(",")[0] for t in translators] == \
                [family(n) for n in item.get("translator", [])], key
            if "issued" in item and "literal" not in item["issued"]:
                assert record["year"] == str(item["issued"]["date-parts"][0][0]), key
            if item.get("title") and "volume-title" not in item and record["type_of_reference"] != "JFULL":
                # (pandoc sentence-cases English titles as citeproc prints them
                # and makes apostrophes typographic)
                assert norm(record["title"]).startswith(norm(item["title"]).split(":")[0].strip()), key


def test_ris_types_and_notes_of_the_bundled_bibliography() -> None:
    ris = ris_of(BIB)
    kinds = {key: record["type_of_reference"] for key, record in ris.items()}
    texts = {r.key: r for r in records(parse_bib(read_bib(BIB), BIB))}
    archival = [key for key, r in texts.items() if r.kind == "misc" and r.get("howpublished")]
    assert archival and all(kinds[key] == "MANSCPT" for key in archival)
    assert ris["oran2001"]["editors"] == ["Oran, Baskın"]  # a book's editor: ED, not A2 (series editor)
    assert ris["keskin2001"]["secondary_authors"] == ["Oran, Baskın"]  # the chapter's book editor
    for key, record in ris.items():
        assert len(record.get("notes", [])) <= 1, key  # one N1: citation-js keeps only the first
        for name in EDITION_FIELDS:
            if texts[key].get(name):
                assert f"{name} = {texts[key].get(name)}" in record["notes"][0], (key, name)
        assert record.get("language") == texts[key].get("langid"), key


def test_ris_of_a_classic_library_has_years_journals_and_text() -> None:
    ris = ris_of(CLASSIC)
    assert all(record.get("year") for record in ris.values())
    assert ris["1102917"]["secondary_title"] == "Personal Ubiquitous Comput."
    assert ris["1137631"]["authors"][0] == "Boström, Gustav"
    assert ris["10250999"]["authors"][0] == "von Hippel, Eric"
    assert not any("\\" in str(value) for record in ris.values() for value in record.values())


def test_command_line_export(tmp_path: Path) -> None:
    out = tmp_path / "edition.ris"
    result = subprocess.run([sys.executable, "-m", "edition.cli", "bib", "export", "--format", "ris",
                             "-o", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("TY  - ")


def test_pandoc_reads_the_ris_export_as_it_reads_the_bib(tmp_path: Path) -> None:
    """pandoc's RIS reader (what pandoc --citeproc makes of our RIS): the same names in the same
    roles, titles, years and publishers as its BibLaTeX or BibTeX reader finds in the source."""
    for bib, reader in ((BIB, "biblatex"), (EXAMPLES, "biblatex"), (CLASSIC, "bibtex")):
        source, back = works(bib, pandoc_csl(bib, reader)), pandoc_csl(written(tmp_path, bib, "ris"), "ris")
        assert back.keys() == source.keys()
        # pandoc reads a @periodical's issue title as the title, which RIS keeps in the note.
        texts = records(parse_bib(read_bib(bib), bib))
        periodicals = {r.key for r in texts if r.kind == "periodical"}
        # An archive is DB, which Zotero reads as the archive; pandoc's RIS reader drops DB.
        archival = {r.key for r in texts if r.kind == "misc" and r.get("howpublished")}
        for key, item in source.items():
            for role in ("author", "editor"):
                assert [family(n) for n in back[key].get(role, [])] == \
                    [family(n) for n in item.get(role, [])], (key, role)
            if "issued" in item and "literal" not in item["issued"]:
                assert back[key]["issued"]["date-parts"][0][0] == item["issued"]["date-parts"][0][0], key
            for name in ("title", "publisher"):
                if name == "publisher" and key in archival:
                    continue
                if item.get(name) and "volume-title" not in item and key not in periodicals:
                    assert norm(back[key].get(name, "")) == norm(item[name]), (key, name)


CLASSIC_FRAGMENT = r"""@preamble{ "\newcommand{\noopsort}[1]{} " }
@string{acm = "The OX Association for Computing Machinery"}
@string{stoc = " Symposium on the Theory of Computing"}

@INBOOK{inbook-full,
   author = "Donald E. Knuth",
   title = "Fundamental Algorithms",
   publisher = "Addison-Wesley",
   address = "Reading, Massachusetts",
   month = "10~" # jan,
   year = 1973,
   pages = "10--119",
}

@PROCEEDINGS{whole-proceedings,
   organization = acm,
   title = "Proc. Fifteenth Annual" # stoc,
   address = "Boston",
   year = 1983,
   month = jul,
}

@INPROCEEDINGS{inproceedings-crossref,
   crossref = "whole-proceedings",
   author = "Alfred V. Oaho and Jeffrey D. Ullman and Mihalis Yannakakis",
   title = "On Notions of Information Transfer in {VLSI} Circuits",
   pages = "133--139",
}
"""


def test_classic_macros_concatenations_and_crossref(tmp_path: Path) -> None:
    """A synthetic fragment in the style of BibTeX's xampl.bib: the BibTeX export writes it back as it
    was written; RIS and CSL-JSON resolve the month macros, the ``#`` and the crossref."""
    bib = tmp_path / "classic.bib"
    bib.write_text(CLASSIC_FRAGMENT, encoding="utf-8")
    text = export(bib, "bibtex")
    for line in ('month = "10~" # jan,', "month = jul", "organization = acm,",
                 '"Proc. Fifteenth Annual" # stoc', "{VLSI}",
                 '@preamble{ "\\newcommand{\\noopsort}[1]{} " }'):
        assert line in text, line
    ris = {r["id"]: r for r in rispy.loads(export(bib, "ris"), mapping=RIS_TAGS, list_tags=RIS_LISTS)}
    assert ris["inbook-full"]["date"] == "1973/01/10/" and ris["inbook-full"]["year"] == "1973"
    paper = ris["inproceedings-crossref"]
    assert paper["custom3"] == "Proc. Fifteenth Annual Symposium on the Theory of Computing"
    assert (paper["year"], paper["place_published"], paper["start_page"], paper["end_page"]) == \
        ("1983", "Boston", "133", "139")
    assert ris["whole-proceedings"]["publisher"] == "The OX Association for Computing Machinery"
    items = {i["id"]: i for i in json.loads(export(bib, "csljson"))}
    assert items["inbook-full"]["issued"] == {"date-parts": [[1973, 1, 10]]}
    assert items["inproceedings-crossref"]["type"] == "paper-conference"
    # (pandoc's CSL-JSON in CSL's sentence case)
    assert items["inproceedings-crossref"]["container-title"] == \
        "Proc. Fifteenth annual symposium on the theory of computing"


@pytest.mark.parametrize("command", [["export", "--format", fmt] for fmt in ("bibtex", "biblatex", "csljson",
                                                                             "ris")] + [["check"]])
def test_an_at_string_of_several_macros_is_refused_with_its_line(command: list[str], tmp_path: Path) -> None:
    """``@STRING{jan = "…", feb = "…"}`` (several macros in one, which BibTeX refuses): bibtexparser
    reads one macro whose value runs on, so ``month = jan`` would become that whole text."""
    bib = tmp_path / "strings.bib"
    bib.write_text('% months\n@STRING{\njan = "styczen",\nfeb = "luty"\n}\n\n'
                   "@book{a, title = {T}, month = jan, year = 2001}\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "edition.cli", "bib", *command, "--bib", str(bib)],
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    said = result.stdout + result.stderr
    assert "strings.bib:4:1: error: this @string defines more than one macro" in said  # at "feb"
    if command[0] == "export":
        assert result.stdout == ""


def test_the_edition_fields_are_in_annote_for_zotero(tmp_path: Path) -> None:
    """Zotero's BibTeX import drops fields it does not know and keeps ``annote`` as a note; both .bib
    exports repeat provenance and conflict there."""
    texts = {r.key: r for r in records(parse_bib(read_bib(BIB), BIB))}
    for fmt in ("bibtex", "biblatex"):
        for key, item in pandoc_csl(written(tmp_path, BIB, fmt), "bibtex").items():
            for name in ("provenance", "conflict"):
                if texts[key].get(name):
                    # (pandoc makes apostrophes typographic; it drops {\\texttimes}, the ASCII ×)
                    want = f"{name} = {texts[key].get(name)}".replace("’", "'")
                    got = item["annote"].replace("’", "'")
                    assert want in got or (fmt == "bibtex" and want.replace("×", "") in got), (fmt, key)


def test_every_letter_of_the_bundled_bibliography_survives_pandocs_bibtex_reader(tmp_path: Path) -> None:
    """Each non-ASCII character of the bundled .bib, as the BibTeX export escapes it, read back by
    pandoc's BibTeX reader (which drops \\textellipsis and \\textendash: … and – are written
    {\\ldots} and --)."""
    escape = LatexEscaper()
    characters = sorted({c for c in BIB.read_text(encoding="utf-8") if not c.isascii()})
    path = tmp_path / "characters.bib"
    path.write_text("".join(f"@misc{{k{ord(c)}, note = {{x{escape(c)}y}}}}\n" for c in characters),
                    encoding="utf-8")
    back = pandoc_csl(path, "bibtex")
    # Known: pandoc reads no ASCII form of × ({\\texttimes}, which Zotero's import and LaTeX read).
    assert {c: back[f"k{ord(c)}"]["note"] for c in characters} == \
        {c: "xy" if c == "×" else f"x{c}y" for c in characters}
