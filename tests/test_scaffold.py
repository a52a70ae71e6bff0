"""`edition new`: a project that validates and builds at once, and `--project DIR` from anywhere."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from lxml import etree

from edition.config import KEYS, SECTIONS, load_config
from edition.project import THEME
from edition.scaffold import create_project

TITLE = "Letters from the Front"
# The sample's quotation, word for word as the TEI Guidelines 4.3.0 print it ("About These
# Guidelines", P5/Source/Guidelines/en/AB-About.xml at the tag P5_Release_4.3.0 of TEIC/TEI).
QUOTATION = ("These Guidelines apply to texts in any natural language, of any date, in any literary genre "
             "or text type, without restriction on form or content.")
TEI = "{http://www.tei-c.org/ns/1.0}"


def edition(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "edition.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def page_text(html: Path) -> str:
    """A page's text, whitespace collapsed (the TEI's line breaks are not the text's)."""
    tree = etree.parse(str(html), etree.HTMLParser())
    return " ".join("".join(tree.getroot().itertext()).split())


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project made with `edition new`, validated and built, as the README says."""
    root = tmp_path_factory.mktemp("new") / "letters"
    made = edition("new", str(root), "--title", TITLE, "--language", "en", cwd=root.parent)
    assert made.returncode == 0, made.stderr
    return root


def test_a_new_project_validates_and_builds_at_once(letters: Path) -> None:
    assert sorted(p.relative_to(letters).as_posix() for p in letters.rglob("*") if p.is_file()) == [
        "bibliography/references.bib", "edition.toml", "tei/volume.xml"]
    checked = edition("validate", cwd=letters)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.strip() == "0 errors, 0 warnings"
    bib = edition("bib", "check", cwd=letters)
    assert bib.returncode == 0 and "0 errors, 0 warnings" in bib.stdout, bib.stdout
    built = edition("build", "--quiet", cwd=letters / "tei")  # from a folder below the root
    assert built.returncode == 0 and built.stderr == "", built.stderr
    output = letters / "output"
    pdf = subprocess.run(["pdftotext", str(output / "edition.pdf"), "-"], capture_output=True, text=True,
                         check=True).stdout
    assert pdf.startswith(TITLE)
    index = (output / "html" / "index.html").read_text(encoding="utf-8")
    assert f"<title>{TITLE}</title>" in index and '<html lang="en">' in index


def test_the_sample_quotes_cites_and_names(letters: Path) -> None:
    """The sample text's quotation is whole, its citation links to the bibliography's entry and its
    names to the register of persons."""
    if not (letters / "output" / "html").is_dir():
        assert edition("build", "--html", "--quiet", cwd=letters).returncode == 0
    site = letters / "output" / "html"
    sample = (site / "sample.html").read_text(encoding="utf-8")
    assert QUOTATION in page_text(site / "sample.html")
    assert 'href="bibliography.html#bib-tei-p5"' in sample
    for person in ("per-burnard", "per-sperberg-mcqueen"):
        assert f'href="persons.html#{person}"' in sample
    entry = page_text(site / "bibliography.html")
    assert "TEI P5: Guidelines for Electronic Text Encoding and Interchange" in entry
    assert "Lou Burnard" in page_text(site / "persons.html")


def test_the_settings_and_volume_hold_any_title(tmp_path: Path) -> None:
    """A title with characters TOML and XML escape arrives intact in both."""
    title = 'Fish & "Chips" <1>, \\ ünï'
    made = create_project(tmp_path / "odd", title, "en")
    settings = tomllib.loads((made.root / "edition.toml").read_text(encoding="utf-8"))
    assert settings["project"]["title"] == title
    assert settings["project"]["text_language"] == "en"
    volume = etree.parse(str(made.root / "tei" / "volume.xml"))
    assert volume.findtext(f"{TEI}teiHeader//{TEI}title[@type='main']") == title


@pytest.mark.parametrize(("language", "interface", "fallback"),
                         [("en", "en", False), ("tr", "tr", False), ("en-GB", "en", False),
                          ("de-AT", "en", True), ("TR", "tr", False), ("zh-hant-tw", "en", True)])
def test_the_interface_follows_the_text_language_where_there_is_a_catalogue(
        tmp_path: Path, language: str, interface: str, fallback: bool) -> None:
    made = create_project(tmp_path / "p", None, language)
    tag = {"TR": "tr", "zh-hant-tw": "zh-Hant-TW"}.get(language, language)  # in BCP 47's case
    settings = tomllib.loads((made.root / "edition.toml").read_text(encoding="utf-8"))
    assert settings["project"] == {"title": "p", "text_language": tag, "interface_language": interface}
    assert (made.interface_language, made.interface_fallback) == (interface, fallback)
    volume = etree.parse(str(made.root / "tei" / "volume.xml")).getroot()
    assert volume.get("{http://www.w3.org/XML/1998/namespace}lang") == tag


def test_a_language_without_catalogue_is_said(tmp_path: Path) -> None:
    done = edition("new", "p", "--language", "de", cwd=tmp_path)
    assert done.returncode == 0
    assert "no interface catalogue for 'de'" in done.stderr and "English" in done.stderr


@pytest.mark.parametrize(("folder", "cwd"), [("empty", "."), (".", "empty")])
def test_an_empty_folder_becomes_the_project(tmp_path: Path, folder: str, cwd: str) -> None:
    """An empty folder is filled in place (`edition new .` leaves the shell in the same folder)."""
    empty = tmp_path / "empty"
    empty.mkdir()
    inode = empty.stat().st_ino
    assert edition("new", folder, cwd=tmp_path / cwd).returncode == 0
    assert (empty / "edition.toml").is_file() and empty.stat().st_ino == inode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]  # no staging folder left
    assert sorted(p.name for p in empty.iterdir()) == ["bibliography", "edition.toml", "tei"]
    assert tomllib.loads((empty / "edition.toml").read_text(encoding="utf-8"))["project"]["title"] == "empty"


@pytest.mark.parametrize(("args", "status", "message"), [
    (["new", "taken"], 1, "taken: error: the folder exists and is not empty"),
    (["new", "a-file"], 1, "a-file: error: this is a file; name a new folder"),
    (["new", "p", "--language", "en GB"], 2, "error: --language 'en GB' is not a language code"),
    (["new", "p", "--title", " "], 2, "error: the title is empty"),
    (["new", "p", "--title", "two\nlines"], 2, "error: the title holds a control character"),
    (["--project", "taken", "new", "p"], 2, "error: edition new makes a project"),
])
def test_new_refuses_in_one_line_and_writes_nothing(tmp_path: Path, args: list[str], status: int,
                                                     message: str) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "a-file").write_text("mine", encoding="utf-8")
    done = edition(*args, cwd=tmp_path)
    assert done.returncode == status
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith(message), done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "taken"]
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["notes.txt"]


def test_project_option_works_from_anywhere(letters: Path, tmp_path: Path) -> None:
    """--project names the project; the command's own paths stay relative to the working directory."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    checked = edition("--project", str(letters), "validate", cwd=elsewhere)
    assert checked.returncode == 0 and checked.stdout.strip() == "0 errors, 0 warnings"
    below = edition("--project", str(letters / "bibliography"), "bib", "check", cwd=elsewhere)
    assert below.returncode == 0, below.stdout
    exported = edition("--project", str(letters), "bib", "export", "--format", "csljson", cwd=elsewhere)
    assert exported.returncode == 0 and '"tei-p5"' in exported.stdout
    built = edition("--project", str(letters), "build", "--html", "--out", "site", "--quiet", cwd=elsewhere)
    assert built.returncode == 0, built.stderr
    assert (elsewhere / "site" / "html" / "sample.html").is_file()


