"""edition.toml in force: every key does what the README says, in every command and stage.

The projects here are small: a short synthetic TEI document (a unit-test fragment, English words of
our own about the works it cites) and entries copied unchanged from the bundled volume's .bib
(bibliography/edition.bib), split over the files a project's edition.toml names.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from edition.pipeline import BuildOptions, BuildState
from edition.project import Project

from .conftest import ROOT

BUNDLED_BIB = ROOT / "bibliography" / "edition.bib"
LETTER = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="letter" xml:lang="en">
  <teiHeader>
    <fileDesc>
      <titleStmt><title type="main">A Test Letter</title></titleStmt>
      <publicationStmt><publisher>Test Press</publisher><date>2001</date></publicationStmt>
      <sourceDesc><p>Written for the tests.</p></sourceDesc>
    </fileDesc>
  </teiHeader>
  <text xml:lang="en">
    <body>
      <p>Two works are cited here: <bibl><ptr target="bib:oran2001"/></bibl> and
        <bibl><ptr target="bib:tansu1969"/></bibl>, and a name no register lists:
        <persName>Ahmed Rıza</persName>.</p>
    </body>
  </text>
</TEI>
"""
SETTINGS = """[files]
volume = "texts/letter.xml"
bibliography = ["refs/first.bib", "refs/second.bib"]
output = "public"
"""


