"""Alphabetical order by language: registers, indexes and the bibliography are sorted with it.

Turkish (``tr``, the bundled volume's) has its own rules here, kept as they were: c < ç, g < ğ, ı < i,
o < ö, s < ş, u < ü. Python's ``str.lower`` and default ordering get Turkish wrong (``İ`` lowercases
to two code points; ``ç`` sorts after ``z``). The key maps each letter to its place in the Turkish
alphabet; circumflexed vowels (â, î, û) sort with their base letter and only break ties; letters
outside Turkish (q, w, x, and accented letters of other languages) sort where the Latin alphabet puts
them.

Every other language is sorted by ICU's collator for it (CLDR's tailorings: German ä with a, Swedish
å ä ö after z, Spanish ñ after n); an undetermined one by the root collation (the Unicode Collation
Algorithm's default order).
"""

from __future__ import annotations

import unicodedata
from functools import cache

import icu

from edition.i18n.language import html_lang, primary, turkish_lower

ALPHABET = "abcçdefgğhıijklmnoöpqrsştuüvwxyz"
RANK = {letter: index for index, letter in enumerate(ALPHABET)}
CIRCUMFLEX = {"â": "a", "î": "i", "û": "u"}


def _primary(char: str) -> tuple[int, int]:
    char = CIRCUMFLEX.get(char, char)
    if char in RANK:
        return (1, RANK[char])
    base = unicodedata.normalize("NFD", char)[0]
    if base in RANK:  # é, ä … sort with their base letter
        return (1, RANK[base])
    if char.isdigit():
        return (0, ord(char))
    return (2, ord(char))


def turkish_key(text: str) -> tuple:
    """A key that orders strings as a Turkish dictionary does (letters first, then tie-breaks)."""
    lowered = turkish_lower(unicodedata.normalize("NFC", text))
    letters = [c for c in lowered if c.isalnum()]
    return (
        tuple(_primary(c) for c in letters),
        tuple(c in CIRCUMFLEX for c in letters),
        text,
    )


@cache
def _collator(lang: str) -> icu.Collator:
    return icu.Collator.createInstance(icu.Locale.forLanguageTag(html_lang(lang)))


def sort_key(text: str, lang: str = "tr") -> tuple:
    """A key that orders strings alphabetically in ``lang`` (the text itself breaks exact ties)."""
    if primary(lang) == "tr":
        return turkish_key(text)
    return (_collator(lang).getSortKey(unicodedata.normalize("NFC", text)), text)
