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


@dataclass(frozen=True)
class Key:
    """One setting a file may hold: ``[section] name = value``."""

    section: str
    name: str
    kind: type  # str; Path: a file named relative to edition.toml, inside the project; list: tables
    sentence: str


KEYS: tuple[Key, ...] = (
    Key("validation", "profile", str,
        "A named profile of conventions checked on top of TEI (`edition validate --help` lists them)."),
    Key("validation", "schema", Path,
        "A RELAX NG schema (or an ODD compiled to RELAX NG) that documents must be valid against, "
        "instead of tei_all."),
    Key("validation", "schematron", Path, "An ISO Schematron file whose assertions documents must meet."),
    Key("project", "interface_language", str,
        "The language of the book's and the site's headings, labels and phrases: a code with a message "
        "catalogue in edition/locale/ (en, tr); default en."),
    Key("processing", "rule", list,
        "Rows of the processing model ([[processing.rule]]: element, predicate, behaviour, block, output, "
        "params), tried before the package's own (edition/processing/default.toml)."),
)


@dataclass(frozen=True)
class Validation:
    """``[validation]``: what ``edition validate`` (and the build's validation) holds documents to."""

    profile: str | None = None
    schema: Path | None = None
    schematron: Path | None = None


@dataclass(frozen=True)
class ProjectSettings:
    """``[project]``: what the project says about itself."""

    interface_language: str = "en"


@dataclass(frozen=True)
class Processing:
    """``[[processing.rule]]``: the project's rows of the processing model, as written (checked and
    compiled by ``edition.processing.rules``, which names the row of a faulty one)."""

    rule: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Config:
    """The settings in force, and where each came from (the file and the line of each key)."""

    path: Path | None = None  # the edition.toml read; None: every default
    validation: Validation = field(default_factory=Validation)
    project: ProjectSettings = field(default_factory=ProjectSettings)
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


SECTIONS: dict[str, type] = {"validation": Validation, "project": ProjectSettings, "processing": Processing}


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
              for key in KEYS if key.kind is list}
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
    return config


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
    if key.kind is list:
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise EditionError(f"[{key.section}] {key.name} must be tables ([[{key.section}.{key.name}]]), "
                               f"not {_toml_type(value)}", where, "config")
        return tuple(value)
    if not isinstance(value, str):
        raise EditionError(f"[{key.section}] {key.name} must be a string, not {_toml_type(value)}", where,
                           "config")
    if key.kind is not Path:
        return value
    target = (root / value).resolve()
    if not target.is_relative_to(root):
        raise EditionError(f"[{key.section}] {key.name} = '{value}' is outside the project ({root}); "
                           "keep the file inside it", where, "config")
    if not target.is_file():
        raise EditionError(f"[{key.section}] {key.name} = '{value}': no such file", where, "config")
    return target


def _toml_type(value: Any) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", list: "an array", dict: "a table"}
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
