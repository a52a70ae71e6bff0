"""`edition import MANUSCRIPT.docx`: the two real manuscripts (tests/data/docx, made with LibreOffice)
become valid TEI articles whose Zotero citations point into the project's bibliography."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from edition.project import SCHEMAS
from edition.scaffold import create_project
from edition.tei.load import NS

from .conftest import ROOT

DOCX = ROOT / "tests" / "data" / "docx"
SERMON = DOCX / "barth-neujahr-1915.docx"
GUIDELINES = DOCX / "tei-about.docx"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def edition(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "edition.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def files_below(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new project into which both manuscripts are imported, then included in the volume."""
    root = create_project(tmp_path_factory.mktemp("docx") / "drafts", "Drafts", "en").root
    for manuscript in (GUIDELINES, SERMON):
        done = edition("import", str(manuscript), cwd=root)
        assert done.returncode == 0, done.stderr
    volume = root / "tei" / "volume.xml"
    volume.write_text(volume.read_text(encoding="utf-8").replace(
        "</teiCorpus>", '<xi:include href="tei-about.xml"/><xi:include href="barth-neujahr-1915.xml"/>'
        "</teiCorpus>"), encoding="utf-8")
    return root


def parse(path: Path) -> etree._Element:
    return etree.parse(str(path)).getroot()


def test_drafts_are_valid_tei_and_the_project_validates(imported: Path) -> None:
    schema = etree.RelaxNG(etree.parse(str(SCHEMAS / "tei_all.rng")))
    for name in ("tei-about.xml", "barth-neujahr-1915.xml"):
        assert schema.validate(etree.parse(str(imported / "tei" / name))), schema.error_log
    checked = edition("validate", cwd=imported)
    assert checked.returncode == 0 and checked.stdout.strip() == "0 errors, 0 warnings", checked.stdout


def test_structure_is_placed(imported: Path) -> None:
    root = parse(imported / "tei" / "tei-about.xml")
    heads = ["".join(h.itertext()) for h in root.iterfind(".//tei:body//tei:div/tei:head", NS)]
    assert heads == ["The use of modal verbs", "TEI Naming Conventions", "Element and Attribute Names",
                     "Design Principles", "Use for Interchange"]
    # "Element and Attribute Names" is a division inside "TEI Naming Conventions".
    naming = root.find(".//tei:div[tei:head='TEI Naming Conventions']", NS)
    assert naming.find("tei:div/tei:head", NS).text == "Element and Attribute Names"
    assert root.find(".//tei:title", NS).text == "About These Guidelines"
    assert root.get(XML_LANG) == "en-US"
    assert [lst.get("rend") for lst in root.iterfind(".//tei:list", NS)] == ["bulleted", "numbered"]
    assert [cell.text for cell in root.iterfind(".//tei:table/tei:row/tei:cell", NS)][::2] == ["MUST", "MAY"]
    assert root.find(".//tei:hi[@rend='bold']", NS).text == "blort"
    assert root.find(".//tei:hi[@rend='italic']", NS).text == "running text"
    graphic = root.find(".//tei:figure/tei:graphic", NS)
    image = imported / "tei" / graphic.get("url")
    assert graphic.get("url") == "tei-about-media/image1.png"
    assert image.read_bytes().startswith(b"\x89PNG")


def test_notes_stand_at_their_calls(imported: Path) -> None:
    root = parse(imported / "tei" / "barth-neujahr-1915.xml")
    notes = root.findall(".//tei:note", NS)
    assert [note.get("n") for note in notes] == ["1", "2", "3", "4", "5", "6"]
    assert root.get(XML_LANG) == "de-DE"
    # Note 1 is called after "Laupen" in the dateline; note 4 after "studieren".
    assert notes[0].getparent().text.rstrip().endswith("Laupen")
    assert (notes[3].getprevious() is None and notes[3].getparent().text.endswith("grübeln und studieren"))
    assert "".join(notes[3].itertext()) == "= denken darüber nach."
    quote = root.find(".//tei:quote", NS)
    assert "".join(quote.itertext()).startswith("Ich bin das A und das O")