def edition(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "edition.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


def bundled_entry(key: str) -> str:
    """One entry of the bundled volume's .bib, as written there."""
    text = BUNDLED_BIB.read_text(encoding="utf-8")
    match = re.search(rf"^@\w+\{{{key},.*?^\}}\n", text, re.MULTILINE | re.DOTALL)
    assert match, key
    return match.group(0)


def letters_project(root: Path, settings: str = SETTINGS, letter: str = LETTER) -> Path:
    """A project whose volume, bibliographies and output are where its edition.toml says."""
    (root / "texts").mkdir(parents=True)
    (root / "refs").mkdir()
    (root / "texts" / "letter.xml").write_text(letter, encoding="utf-8")
    (root / "refs" / "first.bib").write_text(bundled_entry("oran2001"), encoding="utf-8")
    (root / "refs" / "second.bib").write_text(bundled_entry("tansu1969"), encoding="utf-8")
    (root / "edition.toml").write_text(settings, encoding="utf-8")
    return root


# --- [files] ---------------------------------------------------------------------------------------

def test_validate_and_bib_check_read_the_volume_and_bibliographies_edition_toml_names(
        tmp_path: Path) -> None:
    root = letters_project(tmp_path)
    done = edition("validate", cwd=root)
    assert (done.returncode, done.stdout) == (0, "0 errors, 0 warnings\n"), done.stderr
    done = edition("bib", "check", cwd=root)
    assert done.returncode == 0 and "bib-missing" not in done.stdout, done.stdout  # a key in each file
    (root / "refs" / "second.bib").write_text("", encoding="utf-8")
    done = edition("bib", "check", cwd=root)
    assert done.returncode == 1
    assert ("texts/letter.xml:13:1: error: citation 'bib:tansu1969' has no entry in refs/first.bib, "
            "refs/second.bib; add it or fix the key [bib-missing]") in done.stdout.splitlines()
    (root / "texts" / "letter.xml").write_text(LETTER.replace("</body>", "<body>"), encoding="utf-8")
    done = edition("validate", cwd=root)
    assert done.returncode == 1 and done.stdout.startswith("texts/letter.xml:"), done.stdout


def test_build_merges_the_bibliographies_and_writes_where_edition_toml_says(tmp_path: Path) -> None:
    root = letters_project(tmp_path)
    done = edition("build", "--html", cwd=root)
    assert done.returncode == 0, done.stderr
    assert not (root / "output").exists()
    page = (root / "public" / "html" / "bibliography.html").read_text(encoding="utf-8")
    assert 'id="bib-oran2001"' in page and 'id="bib-tansu1969"' in page


def test_a_key_in_two_bibliographies_is_one_error_naming_both_places(tmp_path: Path) -> None:
    root = letters_project(tmp_path)
    with (root / "refs" / "second.bib").open("a", encoding="utf-8") as second:
        second.write("\n" + bundled_entry("oran2001"))
    lines = (root / "refs" / "second.bib").read_text(encoding="utf-8").splitlines()
    line = lines.index("@book{oran2001,") + 1
    message = (f"refs/second.bib:{line}:1: error: key 'oran2001' is already used at refs/first.bib:1; one "
               "bibliography holds each key once: rename one of the two entries")
    done = edition("bib", "export", "--format", "biblatex", cwd=root)
    assert (done.returncode, done.stdout, done.stderr.splitlines()) == (1, "", [message])
    done = edition("build", "--html", "--force", cwd=root)
    assert done.returncode == 1 and done.stderr.splitlines() == [message]
    assert not (root / "public").exists()
    done = edition("bib", "check", cwd=root)
    assert done.returncode == 1
    assert (f"refs/second.bib:{line}:1: error: key 'oran2001' is already used at refs/first.bib:1; rename "
            "one of the two entries [bib-duplicate-key]") in done.stdout.splitlines()


def test_bib_export_and_check_read_every_bibliography(tmp_path: Path) -> None:
    root = letters_project(tmp_path)
    done = edition("bib", "export", "--format", "biblatex", cwd=root)
    assert done.returncode == 0, done.stderr
    assert "@book{oran2001," in done.stdout and "tansu1969," in done.stdout


def test_the_fingerprint_follows_the_files_edition_toml_names(tmp_path: Path) -> None:
    """A .bib outside bibliography/ and a changed edition.toml each make the next build a new one."""
    root = letters_project(tmp_path)

    def fingerprint() -> str:
        return BuildState(Project(root), BuildOptions()).fingerprint

    first = fingerprint()
    assert fingerprint() == first
    with (root / "refs" / "second.bib").open("a", encoding="utf-8") as second:
        second.write("\n")
    second = fingerprint()
    assert second != first
    (root / "edition.toml").write_text(SETTINGS + '\n[print]\npage_size = "A4"\n', encoding="utf-8")
    assert fingerprint() != second


# --- [bibliography] --------------------------------------------------------------------------------

def formatted(root: Path) -> str:
    """The project's bibliography as its edition.toml's style formats it (pandoc's citeproc)."""
    from edition.bib.bibliography import build_bibliography

    project = Project(root)
    return " ".join(str(reference.html) for reference in build_bibliography(project.bibliographies,
                                                                            project.csl).entries)


def test_the_style_is_a_shipped_one_by_name_or_the_projects_own_file(tmp_path: Path) -> None:
    default = letters_project(tmp_path / "default")
    assert Project(default).csl.name == "chicago-fullnote-bibliography.csl"
    notes = formatted(default)
    author_date = letters_project(tmp_path / "author-date",
                                  SETTINGS + '[bibliography]\nstyle = "chicago-author-date"\n')
    dated = formatted(author_date)
    # Author-date puts the year after the name; the full-note style puts it with the imprint.
    assert "Tansu, S. Nafiz. 1969. <em>" in dated and "Tansu, S. Nafiz. 1969" not in notes
    own = letters_project(tmp_path / "own", SETTINGS + '[bibliography]\nstyle = "csl/house.csl"\n')
    (own / "csl").mkdir()
    (own / "csl" / "house.csl").write_bytes(Project(author_date).csl.read_bytes())
    assert Project(own).csl == own / "csl" / "house.csl"
    assert formatted(own) == dated


def test_an_unknown_style_is_one_error_naming_the_key_and_the_shipped_styles(tmp_path: Path) -> None:
    root = letters_project(tmp_path, SETTINGS + '\n[bibliography]\nstyle = "apa"\n')
    done = edition("build", cwd=root)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "edition.toml:7:1: error: [bibliography] style = 'apa': no such CSL style (shipped: "
        "chicago-author-date, chicago-fullnote-bibliography, isnad-dipnotlu; or the path of a .csl file in "
        "the project)"]
    assert not (root / "public").exists()
    (root / "edition.toml").write_text(SETTINGS + '[bibliography]\nstyle = "house.csl"\n', encoding="utf-8")
    done = edition("build", cwd=root)
    assert done.stderr.splitlines() == [
        "edition.toml:6:1: error: [bibliography] style = 'house.csl': no such file"]


# --- [project] -------------------------------------------------------------------------------------

PROJECT = """[project]
title = "Letters from the Front"
subtitle = "A Test Volume"
editors = ["A. Editor", "B. Editor"]
publisher = "Test House"
place = "Ankara"
year = 1999
licence = "CC BY 4.0"
"""


