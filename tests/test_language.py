"""Language: hyphenation, case, quotation marks and collation follow ``xml:lang``; CJK text is set in
the vendored CJK face; characters no vendored font covers are reported.

The layout tests lay real HTML out with WeasyPrint and read the PDF back with pdftotext; the build
test builds a copy of the project whose volume holds a real Japanese novel (CETEIcean's 走れメロス)
and a synthetic file in a script no font covers."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest

from edition.i18n.collation import sort_key, turkish_key
from edition.i18n.language import html_lang, lower, quotation_marks, upper
from edition.print.hyphenation import dictionary_for, hyphenate
from edition.print.layout import layout
from edition.project import THEME, Project

from .conftest import PROJECT_FOLDERS, ROOT

PATTERNS = THEME / "hyphenation"
TEI = ROOT / "tests" / "data" / "tei"
HOSTILE = ROOT / "tests" / "data" / "hostile"
EDITION = Path(sys.executable).with_name("edition")
# The warning the synthetic Hindi file must give: its title and text hold eleven Devanagari letters
# and signs, named in code point order.
DEVANAGARI_WARNING = (
    "tei/language-devanagari.xml: warning: no vendored font covers 11 characters of the Devanagari "
    "script, printed with a fallback font or as boxes: त (U+0924) द (U+0926) न (U+0928) म (U+092E) "
    "य (U+092F) स (U+0938) ा (U+093E) ि (U+093F) ु (U+0941) े (U+0947) ् (U+094D)")


def test_each_language_its_own_patterns() -> None:
    assert hyphenate("representative", PATTERNS, "en") == "rep-re-sen-ta-tive"
    assert hyphenate("representative", PATTERNS, "en-US") == "rep-re-sen-ta-tive"
    assert hyphenate("butchery", PATTERNS, "en") == "butch-ery"
    assert hyphenate("Weltgeschichte", PATTERNS, "de") == "Welt-ge-schich-te"
    assert hyphenate("Kurtuluş", PATTERNS, "tr") == "Kur-tu-luş"
    assert hyphenate("İstanbul", PATTERNS, "tr-TR") == "İs-tan-bul"


def test_no_patterns_no_hyphenation() -> None:
    for lang in ("und", "ja", "grc", "ottomanturkish", "x-private", None):
        assert dictionary_for(lang, PATTERNS) is None, lang
    assert hyphenate("Weltgeschichte", PATTERNS, "und") == "Weltgeschichte"


def test_language_tags_made_canonical() -> None:
    assert [html_lang(t) for t in ("ger", "deu", "eng", "jpn", "zh_TW", "en-GB", "tr")] == [
        "de", "de", "en", "ja", "zh-TW", "en-GB", "tr"]
    assert html_lang("ottomanturkish") == "ottomanturkish"  # unreadable: kept as written


def test_case_and_quotation_marks_by_language() -> None:
    assert upper("istanbul ılık", "tr") == "İSTANBUL ILIK"
    assert upper("istanbul", "en") == "ISTANBUL"
    assert lower("İSTANBUL IRMAK", "tr") == "istanbul ırmak"
    assert quotation_marks("de")[:2] == ("„", "“")
    assert quotation_marks("ja")[:2] == ("「", "」")
    assert quotation_marks("tr")[:2] == ("“", "”")


def test_collation_by_language() -> None:
    words = ["Zebra", "Öl", "Ofen", "Äpfel", "apfel", "çay", "cam", "ıslak", "İstanbul"]
    assert sorted(words, key=lambda w: sort_key(w, "de")) == [
        "apfel", "Äpfel", "cam", "çay", "İstanbul", "ıslak", "Ofen", "Öl", "Zebra"]
    assert sorted(words, key=lambda w: sort_key(w, "sv"))[-2:] == ["Äpfel", "Öl"]  # å ä ö after z
    # Turkish keeps its own rules, exactly: ı before i, ç after c, ö after o.
    assert sorted(words, key=lambda w: sort_key(w, "tr")) == [
        "apfel", "Äpfel", "cam", "çay", "ıslak", "İstanbul", "Ofen", "Öl", "Zebra"]
    assert all(sort_key(w, "tr") == turkish_key(w) for w in words)


def test_registers_keep_their_turkish_order(volume) -> None:
    from edition.tei.model import register_entries
    entries = list(register_entries(volume.registers).values())
    assert entries and all(e.lang == "tr" for e in entries)
    persons = [e for e in entries if e.kind == "person"]
    assert sorted(persons, key=lambda e: e.order) == sorted(
        persons, key=lambda e: turkish_key(e.order[-1]))


LONG = " ".join(["representative"] * 40)
TURKISH = ("Bu cilt, Millî Mücadele yıllarında Türkiye ile Sovyet Rusya arasındaki ilişkileri konu alan, "
           "Türkçe yazılmış beş makalenin eleştirel edisyonudur. Makaleler TEI ile kodlanmıştır. ") * 3
LAYOUT = f"""<!DOCTYPE html><html lang="tr"><head><meta charset="utf-8"><title>t</title>
<link rel="stylesheet" href="styles/css/fonts.css">
<style>@page {{ size: 40mm 400mm; margin: 2mm; }}
body {{ font-family: Libertine, serif; font-size: 10pt; hyphens: auto; text-align: justify;
        hyphenate-limit-chars: 6 3 3; }}
