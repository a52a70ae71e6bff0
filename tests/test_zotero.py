"""Zotero's own import translators (RIS.js and BibTeX.js of github.com/zotero/translators, AGPL, not
shipped here) read our exports: every entry, its names in their roles, title, year, language and the
edition's provenance. tests/zotero.js runs a translator in Node with the few Zotero utilities it calls
and Zotero's schema.json; set ZOTERO_TRANSLATORS to a folder holding RIS.js, BibTeX.js and schema.json
(from github.com/zotero/zotero-schema) to run these tests.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from edition.bib.export import export
from edition.bib.fields import records
from edition.bib.read import parse_bib, read_bib

from .conftest import ROOT

FOLDER = os.environ.get("ZOTERO_TRANSLATORS", "")
HARNESS = ROOT / "tests" / "zotero.js"
BIB = ROOT / "bibliography" / "edition.bib"
CLASSIC = ROOT / "tests" / "data" / "bib" / "jabref-complex.bib"
ROLES = {"author": "author", "editor": "editor", "translator": "translator"}

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not all((Path(FOLDER) / name).is_file()
                                            for name in ("RIS.js", "BibTeX.js", "schema.json")),
    reason="set ZOTERO_TRANSLATORS to a folder with Zotero's RIS.js, BibTeX.js and schema.json")


def zotero(tmp_path: Path, bib: Path, fmt: str, translator: str) -> list[dict]:
    path = tmp_path / f"{bib.stem}.{fmt}"
    path.write_text(export(bib, fmt), encoding="utf-8")
    out = subprocess.run(["node", str(HARNESS), str(path), translator], capture_output=True, text=True,
                         check=True, env={**os.environ, "ZOTERO_TRANSLATORS": FOLDER})
    return json.loads(out.stdout)


def words(name: str) -> list[str]:
    """A name's words, in order of the alphabet: Zotero puts a particle or "Jr." of a name written
    "First von Last" in the first name, as BibTeX would not; the words are the same."""
    return sorted(re.findall(r"[^\W_]+", name))


def creators(item: dict, role: str) -> list[list[str]]:
    return [words(f"{c.get('firstName', '')} {c['lastName']}") for c in item["creators"]
            if c["creatorType"] == role]


@pytest.mark.parametrize(("fmt", "translator"),
                         [("ris", "RIS"), ("bibtex", "BibTeX"), ("biblatex", "BibTeX")])
@pytest.mark.parametrize("bib", [BIB, CLASSIC], ids=lambda path: path.stem)
def test_zotero_imports_every_entry_with_its_names_roles_titles_and_years(bib: Path, fmt: str,
                                                                         translator: str,
                                                                         tmp_path: Path) -> None:
    items = zotero(tmp_path, bib, fmt, translator)
    texts = records(parse_bib(read_bib(bib), bib))
    assert len(items) == len(texts)
    for item, record in zip(items, texts, strict=True):  # Zotero keeps the file's order
        for role in ROLES:
            want = [words(p.literal or f"{p.given} {p.prefix} {p.family} {p.suffix}")
                    for p in record.people.get(role, [])]
            assert creators(item, role) == want, (record.key, role)
        title = ": ".join(filter(None, (record.get("title"), record.get("subtitle"))))
        assert re.sub(r"</?i>", "", item.get("title", "")) == title, record.key  # (\textit: Zotero's <i>)
        assert str(item.get("date") or "").startswith(record.year), record.key
        if bib == BIB:
            assert item["language"] == record.get("langid"), record.key
            notes = " ".join(note["note"] for note in item["notes"])
            assert "provenance = " in notes, record.key


def test_zotero_reads_corporate_names_as_one_and_archives_as_manuscripts(tmp_path: Path) -> None:
    ris = zotero(tmp_path, BIB, "ris", "RIS")
    bibtex = zotero(tmp_path, BIB, "bibtex", "BibTeX")
    for items in (ris, bibtex):
        aam = [c for item in items for c in item["creators"] if c["lastName"] == "AAM"]
        assert aam == [{"lastName": "AAM", "creatorType": "author", "fieldMode": 1}] or \
            aam == [{"lastName": "AAM", "firstName": "", "creatorType": "author", "fieldMode": 1}]
    manuscripts = [item for item in ris if item["itemType"] == "manuscript"]
    assert manuscripts and all(item.get("archive") for item in manuscripts)
