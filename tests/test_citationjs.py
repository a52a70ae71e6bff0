"""citation-js (npm, package.json) reads every export as pandoc reads the source: the same entries,
names in the same roles, years, titles and a language wherever the entry has one. citation-js runs in
Node through tests/citationjs.js.

Known and stated: citation-js reads a book's editor only from RIS's A3, while the RIS export writes ED
(read by Zotero, EndNote, JabRef and pandoc; A3 would be read twice by Zotero); and it cannot parse
``\\enquote*{…}``, which biblatex-examples.bib itself has, so that file is compared in CSL-JSON, RIS
and the BibTeX export (which says it in plain LaTeX).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from edition.bib.export import NOT_WORKS, export
from edition.bib.fields import records
from edition.bib.read import parse_bib, read_bib
from edition.pandoc import pandoc_binary

from .conftest import ROOT

HARNESS = ROOT / "tests" / "citationjs.js"
DATA = ROOT / "tests" / "data" / "bib"
BIB = ROOT / "bibliography" / "edition.bib"
SOURCES = {BIB: "biblatex", DATA / "jabref-complex.bib": "bibtex", DATA / "biblatex-examples.bib": "biblatex"}
READERS = {"bibtex": "bibtex", "biblatex": "bibtex", "ris": "ris", "csljson": "csljson"}

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (ROOT / "node_modules" / "@citation-js" / "core").is_dir(),
    reason="citation-js is installed by npm ci (make setup)")


def citationjs(path: Path, reader: str) -> dict[str, dict]:
    out = subprocess.run(["node", str(HARNESS), str(path), reader], capture_output=True, text=True,
                         check=True)
    return {item["id"]: item for item in json.loads(out.stdout)}


def pandoc(path: Path, reader: str) -> dict[str, dict]:
    out = subprocess.run([pandoc_binary(), f"--from={reader}", "--to=csljson", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return {item["id"]: item for item in json.loads(out)}


def family(name: dict) -> str:
    """A name as compared (pandoc makes apostrophes typographic)."""
    whole = name.get("literal") or " ".join(filter(None, (name.get("non-dropping-particle"),
                                                          name.get("dropping-particle"), name.get("family"))))
    return whole.replace("’", "'")


def title(text: str | None) -> str:
    """A title as compared: pandoc sentence-cases English titles, makes apostrophes typographic and
    marks up small capitals and quotations."""
    return re.sub("[“”]", "", re.sub(r"<[^>]*>", "", text or "").lower().replace("’", "'"))


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex", "ris", "csljson"])
@pytest.mark.parametrize("bib", list(SOURCES), ids=lambda path: path.stem)
def test_citationjs_reads_the_export_as_pandoc_reads_the_source(bib: Path, fmt: str, tmp_path: Path) -> None:
    if bib.stem == "biblatex-examples" and fmt == "biblatex":
        # (the bibtex export says \enquote* in plain LaTeX)
        pytest.skip("citation-js cannot parse \\enquote* of biblatex-examples.bib itself")
    path = tmp_path / f"{bib.stem}.{fmt}"
    path.write_text(export(bib, fmt), encoding="utf-8")
    source, got = pandoc(bib, SOURCES[bib]), citationjs(path, READERS[fmt])
    texts = {r.key: r for r in records(parse_bib(read_bib(bib), bib))}
    if fmt in {"ris", "csljson"}:  # no place for a @set or @xdata, which are no works
        source = {key: item for key, item in source.items() if texts[key].kind not in NOT_WORKS}
    assert got.keys() == source.keys()
    for key, item in source.items():
        roles = ("author", "translator") if fmt == "ris" and texts[key].kind not in {
            "incollection", "inbook", "inproceedings", "inreference"} else ("author", "editor", "translator")
        for role in roles:
            assert [family(n) for n in got[key].get(role, [])] == [family(n) for n in item.get(role, [])], \
                (key, role)
        if texts[key].get("langid"):  # langid or language (BibTeX), LA (RIS), language (CSL-JSON)
            assert got[key].get("language"), key
        if "date-parts" in item.get("issued", {}):
            assert got[key]["issued"]["date-parts"][0][0] == item["issued"]["date-parts"][0][0], key
        # (pandoc: a maintitle as the title, the volume's as volume-title; a @periodical's issue
        # title as the title, which RIS keeps in the note and BibTeX's @misc in issuetitle)
        if "volume-title" not in item and not (fmt in {"ris", "bibtex"} and texts[key].kind == "periodical"):
            assert title(got[key].get("title")) == title(item.get("title")), key


def test_citationjs_keeps_the_one_ris_note_with_the_provenance(tmp_path: Path) -> None:
    path = tmp_path / "edition.ris"
    path.write_text(export(BIB, "ris"), encoding="utf-8")
    got = citationjs(path, "ris")
    for record in records(parse_bib(read_bib(BIB), BIB)):
        assert f"provenance = {record.get('provenance')}" in got[record.key]["note"], record.key
