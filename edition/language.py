"""Language helpers shared by the stages: Turkish case mapping and a test for English passages."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

ENGLISH_WORDS = frozenset({"the", "of", "and", "to", "in", "was", "with", "which", "that", "is", "were",
                           "for", "by"})


def turkish_lower(text: str) -> str:
    """Lowercase with Turkish rules (İ→i, I→ı), keeping the length of the string.

    ``str.lower`` turns ``İ`` into two code points, which shifts positions and breaks comparisons.
    """
    return text.replace("İ", "i").replace("I", "ı").lower()


# After Turkish lowercasing, the search also lets dotless ı match i (a reader typing "ISTANBUL" or
# "Isik" on a keyboard without Turkish letters) and treats apostrophe and dash variants as one.
SEARCH_EQUIVALENTS = {"ı": "i", "’": "'", "‘": "'", "`": "'", "ʼ": "'", "´": "'", "‐": "-", "‑": "-",
                      "–": "-", "—": "-"}


def search_fold(text: str) -> str:
    """The form the site's search compares: Turkish lowercase, diacritics dropped, ı = i.

    One character in, one character out, so a match in the folded text is at the same place in the
    original (the search shows the original around it). ``styles/js/search.js`` folds queries the
    same way; the tests check the two agree on every character of the volume.
    """
    return "".join(_fold_char(character) for character in text)


@cache
def _fold_char(character: str) -> str:
    lowered = turkish_lower(character)
    if len(lowered) != 1 or ord(character) > 0xFFFF or ord(lowered) > 0xFFFF:
        return character  # JavaScript counts these in two units: left alone on both sides
    base = unicodedata.normalize("NFD", lowered)[0]
    return SEARCH_EQUIVALENTS.get(base, base)


def looks_english(text: str, min_words: int, share: float) -> bool:
    """True when at least ``min_words`` Latin words are there and over ``share`` of them are common
    English function words (a Turkish passage has almost none)."""
    tokens = re.findall(r"[a-z]+", text.lower())
    return len(tokens) >= min_words and sum(t in ENGLISH_WORDS for t in tokens) / len(tokens) > share
