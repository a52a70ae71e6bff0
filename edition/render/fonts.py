"""The theme's fonts for screens (the EPUB and the reading site): subset to the characters a text uses
and made WOFF2, with the @font-face rules that name them. The printed book embeds its own subsets
(WeasyPrint does); a reader's device downloads only these."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath

FONT_FACE = re.compile(r"@font-face\s*\{(?P<body>[^}]*)\}", re.DOTALL)
UNICODE_RANGE = re.compile(r"unicode-range:\s*(?P<ranges>[^;}]+)")
FONT_URL = re.compile(r"url\((?P<quote>['\"]?)\.\./fonts/(?P<name>[^)'\"]+)(?P=quote)\)")
Themed = Callable[[str], Path]


def unicode_range(face: str) -> set[int] | None:
    """The characters an @font-face serves: its unicode-range (None: every character)."""
    found = UNICODE_RANGE.search(face)
    if not found:
        return None
    served: set[int] = set()
    for part in found["ranges"].split(","):
        first, _, last = part.strip().removeprefix("U+").removeprefix("u+").partition("-")
        served.update(range(int(first, 16), int(last or first, 16) + 1))
    return served


def embedded_fonts(themed: Themed, text: str) -> tuple[dict[str, bytes], str]:
    """The theme's fonts (css/fonts.css) that print a character of ``text``, subset to the characters
    they print and made WOFF2; the @font-face rules that name them."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    characters = {ord(char) for char in text if not char.isspace()} | {0x20, 0xA0}
    fonts: dict[str, bytes] = {}
    rules: list[str] = []
    for face in FONT_FACE.finditer(themed("css/fonts.css").read_text(encoding="utf-8")):
        found = FONT_URL.search(face["body"])
        if not found:
            continue
        font = TTFont(themed(f"fonts/{found['name']}"), lazy=True)
        served = unicode_range(face["body"])
        covered = {code for code in characters & set(font.getBestCmap()) if served is None or code in served}
        if not covered - {0x20, 0xA0}:
            continue
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        options.flavor = "woff2"
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=covered)
        # recalcTimestamp off: the same characters give the same bytes (the build compares outputs).
        font = TTFont(themed(f"fonts/{found['name']}"), recalcTimestamp=False, recalcBBoxes=False)
        subsetter.subset(font)
        font.flavor = "woff2"
        data = io.BytesIO()
        font.save(data)
        name = PurePosixPath(found["name"]).stem + ".woff2"
        fonts[name] = data.getvalue()
        rules.append("@font-face {" + FONT_URL.sub(f'url("../fonts/{name}") format("woff2")', face["body"])
                     + "}\n")
    return fonts, "".join(rules)