@pytest.mark.parametrize(("folder", "message"), [
    ("missing", r"missing: error: --project: no such folder; name the project's folder"),
    ("plain", r"error: no edition project in .*plain \(edition\.toml, or tei/volume\.xml and styles/, in "
              r"this folder or above; `edition new DIR` starts one\); name the TEI files to check: .*"),
])
def test_project_option_refuses_what_is_no_project(tmp_path: Path, folder: str, message: str) -> None:
    (tmp_path / "plain").mkdir()
    done = edition("--project", folder, "validate", cwd=tmp_path)
    assert done.returncode == 2
    assert re.fullmatch(message, done.stderr.strip()), done.stderr


def test_a_stylesheet_in_styles_replaces_the_themes(tmp_path: Path) -> None:
    """The README's walk-through: the package's screen.css copied into styles/css/ and changed is the
    one the site gets; the theme's other files still come from the package."""
    root = create_project(tmp_path / "letters", TITLE, "en").root
    listed = edition("theme", cwd=root)
    assert listed.returncode == 0 and {"css/screen.css", "templates/site/base.html.j2"} <= set(
        listed.stdout.split())
    copied = edition("theme", "css/screen.css", cwd=root)
    assert copied.returncode == 0 and copied.stderr.strip() == "wrote styles/css/screen.css"
    theme_css = (root / "styles" / "css" / "screen.css").read_text(encoding="utf-8")
    assert theme_css == (THEME / "css" / "screen.css").read_text(encoding="utf-8")
    assert "--link: #1d4f91" in theme_css
    own_css = theme_css.replace("--link: #1d4f91", "--link: #8b1a1a")
    (root / "styles" / "css" / "screen.css").write_text(own_css, encoding="utf-8")
    again = edition("theme", "css/screen.css", cwd=root)  # never over the user's file
    assert again.returncode == 2 and "exists already" in again.stderr
    assert (root / "styles" / "css" / "screen.css").read_text(encoding="utf-8") == own_css
    built = edition("build", "--html", "--quiet", cwd=root)
    assert built.returncode == 0, built.stderr
    assets = root / "output" / "html" / "assets"
    assert (assets / "css" / "screen.css").read_text(encoding="utf-8") == own_css
    assert (assets / "css" / "common.css").read_bytes() == (THEME / "css" / "common.css").read_bytes()


