"""The interface language: every heading, label and phrase the book, the site and the search page
print comes from a gettext message catalogue (``edition/locale/<lang>/LC_MESSAGES/edition.po``).

The ``.po`` files are the only form kept: each is compiled in memory (Babel's ``write_mo``) the first
time a process needs it, so a fresh clone and a ``pip install .`` work alike, with no build step and no
compiled file to keep in step. Adding a language is adding a catalogue.

The msgids are English; the catalogues translate every one of them (English too, so an English text
can be changed without touching the templates). Templates call ``_()``/``{% trans %}`` (Jinja's i18n
extension); Python calls ``gettext`` below, which answers in the language ``activate`` chose for
the build (forked layout workers inherit it).
"""

from __future__ import annotations

import io
from datetime import date
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "edition"
DEFAULT_LANGUAGE = "en"


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def available_languages() -> list[str]:
    """The interface languages there is a catalogue for."""
    return sorted(folder.name for folder in LOCALE_DIR.iterdir() if catalogue_path(folder.name).is_file())


@cache
def translations(language: str) -> Translations:
    """The catalogue of ``language``, compiled in memory once per process."""
    path = catalogue_path(language)
    if not path.is_file():
        raise ValueError(f"no interface catalogue for '{language}' "
                         f"(there are: {', '.join(available_languages())})")
    with path.open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


_active = DEFAULT_LANGUAGE


def activate(language: str) -> None:
    """Make ``language`` the one ``gettext`` answers in (for the rest of this build's process)."""
    global _active
    translations(language)  # refused here, before anything is rendered, if there is no catalogue
    _active = language


def active_language() -> str:
    return _active


def gettext(message: str) -> str:
    """``message`` (an English msgid) in the active interface language."""
    return translations(_active).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return translations(_active).ngettext(singular, plural, count)


def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse(DEFAULT_LANGUAGE)


def format_number(number: float | int, language: str | None = None) -> str:
    """A number as the interface language writes it (1,234.5 in English, 1.234,5 in Turkish)."""
    return format_decimal(number, locale=_locale(language or _active))


def format_day(day: date, language: str | None = None) -> str:
    """A date as the interface language writes it in running text (``long``: 9 March 2024)."""
    return babel_format_date(day, format="long", locale=_locale(language or _active))
