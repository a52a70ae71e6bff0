"""A project's settings: ``edition.toml`` at the project root, read with ``tomllib``.

Every setting has a default, so a project needs no file at all; a file holds only what differs.
``KEYS`` is the one table of what a file may say: a section, a key, the type of its value and one
sentence. A key or section not in the table, or a value of the wrong type, is refused with one line
naming the key and, where it can be found, its line. Paths are relative to the file's folder and
must stay inside it (the project).

    [validation]
    profile = "article-volume"          # a named set of conventions on top of TEI
    schema = "schema/my-odd.rng"        # a RELAX NG schema used instead of tei_all
    schematron = "schema/my-rules.sch"  # ISO Schematron checked as well

    [project]
    interface_language = "tr"           # the language of headings, labels and phrases (default "en")
    [[processing.rule]]                 # a row of the processing model, tried before the package's
    element = "l"                       # (edition/processing/rules.py says what a row may hold)
    predicate = "@rend='indent'"
    behaviour = "verse.line"
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from edition.errors import EditionError, Location

CONFIG_NAME = "edition.toml"
THEME_CSL = Path(__file__).resolve().parent / "theme" / "csl"  # the CSL styles the package ships


@dataclass(frozen=True)
class Key:
    """One setting a file may hold: ``[section] name = value``."""

    section: str
    name: str
    kind: Any  # str, int, Path (a file inside the project), Folder, list[str], list[Path], Tables
    default: str  # the default as the README states it
    sentence: str


class Folder(Path):
    """A key's kind: a folder named relative to edition.toml, inside the project (it may not exist yet)."""


class Tables(list):
    """A key's kind: an array of tables (``[[section.name]]``)."""


KEYS: tuple[Key, ...] = (
    Key("project", "title", str, "the TEI header's main title",
        "The edition's title, on the title page, the running heads and every page of the site."),
    Key("project", "subtitle", str, "the TEI header's subtitle", "The subtitle, under the title."),
    Key("project", "editors", list[str], "the TEI header's editors",
        "The editors' names, as they are to be printed, on the title page and the site's front page."),
    Key("project", "publisher", str, "the TEI header's publisher",
        "The publisher, on the title page and the site's pages."),
    Key("project", "place", str, "the TEI header's pubPlace",
        "The place of publication, before the publisher."),
    Key("project", "year", int, "the TEI header's publication date", "The year of publication, after it."),
    Key("project", "licence", str, "the TEI header's licence",
        "The licence the edition is published under, on the imprint page and the site."),
    Key("project", "text_language", str, "the volume's xml:lang, else en",
        "The language of the texts where the TEI gives no xml:lang (a BCP 47 code): their hyphenation, "
        "the order of the registers and the bibliography, the search's records, the CSL locale."),
    Key("project", "interface_language", str, "en",
        "The language of the book's and the site's headings, labels and phrases: a code with a message "
        "catalogue in edition/i18n/locale/ (en, tr)."),
    Key("files", "volume", Path, "tei/volume.xml", "The TEI file built and validated by default."),
    Key("files", "bibliography", list[Path], "every .bib in bibliography/",
        "The BibTeX or BibLaTeX files the texts cite (`bib:` keys), merged into one bibliography."),
    Key("files", "registers", Path, "none",
        "A TEI file of registers (listPerson, listPlace, listOrg, …) the texts' @ref point into. Without "
        "one (and none included in the volume) there are no register pages, indexes or links to them."),
    Key("files", "output", Folder, "output", "Where `edition build` writes the PDF and the site."),
    Key("bibliography", "style", str, "chicago-fullnote-bibliography",
        "The CSL style: the name of one shipped in edition/theme/csl/ (without .csl), or a path to a "
        ".csl file in the project."),
    Key("print", "page_size", str, "the theme's (css/page.css: 160mm 240mm)",
        "The page size: a CSS page size (A5, A4, B5, letter, …, or a width and a height such as "
        "\"156mm 234mm\")."),
    Key("print", "body_fonts", list[str], "the theme's ([\"Libertine\", \"Noto Serif CJK\"])",
        "The font families of the text, in order of preference (the theme's css/fonts.css declares them)."),
    Key("print", "heading_fonts", list[str], "the theme's ([\"Biolinum\", \"Noto Serif CJK\"])",
        "The font families of what the editors add: their notes and remarks, the apparatus."),
    Key("print", "editors_notes", str, "page-foot",
        "Where the editors' notes are printed: \"page-foot\", a lettered series at the foot of the page of "
        "their call, in the editors' face, below the authors' notes; or \"after-article\", gathered "
        "after each article."),
    Key("indexes", "print", list[str], "[\"person\", \"place\"]",
        "Which registers are printed as indexes with page numbers, by kind (person, place, org, …)."),
    Key("indexes", "honorifics", list[str], "[]",
        "Titles that follow a name and are not sorted on (\"Paşa\", \"Bey\"): \"Enver Paşa\" sorts "
        "under Enver."),
    Key("validation", "profile", str, "none",
        "A named profile of conventions checked on top of TEI (`edition validate --help` lists them)."),
    Key("validation", "schema", Path, "tei_all",
        "A RELAX NG schema (or an ODD compiled to RELAX NG) that documents must be valid against, "
        "instead of tei_all (`edition schema` writes the profile of the project's volume into "
        "schema/edition.rng)."),
    Key("validation", "schematron", Path, "none",
        "An ISO Schematron file whose assertions documents must meet."),
    Key("processing", "rule", Tables, "none",
        "Rows of the processing model ([[processing.rule]]: element, predicate, behaviour, block, output, "
        "params), tried before the package's own (edition/processing/default.toml)."),
)


