"""The book's stylesheet made from edition.toml's ``[print]``: the page size and the font families.

The theme's stylesheets name their fonts through two custom properties, ``--body-fonts`` and
``--heading-fonts``, each with the theme's own families as the fallback; this stylesheet sets them
and the page size, and comes after the theme's, so that a project changes its page and its faces in
edition.toml without copying a stylesheet (what edition.toml does not set, the theme's stylesheets, or
the project's own, decide). It travels as a ``data:`` URL (the only kind besides the
project's files that the typesetter fetches), so the layout workers and the layout cache see the same
text.
"""

from __future__ import annotations

import base64
import re

from edition.config import PrintSettings

# CSS's named page sizes (CSS Paged Media 3), optionally turned; else two lengths.
PAGE_NAMES = ("A5", "A4", "A3", "B5", "B4", "JIS-B5", "JIS-B4", "letter", "legal", "ledger")
LENGTH = r"\d+(\.\d+)?(mm|cm|in|pt|pc|px)"
PAGE_SIZE = re.compile(rf"^(({'|'.join(re.escape(n) for n in PAGE_NAMES)})(\s+(portrait|landscape))?"
                       rf"|{LENGTH}\s+{LENGTH})$", re.IGNORECASE)
FONT_NAME = re.compile(r"^[^\"\\;{}<>\n\r]+$")  # a family name, quoted in the stylesheet as it is


def settings_css(settings: PrintSettings) -> str:
    """The stylesheet's text: what edition.toml sets, nothing more (the theme's stylesheets, or the
    project's own, say the rest)."""
    rules = ["/* edition.toml [print] */"]
    if settings.page_size is not None:
        rules.append(f"@page {{ size: {settings.page_size}; }}")
    families = {"--body-fonts": (settings.body_fonts, "serif"),
                "--heading-fonts": (settings.heading_fonts, "sans-serif")}
    properties = [f"{name}: {font_list(fonts, generic)};"
                  for name, (fonts, generic) in families.items() if fonts is not None]
    if properties:
        rules.append(f":root {{ {' '.join(properties)} }}")
    return "\n".join(rules) + "\n"


def font_list(families: tuple[str, ...], generic: str) -> str:
    """A font-family value: the families quoted, in order, then the generic family."""
    return ", ".join([*(f'"{family}"' for family in families), generic])


def settings_stylesheet(settings: PrintSettings) -> str:
    """The stylesheet as a ``data:`` URL, to stand in a list of the book's stylesheets."""
    return "data:text/css;base64," + base64.b64encode(settings_css(settings).encode()).decode("ascii")
