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


NO_BREAK_SPACE = "\u00a0"
WORD_JOINER = "\u2060"  # no break here, and no width: between the parts of "22/II/1922"
_NUMERIC_DATE = re.compile(r"(?<![\w/])(\d{1,2})/([IVX]{1,4}|\d{1,2})/(\d{2,4})(?![\w/])")


@cache
def _date_patterns(lang: str) -> tuple[re.Pattern, ...]:
    """A day and its month ("15 Mayıs", "15. Mai", "May 15") and a month and its year ("Mayıs 1919"),
    with the month names of ``lang`` as CLDR gives them; none where ICU knows no months for it."""
    if primary(lang) == UNDETERMINED:
        return ()
    symbols = icu.DateFormatSymbols(_locale(lang))
    names = {name for context in (icu.DateFormatSymbols.FORMAT, icu.DateFormatSymbols.STANDALONE)
             for name in symbols.getMonths(context, icu.DateFormatSymbols.WIDE) if name}
    names |= {upper(name, lang) for name in names} | {name.capitalize() for name in names}
    months = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    return (re.compile(rf"(?<![\w.])(\d{{1,2}}\.?)\s+({months})(?!\w)"),
            re.compile(rf"(?<!\w)({months})\s+(\d{{1,2}}|\d{{3,4}})(?![\w.]\d)"))


def bind_dates(text: str, lang: str) -> str:
    """``text`` with no line break inside a date: the day, the month and the year of "15 Mayıs 1919"
    joined by no-break spaces (month names of the text's language), "22/II/1922" by word joiners."""
    if not any(character.isdigit() for character in text):
        return text
    for pattern in _date_patterns(lang):
        text = pattern.sub(lambda match: NO_BREAK_SPACE.join(match.groups()), text)
    return _NUMERIC_DATE.sub(lambda match: f"/{WORD_JOINER}".join(match.groups()), text)