@dataclass(frozen=True)
class ProjectSettings:
    """``[project]``: what the project says about itself (None: the TEI header says it)."""

    title: str | None = None
    subtitle: str | None = None
    editors: tuple[str, ...] | None = None
    publisher: str | None = None
    place: str | None = None
    year: int | None = None
    licence: str | None = None
    text_language: str | None = None
    interface_language: str = "en"


@dataclass(frozen=True)
class Files:
    """``[files]``: where the project's inputs and outputs are (None: the default place)."""

    volume: Path | None = None
    bibliography: tuple[Path, ...] | None = None
    registers: Path | None = None
    output: Path | None = None


@dataclass(frozen=True)
class BibliographySettings:
    """``[bibliography]``: how citations and the bibliography are formatted."""

    style: str = "chicago-fullnote-bibliography"


@dataclass(frozen=True)
class PrintSettings:
    """``[print]``: the printed book's page and faces (None: the theme's stylesheets say)."""

    page_size: str | None = None
    body_fonts: tuple[str, ...] | None = None
    heading_fonts: tuple[str, ...] | None = None
    editors_notes: str = "page-foot"


@dataclass(frozen=True)
class Indexes:
    """``[indexes]``: which registers print as indexes, and how names sort."""

    print: tuple[str, ...] = ("person", "place")
    honorifics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Validation:
    """``[validation]``: what ``edition validate`` (and the build's validation) holds documents to."""

    profile: str | None = None
    schema: Path | None = None
    schematron: Path | None = None


@dataclass(frozen=True)
class Processing:
    """``[[processing.rule]]``: the project's rows of the processing model, as written (checked and
    compiled by ``edition.processing.rules``, which names the row of a faulty one)."""

    rule: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Config:
    """The settings in force, and where each came from (the file and the line of each key)."""

    path: Path | None = None  # the edition.toml read; None: every default
    project: ProjectSettings = field(default_factory=ProjectSettings)
    files: Files = field(default_factory=Files)
    bibliography: BibliographySettings = field(default_factory=BibliographySettings)
    print: PrintSettings = field(default_factory=PrintSettings)
    indexes: Indexes = field(default_factory=Indexes)
    validation: Validation = field(default_factory=Validation)
    processing: Processing = field(default_factory=Processing)
    lines: dict[tuple[str, str], int] = field(default_factory=dict, compare=False)
    arrays: dict[str, list[int]] = field(default_factory=dict, compare=False)  # [[name]] -> lines

    @property
    def root(self) -> Path | None:
        """The project folder: where edition.toml is."""
        return self.path.parent if self.path else None

    def location(self, section: str, name: str) -> Location | None:
        """Where a key was set, for messages about its value."""
        if self.path is None:
            return None
        return Location(self.path, self.lines.get((section, name), 0), 1)


SECTIONS: dict[str, type] = {"project": ProjectSettings, "files": Files, "bibliography": BibliographySettings,
                             "print": PrintSettings, "indexes": Indexes, "validation": Validation,
                             "processing": Processing}