def test_zotero_citations_point_into_the_bibliography(imported: Path) -> None:
    sermon = parse(imported / "tei" / "barth-neujahr-1915.xml")
    bibl = sermon.find(".//tei:note[@n='3']/tei:bibl", NS)
    assert bibl.find("tei:ptr", NS).get("target") == "bib:herrmannVerkehrChristenMit1903"
    cited = bibl.find("tei:citedRange", NS)
    assert (cited.get("unit"), cited.get("from"), cited.text) == ("page", "95", "95")
    assert "".join(bibl.itertext()).startswith("W. Herrmann, Der Verkehr des Christen mit Gott.")
    # The Guidelines' second citation is Mendeley's field: linked as Zotero's are.
    guidelines = parse(imported / "tei" / "tei-about.xml")
    targets = [ptr.get("target") for ptr in guidelines.iterfind(".//tei:bibl/tei:ptr", NS)]
    assert targets == ["bib:bradnerKeyWordsUse1997 bib:leibaAmbiguityUppercaseVs2017",
                       "bib:brayExtensibleMarkupLanguage2008"]
    bib = (imported / "bibliography" / "references.bib").read_text(encoding="utf-8")
    for key in ("herrmannVerkehrChristenMit1903", "bradnerKeyWordsUse1997", "leibaAmbiguityUppercaseVs2017",
                "brayExtensibleMarkupLanguage2008"):
        assert bib.count(f"{{{key},") == 1
    # The item's title as Zotero gives it (pandoc would title-case one of no stated language).
    assert "Der Verkehr des Christen mit Gott: Im Anschluss an Luther\n    dargestellt" in bib
    assert "doi = {10.17487/RFC2119}" in bib
    checked = edition("bib", "check", cwd=imported)
    assert checked.returncode == 0, checked.stdout


def test_works_already_in_the_bibliography_are_recognised(imported: Path) -> None:
    before = (imported / "bibliography" / "references.bib").read_bytes()
    again = edition("import", str(GUIDELINES), "-o", "tei/again.xml", cwd=imported)
    assert again.returncode == 0, again.stderr
    assert (imported / "bibliography" / "references.bib").read_bytes() == before
    assert "already in the bibliography: Bradner 1997" in again.stderr
    assert "new entries" not in again.stderr
    assert "recall 100.0000%" in again.stderr
    root = parse(imported / "tei" / "again.xml")
    assert root.find(".//tei:bibl/tei:ptr", NS).get("target").startswith("bib:bradnerKeyWordsUse1997")
    (imported / "tei" / "again.xml").unlink()
    for image in (imported / "tei" / "again-media").iterdir():
        image.unlink()
    (imported / "tei" / "again-media").rmdir()


def test_the_project_builds_with_the_drafts(imported: Path) -> None:
    built = edition("build", "--html", "--quiet", cwd=imported)
    assert built.returncode == 0, built.stderr
    pages = " ".join(p.read_text(encoding="utf-8") for p in (imported / "output" / "html").glob("*.html"))
    assert "Der Verkehr des Christen mit Gott" in pages and "Bradner" in pages


def test_bad_input_writes_nothing(tmp_path: Path) -> None:
    root = create_project(tmp_path / "p", "P", "en").root
    before = files_below(root)
    fake = tmp_path / "fake.docx"
    fake.write_text("not a zip", encoding="utf-8")
    done = edition("import", str(fake), cwd=root)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "not a Word document" in done.stderr
    assert "Traceback" not in done.stderr
    damaged = tmp_path / "damaged.docx"
    damaged.write_bytes(SERMON.read_bytes()[:4000])
    done = edition("import", str(damaged), cwd=root)
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
    taken = edition("import", str(SERMON), "-o", "tei/volume.xml", cwd=root)
    assert taken.returncode == 1 and "already exists" in taken.stderr
    assert files_below(root) == before


def test_title_page_paragraphs_are_kept() -> None:
    """pandoc's DOCX reader takes the paragraphs styled Title, Subtitle, Author and Abstract out of the
    text into its metadata (its plain text leaves them out): the draft keeps them, and the fidelity
    check counts them (a small synthetic fragment: pandoc's AST as its reader gives it)."""
    from edition.check.fidelity import words
    from edition.importers.docx import DocxReport, Draft, Keys, draft_words, front_matter_text
    from edition.pandoc import run_pandoc

    source = ("---\ntitle: On Drafts\nsubtitle: A Note\nauthor: [A. Writer]\n"
              "abstract: Two sentences of summary. They matter.\n---\n\n# One\n\nThe text.\n")
    ast = json.loads(run_pandoc(["-f", "markdown", "-t", "json"], Path("fragment.md"), stdin=source))
    root = Draft(Path("fragment.docx"), Path("fragment.xml"), Keys(), DocxReport()).document(ast, "en")
    assert root.find(".//tei:title[@type='sub']", NS).text == "A Note"
    assert root.find(".//tei:author", NS).text == "A. Writer"
    abstract = root.find("tei:text/tei:front/tei:div[@type='abstract']/tei:p", NS)
    assert abstract.text == "Two sentences of summary. They matter."
    witness = words(front_matter_text(ast, Path("fragment.md")))
    assert witness == words("On Drafts A Note A. Writer Two sentences of summary. They matter.")
    assert not witness - words(draft_words(root))
