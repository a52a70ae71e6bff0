"""The package installed from a wheel, outside the repository: the theme, fonts, hyphenation
patterns, CSL styles, schemas, message catalogues and the scaffold of `edition new` all come from
the installed package, and issue 18's "Done when" holds there.

The wheel is built once per session from a copy of the package's own files (pyproject.toml,
README.md, edition/), so that a file the build needs but pyproject.toml does not declare is missing
here as it would be for a user. It is installed into a fresh virtual environment without its
dependencies, which are reached through a .pth file naming this environment's site-packages: no
network, and nothing of the repository on the path."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from lxml import etree

from .conftest import ROOT

TITLE = "Letters from the Front"
PACKAGE_FILES = ("pyproject.toml", "README.md", "edition")


@dataclass(frozen=True)
class WheelEnv:
    wheel: Path
    venv: Path
    env: dict[str, str]

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def edition(self, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(self.venv / "bin" / "edition"), *args], cwd=cwd, env=self.env,
                              capture_output=True, text=True, timeout=120)


def run(*command: str | Path, **kwargs) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=120, **kwargs)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="session")
def wheel_env(tmp_path_factory: pytest.TempPathFactory) -> WheelEnv:
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    source.mkdir()
    for name in PACKAGE_FILES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / name, source / name)
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", base / "dist", source)
    wheel = next((base / "dist").glob("edition-*.whl"))
    venv = base / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    # Installed before the dependencies are reachable: pip must not see (or touch) the editable install.
    run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--quiet", "--no-deps",
        "--no-index", wheel)
    purelib = run(venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    Path(purelib.stdout.strip(), "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n",
                                                                  encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return WheelEnv(wheel, venv, env)


def package_files() -> set[str]:
    return {p.relative_to(ROOT).as_posix() for p in (ROOT / "edition").rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


def test_the_wheel_holds_every_file_of_the_package(wheel_env: WheelEnv) -> None:
    shipped = set(zipfile.ZipFile(wheel_env.wheel).namelist())
    assert package_files() - shipped == set()


# Every kind of data file a build or a command reads, found as the running code finds it.
DATA_PROBE = """
import edition, edition.i18n as i18n, edition.processing.rules as rules, edition.scaffold as scaffold
from pathlib import Path
from edition.project import Project, SCHEMAS, THEME
project = Project(Path.cwd())
print(edition.__file__)
for name in ("templates/site/index.html.j2", "css/print.css", "js/search.js", "fonts/LinLibertine_R.otf",
             "hyphenation/hyph_tr_TR.dic", "csl/isnad-dipnotlu.csl"):
    print(project.theme_file(name))
print(SCHEMAS / "tei_all.rng")
print(i18n.catalogue_path("en")); print(i18n.catalogue_path("tr"))
print(rules.DEFAULT_TABLE)
print(scaffold.FILES / "tei" / "volume.xml")
print(*i18n.available_languages())
"""


def test_the_installed_package_reads_its_own_data(wheel_env: WheelEnv, tmp_path: Path) -> None:
    site = run(wheel_env.python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
               env=wheel_env.env).stdout.strip()
    lines = run(wheel_env.python, "-c", DATA_PROBE, cwd=tmp_path, env=wheel_env.env).stdout.splitlines()
    *paths, languages = lines
    assert languages.split() == ["en", "tr"]
    for path in map(Path, paths):
        assert path.is_relative_to(Path(site) / "edition"), path
        assert path.is_file(), path


@pytest.fixture(scope="session")
def letters(wheel_env: WheelEnv, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The "Done when" of issue 18: `edition new`, then `edition validate` and `edition build` in the
    project, with the installed package, far from the repository."""
    root = tmp_path_factory.mktemp("installed") / "letters"
    made = wheel_env.edition("new", str(root), "--title", TITLE, "--language", "en", cwd=root.parent)
    assert made.returncode == 0, made.stderr
    checked = wheel_env.edition("validate", cwd=root)
    assert (checked.returncode, checked.stdout.strip(), checked.stderr) == (0, "0 errors, 0 warnings", "")
    built = wheel_env.edition("build", "--quiet", cwd=root)
    assert (built.returncode, built.stderr) == (0, "")
    return root


def pdf_text(root: Path) -> str:
    return run("pdftotext", "-enc", "UTF-8", root / "output" / "edition.pdf", "-").stdout


