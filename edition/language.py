"""Language helpers shared by the stages: Turkish case mapping and a test for English passages."""

from __future__ import annotations

import re

ENGLISH_WORDS = frozenset({"the", "of", "and", "to", "in", "was", "with", "which", "that", "is", "were",
                           "for", "by"})


def turkish_lower(text: str) -> str:
    """Lowercase with Turkish rules (İ→i, I→ı), keeping the length of the string.

    ``str.lower`` turns ``İ`` into two code points, which shifts positions and breaks comparisons.
    """
    return text.replace("İ", "i").replace("I", "ı").lower()


def looks_english(text: str, min_words: int, share: float) -> bool:
    """True when at least ``min_words`` Latin words are there and over ``share`` of them are common
    English function words (a Turkish passage has almost none)."""
    tokens = re.findall(r"[a-z]+", text.lower())
    return len(tokens) >= min_words and sum(t in ENGLISH_WORDS for t in tokens) / len(tokens) > share
