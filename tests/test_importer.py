"""``edition import`` on the five real witnesses: a well-formed draft that keeps every word."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from edition.check.validate import validate
from edition.importers.pdftext import import_text
from edition.project import SCHEMAS, Project
from edition.scaffold import create_project
from edition.tei.load import NS, XML_NS

from .conftest import ROOT

SOURCES = sorted((ROOT / "tei" / "sources").glob("*.txt"))


@pytest.fixture(scope="module")
def tei_all() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMAS / "tei_all.rng")))


@pytest.mark.parametrize("source", SOURCES, ids=[s.name[:3] for s in SOURCES])
def test_draft_keeps_every_word_and_is_valid_tei(source: Path, tei_all: etree.RelaxNG) -> None:
    tei, report = import_text(source)
    root = etree.fromstring(tei.encode())
    assert tei_all.validate(root.getroottree()), tei_all.error_log
    assert root.find("tei:text/tei:body", NS) is not None
    assert report.fidelity.recall >= 0.995, report.summary()
    assert report.fidelity.precision >= 0.995, report.summary()


def test_footnotes_move_to_their_calls() -> None:
    tei, report = import_text(ROOT / "tei" / "sources" / "000_e62dd0b6c73f2da9.txt")
    root = etree.fromstring(tei.encode())
    numbers = [n.get("n") for n in root.iterfind(".//tei:note", NS)]
    assert numbers[:38] == [str(i) for i in range(1, 39)]
    assert report.footnotes_placed == 38
    note = root.find(".//tei:note[@n='1']", NS)
    assert note.getparent().tag.endswith("p") and "Resmi olarak" in note.text


def test_abstracts_and_headings_are_found() -> None:
    tei, _ = import_text(ROOT / "tei" / "sources" / "001_b0f37a7206e51bc1.txt", "tr")
    root = etree.fromstring(tei.encode())
    abstracts = root.findall("tei:text/tei:front/tei:div[@type='abstract']", NS)
    assert [a.get("{http://www.w3.org/XML/1998/namespace}lang") for a in abstracts] == [None, "en"]
    heads = ["".join(h.itertext()) for h in root.iterfind(".//tei:body//tei:head", NS)]
    assert "GİRİŞ" in heads and "4.1. Türkiye-Bolşevik Rusya Yakınlaşması" in heads


def test_command_writes_the_draft_and_reports(tmp_path: Path) -> None:
    out = tmp_path / "draft.xml"
    result = subprocess.run([sys.executable, "-m", "edition.cli", "import",
                             str(ROOT / "tei" / "sources" / "002_1153e0046de7ad24.txt"), "-o", str(out)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "footnotes placed at their calls: 4" in result.stderr
    assert "words kept: recall" in result.stderr
    etree.parse(str(out))


LANG = f"{{{XML_NS}}}lang"
WITNESS = ROOT / "tei" / "sources" / "002_1153e0046de7ad24.txt"


def draft_language(tei: str) -> str | None:
    return etree.fromstring(tei.encode()).get(LANG)


def test_the_draft_declares_the_language_it_is_given_and_its_header_is_neutral() -> None:
    turkish, _ = import_text(WITNESS, "tr")
    root = etree.fromstring(turkish.encode())
    assert root.get(LANG) == "tr" and root.find("tei:text", NS).get(LANG) is None  # inherited
    header = " ".join(root.find("tei:teiHeader", NS).itertext())
    assert "Draft: 002_1153e0046de7ad24.txt" in header and not set("şğıİŞĞçöüÇÖÜ") & set(header)
    unsaid, _ = import_text(WITNESS)
    assert draft_language(unsaid) is None


@pytest.mark.parametrize(("args", "cwd", "language"), [
    ([], ROOT, "tr"),  # the bundled volume's edition.toml: text_language = "tr"
    (["--language", "DE-at"], ROOT, "de-AT"),
    ([], None, None),  # no project, no --language: left to the volume that includes the draft
])
def test_the_command_takes_the_language_from_the_option_or_the_project(
        tmp_path: Path, args: list[str], cwd: Path | None, language: str | None) -> None:
    done = subprocess.run([sys.executable, "-m", "edition.cli", "import", str(WITNESS), "-o",
                           str(tmp_path / "draft.xml"), *args], capture_output=True, text=True,
                          cwd=cwd or tmp_path)
    assert done.returncode == 0, done.stderr
    assert draft_language((tmp_path / "draft.xml").read_text(encoding="utf-8")) == language


def test_a_draft_included_without_a_language_takes_the_volumes(tmp_path: Path) -> None:
    """An article pulled in by xi:include that does not say its language is in the volume's (the
    language attribute of the including teiCorpus), not undetermined."""
    from edition.pipeline import Timings, load

    root = create_project(tmp_path / "letters", "Letters", "tr").root
    tei, _ = import_text(WITNESS)
    (root / "tei" / "draft.xml").write_text(tei, encoding="utf-8")
    volume = root / "tei" / "volume.xml"
    text = volume.read_text(encoding="utf-8")
    volume.write_text(text.replace("</teiCorpus>", '  <xi:include href="draft.xml"/>\n</teiCorpus>'),
                      encoding="utf-8")
    model = load(Project(root), None, Timings(), None)
    assert [article.lang for article in model.articles] == ["en", "tr"]  # the sample says "en"
    settings = root / "edition.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + '\n[validation]\nprofile = "article-volume"\n',
                        encoding="utf-8")
    assert not [f for f in validate(volume, root) if f.rule == "lang-text"]  # the profile's rule agrees
    volume.write_text(volume.read_text(encoding="utf-8").replace(' xml:lang="tr"', ""), encoding="utf-8")
    assert not [f for f in validate(volume, root) if f.rule == "lang-text"]  # text_language = "tr"
    settings.write_text(settings.read_text(encoding="utf-8").replace('text_language = "tr"', ""),
                        encoding="utf-8")
    unsaid = [f for f in validate(volume, root) if f.rule == "lang-text"]
    assert [Path(f.path).name for f in unsaid] == ["draft.xml"]
