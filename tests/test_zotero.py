"""Zotero's own import translators read our exports: every entry, its names in their roles, title, year,
language and the edition's provenance. tests/zotero.js runs RIS.js, BibTeX.js and CSL JSON.js of
zotero/translators in Node with Zotero's own utilities and schema, vendored as test data under
tests/data/zotero/ (AGPL-3, not in the package; README there).

Where Zotero's reading differs from the source, the difference is Zotero's and stated here (and in the
README's format notes): its CSL JSON import reads a name's family and given parts only (a particle or
"Jr." is dropped: CSL-JSON keeps them apart, as the CSL specification says), and a volume's
container-author becomes a second author of a book; pandoc's CSL-JSON gives English titles CSL's
sentence case and typographic apostrophes; Zotero reads ``~`` as a plain space.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

from edition.bib.bibliography import LANGUAGE_TAGS
from edition.bib.export import NOT_WORKS, archival, export
from edition.bib.fields import Record, records
from edition.bib.read import parse_bib, read_bib

from .conftest import ROOT

HARNESS = ROOT / "tests" / "zotero.js"
VENDOR = ROOT / "tests" / "data" / "zotero"
BIB = ROOT / "bibliography" / "edition.bib"
CLASSIC = ROOT / "tests" / "data" / "bib" / "jabref-complex.bib"
EXAMPLES = ROOT / "tests" / "data" / "bib" / "biblatex-examples.bib"
TRANSLATORS = {"ris": "RIS", "bibtex": "BibTeX", "biblatex": "BibTeX", "csljson": "CSL JSON"}
ROLES = ("author", "editor", "translator")

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="Zotero's translators run in Node")


def item_types() -> dict[str, dict]:
    return {t["itemType"]: t for t in json.loads((VENDOR / "schema.json").read_text())["itemTypes"]}


ITEM_TYPES = item_types()


def primary_creator(item_type: str) -> str:
    """The creator type Zotero gives a work's author (a patent's ``inventor``)."""
    return next(c["creatorType"] for c in ITEM_TYPES[item_type]["creatorTypes"] if c.get("primary"))


def field(item: dict, base: str) -> str:
    """The item's value for a base field (``title``, ``date``), under the type's own name (a patent's
    ``issueDate``) or the base name (as Zotero's CSL JSON import leaves it)."""
    names = {f.get("baseField", f["field"]): f["field"] for f in ITEM_TYPES[item["itemType"]]["fields"]}
    return str(item.get(names.get(base, base)) or item.get(base) or "")


@cache
def zotero(bib: Path, fmt: str) -> dict:
    """What Zotero makes of ``bib``'s export in ``fmt``: {"detected": bool, "items": [...]}."""
    path = Path(f"/tmp/edition-zotero-{bib.stem}.{fmt}")  # cached across tests: not tmp_path
    path.write_text(export(bib, fmt), encoding="utf-8")
    out = subprocess.run(["node", str(HARNESS), str(path), TRANSLATORS[fmt]], capture_output=True,
                         text=True, check=True)
    path.unlink()
    return json.loads(out.stdout)


@cache
def source(bib: Path) -> list[Record]:
    return records(parse_bib(read_bib(bib), bib))


def words(name: str) -> list[str]:
    """A name's words, in order of the alphabet: Zotero puts a particle or "Jr." of a name written
    "First von Last" in the first name, as BibTeX would not; the words are the same."""
    return sorted(re.findall(r"[^\W_]+", name))


def wanted_names(record: Record, role: str, fmt: str) -> list[list[str]]:
    if fmt == "csljson":  # Zotero's itemFromCSLJSON reads family and given only
        return [words(p.literal or f"{p.given} {p.family}") for p in record.people.get(role, [])]
    return [words(p.literal or f"{p.given} {p.prefix} {p.family} {p.suffix}")
            for p in record.people.get(role, [])]


def zotero_names(item: dict, role: str, fmt: str) -> list[list[str]]:
    creator_type = primary_creator(item["itemType"]) if role == "author" else role
    names = [words(f"{c.get('firstName', '')} {c['lastName']}") for c in item["creators"]
             if c["creatorType"] == creator_type]
    if fmt == "csljson":  # a container-author Zotero's type has no place for joins the authors
        return [list(name) for name in dict.fromkeys(tuple(name) for name in names)]
    return names


def comparable(title: str, fmt: str) -> str:
    # Zotero's rich text (<i> for \textit, a small-caps span for \textsc); ~ read as a space
    title = re.sub(r"<[^>]+>", "", title).replace("\u00a0", " ")
    # Zotero's BibTeX import reads \textit and \textbf only and keeps other commands as written
    title = re.sub(r"\\(TeX|LaTeX)\b ?", r"\1", re.sub(r"\\(emph|textsc|texttt) ?", "", title))
    if fmt == "csljson":  # pandoc's sentence case and apostrophes
        return title.replace("’", "'").casefold()
    return title


CASES = [(bib, fmt) for bib in (BIB, CLASSIC) for fmt in TRANSLATORS] + \
        [(EXAMPLES, fmt) for fmt in ("ris", "bibtex", "csljson")]


@pytest.mark.parametrize(("bib", "fmt"), CASES, ids=[f"{b.stem}-{f}" for b, f in CASES])
def test_zotero_imports_every_entry_with_its_names_roles_titles_years_and_languages(bib: Path,
                                                                                    fmt: str) -> None:
    found = zotero(bib, fmt)
    assert found["detected"], f"Zotero would not pick its {TRANSLATORS[fmt]} import for the file"
    items = found["items"]
    texts = [r for r in source(bib) if fmt in {"bibtex", "biblatex"} or r.kind not in NOT_WORKS]
    assert len(items) == len(texts)
    for item, record in zip(items, texts, strict=True):  # Zotero keeps the file's order
        for role in ROLES:
            assert zotero_names(item, role, fmt) == wanted_names(record, role, fmt), (record.key, role)
        title = comparable(": ".join(filter(None, (record.get("title"), record.get("subtitle")))), fmt)
        if fmt == "csljson" and record.kind == "periodical":  # an issue: pandoc's title is the issue's
            title = comparable(record.get("issuetitle"), fmt)
        # A volume of a multi-volume work: CSL's title is the work's, volume-title the volume's, which
        # Zotero has no field for and keeps in Extra
        volume = re.findall(r"^volume-title: (.*)$", item.get("extra", ""), re.MULTILINE)
        shown = (comparable(field(item, "title"), fmt), *(comparable(v, fmt) for v in volume))
        assert title in shown, record.key
        year = re.findall(r"\d{4}", field(item, "date"))[:1]
        assert year == ([record.year] if record.year else []), record.key
        if record.get("langid"):
            assert item.get("language"), record.key
        if bib == BIB:
            language = LANGUAGE_TAGS[record.get("langid")].split("-")[0]
            assert item["language"] == record.get("langid") or item["language"].startswith(f"{language}-"), \
                record.key
            notes = item.get("extra", "") + " ".join(note["note"] for note in item["notes"])
            assert "provenance = " in notes, record.key


def test_zotero_reads_corporate_names_as_one_and_archives_as_manuscripts() -> None:
    for fmt in ("ris", "bibtex", "csljson"):
        aam = [c for item in zotero(BIB, fmt)["items"] for c in item["creators"] if c["lastName"] == "AAM"]
        assert aam and all(c.get("fieldMode") == 1 and not c.get("firstName") for c in aam), fmt
    for fmt in ("ris", "csljson"):
        items = zotero(BIB, fmt)["items"]
        kinds = [item["itemType"] == "manuscript" for item in items]
        assert kinds == [archival(record) for record in source(BIB)], fmt
        assert all(item.get("archive")
                   for item in items if item["itemType"] == "manuscript")


def test_zotero_drops_from_the_biblatex_export_only_the_types_it_does_not_know() -> None:
    """biblatex-examples' BibLaTeX export (for biber): Zotero's BibTeX import makes every entry but
    those of types it has no item type for; the bibtex export, which renames them, loses none."""
    made = {item["itemID"] for item in zotero(EXAMPLES, "biblatex")["items"]}
    assert {r.kind for r in source(EXAMPLES) if r.key not in made} == {"mvcollection", "periodical", "set"}
