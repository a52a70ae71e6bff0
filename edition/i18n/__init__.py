"""The interface language: every heading, label and phrase the book, the site and the search page
print comes from a gettext message catalogue (``edition/i18n/locale/<lang>/LC_MESSAGES/edition.po``).

The ``.po`` files are the only form kept: each is compiled in memory (Babel's ``write_mo``) the first
time a process needs it, so a fresh clone and a ``pip install .`` work alike, with no build step and no
compiled file to keep in step. Adding a language is adding a catalogue.

The package's catalogues hold what describes the tool, in general words. A project may put its own
words in place of any of them (the bundled volume says "the five articles" where the package says "the
works cited") with a catalogue of its own, ``styles/locale/<lang>/LC_MESSAGES/edition.po``, as its
``styles/`` overrides a theme file: its translations are looked up first, the package's after them.

The msgids are English; the catalogues translate every one of them (English too, so an English text
can be changed without touching the templates). Templates call ``_()``/``{% trans %}`` (Jinja's i18n
extension); Python calls ``gettext`` below, which answers in the language ``activate`` chose for
the build (forked layout workers inherit it).
"""

from __future__ import annotations

import io
import re
from datetime import date
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_decimal
from babel.support import Translations

from edition.errors import EditionError, Location

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "edition"
DEFAULT_LANGUAGE = "en"


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def available_languages() -> list[str]:
    """The interface languages there is a catalogue for."""
    return sorted(folder.name for folder in LOCALE_DIR.iterdir() if catalogue_path(folder.name).is_file())


def project_catalogue(styles: Path, language: str) -> Path:
    """Where a project keeps its own words for ``language`` (below its ``styles/`` folder)."""
    return styles / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _compiled(path: Path, language: str) -> Translations:
    with path.open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    return _compiled_catalog(catalog)


def _project_compiled(path: Path, language: str) -> Translations:
    """A project's catalogue, compiled; a file that is not a readable catalogue is refused with its line."""
    try:
        with path.open("rb") as source:
            catalog = read_po(source, locale=language, domain=DOMAIN, abort_invalid=True)
    except PoFileError as error:  # Babel counts lines from 0 and names the line in its message too
        message = re.sub(r" on \d+$", "", str(error.args[0]))
        raise EditionError(f"not a message catalogue: {message}", Location(path, error.lineno + 1, 1),
                           "catalogue") from None
    except (OSError, UnicodeDecodeError) as error:
        raise EditionError(f"cannot read this message catalogue ({error})", Location(path),
                           "catalogue") from None
    return _compiled_catalog(catalog)


def _compiled_catalog(catalog) -> Translations:
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def translations(language: str, own: Path | None = None) -> Translations:
    """The catalogue of ``language``, compiled in memory once per process; with ``own`` (a project's
    catalogue, where it exists), that one first and the package's for every msgid it lacks (compiled
    again when the file changes)."""
    try:
        changed = own.stat().st_mtime_ns if own is not None and own.is_file() else None
    except OSError:
        changed = None
    return _translations(language, own if changed is not None else None, changed)


@cache
def _translations(language: str, own: Path | None, _changed: int | None) -> Translations:
    path = catalogue_path(language)
    if not path.is_file():
        raise ValueError(f"no interface catalogue for '{language}' "
                         f"(there are: {', '.join(available_languages())})")
    package = _package_translations(language)
    if own is None:
        return package
    project = _project_compiled(own, language)
    project.add_fallback(package)
    return project


@cache
def _package_translations(language: str) -> Translations:
    return _compiled(catalogue_path(language), language)


_active: tuple[str, Path | None] = (DEFAULT_LANGUAGE, None)  # the language, the project's styles/


def _translations_in(language: str, styles: Path | None) -> Translations:
    return translations(language, project_catalogue(styles, language) if styles is not None else None)


def activate(language: str, styles: Path | None = None) -> None:
    """Make ``language`` the one ``gettext`` answers in (for the rest of this build's process), with
    the words of the project whose ``styles/`` folder is ``styles`` before the package's."""
    global _active
    _translations_in(language, styles)  # refused here, before anything is rendered, if there is none
    _active = (language, styles)


def active_language() -> str:
    return _active[0]


def active_translations() -> Translations:
    """The catalogue ``gettext`` answers from (the templates are given the same)."""
    return _translations_in(*_active)


def gettext(message: str) -> str:
    """``message`` (an English msgid) in the active interface language."""
    return active_translations().gettext(message)


def translate(message: str, language: str) -> str:
    """``message`` in ``language`` where there is a catalogue for it (the project's words first, as
    for the active language), else in the active language: for a label naming a part of a text in
    the text's own language ("Abstract")."""
    if language not in available_languages():
        return gettext(message)
    return _translations_in(language, _active[1]).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return active_translations().ngettext(singular, plural, count)


def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse(DEFAULT_LANGUAGE)


def format_number(number: float | int, language: str | None = None) -> str:
    """A number as the interface language writes it (1,234.5 in English, 1.234,5 in Turkish)."""
    return format_decimal(number, locale=_locale(language or active_language()))


def format_month(month: date, language: str | None = None) -> str:
    """A month as the interface language writes it on its own (March 2024)."""
    return babel_format_date(month, format="LLLL y", locale=_locale(language or active_language()))


def format_day(day: date, language: str | None = None) -> str:
    """A date as the interface language writes it in running text (``long``: 9 March 2024)."""
    return babel_format_date(day, format="long", locale=_locale(language or active_language()))
