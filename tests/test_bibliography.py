"""The unified bibliography: every citation linked, Turkish order, printed complete, checked."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html

from edition.bib.bibliography import build_bibliography, field_value, load_bibliography
from edition.bib.check import check
from edition.i18n.collation import sort_key
from edition.pipeline import BibliographyStage, Timings
from edition.project import THEME, Project
from edition.tei.load import NS, TEI_NS, load_volume

from .conftest import ROOT

BIB = ROOT / "bibliography" / "edition.bib"


@pytest.fixture(scope="module")
def library():
    return load_bibliography(BIB)


def test_every_entry_has_langid_and_provenance(library) -> None:
    for entry in library.entries:
        assert field_value(entry, "langid"), entry.key
        assert field_value(entry, "provenance"), entry.key
        assert "a00" in field_value(entry, "provenance"), entry.key


def test_every_bibl_in_the_volume_points_to_an_entry(library) -> None:
    keys = {entry.key for entry in library.entries}
    volume = load_volume(ROOT / "tei" / "volume.xml", ROOT)
    bibls = list(volume.root.iter(f"{{{TEI_NS}}}bibl"))
    in_text = [b for b in bibls if b.xpath("ancestor::tei:text", namespaces=NS)]
    assert len(in_text) > 350
    for bibl in in_text:
        ptr = bibl.find("tei:ptr", NS)
        assert ptr is not None, bibl.sourceline
        assert all(t[4:] in keys for t in ptr.get("target").split()), ptr.get("target")


def test_op_cit_and_page_only_citations_are_linked() -> None:
    a000 = (ROOT / "tei" / "a000.xml").read_text(encoding="utf-8")
    assert a000.count("A.g.e.") + a000.count("a.g.e.") > 0
    volume = load_volume(ROOT / "tei" / "volume.xml", ROOT)
    op_cit = [bibl for bibl in volume.root.iter(f"{{{TEI_NS}}}bibl")
              if "a.g.e" in "".join(bibl.itertext()).lower()]
    assert len(op_cit) >= 10  # the op. cit. notes are encoded as citations, not left as plain text
    for bibl in op_cit:
        assert bibl.find("tei:ptr", NS).get("target").startswith("bib:")


def test_turkish_alphabetical_order() -> None:
    words = ["Çelik", "Cebesoy", "Işık", "İnan", "Ozan", "Öztürk", "Sonyel", "Şimşek", "Uçarol", "Ünal",
             "Gürsel", "Göksu"]
    assert sorted(words, key=sort_key) == ["Cebesoy", "Çelik", "Göksu", "Gürsel", "Işık", "İnan", "Ozan",
                                           "Öztürk", "Sonyel", "Şimşek", "Uçarol", "Ünal"]


def test_printed_bibliography_is_complete_and_in_turkish_order(library) -> None:
    bibliography = build_bibliography(BIB, Project(ROOT).csl)
    assert bibliography.keys == {e.key for e in library.entries}
    assert all(ref.html for ref in bibliography.primary + bibliography.studies)
    assert all(ref.primary for ref in bibliography.primary)
    surnames = [ref.order[:2] for ref in bibliography.studies]  # by surname (a bare address: its site)
    assert surnames == sorted(surnames)
    first_letters = [lxml_html.fromstring(f"<p>{ref.html}</p>").text_content()[:1]
                     for ref in bibliography.studies]
    assert first_letters.index("Ç") > first_letters.index("C")
    assert first_letters.index("Ş") > max(i for i, c in enumerate(first_letters) if c == "S")


def test_an_entry_with_no_author_or_title_is_filed_under_its_site() -> None:
    """The studies once opened with an entry that is only "ts. https://biblioclub.ru…" (issue 21): a
    bare address is filed under the site it names, among the B, not first; filed last, it stood
    alone on the bibliography's last page."""
    bibliography = build_bibliography(BIB, Project(ROOT).csl)
    printed = [lxml_html.fromstring(f"<p>{ref.html}</p>").text_content() for ref in bibliography.studies]
    assert printed[0].startswith("AAM")
    at = next(i for i, text in enumerate(printed) if "biblioclub.ru" in text)
    assert printed[at - 1][0] == "B" and printed[at + 1][0] == "B", printed[at - 1:at + 2]