def site_pages(root: Path) -> dict[str, str]:
    """The text of every page of the site, whitespace collapsed."""
    pages = {}
    for page in sorted((root / "output" / "html").glob("*.html")):
        tree = etree.parse(str(page), etree.HTMLParser())
        pages[page.name] = " ".join("".join(tree.getroot().itertext()).split())
    return pages


def test_a_new_project_validates_and_builds_from_the_wheel(letters: Path) -> None:
    text = pdf_text(letters)
    assert text.startswith(TITLE)
    fonts = run("pdffonts", letters / "output" / "edition.pdf").stdout
    assert "Libertine" in fonts  # the theme's fonts, from the installed package
    pages = site_pages(letters)
    assert {"index.html", "sample.html", "bibliography.html", "persons.html", "search.html"} <= set(pages)
    for name, page in pages.items():
        assert TITLE in page, name
    assets = letters / "output" / "html" / "assets"
    assert (assets / "fonts").is_dir() and any((assets / "css").glob("*.css"))
    for path in (letters / "output" / "html").rglob("*"):
        if path.suffix in {".html", ".js", ".css"}:
            assert str(ROOT) not in path.read_text(encoding="utf-8"), path  # nothing from the repository


def turkish_phrases() -> list[str]:
    """Every piece of every Turkish msgstr (the text between its placeholders and markup) that is not
    the same words in its English msgid ("Site" is both): "İçindekiler", "s.", "Not", "Ara"…"""
    with (ROOT / "edition" / "i18n" / "locale" / "tr" / "LC_MESSAGES" / "edition.po").open("rb") as po:
        catalogue = read_po(po, locale="tr")
    phrases = set()
    for message in catalogue:
        if not message.id or not message.string:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        english = message.id if isinstance(message.id, str) else " ".join(message.id)
        for string in strings:
            for piece in re.split(r"%\(\w+\)s|%s|%d|\{\w+\}|<[^>]*>|\n", string):
                piece = piece.strip(" :;,()“”").lstrip(". ")
                if piece and not contains(english, piece):
                    phrases.add(piece)
    return sorted(phrases)


def contains(text: str, phrase: str) -> bool:
    """Whether ``phrase`` is in ``text`` as whole words ("Not" is not in "Note")."""
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


def output_texts(root: Path) -> dict[str, str]:
    """What a reader of the build sees or a browser loads: the PDF's text and metadata, and every
    page, script, stylesheet and the search index of the site, as written (entities resolved)."""
    pdf = root / "output" / "edition.pdf"
    texts = {"edition.pdf": " ".join(pdf_text(root).split()),
             "edition.pdf (info)": run("pdfinfo", pdf).stdout}
    site = root / "output" / "html"
    for path in sorted(site.rglob("*")):
        if path.suffix in {".html", ".js", ".css", ".json"}:
            texts[path.relative_to(site).as_posix()] = html.unescape(path.read_text(encoding="utf-8"))
    return texts


def source_text(root: Path) -> str:
    """The words of the project's own files (the sample text, its registers and bibliography): what
    they say is printed, whatever language it is in."""
    words = [" ".join(etree.parse(str(path)).getroot().itertext()) for path in root.glob("tei/*.xml")]
    words += [path.read_text(encoding="utf-8") for path in root.glob("bibliography/*.bib")]
    return " ".join(" ".join(words).split())


def test_an_english_project_has_no_turkish_left(letters: Path) -> None:
    phrases = turkish_phrases()
    assert {"İçindekiler", "Kaynakça", "s.", "Not", "Ara"} <= set(phrases)
    sample = source_text(letters)
    assert not re.search(r"[şğıİŞĞ]", sample)
    phrases = [p for p in phrases if not contains(sample, p)]
    texts = output_texts(letters)
    assert {"edition.pdf", "index.html", "sample.html", "assets/js/search.js", "assets/search-index.js",
            "assets/css/screen.css"} <= set(texts)
    left = {name: [p for p in phrases if contains(text, p)] for name, text in texts.items()}
    assert {name: found for name, found in left.items() if found} == {}
    turkish_letters = {name: sorted(set(re.findall(r"[şğıİŞĞ]", text))) for name, text in texts.items()}
    assert {name: found for name, found in turkish_letters.items() if found} == {}