def find_config(start: Path) -> Path | None:
    """The nearest edition.toml in ``start`` (a folder) or the folders above it."""
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        if folder == Path(folder.anchor):
            break  # never the file system's root: it would make / a project
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_config(path: Path | None) -> Config:
    """Read ``path`` (None: the defaults), refusing what ``KEYS`` does not allow."""
    if path is None:
        return Config()
    path = Path(path).resolve()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EditionError(f"cannot read the project settings: {exc}", Location(path), "config") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(path, exc) from exc
    lines = _key_lines(text)
    arrays = {f"{key.section}.{key.name}": table_array_lines(text, f"{key.section}.{key.name}")
              for key in KEYS if key.kind is Tables}
    config = Config(path=path, lines=lines, arrays=arrays)
    known = {(k.section, k.name): k for k in KEYS}
    for section, table in data.items():
        if section not in SECTIONS:
            raise EditionError(f"unknown section [{section}] (sections: "
                               f"{', '.join(f'[{s}]' for s in SECTIONS)})",
                               Location(path, lines.get((section, ""), 0), 1), "config")
        if not isinstance(table, dict):
            raise EditionError(f"'{section}' must be a section ([{section}]), not a value",
                               Location(path, lines.get(("", section), 0), 1), "config")
        values: dict[str, Any] = {}
        for name, value in table.items():
            key = known.get((section, name))
            where = Location(path, lines.get((section, name), 0), 1)
            if key is None:
                names = ", ".join(k.name for k in KEYS if k.section == section)
                raise EditionError(f"unknown key '{name}' in [{section}] (keys: {names})", where, "config")
            values[name] = _value(key, value, path.parent, where)
        config = replace(config, **{section: replace(getattr(config, section), **values)})
    _check_interface_language(config)
    _check_style(config)
    _check_print(config)
    _check_indexes(config)
    return config


def _check_indexes(config: Config) -> None:
    """[indexes] print: kinds of register the model knows."""
    from edition.tei.model import REGISTER_KINDS  # imported here: the model imports this module

    for kind in config.indexes.print:
        if kind not in REGISTER_KINDS:
            raise EditionError(f"[indexes] print: no register kind '{kind}' (kinds: "
                               f"{', '.join(REGISTER_KINDS)})", config.location("indexes", "print"), "config")


EDITORS_NOTES = ("page-foot", "after-article")  # where [print] editors_notes may put them


def _check_print(config: Config) -> None:
    """[print]: values the book's stylesheet can hold as they are (``edition.print.settings``)."""
    from edition.print.settings import FONT_NAME, PAGE_NAMES, PAGE_SIZE

    settings = config.print
    if settings.page_size is not None and not PAGE_SIZE.match(settings.page_size):
        raise EditionError(f"[print] page_size = '{settings.page_size}': not a page size (one of "
                           f"{', '.join(PAGE_NAMES)}, or a width and a height such as \"156mm 234mm\")",
                           config.location("print", "page_size"), "config")
    if settings.editors_notes not in EDITORS_NOTES:
        raise EditionError(f"[print] editors_notes = '{settings.editors_notes}': one of "
                           f"{', '.join(EDITORS_NOTES)}", config.location("print", "editors_notes"), "config")
    for name in ("body_fonts", "heading_fonts"):
        for family in getattr(settings, name) or ():
            if not FONT_NAME.match(family):
                raise EditionError(f"[print] {name}: '{family}' is not a font family name (no quotes, "
                                   "backslashes, ;, {, }, < or >)", config.location("print", name), "config")


def shipped_styles(root: Path | None) -> list[str]:
    """The CSL styles a project may name: the package's (edition/theme/csl/) and its own styles/csl/."""
    folders = [THEME_CSL, *([root / "styles" / "csl"] if root else [])]
    return sorted({style.stem for folder in folders if folder.is_dir() for style in folder.glob("*.csl")})


def _check_style(config: Config) -> None:
    """[bibliography] style: a path to a .csl file in the project, or the name of a shipped style."""
    style = config.bibliography.style
    where = config.location("bibliography", "style")
    if style.endswith(".csl") and config.root is not None:
        key = next(k for k in KEYS if (k.section, k.name) == ("bibliography", "style"))
        _project_path(key, style, config.root, where, must_exist=True)
    elif style not in shipped_styles(config.root):
        raise EditionError(f"[bibliography] style = '{style}': no such CSL style (shipped: "
                           f"{', '.join(shipped_styles(config.root))}; or the path of a .csl file in the "
                           "project)", where, "config")


def _check_interface_language(config: Config) -> None:
    from edition.i18n import (
        available_languages,  # imported here: Babel is needed only by a project that has a file
    )

    language = config.project.interface_language
    if language not in available_languages():
        where = config.location("project", "interface_language")
        raise EditionError(f"[project] interface_language = '{language}': no message catalogue for it "
                           f"(there are: {', '.join(available_languages())})", where, "config")


