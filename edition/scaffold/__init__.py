"""``edition new``: a project that validates and builds at once.

The files a new project starts with are package data (``edition/scaffold/project/``): its
``edition.toml``, a volume (``tei/volume.xml``) with registers and one sample text, and the
bibliography that text cites. They are templates for ``string.Template`` (``${title_xml}`` and so on),
filled with the title and languages and written into a temporary folder beside the target, which
becomes the project only once every file is written: a failure leaves nothing behind. The theme is
not copied: a project overrides only the files it changes (``styles/``, see ``edition.project``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from string import Template
from xml.sax.saxutils import escape

from edition.errors import EditionError

FILES = Path(__file__).resolve().parent / "project"
# A BCP 47 language tag, as far as this command needs to check one: a primary language subtag
# and optional subtags (en, tr, de-AT, zh-Hant-TW).
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class NewProject:
    """What ``create_project`` wrote."""

    root: Path
    files: list[str]  # paths relative to root
    interface_language: str
    interface_fallback: bool  # no catalogue for the text language: the interface is English


def interface_language_for(text_language: str) -> tuple[str, bool]:
    """The interface language of a project whose texts are in ``text_language``: the same language
    where the package has a catalogue for it (or for its primary subtag), else English. The second
    value says whether English was chosen for want of a catalogue."""
    from edition.i18n import DEFAULT_LANGUAGE, available_languages

    available = available_languages()
    for candidate in (text_language, text_language.split("-")[0]):
        if candidate in available:
            return candidate, False
    return DEFAULT_LANGUAGE, True


def check_arguments(title: str, language: str) -> None:
    """Refuse a title or language code that would not make a valid edition.toml and volume."""
    if not title.strip():
        raise EditionError("the title is empty; give one with --title", rule="usage")
    if CONTROL.search(title):
        raise EditionError("the title holds a control character (a line break?); give it on one line",
                           rule="usage")
    if not LANGUAGE_TAG.fullmatch(language):
        raise EditionError(f"--language '{language}' is not a language code (BCP 47, such as en, tr or "
                           "de-AT)", rule="usage")


def canonical_language(tag: str) -> str:
    """A language tag in BCP 47's conventional case: de-at → de-AT, ZH-HANT-tw → zh-Hant-TW."""
    primary, *rest = tag.split("-")
    subtags = [primary.lower()]
    for subtag in rest:
        if len(subtag) == 2 and subtag.isalpha():
            subtags.append(subtag.upper())  # a region
        elif len(subtag) == 4 and subtag.isalpha():
            subtags.append(subtag.title())  # a script
        else:
            subtags.append(subtag.lower())
    return "-".join(subtags)


def create_project(folder: Path, title: str | None = None, language: str = "en") -> NewProject:
    """Write a new project into ``folder`` (which must not exist, or be empty): its files from the
    package's scaffold, with ``title`` (default: the folder's name) and ``language`` (the texts')."""
    folder = Path(folder).absolute()
    title = title if title is not None else folder.name
    check_arguments(title, language)
    language = canonical_language(language)
    refuse_existing(folder)
    interface, fallback = interface_language_for(language)
    values = {"title_xml": escape(title), "title_toml": json.dumps(title, ensure_ascii=False),
              "text_language": language, "interface_language": interface}
    # Staged inside an empty folder that exists (its parent may not be writable), else beside it.
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".edition-new-", dir=folder if folder.is_dir() else folder.parent))
    try:
        written = [write_file(source, staging, values) for source in sorted(FILES.rglob("*"))
                   if source.is_file()]
        publish(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return NewProject(folder, written, interface, fallback)


def refuse_existing(folder: Path) -> None:
    """A project is made in a new folder or an empty one, never over files."""
    if folder.is_dir() and any(folder.iterdir()):
        raise EditionError("the folder exists and is not empty; name a new or empty folder (edition new "
                           "writes over nothing)", path=folder)
    if folder.exists() and not folder.is_dir():
        raise EditionError("this is a file; name a new folder", path=folder)


def write_file(source: Path, staging: Path, values: dict[str, str]) -> str:
    """Fill one scaffold file and write it below ``staging``; its path relative to the project."""
    name = source.relative_to(FILES).as_posix()
    target = staging / name
    target.parent.mkdir(parents=True, exist_ok=True)
    text = Template(source.read_text(encoding="utf-8")).substitute(values)
    target.write_text(text, encoding="utf-8")
    return name


def publish(staging: Path, folder: Path) -> None:
    """Put the finished files in place: the staging folder takes the project's name, with the
    permissions a folder made by the user would have (mkdtemp makes it private); into an empty
    folder that exists (perhaps the working directory: ``edition new .``) its files are moved."""
    if folder.is_dir():
        for child in staging.iterdir():
            os.rename(child, folder / child.name)
        return
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)
    os.rename(staging, folder)
