"""The interface language: every heading, label and phrase of the book, the site and the search page
comes from the message catalogues (edition/locale), in the language edition.toml names."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from edition import i18n
from edition.processing.rules import default_model
from edition.project import THEME
from edition.render.html import REGISTER_HEADINGS, SCRIPT_STRINGS, Renderer

from .conftest import ROOT

EDITION = Path(sys.executable).parent / "edition"
TEMPLATES = THEME / "templates"
ENGLISH_DOCUMENT = ROOT / "tests" / "data" / "tei" / "tei-publisher" / "graves6.xml"
HOSTILE = ROOT / "tests" / "data" / "hostile"
# Each hostile edition.toml and the one line `edition build` must refuse it with (after "edition.toml:").
REFUSALS = {
    "i18n-unknown-language.toml": "3:1: error: [project] interface_language = 'xx': no message catalogue "
                                  "for it (there are: en, tr)",
}


def catalogue(language: str):
    with i18n.catalogue_path(language).open("rb") as source:
        return read_po(source, locale=language)


def messages(language: str) -> dict[str, str]:
    return {m.id: m.string for m in catalogue(language) if m.id}


def used_msgids() -> set[str]:
    """Every msgid the templates and the Python code ask for."""
    found: set[str] = set()
    method_map = [("**.j2", "jinja2")]
    options = {"**.j2": {"extensions": "jinja2.ext.i18n", "trim_blocks": "True",
                         "lstrip_blocks": "True"}}
    for _, _, message, _, _ in extract_from_dir(TEMPLATES, method_map, options_map=options):
        found.add(message if isinstance(message, str) else message[0])
    for _, _, message, _, _ in extract_from_dir(ROOT / "edition", [("**.py", "python")],
                                                keywords={"gettext": None, "ngettext": (1, 2)}):
        found.add(message if isinstance(message, str) else message[0])
    found |= {*REGISTER_HEADINGS.values(), *SCRIPT_STRINGS.values(),
              *(pair.label for pair in default_model().choice_pairs())}
    return found | note_labels()


def note_labels() -> set[str]:
    """The labels of the notes the TEI template families declare (their ``notes``)."""
    renderer = Renderer(TEMPLATES)
    return {listed["label"] for family in ("notes", "critical")
            for declared in renderer.family(family).notes.values()
            for listed in (declared.get(output) for output in ("print", "screen"))
            if listed and "label" in listed}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EDITION), *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_the_catalogues_are_complete() -> None:
    """Turkish and English translate the same msgids, every one of them, none fuzzy."""
    assert i18n.available_languages() == ["en", "tr"]
    english, turkish = messages("en"), messages("tr")
    assert english.keys() == turkish.keys()
    for language in ("en", "tr"):
        untranslated = [m.id for m in catalogue(language) if m.id and (not m.string or m.fuzzy)]
        assert untranslated == [], language


def test_every_string_the_interface_uses_is_in_the_catalogues() -> None:
    used = used_msgids()
    assert {"Contents", "Bibliography", "Index of Persons", "Close", "Footnote"} <= used
    assert sorted(used - messages("en").keys()) == []
    assert sorted(messages("en").keys() - used) == []  # no msgid left over either


def test_python_strings_follow_the_active_language() -> None:
    try:
        i18n.activate("tr")
        assert i18n.gettext("Index of Persons") == "Kişiler Dizini"
        assert i18n.format_number(1234.5) == "1.234,5"
        i18n.activate("en")
        assert i18n.gettext("Index of Persons") == "Index of Persons"
        assert i18n.format_number(1234.5) == "1,234.5"
    finally:
        i18n.activate(i18n.DEFAULT_LANGUAGE)


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_an_interface_language_without_a_catalogue_is_refused(name: str, tmp_path: Path) -> None:
    shutil.copy(ENGLISH_DOCUMENT, tmp_path)
    shutil.copy(HOSTILE / name, tmp_path / "edition.toml")
    done = run("build", ENGLISH_DOCUMENT.name, "--out", "out", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"edition.toml:{REFUSALS[name]}"]
    assert not (tmp_path / "out").exists()


def build_in(language: str | None, folder: Path) -> tuple[dict[str, str], str]:
    """The English document built from ``folder`` with ``language`` as the interface language (None: no
    edition.toml): every site file's text, and the PDF's text."""
    shutil.copy(ENGLISH_DOCUMENT, folder)
    if language:
        settings = f'[project]\ninterface_language = "{language}"\n'
        (folder / "edition.toml").write_text(settings, encoding="utf-8")
    done = run("build", ENGLISH_DOCUMENT.name, "--out", "out", cwd=folder)
    assert done.returncode == 0, done.stderr
    site = {path.relative_to(folder / "out" / "html").as_posix(): path.read_text(encoding="utf-8")
            for path in (folder / "out" / "html").rglob("*") if path.suffix in {".html", ".js"}}
    pdf = subprocess.run(["pdftotext", str(folder / "out" / "edition.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    return site, pdf


def turkish_left_over() -> list[str]:
    """The Turkish catalogues' own phrases (those unlike their English), the package's and the
    bundled volume's: none may show in an English build."""
    phrases = []
    for strings in (messages("tr"), bundled_messages("tr")):
        for msgid, msgstr in strings.items():
            for piece in re.split(r"%\(\w+\)s|\{\w+\}|<[^>]*>|\n\s*", msgstr):
                piece = " ".join(piece.split()).strip(" :.()")
                if len(piece) > 2 and piece not in msgid:
                    phrases.append(piece)
    return phrases