def test_help_names_new_and_project(tmp_path: Path) -> None:
    general = edition("--help", cwd=tmp_path)
    assert general.returncode == 0 and "--project DIR" in general.stdout and "new" in general.stdout
    new = edition("new", "--help", cwd=tmp_path)
    assert new.returncode == 0 and "--title" in new.stdout and "--language CODE" in new.stdout


# A line of the scaffold's edition.toml that is a section or a key commented out: "# [print]",
# "# page_size = ..." (prose comments have no "name =" at their start).
COMMENTED = re.compile(r"^#\s?(\[\w+\]|\w+\s*=\s*\S.*)$")


def theme_defaults() -> dict[tuple[str, str], object]:
    """What the theme's stylesheets decide where edition.toml's [print] says nothing."""
    page = (THEME / "css" / "page.css").read_text(encoding="utf-8")
    common = (THEME / "css" / "common.css").read_text(encoding="utf-8")

    def fallback(prop: str) -> tuple[str, ...]:
        families = re.search(rf"var\({prop}, ([^)]*)\)", common)
        assert families, prop
        return tuple(re.findall(r'"([^"]+)"', families.group(1)))

    size = re.search(r"@page\s*\{[^}]*\bsize:\s*([^;]+);", page)
    assert size
    return {("print", "page_size"): size.group(1).strip(), ("print", "body_fonts"): fallback("--body-fonts"),
            ("print", "heading_fonts"): fallback("--heading-fonts")}


def commented_keys(lines: list[str]) -> set[tuple[str, str]]:
    """The (section, key) of each key commented out, whether its section is or not."""
    keys, section = set(), ""
    for line in lines:
        text = match.group(1) if (match := COMMENTED.match(line)) else line
        if header := re.match(r"\[(\w+)\]", text):
            section = header.group(1)
        elif match:
            keys.add((section, text.split("=")[0].strip()))
    return keys