def _value(key: Key, value: Any, root: Path, where: Location) -> Any:
    label = f"[{key.section}] {key.name}"
    if key.kind is Tables:
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise EditionError(f"{label} must be tables ([[{key.section}.{key.name}]]), "
                               f"not {_toml_type(value)}", where, "config")
        return tuple(value)
    if key.kind in (list[str], list[Path]):
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise EditionError(f"{label} must be an array of strings, not {_toml_type(value)}", where,
                               "config")
        if key.kind == list[Path]:
            return tuple(_project_path(key, item, root, where, must_exist=True) for item in value)
        return tuple(value)
    if key.kind is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise EditionError(f"{label} must be an integer, not {_toml_type(value)}", where, "config")
        return value
    if not isinstance(value, str):
        raise EditionError(f"{label} must be a string, not {_toml_type(value)}", where, "config")
    if key.kind is str:
        return value
    return _project_path(key, value, root, where, must_exist=key.kind is Path)


def _project_path(key: Key, value: str, root: Path, where: Location, must_exist: bool) -> Path:
    """A path named in the file: relative to its folder, and inside it."""
    target = (root / value).resolve()
    if not target.is_relative_to(root):
        raise EditionError(f"[{key.section}] {key.name} = '{value}' is outside the project ({root}); "
                           "keep the file inside it", where, "config")
    if must_exist and not target.is_file():
        raise EditionError(f"[{key.section}] {key.name} = '{value}': no such file", where, "config")
    return target


def _toml_type(value: Any) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "an array",
             dict: "a table"}
    return next((name for kind, name in names.items() if isinstance(value, kind)), type(value).__name__)


SECTION_LINE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]")
ARRAY_LINE = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]")
KEY_LINE = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")


def _key_lines(text: str) -> dict[tuple[str, str], int]:
    """The line of each ``[section]`` (as (section, "")) and each ``key =`` (as (section, key)):
    tomllib does not say where a value was, and a message should."""
    lines: dict[tuple[str, str], int] = {}
    section = ""
    for number, line in enumerate(text.splitlines(), 1):
        if match := ARRAY_LINE.match(line):  # [[processing.rule]]: a key "rule" of [processing]
            table, _, name = match.group(1).rpartition(".")
            lines.setdefault((table, ""), number)
            lines.setdefault((table, name), number)
            section = match.group(1)
        elif match := SECTION_LINE.match(line):
            section = match.group(1)
            lines.setdefault((section, ""), number)
        elif match := KEY_LINE.match(line):
            lines.setdefault((section, match.group(1)), number)
    return lines


def table_array_lines(text: str, name: str) -> list[int]:
    """The line of each ``[[name]]`` table in ``text``, in order (the n-th table of the array)."""
    return [number for number, line in enumerate(text.splitlines(), 1)
            if (match := ARRAY_LINE.match(line)) and match.group(1) == name]


TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def _syntax_error(path: Path, exc: tomllib.TOMLDecodeError) -> EditionError:
    message = str(exc)
    match = TOML_POSITION.search(message)
    line, column = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    return EditionError(f"not valid TOML: {TOML_POSITION.sub('', message)}", Location(path, line, column),
                        "config")


# --- the README's table of keys ------------------------------------------------------------------------

README_START = ("<!-- keys: generated from KEYS in edition/config.py by "
                "`python -m edition.config README.md` -->")
README_END = "<!-- end of keys -->"
KIND_NAMES = {str: "string", int: "integer", Path: "file", Folder: "folder", list[str]: "array of strings",
              list[Path]: "array of files", Tables: "array of tables"}


def keys_table() -> str:
    """The Markdown table of every key (section, key, type, default, meaning), as the README shows it."""
    rows = ["| section | key | type | default | meaning |", "|---|---|---|---|---|"]
    for key in KEYS:
        cells = (f"`[{key.section}]`", f"`{key.name}`", KIND_NAMES[key.kind], key.default, key.sentence)
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(rows)


def readme_with_keys(text: str) -> str:
    """``text`` (the README) with the table between its markers made anew."""
    start, end = text.index(README_START) + len(README_START), text.index(README_END)
    return f"{text[:start]}\n{keys_table()}\n{text[end:]}"


if __name__ == "__main__":  # python -m edition.config README.md: the README's table made anew
    import sys

    readme = Path(sys.argv[1])
    readme.write_text(readme_with_keys(readme.read_text(encoding="utf-8")), encoding="utf-8")
