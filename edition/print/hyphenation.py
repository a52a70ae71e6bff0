"""Hyphenation by language for WeasyPrint, through pyphen.

WeasyPrint hyphenates a word (``hyphens: auto``) with the pyphen dictionary that
``pyphen.language_fallback`` finds for the ``lang`` in force at it (``lang="en-GB"`` → ``en_GB``, else
``en``), and not at all where there is none: the renderer puts ``lang`` on every element whose
``xml:lang`` differs from its parent's, and a document that names no language is ``und``, which no
dictionary matches. pyphen ships LibreOffice's patterns for some forty languages (English, German,
French, Greek, Russian …), but none for Turkish, so the TeX hyph-utf8 patterns vendored in
``edition/theme/hyphenation`` are registered under ``tr``. Two Turkish traps are handled by a dictionary
subclass that pyphen's cache hands to WeasyPrint:

- ``str.lower`` turns ``İ`` into two code points (``i̇``), which would shift every break position after
  it ("İst-anb-ul"); Turkish case mapping (İ→i, I→ı) keeps the word the same length.
- an apostrophe separates a proper noun from its suffix; a break is allowed only inside the noun, never
  at or after the apostrophe (Ata-türk’ün, not Atatür-k’ün).
"""

from __future__ import annotations

from pathlib import Path

import pyphen

from edition.i18n.language import turkish_lower

APOSTROPHES = "’'"
TURKISH_DICTIONARY = "hyph_tr_TR.dic"


class TurkishHyphDict(pyphen.HyphDict):
    """Pattern dictionary with Turkish case mapping and no breaks around apostrophes."""

    def positions(self, word: str) -> list[pyphen.DataInt]:
        stem_end = min((word.find(mark) for mark in APOSTROPHES if mark in word), default=-1)
        if stem_end != -1:
            return [p for p in self.positions(word[:stem_end]) if p <= stem_end - 2]
        return super().positions(turkish_lower(word))


def register_patterns(directory: Path) -> Path:
    """Make ``lang="tr"`` hyphenate with the vendored patterns, and a bare ``lang="en"`` with the US
    patterns (TeX's default English; pyphen picks the British ones, which break "representat-ive");
    return the Turkish dictionary's path."""
    pyphen.LANGUAGES["en"] = pyphen.LANGUAGES["en_US"]
    path = (Path(directory) / TURKISH_DICTIONARY).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"Turkish hyphenation patterns not found: {path}")
    if not isinstance(pyphen.hdcache.get(path), TurkishHyphDict):
        pyphen.hdcache[path] = TurkishHyphDict(path)
    for name in ("tr", "tr_TR"):
        pyphen.LANGUAGES[name] = path
        pyphen.LANGUAGES_LOWERCASE[name.lower()] = name
    return path


def dictionary_for(lang: str | None, directory: Path) -> str | None:
    """The pyphen dictionary WeasyPrint uses for ``lang`` (a key of ``pyphen.LANGUAGES``); None where
    words in that language are not hyphenated."""
    register_patterns(directory)
    return pyphen.language_fallback(lang) if lang else None


def hyphenate(word: str, directory: Path, lang: str = "tr", hyphen: str = "-") -> str:
    """Show every break point of a word in ``lang`` (for tests and the command line); the word
    unchanged where the language has no patterns."""
    dictionary = dictionary_for(lang, directory)
    if dictionary is None:
        return word
    return pyphen.Pyphen(lang=dictionary, left=2, right=2).inserted(word, hyphen)
