"""Language helpers shared by the stages: language tags, Turkish case mapping, case by language and a
test for English passages.

A passage's language is its ``xml:lang``, inherited; a document that never says gets ``und``
(BCP 47's "undetermined"), which nothing is hyphenated for, rather than the bundled volume's Turkish.
"""

from __future__ import annotations

import re
from functools import cache

import icu

UNDETERMINED = "und"
TURKIC = frozenset({"tr", "az"})  # dotted and dotless i are two letters: İ/i and I/ı

ENGLISH_WORDS = frozenset({"the", "of", "and", "to", "in", "was", "with", "which", "that", "is", "were",
                           "for", "by"})


def turkish_lower(text: str) -> str:
    """Lowercase with Turkish rules (İ→i, I→ı), keeping the length of the string.

    ``str.lower`` turns ``İ`` into two code points, which shifts positions and breaks comparisons.
    """
    return text.replace("İ", "i").replace("I", "ı").lower()


@cache
def html_lang(tag: str) -> str:
    """An ``xml:lang`` value as browsers, WeasyPrint and pyphen read language tags: BCP 47's
    canonical form ("ger" and "deu" → "de", "jpn" → "ja", "zh_TW" → "zh-TW"); a tag ICU cannot read
    (or a private one) is kept as written."""
    try:
        canonical = icu.Locale.createCanonical(tag.replace("-", "_")).toLanguageTag()
    except icu.ICUError:
        return tag
    if not canonical or canonical.startswith((UNDETERMINED, "x-")) or canonical.lower() == tag.lower():
        return tag
    return canonical


def primary(tag: str | None) -> str:
    """The language subtag of a tag, lower case ("zh" of "zh-Hant-TW"); ``und`` for none."""
    subtag = html_lang(tag).replace("_", "-").split("-")[0].lower() if tag else ""
    return subtag if len(subtag) > 1 else UNDETERMINED  # "x-…" and "i-…" name no language


@cache
def _locale(tag: str) -> icu.Locale:
    return icu.Locale.forLanguageTag(html_lang(tag))


def upper(text: str, lang: str) -> str:
    """Upper case by the rules of ``lang``: Turkish "istanbul" → "İSTANBUL", Greek drops its accents."""
    return str(icu.UnicodeString(text).toUpper(_locale(lang)))


def lower(text: str, lang: str) -> str:
    """Lower case by the rules of ``lang`` (Turkish keeps ``turkish_lower``'s lengths)."""
    if primary(lang) in TURKIC:
        return turkish_lower(text)
    return str(icu.UnicodeString(text).toLower(_locale(lang)))


def quotation_marks(lang: str) -> tuple[str, str, str, str]:
    """The quotation marks of ``lang`` as CLDR gives them: opening, closing, then the inner pair
    (the book and the site leave them to ``<q>`` and CSS ``quotes: auto``; this is for plain text)."""
    data = icu.LocaleData(html_lang(lang))
    kinds = (icu.ULocaleDataDelimiterType.QUOTATION_START, icu.ULocaleDataDelimiterType.QUOTATION_END,
             icu.ULocaleDataDelimiterType.ALT_QUOTATION_START, icu.ULocaleDataDelimiterType.ALT_QUOTATION_END)
    start, end, inner_start, inner_end = (data.getDelimiter(kind) for kind in kinds)
    return start, end, inner_start, inner_end


def looks_english(text: str, min_words: int, share: float) -> bool:
    """True when at least ``min_words`` Latin words are there and over ``share`` of them are common
    English function words (a Turkish passage has almost none)."""
    tokens = re.findall(r"[a-z]+", text.lower())
    return len(tokens) >= min_words and sum(t in ENGLISH_WORDS for t in tokens) / len(tokens) > share
