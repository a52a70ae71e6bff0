"""Turkish hyphenation with the vendored TeX patterns, through pyphen."""

from __future__ import annotations

import pyphen
import pytest

from edition.print.hyphenation import register_patterns, turkish_lower
from edition.project import THEME

PATTERNS = THEME / "hyphenation"


@pytest.fixture(scope="module")
def turkish() -> pyphen.Pyphen:
    register_patterns(PATTERNS)
    return pyphen.Pyphen(lang="tr", left=2, right=2)


def test_dotted_capital_i_does_not_shift_breaks(turkish: pyphen.Pyphen) -> None:
    # Python lowercases İ to two code points; the breaks must fall as in "istanbul".
    assert turkish.inserted("İstanbul") == "İs-tan-bul"
    assert turkish.inserted("İSTANBUL") == "İS-TAN-BUL"
    assert turkish.positions("İngiltere") == turkish.positions("ingiltere")


def test_no_break_at_or_after_an_apostrophe(turkish: pyphen.Pyphen) -> None:
    assert turkish.inserted("Atatürk’ün") == "Ata-türk’ün"
    assert "’" not in turkish.inserted("Mustafa’nın").split("-")[-1][:1]
    for word in ("Atatürk’ün", "Ankara’da", "Moskova’ya", "Çiçerin'in"):
        apostrophe = max(word.find("’"), word.find("'"))
        assert all(p <= apostrophe - 2 for p in turkish.positions(word)), word


def test_turkish_syllables(turkish: pyphen.Pyphen) -> None:
    assert turkish.inserted("Kurtuluş") == "Kur-tu-luş"
    assert turkish.inserted("Büyükelçisi") == "Bü-yü-kel-çi-si"


def test_turkish_lowercase_keeps_length() -> None:
    assert turkish_lower("İIıi") == "iııi"
    assert len(turkish_lower("İSTANBUL")) == len("İSTANBUL")
