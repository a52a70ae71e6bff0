"""Which characters of the text no vendored font covers: reported as warnings, not printed as boxes.

The fonts are those ``css/fonts.css`` of the theme declares (each ``@font-face`` with its ``unicode-range``,
as WeasyPrint and browsers use it): Linux Libertine and Biolinum for Latin, Greek (polytonic too) and
Cyrillic, Noto Serif CJK for Chinese, Japanese and Korean. A character none of them has would be
drawn from whatever fonts the machine has, or as a box; the build names the script, the characters
and the file instead. Spaces, controls and format characters (soft hyphen, joiners) need no glyph.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import tinycss2
from fontTools.ttLib import TTFont
from fontTools.unicodedata import script, script_name

from edition.tei.model import VolumeModel

NO_GLYPH_NEEDED = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
SHOWN = 12  # characters named in a warning; the rest are counted


@dataclass(frozen=True)
class Gap:
    """Characters of one script in one file that no vendored font covers."""

    path: Path
    script: str
    characters: str  # each once, in code point order

    def message(self) -> str:
        shown = " ".join(f"{c} (U+{ord(c):04X})" for c in self.characters[:SHOWN])
        more = f" and {len(self.characters) - SHOWN} more" if len(self.characters) > SHOWN else ""
        count = len(self.characters)
        return (f"no vendored font covers {count} character{'s' if count > 1 else ''} of the "
                f"{self.script} script, printed with a fallback font or as boxes: {shown}{more}")


def font_faces(stylesheet: Path, locate: Callable[[Path], Path] = Path.resolve,
               ) -> list[tuple[Path, list[tuple[int, int]] | None]]:
    """Each ``@font-face`` of ``stylesheet``: its font file (found by ``locate``, the project's theme
    lookup, as the layout's fetcher finds it) and its unicode ranges (None: all)."""
    faces = []
    rules = tinycss2.parse_stylesheet(stylesheet.read_text(encoding="utf-8"), skip_comments=True,
                                      skip_whitespace=True)
    for rule in rules:
        if rule.type != "at-rule" or rule.lower_at_keyword != "font-face" or rule.content is None:
            continue
        urls: list[str] = []
        ranges: list[tuple[int, int]] | None = None
        for item in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True):
            if item.type != "declaration":
                continue
            if item.lower_name == "src":
                urls += [token.value for token in item.value if token.type == "url"]
            elif item.lower_name == "unicode-range":
                ranges = [(token.start, token.end) for token in item.value if token.type == "unicode-range"]
        faces += [(locate((stylesheet.parent / url).resolve()), ranges) for url in urls[:1]]
    return faces


@cache
def _cmap(path: Path, _mtime: float) -> frozenset[int]:
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def covered(stylesheet: Path, locate: Callable[[Path], Path] = Path.resolve) -> frozenset[int]:
    """The code points the fonts of ``stylesheet`` print (read once per process and file); a font
    file that is missing covers nothing (the layout reports it)."""
    points: set[int] = set()
    for path, ranges in font_faces(stylesheet, locate):
        if not path.is_file():
            continue
        cmap = _cmap(path, path.stat().st_mtime)
        if ranges is None:
            points |= cmap
        else:
            points |= {p for p in cmap if any(start <= p <= end for start, end in ranges)}
    return frozenset(points)


def uncovered(text: str, points: frozenset[int]) -> dict[str, str]:
    """The characters of ``text`` outside ``points`` that need a glyph, by script name."""
    missing = {c for c in unicodedata.normalize("NFC", text)
               if ord(c) not in points and unicodedata.category(c) not in NO_GLYPH_NEEDED}
    by_script: dict[str, list[str]] = {}
    for char in sorted(missing):
        by_script.setdefault(script_name(script(char)), []).append(char)
    return {name: "".join(chars) for name, chars in by_script.items()}


def font_gaps(model: VolumeModel, stylesheet: Path,
              locate: Callable[[Path], Path] = Path.resolve) -> list[Gap]:
    """What the volume's texts (titles, text and notes of each article and the introduction) hold that
    the fonts of ``stylesheet`` do not cover, per file and script."""
    points = covered(stylesheet, locate)
    gaps = []
    parts = ([model.introduction] if model.introduction else []) + model.articles
    for part in parts:
        text = part.title + " " + ("".join(part.text.itertext()) if part.text is not None else "")
        gaps += [Gap(part.path, name, chars) for name, chars in uncovered(text, points).items()]
    return gaps
