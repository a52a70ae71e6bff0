"""Turkish hyphenation for WeasyPrint, through pyphen.

pyphen ships no Turkish dictionary, so the TeX hyph-utf8 patterns vendored in
``styles/hyphenation`` are registered under ``tr``. Two Turkish traps are handled by a dictionary
subclass that pyphen's cache hands to WeasyPrint:

- ``str.lower`` turns ``İ`` into two code points (``i̇``), which would shift every break position after
  it ("İst-anb-ul"); Turkish case mapping (İ→i, I→ı) keeps the word the same length.
- an apostrophe separates a proper noun from its suffix; a break is allowed only inside the noun, never
  at or after the apostrophe (Ata-türk’ün, not Atatür-k’ün).
"""

from __future__ import annotations

from pathlib import Path

import pyphen

from .language import turkish_lower

APOSTROPHES = "’'"
TURKISH_DICTIONARY = "hyph_tr_TR.dic"


class TurkishHyphDict(pyphen.HyphDict):
    """Pattern dictionary with Turkish case mapping and no breaks around apostrophes."""

    def positions(self, word: str) -> list[pyphen.DataInt]:
        stem_end = min((word.find(mark) for mark in APOSTROPHES if mark in word), default=-1)
        if stem_end != -1:
            return [p for p in self.positions(word[:stem_end]) if p <= stem_end - 2]
        return super().positions(turkish_lower(word))


def register_turkish(directory: Path) -> Path:
    """Make ``lang="tr"`` hyphenate with the vendored patterns; return the dictionary path."""
    path = (Path(directory) / TURKISH_DICTIONARY).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"Turkish hyphenation patterns not found: {path}")
    if not isinstance(pyphen.hdcache.get(path), TurkishHyphDict):
        pyphen.hdcache[path] = TurkishHyphDict(path)
    for name in ("tr", "tr_TR"):
        pyphen.LANGUAGES[name] = path
        pyphen.LANGUAGES_LOWERCASE[name.lower()] = name
    return path


def hyphenate(word: str, directory: Path, hyphen: str = "-") -> str:
    """Show every break point of a Turkish word (for tests and the command line)."""
    register_turkish(directory)
    return pyphen.Pyphen(lang="tr", left=2, right=2).inserted(word, hyphen)
