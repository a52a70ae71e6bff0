"""Compare an article's authorial text with its witness, word by word.

The authorial text is every text node of ``tei:text`` outside the editors' elements (the rows of
the processing table marked ``editorial``), plus each
footnote's number counted twice (the witness prints it as the call and as the note's label). The
witness is the PDF-extracted source with line-end hyphenation undone. Both become multisets of words
(letter runs and digit runs); recall and precision say how much of each side the other holds.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from edition.processing.rules import Behaviour, default_model
from edition.tei.load import NS, TEI_NS, load_article

WORD = re.compile(r"[^\W\d_]+|\d+")
LINE_END_HYPHEN = re.compile(r"([^\W\d_]+)-\s*\n\s*([^\W\d_]+)")


@dataclass
class Fidelity:
    """The outcome of one comparison."""

    recall: float
    precision: float
    missing: Counter  # in the witness, not in the edition
    added: Counter  # in the edition, not in the witness

    def report(self, limit: int = 40) -> str:
        lines = [f"recall {self.recall:.4%}  precision {self.precision:.4%}"]
        if self.missing:
            lines.append("missing from the edition: " + _show(self.missing, limit))
        if self.added:
            lines.append("added by the edition: " + _show(self.added, limit))
        return "\n".join(lines)


def _show(counter: Counter, limit: int) -> str:
    return ", ".join(f"{word}×{count}" for word, count in counter.most_common(limit))


def authorial_text(element: etree._Element) -> str:
    """The authors' text below ``element``, editorial elements left out, note numbers put in."""
    parts: list[str] = []
    _collect(element, parts)
    return "".join(parts)


def _collect(element: etree._Element, parts: list[str]) -> None:
    if not isinstance(element.tag, str):
        return
    behaviour = default_model().behaviour(element)
    if behaviour.editorial:
        return
    if element.tag == f"{{{TEI_NS}}}note" and element.get("n"):
        parts.append(f" {element.get('n')} {element.get('n')} ")
    parts.append(element.text or "")
    for child in element:
        _collect(child, parts)
        parts.append(child.tail or "")
    if ends_words(behaviour):
        parts.append(" ")


def ends_words(behaviour: Behaviour) -> bool:
    """True where no word runs on past the element: a block, or what stands apart from the running
    text (a note, forme work)."""
    return behaviour.block or behaviour.text == "apart"


def dehyphenate(witness: str, edition_text: str) -> str:
    """Undo line-end hyphenation, keeping a hyphen the edition keeps ("Hâkimiyet-i")."""

    def join(match: re.Match[str]) -> str:
        first, second = match.group(1), match.group(2)
        if first + second in edition_text and f"{first}-{second}" not in edition_text:
            return first + second
        if f"{first}-{second}" in edition_text or not second[0].islower():
            return f"{first}-{second}"
        return first + second

    return LINE_END_HYPHEN.sub(join, witness)


def words(text: str) -> Counter:
    return Counter(WORD.findall(text))


def compare(tei_path: Path, witness_path: Path | None = None) -> Fidelity:
    """Compare one article file with its witness (found from the header when not given)."""
    root = load_article(tei_path)
    witness_path = witness_path or witness_of(root, Path(tei_path))
    text = root.find("tei:text", NS)
    edition_text = authorial_text(text) if text is not None else ""
    witness = dehyphenate(witness_path.read_text(encoding="utf-8"), edition_text)
    return measure(words(witness), words(edition_text))


def measure(witness_words: Counter, edition_words: Counter) -> Fidelity:
    common = sum((witness_words & edition_words).values())
    recall = common / max(1, sum(witness_words.values()))
    precision = common / max(1, sum(edition_words.values()))
    return Fidelity(recall, precision, witness_words - edition_words, edition_words - witness_words)


def witness_of(root: etree._Element, tei_path: Path) -> Path:
    """The source file named in ``sourceDesc/bibl[@type='witness']/ref/@target``."""
    ref = root.find("tei:teiHeader//tei:sourceDesc/tei:bibl[@type='witness']/tei:ref", NS)
    if ref is None or not ref.get("target"):
        raise ValueError(f"{tei_path}: sourceDesc names no witness (bibl[@type='witness']/ref/@target)")
    return (Path(tei_path).parent / ref.get("target")).resolve()


def main(argv: list[str] | None = None) -> int:
    """``python -m edition.check.fidelity tei/a000.xml …``: print the comparison for each file."""
    status = 0
    for name in argv if argv is not None else sys.argv[1:]:
        result = compare(Path(name))
        print(f"{name}: {result.report()}")
        if min(result.recall, result.precision) < 0.995:
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
