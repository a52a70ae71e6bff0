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