def found_phrases(text: str, phrases: list[str]) -> list[str]:
    text = " ".join(text.split())  # a phrase broken across lines (pdftotext) is found all the same
    return [p for p in phrases if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)]


def bundled_messages(language: str) -> dict[str, str]:
    """The bundled volume's own words (styles/locale), in place of the package's general ones."""
    path = i18n.project_catalogue(ROOT / "styles", language)
    with path.open("rb") as source:
        return {m.id: m.string for m in read_po(source, locale=language) if m.id}


@pytest.mark.parametrize("language", ["en", None])
def test_an_english_project_speaks_english(language: str | None, tmp_path: Path) -> None:
    """English by edition.toml, and by default without one: the site's and the PDF's interface strings
    are English, and none of the Turkish catalogue's is left outside what tei/ templates print."""
    site, pdf = build_in(language, tmp_path)
    assert '<html lang="en">' in site["index.html"]
    assert '<h2 id="contents-title">Contents</h2>' in site["index.html"]
    assert "Search the Volume" in site["search.html"] and "Skip to the content" in site["graves6.html"]
    assert "TEI source" in site["graves6.html"] and '"close": "Close"' in site["graves6.html"]
    assert "Author not named in the source" in pdf
    phrases = turkish_left_over()
    assert {"İçindekiler", "Kapat", "Ciltte Arama"} <= set(phrases)
    for name, text in site.items():
        if name.endswith(".html") or name == "assets/search-index.js":
            assert found_phrases(text, phrases) == [], name
    assert found_phrases(pdf, phrases) == []


def test_a_turkish_project_speaks_turkish(tmp_path: Path) -> None:
    site, pdf = build_in("tr", tmp_path)
    assert '<html lang="tr">' in site["index.html"]
    assert '<h2 id="contents-title">İçindekiler</h2>' in site["index.html"]
    assert "Ciltte Arama" in site["search.html"] and "İçeriğe geç" in site["graves6.html"]
    assert "TEI kaynağı" in site["graves6.html"] and "Kapat" in site["graves6.html"]
    assert "Yazar kaynakta belirtilmemiş" in pdf
    assert "Contents" not in site["index.html"] and "Author not named" not in pdf