def test_primary_sources_are_in_turkish_order_of_what_they_print(library) -> None:
    """Archival documents and newspapers are printed under their archive or title (fields the studies'
    author order does not read): they are listed in the order of those words, one archive's documents
    by date."""
    bibliography = build_bibliography(BIB, Project(ROOT).csl)
    printed = [lxml_html.fromstring(f"<p>{ref.html}</p>").text_content() for ref in bibliography.primary]
    headings = [re.split(r"\d", text, maxsplit=1)[0] for text in printed]
    assert headings == sorted(headings, key=sort_key), headings
    assert headings[0].startswith("“Atatürk’ün Söylev") and headings[-1].startswith("T.C. Dışişleri")
    archive = [(ref.key, field_value(library.entries_dict[ref.key], "date")) for ref in bibliography.primary
               if ref.key.startswith("tda-")]
    assert [date for _, date in archive] == sorted(date for _, date in archive) and len(archive) == 6


def test_pdf_bibliography_lists_pages_where_cited(pdf_text: str) -> None:
    tail = pdf_text[pdf_text.rindex("Arşiv Belgeleri ve Birincil Kaynaklar"):]
    assert "Araştırma ve İncelemeler" in tail
    assert "Perinçek, Mehmet" in tail and "→" in tail
    assert "†" in tail and "† işaretli" in " ".join(pdf_text.split())


def test_html_citations_link_to_entries_and_back(built: Path) -> None:
    page = lxml_html.parse(str(built / "html" / "a001.html")).getroot()
    citations = page.xpath("//a[@class='citation']")
    assert len(citations) > 200
    bibliography = lxml_html.parse(str(built / "html" / "bibliography.html")).getroot()
    first = citations[0]
    entry = bibliography.get_element_by_id(first.get("href").split("#")[1])
    back = [a.get("href") for a in entry.xpath(".//a[@class='back-ref']")]
    assert f"a001.html#{first.get('id')}" in back


def test_bib_check_passes_on_the_real_bibliography() -> None:
    findings = check(BIB, ROOT / "tei" / "volume.xml", ROOT)
    assert [str(f) for f in findings if f.severity == "error"] == []


def test_bib_check_finds_problems(tmp_path: Path) -> None:
    bib = tmp_path / "test.bib"
    bib.write_text("@book{a2000, author = {A}, title = {Kitap}, date = {2000}, langid = {turkish}}\n"
                   "@book{a2000, author = {A}, title = {Kitap}, date = {2000}, langid = {turkish}}\n"
                   "@book{a2000b, author = {A}, title = {Kitap.}, date = {2000}, langid = {turkish}}\n"
                   "@article{b1999, author = {B}, title = {Makale}, langid = {turkish}}\n", encoding="utf-8")
    findings = check(bib, ROOT / "tei" / "volume.xml", ROOT)
    assert {"bib-duplicate-key", "bib-probable-duplicate", "bib-uncited", "bib-missing",
            "bib-required-fields"} <= {f.rule for f in findings}
    # The repeated key is one finding, on the second entry, naming the first's line.
    on_second_entry = [f for f in findings if f.line == 2 and f.severity == "error"]
    assert [(f.rule, "line 1" in f.message) for f in on_second_entry] == [("bib-duplicate-key", True)]


