"""Each article's authorial text holds the words of its witness, and only those."""

from __future__ import annotations

import pytest

from edition.check.fidelity import compare
from edition.check.validate import GLUE, _running_text
from edition.tei.load import NS, load_article

from .conftest import ARTICLES, ROOT

# Footnotes each witness prints (counted in the sources; see tei/sources/survey-*.md).
FOOTNOTES = {"a000": 39, "a001": 0, "a002": 4, "a003": 0, "a004": 0}


@pytest.mark.parametrize("article_id", ARTICLES)
def test_words_match_the_witness(article_id: str) -> None:
    result = compare(ROOT / "tei" / f"{article_id}.xml")
    assert result.recall >= 0.995 and result.precision >= 0.995, result.report()


@pytest.mark.parametrize("article_id", ARTICLES)
def test_footnote_count_matches_the_witness(article_id: str) -> None:
    root = load_article(ROOT / "tei" / f"{article_id}.xml")
    notes = root.findall(".//tei:text//tei:note[@place='foot']", NS)
    assert len(notes) == FOOTNOTES[article_id]
    numbers = [n.get("n") for n in notes if n.get("n") != "*"]
    assert numbers == [str(i) for i in range(1, len(numbers) + 1)]


@pytest.mark.parametrize("article_id", ARTICLES)
def test_no_footnote_number_glued_to_a_word(article_id: str) -> None:
    root = load_article(ROOT / "tei" / f"{article_id}.xml")
    glued = []
    for element in _running_text(root.find("tei:text", NS)):
        glued += [m.group() for chunk in (element.text, element.tail) if chunk for m in GLUE.finditer(chunk)]
    assert glued == []


def test_fidelity_detects_a_lost_word(tmp_path) -> None:
    source = (ROOT / "tei" / "a003.xml").read_text(encoding="utf-8")
    damaged = source.replace("politikalarına uyumlu hareket ettiler", "uyumlu hareket ettiler", 1)
    assert damaged != source
    path = ROOT / "tei" / "a003.xml"
    copy = tmp_path / "a003.xml"
    copy.write_text(damaged, encoding="utf-8")
    result = compare(copy, witness_path=ROOT / "tei" / "sources" / "003_d4d0637218577cc3.txt")
    assert result.recall < 1.0 and result.missing["politikalarına"] == 1
    assert path.exists()