# Letters of the Turkish alphabet that English has not (the grep of issue 18's "no Turkish left").
TURKISH_LETTERS = re.compile("[şğıİçöüŞĞÇÖÜ]")
KIPLING = ROOT / "tests" / "data" / "tei" / "tei-publisher" / "kipling.xml"
SCAFFOLD_BIB = ROOT / "edition" / "scaffold" / "project" / "bibliography" / "references.bib"


def english_volume(folder: Path, language: str = "en") -> Path:
    """A project of one English text (Kipling's "If—", public domain; the TEI file is TEI Publisher's,
    GPL-3.0): a volume of its own with an edition.toml and the bibliography `edition new` writes (one
    real entry, the TEI Guidelines), in the default style; no registers or styles."""
    (folder / "bibliography").mkdir()
    shutil.copy(SCAFFOLD_BIB, folder / "bibliography")
    (folder / "tei").mkdir()
    shutil.copy(KIPLING, folder / "tei")
    (folder / "tei" / "volume.xml").write_text(
        '<teiCorpus xmlns="http://www.tei-c.org/ns/1.0" xmlns:xi="http://www.w3.org/2001/XInclude" '
        'xml:lang="en"><teiHeader><fileDesc><titleStmt><title type="main">If</title></titleStmt>'
        "<publicationStmt><p>A volume of one poem</p></publicationStmt><sourceDesc><p>TEI Publisher's "
        'test file</p></sourceDesc></fileDesc></teiHeader><xi:include href="kipling.xml"/></teiCorpus>',
        encoding="utf-8")
    (folder / "edition.toml").write_text(f'[project]\ninterface_language = "{language}"\n', encoding="utf-8")
    return folder


def built_text(folder: Path) -> dict[str, str]:
    """Every text file of a project's build (pages, scripts, stylesheets, the search index) and the
    PDF's text, by name."""
    done = run("build", cwd=folder)
    assert done.returncode == 0, done.stderr
    html = folder / "output" / "html"
    files = {path.relative_to(html).as_posix(): path.read_text(encoding="utf-8")
             for path in html.rglob("*") if path.suffix in {".html", ".js", ".css"}}
    pdf = folder / "output" / "edition.pdf"
    files["edition.pdf"] = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                                          text=True, check=True).stdout
    return files


def test_an_english_volume_has_no_turkish_left(tmp_path: Path) -> None:
    """Issue 18: the book, the site, its scripts, stylesheets and search index carry no Turkish
    letter and no phrase of a Turkish catalogue (the package's or the bundled volume's), and nothing
    that describes the bundled volume; the words they have instead are English."""
    files = built_text(english_volume(tmp_path))
    assert {"index.html", "kipling.html", "search.html", "bibliography.html",
            "assets/search-index.js", "assets/js/search.js", "assets/js/site.js", "assets/css/screen.css",
            "edition.pdf"} <= files.keys()
    assert "sources.html" not in files  # no witness named, no primary source cited: no sources page
    phrases = turkish_left_over()
    assert {"İçindekiler", "Kapat"} <= set(phrases)  # the package's and the bundled volume's:
    assert any(phrase.startswith("Beş makalede anılan eserler") for phrase in phrases)
    volume_words = ["five articles", "İSNAD", "PDF files", "Linux Libertine O", "Kerenski", "newspapers"]
    for name, text in files.items():
        assert TURKISH_LETTERS.findall(text) == [], name
        assert found_phrases(text, phrases) == [], name
        assert [w for w in volume_words if w in text] == [], name
    pdf, search = " ".join(files["edition.pdf"].split()), files["search.html"]
    assert "Contents" in pdf and "If — Rudyard Kipling" in pdf
    style = "Chicago Manual of Style 17th edition (full note)"  # the CSL style's own title
    merged = f"The works cited are merged into one bibliography in the style “{style}”."
    assert f"{merged} Each entry ends" in pdf
    assert f"{merged} Below each entry" in " ".join(files["bibliography.html"].split())
    # the style's own words in English too (citeproc's locale follows the interface language)
    assert "TEI Consortium, ed. TEI P5: Guidelines for Electronic Text Encoding and Interchange (vers" in pdf
    assert "Case and accents are not told apart" in search and "Turkish" not in search
    assert '.pb[data-n]::before { content: "[" "p." " " attr(data-n) "]"; }' in files["kipling.html"]
    assert '<script type="application/json" id="interface-strings" lang="en">' in files["kipling.html"]