def test_bib_check_command_exit_code() -> None:
    result = subprocess.run([sys.executable, "-m", "edition.cli", "bib", "check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("0 errors")


def formatted_by_stage(root: Path, cache: Path, reuse: bool = True) -> dict[str, str]:
    stage = BibliographyStage(Project(root), Timings(), None, cache, reuse)
    return {reference.key: str(reference.html) for reference in stage.result().entries}


def test_pandocs_output_is_kept_until_the_bib_file_changes(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "bibliography", tmp_path / "project" / "bibliography")
    shutil.copytree(THEME / "csl", tmp_path / "project" / "styles" / "csl")  # the project's own copy
    root, cache = tmp_path / "project", tmp_path / "cache"
    first = formatted_by_stage(root, cache)
    [stored] = cache.glob("bibliography-*.json")
    assert json.loads(stored.read_text(encoding="utf-8")) == first
    key = sorted(first)[0]
    # Mark the kept output: a build that reads it instead of running pandoc shows the mark.
    stored.write_text(json.dumps({**first, key: "KEPT"}, ensure_ascii=False), encoding="utf-8")
    assert formatted_by_stage(root, cache)[key] == "KEPT"
    assert formatted_by_stage(root, cache, reuse=False)[key] == first[key]  # a cold build formats
    bib = root / "bibliography" / "edition.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + "\n% edited\n", encoding="utf-8")
    assert formatted_by_stage(root, cache) == first  # formatted again: the file changed
    assert len(list(cache.glob("bibliography-*.json"))) == 1
    [stored] = cache.glob("bibliography-*.json")
    stored.write_text(json.dumps({**first, key: "KEPT"}, ensure_ascii=False), encoding="utf-8")
    csl = Project(root).csl
    assert csl == root / "styles" / "csl" / "chicago-fullnote-bibliography.csl"  # the default, its own copy
    csl.write_text(csl.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert formatted_by_stage(root, cache)[key] == first[key]  # formatted again: the style changed


def test_bib_check_reports_a_repeated_key_however_the_entry_is_written(tmp_path: Path) -> None:
    bib = tmp_path / "test.bib"
    bib.write_text("@book{a2000, title = {Kitap}, date = {2000}}\n"
                   "@book{\n  a2000, title = {Kitap}, date = {2000}}\n", encoding="utf-8")
    repeated = [f for f in check(bib, ROOT / "tei" / "volume.xml", ROOT)
                if f.rule in ("bib-syntax", "bib-duplicate-key")]
    assert [(f.line, f.rule, "a2000" in f.message) for f in repeated] == [(2, "bib-syntax", True)]


def test_the_printed_bibliography_tells_every_work_apart() -> None:
    """pandoc's citeproc with the İSNAD style: co-authors joined by the style's " - ", days without a
    leading zero, and works of one author and year told apart by a year suffix (2019a–d) in the order
    of their keys, as the articles cite them."""
    bibliography = build_bibliography(BIB, Project(ROOT).csl)
    text = {r.key: lxml_html.fromstring(f"<p>{r.html}</p>").text_content() for r in bibliography.entries}
    assert len(set(text.values())) == len(text)
    assert text["yilmaz2016"] == "Yılmaz - Yakşi, 2016." and text["bolat2022"] == "Bolat - Güneş, 2022."
    assert "4 Aralık 1920" in text["tda-571-3424-136608-31"]
    assert not any(re.search(r"(?<!\d)0\d (Ocak|Şubat|Mart|Nisan|Mayıs|Haziran|Temmuz|Ağustos|Eylül|Ekim|"
                             r"Kasım|Aralık)", value) for value in text.values())
    for key in ("tansel2019a", "tansel2019b", "tansel2019c", "tansel2019d", "karabekir2022a"):
        assert text[key].endswith(f", {key[-5:]}."), text[key]


def printed_entries(page: str) -> list[str]:
    """The text of each entry of a built bibliography as a reader sees the work (the style's
    formatting; not the pages or links where it is cited)."""
    entries = lxml_html.fromstring(page).xpath("//li[contains(concat(' ', @class, ' '), ' reference ')]")
    return [" ".join(" ".join(part.text_content() for part in entry.xpath(".//*[@class='csl-entry']"))
                     .split()) for entry in entries]


def test_the_built_book_and_site_print_no_two_works_alike(library, book_parts: dict[str, str],
                                                          site: Path) -> None:
    """The bundled volume's bibliography as the book and the site print it: every entry, and no two
    with the same text (a work cited as 2019a is not printed as 2019b's twin)."""
    for page in (book_parts["bibliography"], (site / "bibliography.html").read_text(encoding="utf-8")):
        texts = printed_entries(page)
        assert len(texts) == len(library.entries) and all(texts)
        assert sorted(text for text in set(texts) if texts.count(text) > 1) == []


def test_check_reads_classic_fields_and_crossref() -> None:
    """JabRef's classic complex.bib (journal, year, address) and biblatex-examples.bib (crossref,
    xdata): no field reported missing that the entry has under its classic name or inherits."""
    data = ROOT / "tests" / "data" / "bib"
    for bib in (data / "jabref-complex.bib", data / "biblatex-examples.bib"):
        findings = check(bib, None, None)
        assert [f for f in findings if f.rule == "bib-required-fields"] == [], bib.name