def book_parts(root: Path) -> dict[str, str]:
    """The printed book's parts as HTML, before the layout (the running heads are attributes there)."""
    from edition.pipeline import BOOK_CSS, FOLIO_CSS, Timings, interface_language, load
    from edition.print.book import Book, PageRefs
    from edition.processing.rules import project_model
    from edition.render.html import Renderer

    project = Project(root)
    renderer = Renderer(project.template_folders, project_model(project.root), interface_language(project))
    book = Book(load(project, None, Timings(), None), renderer, list(BOOK_CSS), list(FOLIO_CSS))
    return {spec.name: book.render(spec, PageRefs()) for spec in book.specs}


def built_text(root: Path) -> tuple[str, str]:
    """The built site's front page and the PDF's text."""
    done = edition("build", cwd=root)
    assert done.returncode == 0, done.stderr
    index = (root / "public" / "html" / "index.html").read_text(encoding="utf-8")
    pdf = subprocess.run(["pdftotext", str(root / "public" / "edition.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    return index, pdf


def test_the_projects_title_and_imprint_override_the_header(tmp_path: Path) -> None:
    index, pdf = built_text(letters_project(tmp_path / "set", SETTINGS + PROJECT))
    assert "<h1>Letters from the Front</h1>" in index
    assert "<title>Letters from the Front: A Test Volume</title>" in index
    assert '<p class="volume-editors">A. Editor, B. Editor</p>' in index
    assert "Ankara: Test House, 1999" in index and "<p>CC BY 4.0</p>" in index
    assert "<h1>A Test Letter" not in index  # the header's title gives way (the contents list the text's)
    assert "Letters from the Front" in pdf.split("\f")[0]  # the title page
    assert "A. Editor, B. Editor" in pdf and "Ankara: Test House · 1999" in pdf
    assert 'data-running-left="Letters from the Front"' in "".join(book_parts(tmp_path / "set").values())
    index, pdf = built_text(letters_project(tmp_path / "header"))
    assert "<h1>A Test Letter</h1>" in index and "Test Press, 2001" in index  # no keys: the header's
    assert "Test Press · 2001" in pdf and "Ankara" not in pdf


def test_the_text_language_is_what_the_texts_inherit_where_the_tei_is_silent(tmp_path: Path) -> None:
    from edition.pipeline import Timings, load

    silent = LETTER.replace(' xml:lang="en"', "")
    root = letters_project(tmp_path / "tr", SETTINGS + '[project]\ntext_language = "tr"\n', silent)
    model = load(Project(root), None, Timings(), None)
    assert (model.lang, model.articles[0].lang) == ("tr", "tr")
    from edition.i18n.collation import sort_key

    first = next(r for r in model.bibliography.entries if r.key == "oran2001")
    # Sorted as Turkish, under the surname (after the flag that files an entry without one last).
    assert first.order[:2] == (False, sort_key("Oran", "tr"))
    assert sort_key("Oran", "tr") != sort_key("Oran", "en")
    assert {r.lang for r in model.bibliography.entries} == {"tr"}
    english = letters_project(tmp_path / "en", SETTINGS, silent)
    assert load(Project(english), None, Timings(), None).articles[0].lang == "und"
    given = letters_project(tmp_path / "given", SETTINGS + '[project]\ntext_language = "tr"\n')
    assert load(Project(given), None, Timings(), None).articles[0].lang == "en"  # the TEI's own wins


# --- [print] ---------------------------------------------------------------------------------------

def pdf_facts(pdf: Path) -> tuple[str, set[str]]:
    """The PDF's page size (pdfinfo) and the families of its embedded fonts (pdffonts, subset tags cut)."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    size = re.search(r"^Page size:\s+(.+)$", info, re.MULTILINE).group(1)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    names = {line.split()[0].partition("+")[2] for line in fonts.splitlines()[2:]}
    return size, names


def test_the_page_size_and_the_fonts_come_from_edition_toml(tmp_path: Path) -> None:
    default = letters_project(tmp_path / "default")
    assert edition("build", "--pdf", cwd=default).returncode == 0
    size, fonts = pdf_facts(default / "public" / "edition.pdf")
    assert size.startswith("453.543 x 680.315 pts")  # 160 × 240 mm, the theme's page
    assert {"Libertine", "Biolinum"} <= fonts  # the text in Libertine, the editors' words in Biolinum
    settings = SETTINGS + '[print]\npage_size = "A4"\nbody_fonts = ["Biolinum"]\n'
    root = letters_project(tmp_path / "set", settings)
    done = edition("build", "--pdf", cwd=root)
    assert done.returncode == 0, done.stderr
    size, fonts = pdf_facts(root / "public" / "edition.pdf")
    assert size == "595.276 x 841.89 pts (A4)"
    assert "Biolinum" in fonts and not any(name.startswith("Libertine") for name in fonts), fonts


def test_print_settings_the_stylesheet_cannot_hold_are_refused(tmp_path: Path) -> None:
    root = letters_project(tmp_path, SETTINGS + '[print]\npage_size = "A5; } body { display: none"\n')
    done = edition("build", cwd=root)
    assert done.returncode == 1 and done.stderr.splitlines() == [
        "edition.toml:6:1: error: [print] page_size = 'A5; } body { display: none': not a page size (one of "
        "A5, A4, A3, B5, B4, JIS-B5, JIS-B4, letter, legal, ledger, or a width and a height such as "
        "\"156mm 234mm\")"]
    (root / "edition.toml").write_text(SETTINGS + '[print]\nbody_fonts = ["X\\"; }"]\n', encoding="utf-8")
    done = edition("build", cwd=root)
    assert done.stderr.splitlines() == ["edition.toml:6:1: error: [print] body_fonts: 'X\"; }' is not a font "
                                        "family name (no quotes, backslashes, ;, {, }, < or >)"]
    (root / "edition.toml").write_text(SETTINGS + '[print]\neditors_notes = "margin"\n', encoding="utf-8")
    done = edition("build", cwd=root)
    assert done.stderr.splitlines() == ["edition.toml:6:1: error: [print] editors_notes = 'margin': one of "
                                        "page-foot, after-article"]


# --- [files] registers and [indexes] ---------------------------------------------------------------

BUNDLED_REGISTERS = ROOT / "tei" / "registers.xml"
NAMED = LETTER.replace("<persName>Ahmed Rıza</persName>",
                       '<persName ref="#per-enver-pasa">Enver Paşa</persName>')


def unresolved_links(site: Path) -> list[str]:
    """Every link or resource of the site's pages (href, src) that names a page or an id the site
    lacks."""
    from urllib.parse import urlparse

    from lxml import html as lxml_html

    ids: dict[str, set[str]] = {}
    pages = {page.relative_to(site).as_posix(): lxml_html.parse(str(page)) for page in site.rglob("*.html")}
    for name, tree in pages.items():
        ids[name] = {element.get("id") for element in tree.iter() if isinstance(element.tag, str)
                     and element.get("id")}
    missing = []
    for name, tree in pages.items():
        for element in tree.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute) if isinstance(element.tag, str) else None
                if not value or urlparse(value).scheme:
                    continue
                file, _, fragment = value.partition("#")
                target = (Path(name).parent / file).as_posix() if file else name
                if not (site / target).is_file() or (fragment and fragment not in ids.get(target, ())):
                    missing.append(f"{name}: {value}")
    return missing


def test_without_registers_no_register_page_index_or_link(tmp_path: Path) -> None:
    """A name pointing to a register the project does not have stays text: every link resolves."""
    root = letters_project(tmp_path, letter=NAMED)
    assert "[pointer-resolves]" in edition("validate", cwd=root).stdout  # #per-enver-pasa: nowhere
    done = edition("build", cwd=root)
    assert done.returncode == 0, done.stderr
    assert "a link points to" not in done.stderr
    site = root / "public" / "html"
    assert sorted(page.name for page in site.glob("*.html")) == [  # no witness, no primary source:
        "bibliography.html", "index.html", "letter.html", "search.html"]  # no sources page either
    assert unresolved_links(site) == []
    assert 'class="persName"' in (site / "letter.html").read_text(encoding="utf-8")  # the name, as text
    assert "Enver Paşa" in (site / "letter.html").read_text(encoding="utf-8")
    pdf = subprocess.run(["pdftotext", str(root / "public" / "edition.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    assert "Index of Persons" not in pdf


def test_a_registers_file_makes_the_register_pages_and_the_indexes_it_prints(tmp_path: Path) -> None:
    settings = SETTINGS.replace('output = "public"', 'output = "public"\nregisters = "texts/registers.xml"')
    root = letters_project(tmp_path / "registers", settings, NAMED)
    (root / "texts" / "registers.xml").write_bytes(BUNDLED_REGISTERS.read_bytes())
    done = edition("validate", cwd=root)
    assert "pointer-resolves" not in done.stdout, done.stdout  # validation reads the registers file too
    done = edition("build", cwd=root)
    assert done.returncode == 0, done.stderr
    site = root / "public" / "html"
    assert {"persons.html", "places.html"} <= {page.name for page in site.glob("*.html")}
    assert 'href="persons.html#per-enver-pasa"' in (site / "letter.html").read_text(encoding="utf-8")
    assert unresolved_links(site) == []
    pdf = subprocess.run(["pdftotext", str(root / "public" / "edition.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    assert "Index of Persons" in pdf and "Index of Places" in pdf and "Index of Organisations" not in pdf
    (root / "edition.toml").write_text(settings + '[indexes]\nprint = ["org"]\n', encoding="utf-8")
    assert edition("build", "--pdf", cwd=root).returncode == 0
    pdf = subprocess.run(["pdftotext", str(root / "public" / "edition.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    assert "Index of Organisations" in pdf and "Index of Persons" not in pdf


def test_honorifics_are_not_sorted_on(tmp_path: Path) -> None:
    from edition.i18n.collation import sort_key
    from edition.pipeline import Timings, load

    settings = SETTINGS.replace('output = "public"', 'output = "public"\nregisters = "texts/registers.xml"')
    for name, indexes, key in (("with", '[indexes]\nhonorifics = ["Paşa"]\n', "Enver Paşa"),
                               ("without", "", "Paşa, Enver")):
        root = letters_project(tmp_path / name, settings + indexes, NAMED)
        (root / "texts" / "registers.xml").write_bytes(BUNDLED_REGISTERS.read_bytes())
        model = load(Project(root), None, Timings(), None)
        assert model.registers["per-enver-pasa"].order == sort_key(key, "tr"), name


def test_an_unknown_register_kind_is_refused(tmp_path: Path) -> None:
    root = letters_project(tmp_path, SETTINGS + "[indexes]\nprint = [\"persons\"]\n")
    done = edition("build", cwd=root)
    assert done.stderr.splitlines() == [
        "edition.toml:6:1: error: [indexes] print: no register kind 'persons' (kinds: person, place, org, "
        "event)"]


# --- [validation] schema ---------------------------------------------------------------------------

def test_edition_schema_writes_the_profile_that_validate_then_reads(tmp_path: Path) -> None:
    root = letters_project(tmp_path)
    done = edition("schema", cwd=root)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert re.fullmatch(r"wrote schema/edition\.rng \(\d+ elements kept\)", lines[0])
    assert lines[1:] == ["to validate against it, add to edition.toml, under [validation]:",
                         'schema = "schema/edition.rng"']
    assert (root / "schema" / "edition.rng").is_file()
    # phr: TEI (the analysis module), but neither in the letter nor among the elements kept in reserve
    phrase = LETTER.replace("</body>", "<p><phr>A phrase.</phr></p></body>")
    (root / "texts" / "letter.xml").write_text(phrase, encoding="utf-8")
    assert edition("validate", cwd=root).returncode == 0  # valid TEI: tei_all is in force
    (root / "edition.toml").write_text(SETTINGS + '[validation]\nschema = "schema/edition.rng"\n',
                                       encoding="utf-8")
    done = edition("validate", cwd=root)
    assert done.returncode == 1
    assert ("texts/letter.xml:15:1: error: <phr> is TEI but not in the schema in force (schema/edition.rng) "
            "[tei-schema]") in done.stdout.splitlines()
    done = edition("schema", cwd=root)
    assert done.stderr.splitlines()[1:] == [
        "edition.toml names it already: `edition validate` holds the texts to it"]
    assert edition("validate", cwd=root).returncode == 0  # the profile now has phr


def test_edition_schema_writes_only_inside_the_project(tmp_path: Path) -> None:
    root = letters_project(tmp_path / "project")
    done = edition("schema", "-o", str(tmp_path / "elsewhere.rng"), cwd=root)
    assert done.returncode == 2 and not (tmp_path / "elsewhere.rng").exists()
    assert done.stderr.splitlines() == [f"{tmp_path / 'elsewhere.rng'}: error: the schema must be written "
                                        f"inside the project ({root}), where edition.toml can name it"]


# --- the README ------------------------------------------------------------------------------------

def test_the_readme_lists_every_key_as_keys_says() -> None:
    """The README's table is KEYS (`python -m edition.config README.md` makes it anew), and KEYS is
    what the settings' dataclasses hold."""
    from dataclasses import fields

    from edition.config import KEYS, README_END, README_START, SECTIONS, keys_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index(README_START) + len(README_START):readme.index(README_END)].strip()
    assert table == keys_table()
    assert {(key.section, key.name) for key in KEYS} == {
        (section, item.name) for section, kind in SECTIONS.items() for item in fields(kind)}
