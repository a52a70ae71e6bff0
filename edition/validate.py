"""Stage: check a volume — TEI well-formedness and the edition's own rules.

Every rule has an id and one sentence (``RULES``); a finding names the file, line and column, says what
is wrong and what to do. Findings are sorted and printed one per line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from lxml import etree

from .errors import EditionError, display_path
from .load import TEI_NS, XML_NS, Volume, load_volume, source_path


@dataclass(frozen=True, order=True)
class Finding:
    """One problem found in a file."""

    path: str
    line: int
    column: int
    severity: str  # "error" or "warning"
    message: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message} [{self.rule}]"


@dataclass(frozen=True)
class Rule:
    id: str
    sentence: str
    check: Callable[[Volume], Iterator[Finding]]


def finding(element: etree._Element, volume: Volume, rule: str, message: str,
            severity: str = "error") -> Finding:
    path = display_path(source_path(element, volume.path))
    return Finding(path, element.sourceline or 0, 1, severity, message, rule)


def check_unique_ids(volume: Volume) -> Iterator[Finding]:
    seen: dict[str, etree._Element] = {}
    for element in volume.root.iter():
        if not isinstance(element.tag, str):
            continue
        value = element.get(f"{{{XML_NS}}}id")
        if value is None:
            continue
        if value in seen:
            first = seen[value]
            where = f"{display_path(source_path(first, volume.path))}:{first.sourceline}"
            yield finding(element, volume, "id-unique",
                          f"xml:id '{value}' is already used at {where}; give this element another id")
        else:
            seen[value] = element


GLUE = re.compile(r"[^\W\d_]{2,}[.,;:’”\"']?\d{1,3}(?=[\s.,;:]|$)")


def check_footnote_glue(volume: Volume) -> Iterator[Finding]:
    for article in volume.articles:
        text = article.root.find(f"{{{TEI_NS}}}text")
        if text is None:
            continue
        for element in text.iter():
            if not isinstance(element.tag, str) or _outside_running_text(element):
                continue
            for chunk in (element.text, element.tail):
                match = GLUE.search(chunk or "") if chunk else None
                if match:
                    yield finding(element, volume, "note-glue",
                                  f"'{match.group()}' looks like a footnote number glued to a word; "
                                  "move the note to a <note n=\"…\"> at this point", "warning")


def _outside_running_text(element: etree._Element) -> bool:
    """Notes, witness readings and running heads may hold numbers after words (dates, citations)."""
    skip = {"fw", "ref", "bibl", "note", "sic", "orig", "abbr"}
    return any(etree.QName(e).localname in skip for e in (element, *element.iterancestors()))


def check_lang(volume: Volume) -> Iterator[Finding]:
    for article in volume.articles:
        text = article.root.find(f"{{{TEI_NS}}}text")
        if text is None:
            continue
        if not (text.get(f"{{{XML_NS}}}lang") or article.root.get(f"{{{XML_NS}}}lang")):
            yield finding(text, volume, "lang-text", "the text has no xml:lang; add xml:lang=\"tr\"")


def check_notes_numbered(volume: Volume) -> Iterator[Finding]:
    for note in volume.root.iter(f"{{{TEI_NS}}}note"):
        if note.get("place") == "foot" and not note.get("n"):
            yield finding(note, volume, "note-number",
                          "footnote without @n; give it the number the source prints")


RULES: tuple[Rule, ...] = (
    Rule("id-unique", "Every xml:id is unique across the whole volume.", check_unique_ids),
    Rule("note-glue", "No footnote number stays glued to a word in the text.", check_footnote_glue),
    Rule("lang-text", "Every article's text declares its language.", check_lang),
    Rule("note-number", "Every footnote carries the number the source prints (@n).", check_notes_numbered),
)


def validate(volume_path: Path, project_root: Path) -> list[Finding]:
    """All findings for a volume; a file that cannot be read at all is one finding."""
    try:
        volume = load_volume(volume_path, project_root)
    except EditionError as exc:
        location = exc.location
        path = display_path(location.path) if location else display_path(volume_path)
        return [Finding(path, location.line if location else 0, location.column if location else 0,
                        "error", exc.message, "xml-load")]
    return sorted(f for rule in RULES for f in rule.check(volume))


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def report(findings: Iterable[Finding], fmt: str = "text") -> str:
    findings = list(findings)
    if fmt == "json":
        return json.dumps([asdict(f) for f in findings], ensure_ascii=False, indent=2)
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    lines = [str(f) for f in findings]
    lines.append(f"{plural(errors, 'error')}, {plural(warnings, 'warning')}")
    return "\n".join(lines)
