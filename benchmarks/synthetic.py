"""A synthetic volume for the scale benchmark: the real articles repeated under new ids.

Copy ``k`` of article ``aNNN`` becomes ``a{k}NNN`` (every ``xml:id`` and pointer that starts
with the article's id is renamed), so the volume validates and every cross-reference still resolves.
"""

from __future__ import annotations

import re
from pathlib import Path

INCLUDE = '  <xi:include href="{name}.xml"/>\n'


def make_volume(project: Path, articles: int) -> list[str]:
    """Rewrite ``project``'s tei/volume.xml to hold ``articles`` articles; return their ids."""
    tei = project / "tei"
    volume = (tei / "volume.xml").read_text(encoding="utf-8")
    originals = re.findall(r'<xi:include href="(a\d{3})\.xml"/>', volume)
    ids = []
    for number in range(articles):
        source = originals[number % len(originals)]
        copy = number // len(originals)
        ident = source if copy == 0 else f"a{copy}{source[1:]}"  # a000 → a1000, a10000…
        if copy:
            text = (tei / f"{source}.xml").read_text(encoding="utf-8")
            text = re.sub(rf"\b{source}(?=[-\"])", ident, text)
            (tei / f"{ident}.xml").write_text(text, encoding="utf-8")
        ids.append(ident)
    includes = "".join(INCLUDE.format(name=ident) for ident in ids)
    volume = re.sub(r'(  <xi:include href="a\d{3}\.xml"/>\n)+', includes, volume)
    (tei / "volume.xml").write_text(volume, encoding="utf-8")
    return ids
