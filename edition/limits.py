"""Limits on input, so that hostile or broken files are refused with one line instead of a hang.

Every limit has a name, a default and one sentence; the README's security section lists them. A
command raises one with ``--limit NAME=VALUE`` (repeatable). The CLI sets the limits once, before
any work, and the stages read them with ``current()``; forked layout workers inherit them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from edition.errors import EditionError

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The limits in force. Sizes in bytes, times in seconds."""

    tei_file_bytes: int = 8 * MIB
    """One TEI file, before parsing."""
    xml_depth: int = 64
    """Elements nested in one another (the HTML renderer recurses per level and fails past ~100; the
    bundled volume nests 11 deep)."""
    xml_line_chars: int = 1 * MIB
    """Characters on one line of a TEI file."""
    xinclude_depth: int = 4
    """Files included by files included by … the volume."""
    xinclude_files: int = 200
    """Files one volume includes in all."""
    bib_file_bytes: int = 16 * MIB
    """One .bib file, before parsing."""
    bib_brace_depth: int = 64
    """Braces nested in one .bib field."""
    bib_crossref_depth: int = 8
    """Entries one crossref chain may pass through (a cycle is refused at any length)."""
    pandoc_seconds: int = 300
    """One run of pandoc (formatting the bibliography, reading a manuscript)."""
    processing_predicate_chars: int = 500
    """One predicate of a processing-model row (it is evaluated on every element it names)."""


_current = Limits()


def current() -> Limits:
    """The limits in force for this process."""
    return _current


def configure(assignments: list[str] | None) -> Limits:
    """Apply ``NAME=VALUE`` assignments (from ``--limit``) over the defaults."""
    global _current
    known = {f.name for f in fields(Limits)}
    changes: dict[str, int] = {}
    for assignment in assignments or []:
        name, _, value = assignment.partition("=")
        name = name.strip().replace("-", "_")
        if name not in known:
            raise EditionError(f"--limit {assignment}: no limit named '{name}' "
                               f"(limits: {', '.join(sorted(known))})", rule="usage")
        try:
            number = int(value.strip())
        except ValueError:
            raise EditionError(f"--limit {assignment}: the value must be a whole number",
                               rule="usage") from None
        if number < 1:
            raise EditionError(f"--limit {assignment}: the value must be at least 1", rule="usage")
        changes[name] = number
    _current = replace(Limits(), **changes)
    return _current


def refusal(limit: str, what: str) -> str:
    """The end of a refusal message: which limit was passed and how to raise it."""
    value = getattr(_current, limit)
    return f"{what}, over the limit {limit}={value} (raise it with --limit {limit}=N)"