p {{ margin: 0; break-after: page; }} .up {{ text-transform: uppercase; }}</style></head><body>
<p lang="en">{LONG}</p>
<p lang="de">{" ".join(["Weltgeschichte"] * 30)}</p>
<p>{TURKISH}</p>
<p lang="und">{" ".join(["Weltgeschichte"] * 30)}</p>
<p class="up">istanbul</p><p class="up" lang="en">istanbul</p>
<p lang="de"><q>zitat</q></p><p lang="ja"><q>引用</q></p><p lang="en"><q>quote</q></p>
</body></html>"""


@pytest.fixture(scope="module")
def laid_out_text(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The paragraphs above laid out by WeasyPrint in a narrow column, as pdftotext reads them."""
    pdf = tmp_path_factory.mktemp("layout") / "language.pdf"
    pdf.write_bytes(layout(LAYOUT, Project(ROOT), pdf_variant=None).write_pdf())
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return [page.strip("\n").splitlines() for page in text.split("\f")]  # one paragraph a page


def _allowed(word: str, lang: str) -> set[str]:
    """The beginnings of ``word`` that the patterns of ``lang`` allow a line to end with."""
    parts = hyphenate(word, PATTERNS, lang).split("-")
    return {"".join(parts[:i]) for i in range(1, len(parts))}


def _breaks(paragraph: list[str]) -> set[str]:
    """The word parts that end a line with a hyphen."""
    return {line.split()[-1].removesuffix("‐") for line in paragraph if line.endswith("‐")}


def _hyphenated(paragraph: list[str]) -> list[tuple[str, str]]:
    """Each word broken at a line end: (the part before the hyphen, the whole word)."""
    pairs = []
    for line, following in pairwise(paragraph):
        if line.endswith("‐"):
            part = line.split()[-1].removesuffix("‐")
            pairs.append((part, (part + following.split()[0]).strip(".,;:")))
    return pairs


def test_layout_hyphenates_each_language_with_its_patterns(laid_out_text) -> None:
    english, german, turkish, undetermined = laid_out_text[:4]
    assert _breaks(english) and _breaks(english) <= {"rep", "repre", "represen", "representa"}
    assert "representat" not in _breaks(english)  # the British patterns' break
    assert _breaks(german) and _breaks(german) <= _allowed("Weltgeschichte", "de")
    broken = _hyphenated(turkish)
    assert broken and all(part in _allowed(word, "tr") for part, word in broken), broken
    assert not _breaks(undetermined) and all(set(line.split()) == {"Weltgeschichte"}
                                             for line in undetermined)


def test_layout_case_and_quotes_follow_lang(laid_out_text) -> None:
    rest = [" ".join(paragraph) for paragraph in laid_out_text[4:]]
    assert rest[:2] == ["İSTANBUL", "ISTANBUL"]
    assert rest[2:5] == ["„zitat“", "「引用」", "“quote”"]


@pytest.fixture(scope="module")
def language_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, Path]:
    """A copy of the project whose volume holds the Japanese novel and the Hindi file, built (PDF)."""
    root = tmp_path_factory.mktemp("language")
    for folder in PROJECT_FOLDERS:
        shutil.copytree(ROOT / folder, root / folder)
    shutil.copy(TEI / "ceteicean" / "meros.xml", root / "tei" / "meros.xml")
    shutil.copy(HOSTILE / "language-devanagari.xml", root / "tei" / "language-devanagari.xml")
    volume = root / "tei" / "volume.xml"
    source = re.sub(r'  <xi:include href="a00\d\.xml"/>\n', "", volume.read_text(encoding="utf-8"))
    volume.write_text(source.replace("</teiCorpus>", '  <xi:include href="meros.xml"/>\n'
                                     '  <xi:include href="language-devanagari.xml"/>\n</teiCorpus>'),
                      encoding="utf-8")
    run = subprocess.run([str(EDITION), "build", "--pdf", "--force"], cwd=root, capture_output=True,
                         text=True, timeout=600)
    return run, root / "output" / "edition.pdf"


def test_japanese_set_in_the_vendored_cjk_face(language_build) -> None:
    run, pdf = language_build
    assert run.returncode == 0, run.stderr
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    cjk = [line.split() for line in fonts.splitlines() if "Noto-Serif-CJK" in line]
    assert cjk and all(re.match(r"[A-Z]{6}\+", row[0]) and row[-5:-2] == ["yes", "yes", "yes"] for row in cjk)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "メロスは激怒した。" in text
    assert pdf.stat().st_size < 3_000_000  # the 24 MB face is subset


def test_uncovered_script_reported(language_build) -> None:
    run, _ = language_build
    warnings = [line for line in run.stderr.splitlines() if "no vendored font covers" in line]
    assert len(warnings) == 1, run.stderr
    assert warnings[0] == DEVANAGARI_WARNING
    assert "meros.xml" not in run.stderr  # the CJK face covers the whole novel


def test_bundled_volume_needs_no_fallback(build_result) -> None:
    assert build_result.font_gaps == []