def test_every_key_the_scaffold_mentions_exists_with_a_valid_value(tmp_path: Path) -> None:
    """Each key of the new project's edition.toml, commented out or not, is in KEYS and, once
    uncommented, is read without complaint; a commented key shows the default in force (the
    settings' own, or the theme's stylesheet's), unless its default is no value (registers, schema)."""
    root = create_project(tmp_path / "p", TITLE, "en").root
    settings = root / "edition.toml"
    lines = settings.read_text(encoding="utf-8").splitlines()
    settings.write_text("\n".join(m.group(1) if (m := COMMENTED.match(line)) else line for line in lines),
                        encoding="utf-8")
    data = tomllib.loads(settings.read_text(encoding="utf-8"))
    known = {(key.section, key.name): key for key in KEYS}
    assert {(section, name) for section, table in data.items() for name in table} <= set(known)
    commented = commented_keys(lines)
    assert {("print", "page_size"), ("indexes", "print"), ("files", "registers")} <= commented
    for section, name in commented:
        if known[(section, name)].kind in (Path, list[Path]):
            (root / data[section][name]).parent.mkdir(parents=True, exist_ok=True)
            (root / data[section][name]).touch()  # a file of the user's: here only its name is checked
    config = load_config(settings)
    theme = theme_defaults()
    for section, name in commented:
        default = getattr(SECTIONS[section](), name)
        shown = getattr(getattr(config, section), name)
        if default is not None:
            assert shown == default, (section, name)
        elif (section, name) in theme:
            assert shown == theme[(section, name)], (section, name)


def test_the_sources_page_is_made_only_when_there_are_sources(tmp_path: Path) -> None:
    """A project whose texts name no witness and cite no primary source has no sources page, and no
    page links to one (the sample has none); a text with a witness brings the page, listing it."""
    root = create_project(tmp_path / "letters", TITLE, "en").root
    assert edition("build", "--html", "--quiet", cwd=root).returncode == 0
    site = root / "output" / "html"
    assert not (site / "sources.html").exists()
    for page in site.glob("*.html"):
        assert "sources.html" not in page.read_text(encoding="utf-8"), page.name
    assert "Primary sources are also listed" not in page_text(site / "bibliography.html")
    volume = root / "tei" / "volume.xml"
    text = volume.read_text(encoding="utf-8")
    described = re.sub(r"<p>Written for <code>edition new</code>.*?</p>",
                       '<bibl type="witness">The TEI Guidelines, version 4.3.0</bibl>', text, flags=re.DOTALL)
    assert described != text
    volume.write_text(described, encoding="utf-8")
    assert edition("build", "--html", "--quiet", cwd=root).returncode == 0
    sources = page_text(site / "sources.html")
    assert "Witness: The TEI Guidelines, version 4.3.0" in sources
    assert "Archival Documents and Primary Sources" not in sources  # the bibliography has none
    assert 'href="sources.html"' in (site / "index.html").read_text(encoding="utf-8")


def test_a_footnote_runs_on_across_the_line_ends_of_the_tei_file(tmp_path: Path) -> None:
    """The line ends of the TEI file are spaces in the book's footnotes as in its paragraphs
    (WeasyPrint 70 broke a footnote's line at each of them). Unit-test words, one to a line."""
    root = create_project(tmp_path / "letters", TITLE, "en").root
    volume = root / "tei" / "volume.xml"
    text = volume.read_text(encoding="utf-8")
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
    note = "\n      ".join(words)
    noted = re.sub(r"(<note\s+place=\"foot\" n=\"1\">).*?(</note>)", rf"\g<1>{note}\g<2>", text,
                   flags=re.DOTALL)
    assert noted != text
    volume.write_text(noted, encoding="utf-8")
    assert edition("build", "--pdf", "--quiet", cwd=root).returncode == 0
    pdf = subprocess.run(["pdftotext", str(root / "output" / "edition.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    assert "1 " + " ".join(words) in pdf.splitlines()


def test_a_mistyped_citation_key_is_found_by_validate(tmp_path: Path) -> None:
    """A project without a profile is still told of a bib: key its .bib lacks (the citation would be
    printed without its link), as a warning with the line."""
    root = create_project(tmp_path / "letters", TITLE, "en").root
    volume = root / "tei" / "volume.xml"
    mistyped = volume.read_text(encoding="utf-8").replace("bib:tei-p5", "bib:tei-p6")
    volume.write_text(mistyped, encoding="utf-8")
    checked = edition("validate", cwd=root)
    lines = checked.stdout.strip().splitlines()
    assert checked.returncode == 0 and lines[-1] == "0 errors, 1 warning", checked.stdout
    assert re.fullmatch(r"tei/volume\.xml:\d+:1: warning: ptr target 'bib:tei-p6' has no entry in "
                        r"bibliography/references\.bib; add it or fix the key \[pointer-bib\]", lines[0])