def test_a_turkish_interface_for_english_texts(tmp_path: Path) -> None:
    """The interface's words follow interface_language; the search's folding follows the texts'."""
    files = built_text(english_volume(tmp_path, "tr"))
    pdf, search = " ".join(files["edition.pdf"].split()), files["search.html"]
    assert "İçindekiler" in pdf and "Contents" not in pdf
    assert "aksanlar ayırt edilmez" in search and "Türkçe harfler" not in search
    assert '"[" "s." " " attr(data-n) "]"' in files["kipling.html"]


def test_the_bundled_volume_keeps_its_own_words(book_parts: dict[str, str]) -> None:
    """What the package says in general words, the bundled volume says in its own: its imprint from
    its TEI header (projectDesc), its remarks from its catalogue (styles/locale)."""
    # Acronyms are set in small capitals (a span each): the words are the header's all the same.
    front = re.sub(r'<span class="acronym">(\w+)</span>', r"\1", " ".join(book_parts["front"].split()))
    assert "Metinler, makalelerin PDF dosyalarından çıkarılmış düz metinlerden TEI P5 biçiminde" in front
    assert '<em class="hi italic">edition</em> araç takımıyla' in front
    assert "Yazı karakteri: Linux Libertine O ve Linux Biolinum O" in front and "<p>Tanıklar:</p>" in front
    bibliography = " ".join(book_parts["bibliography"].split())
    assert "Beş makalede anılan eserler tek bir kaynakçada birleştirilmiştir (İSNAD, 2. edisyon)." in (
        bibliography)
    assert "(s.\\00a0" not in bibliography and '"s."' in book_parts["a000-notes"]


def test_a_project_catalogue_comes_before_the_package_one() -> None:
    """The bundled volume's catalogues translate only msgids the package has (a msgid it mistyped
    would never be asked for), and their words win over the package's while its project is active."""
    for language in ("en", "tr"):
        own = bundled_messages(language)
        assert own and own.keys() <= messages(language).keys()
    remark = next(msgid for msgid in bundled_messages("tr") if msgid.startswith("The primary sources"))
    try:
        i18n.activate("tr", ROOT / "styles")
        assert i18n.gettext(remark).startswith("Makalelerin dayandığı arşiv belgeleri, gazeteler")
        assert i18n.gettext("Contents") == "İçindekiler"  # the package's, which the volume keeps
        i18n.activate("tr")
        assert i18n.gettext(remark).startswith("Makalelerin dayandığı birincil kaynaklar")
        assert i18n.translate("Abstract", "en") == "Abstract" and i18n.translate("Abstract", "de") == "Özet"
    finally:
        i18n.activate(i18n.DEFAULT_LANGUAGE)


def test_a_project_catalogue_that_cannot_be_read_is_refused(tmp_path: Path) -> None:
    """One line with the catalogue's file and line, exit status 1, nothing written."""
    english_volume(tmp_path)
    own = i18n.project_catalogue(tmp_path / "styles", "en")
    own.parent.mkdir(parents=True)
    own.write_text('msgid "Contents"\nmsgstr "Table of Contents"\n\nmsgid "Notes"\n', encoding="utf-8")
    done = run("build", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "styles/locale/en/LC_MESSAGES/edition.po:4:1: error: not a message catalogue: missing msgstr for "
        "msgid 'Notes'"]
    assert not (tmp_path / "output").exists()
