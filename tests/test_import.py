"""``edition bib import``: RIS, EndNote XML, CSL-JSON and .bib files merged into a project's .bib.

The files imported are our own exports of the vendored public .bib files (read back by pandoc's readers,
as the import reads them) and a real EndNote XML export from pandoc's test suite (tests/data/bib)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from edition.bib.export import export
from edition.bib.fields import records
from edition.bib.merge import merge
from edition.bib.read import parse_bib, read_bib
from edition.pandoc import pandoc_binary

from .conftest import ROOT

BIB = ROOT / "bibliography" / "edition.bib"
DATA = ROOT / "tests" / "data" / "bib"
CLASSIC = DATA / "jabref-complex.bib"
EXAMPLES = DATA / "biblatex-examples.bib"


def empty_bib(tmp_path: Path) -> Path:
    path = tmp_path / "project.bib"
    path.write_text("% a project's bibliography\n", encoding="utf-8")
    return path


def exported(tmp_path: Path, bib: Path, fmt: str, suffix: str) -> Path:
    path = tmp_path / f"{bib.stem}{suffix}"
    path.write_text(export(bib, fmt), encoding="utf-8")
    return path


def read(path: Path) -> dict:
    return {r.key: r for r in records(parse_bib(read_bib(path), path))}


def pandoc_csl(path: Path) -> list[dict]:
    out = subprocess.run([pandoc_binary(), "--from=biblatex", "--to=csljson", str(path)], capture_output=True,
                         text=True, check=True).stdout
    return json.loads(out)


@pytest.mark.parametrize(("fmt", "suffix"), [("ris", ".ris"), ("csljson", ".json"), ("biblatex", ".bib")])
def test_a_library_imports_whole_under_project_keys_and_a_second_time_not_at_all(fmt: str, suffix: str,
                                                                                tmp_path: Path) -> None:
    target = empty_bib(tmp_path)
    source = exported(tmp_path, CLASSIC, fmt, suffix)
    first = merge(source, target)
    # complex.bib gives two articles one DOI: the second is reported as the first.
    assert len(first.added) == 19 and [(d.incoming, d.reason) for d in first.duplicates] == \
        [("1025014", "the same DOI")]
    assert {"bostrom2006", "vonhippel2004", "bardram2005"} <= set(first.added)
    target.write_text(first.text, encoding="utf-8")
    imported, original = read(target), read(CLASSIC)
    by_origin = {r.get("provenance").rsplit("key ", 1)[1].rstrip(")"): r for r in imported.values()}
    assert by_origin.keys() == original.keys() - {"1025014"}
    for key, record in original.items():
        if key == "1025014":
            continue
        got = by_origin[key]
        for role in ("author", "editor"):
            assert [(p.family, p.given) for p in got.people.get(role, [])] == \
                [(p.family, p.given) for p in record.people.get(role, [])], (key, role)
        # (pandoc's CSL-JSON gives English titles CSL's sentence case, "login: On usability", and
        # typographic apostrophes)
        assert (got.get("title").lower().replace("’", "'"), got.year, got.get("journaltitle")) == \
            (record.get("title").lower(), record.year, record.get("journaltitle")), key
    assert len(pandoc_csl(target)) == 19  # the merged file reads in pandoc
    again = merge(source, target)
    assert again.added == [] and len(again.duplicates) == 20
    assert again.text == first.text
    assert merge(source, empty_bib(tmp_path)).added == first.added  # stable keys


def test_endnote_xml_from_endnote_imports(tmp_path: Path) -> None:
    target = empty_bib(tmp_path)
    result = merge(DATA / "pandoc-endnote.xml", target)
    assert result.added == ["chapman1937", "strohecker1937"]
    target.write_text(result.text, encoding="utf-8")
    chapman = read(target)["chapman1937"]
    assert (chapman.kind, chapman.get("journaltitle"), chapman.get("pages"), chapman.year) == \
        ("article", "Ecology", "93-105", "1937")


def test_imported_entries_are_appended_and_crossrefs_follow_the_new_keys(tmp_path: Path) -> None:
    target = tmp_path / "edition.bib"
    target.write_text(BIB.read_text(encoding="utf-8"), encoding="utf-8")
    result = merge(EXAMPLES, target)
    assert result.text.startswith(BIB.read_text(encoding="utf-8").rstrip("\n"))  # the project's own text kept
    target.write_text(result.text, encoding="utf-8")
    merged = read(target)
    space = next(r for r in merged.values() if r.get("provenance").endswith("(key westfahl:space)"))
    assert merged[space.get("crossref")].get("provenance").endswith("(key westfahl:frontier)")
    assert space.get("booktitle") == "Space and Beyond"  # inherited through the relinked crossref


@pytest.mark.parametrize(("fmt", "suffix"), [("ris", ".ris"), ("csljson", ".json")])
def test_every_work_already_in_the_project_is_found_again(fmt: str, suffix: str, tmp_path: Path) -> None:
    """The bundled bibliography's own RIS or CSL-JSON, imported into it: nothing added, each of the 170
    entries found as itself, the four Tansel 2019 and the archive files that differ only by number
    included (CSL-JSON's ``archive`` read back as ``howpublished``)."""
    target = tmp_path / "edition.bib"
    target.write_text(BIB.read_text(encoding="utf-8"), encoding="utf-8")
    result = merge(exported(tmp_path, BIB, fmt, suffix), target)
    assert result.added == []
    assert sorted((d.incoming, d.existing) for d in result.duplicates) == sorted((k, k) for k in read(BIB))


def test_ris_brings_back_what_the_export_wrote(tmp_path: Path) -> None:
    """Our RIS, imported into an empty .bib: names in their roles, full dates, places, notes and the
    edition's own fields (provenance, conflict) as the bundled entries have them."""
    target = empty_bib(tmp_path)
    result = merge(exported(tmp_path, BIB, "ris", ".ris"), target)
    assert len(result.added) == 170
    target.write_text(result.text, encoding="utf-8")
    imported = read(target)
    for key, record in read(BIB).items():
        got = imported[result.keys[key]]
        for role in ("author", "editor", "translator"):
            assert [(p.family or p.literal, p.given) for p in got.people.get(role, [])] == \
                [(p.family or p.literal, p.given) for p in record.people.get(role, [])], (key, role)
        for main, sub in (("title", "subtitle"), ("booktitle", "booksubtitle"), ("journaltitle", "")):
            assert joined(got, main, sub) == joined(record, main, sub), (key, main)
        for name in ("date", "location", "publisher", "volume", "conflict", "note", "url", "langid",
                     "howpublished", "number", "pages"):
            assert got.get(name) == record.get(name), (key, name)


def test_a_csl_item_keeps_a_surname_with_a_lowercase_word_and_the_projects_language(tmp_path: Path) -> None:
    """CSL's family "Vázques de Parga" is one surname (BibTeX would read "de" as a particle); "tr-TR"
    is the project's langid "turkish"; a volume-title is the volume's title, the title the work's."""
    source = tmp_path / "item.json"
    source.write_text(json.dumps([{
        "id": "x", "type": "book", "language": "tr-TR", "issued": {"date-parts": [[1993]]},
        "author": [{"family": "Vázques de Parga", "given": "Luis"}, {"family": "Gennep", "given": "Arnold",
                                                                       "non-dropping-particle": "van"}],
        "title": "Las peregrinaciones", "volume-title": "Tomo I"}]), encoding="utf-8")
    target = empty_bib(tmp_path)
    target.write_text(merge(source, target).text, encoding="utf-8")
    (record,) = read(target).values()
    assert [(p.prefix, p.family, p.given) for p in record.people["author"]] == [
        ("", "Vázques de Parga", "Luis"), ("van", "Gennep", "Arnold")]
    assert (record.get("langid"), record.get("maintitle"), record.get("title")) == (
        "turkish", "Las peregrinaciones", "Tomo I")


def joined(record, main: str, sub: str) -> str:
    """A title and its subtitle as RIS holds them, in one value."""
    return ": ".join(filter(None, (record.get(main), record.get(sub) if sub else "")))


def test_command_line_import(tmp_path: Path) -> None:
    target = empty_bib(tmp_path)
    source = exported(tmp_path, CLASSIC, "ris", ".ris")
    command = [sys.executable, "-m", "edition.cli", "bib", "import", str(source), "--bib", str(target)]
    dry = subprocess.run([*command, "--dry-run"], capture_output=True, text=True, cwd=tmp_path)
    assert dry.returncode == 0 and "would add 19 entries" in dry.stderr
    assert target.read_text(encoding="utf-8") == "% a project's bibliography\n"
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0 and "added 19 entries" in done.stderr
    again = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert "added 0 entries" in again.stderr and "is already 'bostrom2006' (the same" in again.stderr
    wrong = tmp_path / "library.txt"
    wrong.write_text("TY  - BOOK\n", encoding="utf-8")
    refused = subprocess.run([*command[:5], str(wrong), "--bib", str(target)], capture_output=True, text=True,
                             cwd=tmp_path)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert "library.txt" in refused.stderr and "cannot import a .txt file" in refused.stderr


def test_a_ris_record_without_its_end_is_refused_with_its_line(tmp_path: Path) -> None:
    target = empty_bib(tmp_path)
    source = tmp_path / "cut.ris"
    source.write_text("TY  - BOOK\nTI  - Bir\nER  - \n\nTY  - BOOK\nTI  - İki\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "edition.cli", "bib", "import", str(source), "--bib",
                             str(target)], capture_output=True, text=True, cwd=tmp_path)
    assert (result.returncode, result.stderr) == \
        (1, "cut.ris:5:1: error: this RIS record has no end (ER  - )\n")
    assert target.read_text(encoding="utf-8") == "% a project's bibliography\n"


def test_an_entry_in_another_of_the_projects_files_is_already_there(tmp_path: Path) -> None:
    """A project of several .bib files: the entries go into the first, and one that another file
    holds is reported as that file's, its key not reused."""
    first, second = empty_bib(tmp_path), tmp_path / "other.bib"
    second.write_text(CLASSIC.read_text(encoding="utf-8"), encoding="utf-8")
    result = merge(exported(tmp_path, CLASSIC, "ris", ".ris"), first, [second])
    assert result.added == [] and len(result.duplicates) == 20
    assert all(d.existing in read(CLASSIC) for d in result.duplicates)
