"""Every export of the real bibliography reads back, entry by entry, with nothing lost."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import bibtexparser
import pypandoc
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware

from edition.bib.bibliography import field_value, load_bibliography
from edition.bib.export import EDITION_FIELDS, export, names

from .conftest import ROOT

BIB = ROOT / "bibliography" / "edition.bib"


@pytest.fixture(scope="module")
def entries() -> dict:
    return {entry.key: entry for entry in load_bibliography(BIB).entries}


def fields(entry) -> dict[str, str]:
    return {f.key: re.sub(r"[{}]", "", str(f.value)) for f in entry.fields}


def test_biblatex_round_trip(entries: dict) -> None:
    back = bibtexparser.parse_string(export(BIB, "biblatex"))
    assert {e.key: fields(e) for e in back.entries} == {k: fields(e) for k, e in entries.items()}


def test_bibtex_is_ascii_with_braced_turkish_letters(entries: dict) -> None:
    text = export(BIB, "bibtex")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("%"))
    assert body.isascii()
    assert "{\\c{S}}" in text or "{\\c{s}}" in text
    assert "{\\i}" in text and "{\\.I}" in text and "{\\u{g}}" in text
    assert "\\c s" not in text and "\\c{ s}" not in text


def test_bibtex_round_trip(entries: dict) -> None:
    text = export(BIB, "bibtex")
    back = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    raw = {e.key: fields(e) for e in bibtexparser.parse_string(text).entries}
    assert len(back.entries) == len(entries)
    for entry in back.entries:
        got = fields(entry) | {name: raw[entry.key][name] for name in ("url",) if name in raw[entry.key]}
        want = fields(entries[entry.key])
        for name, value in want.items():
            bibtex_name = {"journaltitle": "journal", "location": "address"}.get(name, name)
            if name == "date":
                assert got["year"] == value[:4], entry.key
                continue
            assert got[bibtex_name] == value, (entry.key, name)


def test_csljson_is_typed_and_reads_back_with_pandoc(entries: dict, tmp_path: Path) -> None:
    items = json.loads(export(BIB, "csljson"))
    assert {item["id"] for item in items} == set(entries)
    # The CSL data schema's constraints: an id and a type from CSL 1.0.2's list on every item,
    # names as objects, dates as date-parts.
    csl_types = {"article", "article-journal", "article-magazine", "article-newspaper", "bill", "book",
                 "broadcast", "chapter", "dataset", "document", "entry", "entry-dictionary",
                 "entry-encyclopedia", "figure", "graphic", "interview", "legal_case", "legislation",
                 "manuscript", "map", "motion_picture", "musical_score", "pamphlet", "paper-conference",
                 "patent", "periodical", "personal_communication", "post", "post-weblog", "report",
                 "review", "review-book", "song", "speech", "thesis", "treaty", "webpage"}
    assert all(item["type"] in csl_types and item["id"] for item in items)
    for item in items:
        for role in ("author", "editor", "translator"):
            assert all(isinstance(name, dict) for name in item.get(role, []))
        if "issued" in item:
            assert all(isinstance(part, int) for part in item["issued"]["date-parts"][0])
    path = tmp_path / "export.json"
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    # pandoc's CSL-JSON reader, then its writer: what pandoc (and so citeproc) understood of the file.
    back = {item["id"]: item for item in json.loads(pypandoc.convert_file(str(path), "csljson",
                                                                         format="csljson"))}
    for key, entry in entries.items():
        got = back[key]
        title = field_value(entry, "title")
        if title:
            assert got["title"].startswith(title), key
        for name, csl in (("publisher", "publisher"), ("volume", "volume"), ("number", "issue"),
                          ("url", "URL"), ("location", "publisher-place")):
            if field_value(entry, name) and name != "number":
                assert got.get(csl) == field_value(entry, name), (key, name)
        if field_value(entry, "date"):
            assert str(got["issued"]["date-parts"][0][0]) == field_value(entry, "date")[:4], key
        assert [a.get("family") or a.get("literal") for a in got.get("author", [])] == \
            [n.family for n in names(field_value(entry, "author"))], key
        for name in EDITION_FIELDS:
            if field_value(entry, name):
                assert f"{name} = {field_value(entry, name)}" in got.get("note", ""), (key, name)


def test_ris_reads_back_with_rispy(entries: dict) -> None:
    text = export(BIB, "ris")
    assert not text.lstrip().startswith("1.")
    records = {r["id"]: r for r in rispy.loads(text)}
    assert set(records) == set(entries)
    for key, entry in entries.items():
        record = records[key]
        assert [a.split(",")[0] for a in record.get("authors", [])] == \
            [n.family for n in names(field_value(entry, "author"))], key
        if field_value(entry, "date"):
            assert record["year"] == field_value(entry, "date")[:4]
        for tag, name in (("publisher", "publisher"), ("place_published", "location"),
                          ("volume", "volume"), ("urls", "url")):
            if field_value(entry, name):
                assert record.get(tag) in (field_value(entry, name), [field_value(entry, name)]), (key, name)
        notes = record.get("notes", [])
        for name in EDITION_FIELDS:
            if field_value(entry, name):
                assert f"{name} = {field_value(entry, name)}" in notes, (key, name)


def test_command_line_export(tmp_path: Path) -> None:
    out = tmp_path / "edition.ris"
    result = subprocess.run([sys.executable, "-m", "edition.cli", "bib", "export", "--format", "ris",
                             "-o", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("TY  - ")
