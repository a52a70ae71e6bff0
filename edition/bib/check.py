"""``edition bib check``: what a bibliography editor must look at, each with file and line.

Duplicate keys, probable duplicates (same first author and year, similar title; each entry reported
once, against the first entry it resembles), entries cited nowhere, citations without an entry, and
fields a citation manager needs that an entry of its type lacks (an entry marked ``incomplete`` is
reported as a warning: its gaps are known and stated). The .bib is read as every command reads it
(``bibread``): a file that cannot be read, or passes a limit, is refused with one line.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from difflib import SequenceMatcher
from pathlib import Path

import bibtexparser
from bibtexparser.model import DuplicateBlockKeyBlock

from edition.bib.bibliography import field_value, first_surname, keywords
from edition.bib.read import as_paths, check_links, read_bib
from edition.check.validate import Finding
from edition.errors import display_path
from edition.i18n.language import turkish_lower
from edition.tei.load import TEI_NS, load_volume, source_path

REQUIRED = {
    "article": ("author", "title", "journaltitle", "date"),
    "book": ("title", "date"),
    "incollection": ("author", "title", "booktitle", "date"),
    "inbook": ("author", "title", "booktitle", "date"),
    "thesis": ("author", "title", "institution", "date"),
    "online": ("url",),
    "misc": ("date",),
    "unpublished": ("title",),
}

PRIMARY_OPTIONAL = {"author", "title", "date"}


def check(bib: Path | Sequence[Path], volume: Path | None, project_root: Path | None) -> list[Finding]:
    """Findings for the .bib file or files (several are one bibliography: a key in two of them is a
    duplicate); without a volume (a .bib checked outside any project) the checks that compare it
    with the citations are left out."""
    findings: list[Finding] = []
    lines: dict[str, tuple[str, int]] = {}  # entry key -> (file as shown, line): the first definition
    for path in as_paths(bib):
        findings += _check_file(path, lines)
    if volume is None or project_root is None:
        return sorted(findings)
    cited = _citations(volume, project_root)
    label = ", ".join(display_path(path) for path in as_paths(bib))
    for key in sorted(lines.keys() - cited.keys()):
        where, line = lines[key]
        findings.append(Finding(where, line, 1, "warning", f"entry '{key}' is cited nowhere in the "
                                "volume; cite it or remove it", "bib-uncited"))
    for key, places in sorted(cited.items()):
        if key not in lines:
            for where, line in places:
                findings.append(Finding(where, line, 1, "error", f"citation 'bib:{key}' has no entry in "
                                        f"{label}; add it or fix the key", "bib-missing"))
    return sorted(findings)


def _check_file(bib: Path, known: dict[str, tuple[str, int]]) -> list[Finding]:
    """One file's findings; ``known`` (the entries of the files checked before) gains its entries, and a
    key already there is reported with both places."""
    text = read_bib(bib)  # a file that cannot be read, or is over a limit, is refused with one line
    library = bibtexparser.parse_string(text)
    check_links(library, text, Path(bib))
    path = display_path(bib)
    duplicates = _duplicate_keys(text, path)
    # A second entry with a key already used is a failed block too; where _duplicate_keys found it
    # (saying where the first one is), it is not reported again.
    reported = {f.line for f in duplicates}
    findings = [Finding(path, (b.start_line or 0) + 1, 1, "error", f"cannot parse this entry: {b.error}",
                        "bib-syntax") for b in library.failed_blocks
                if not (isinstance(b, DuplicateBlockKeyBlock) and (b.start_line or 0) + 1 in reported)]
    lines = {e.key: (e.start_line or 0) + 1 for e in library.entries}
    findings += duplicates
    for key, line in lines.items():
        if key in known:
            other, other_line = known[key]
            findings.append(Finding(path, line, 1, "error", f"key '{key}' is already used at {other}:"
                                    f"{other_line}; rename one of the two entries", "bib-duplicate-key"))
        else:
            known[key] = (path, line)
    findings += _probable_duplicates(library.entries, lines, path)
    findings += _required_fields(library.entries, lines, path)
    return findings


def _duplicate_keys(text: str, path: str) -> list[Finding]:
    seen: dict[str, int] = {}
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(r"\s*@\w+\s*\{\s*([^,\s]+)\s*,", line)
        if not match:
            continue
        key = match.group(1)
        if key in seen:
            found.append(Finding(path, number, 1, "error", f"key '{key}' is already used at line "
                                 f"{seen[key]}; rename one of the two entries", "bib-duplicate-key"))
        else:
            seen[key] = number
    return found


def _probable_duplicates(entries: list, lines: dict[str, int], path: str) -> list[Finding]:
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for entry in entries:
        author, year = turkish_lower(first_surname(entry)), field_value(entry, "date")[:4]
        if author:
            groups[(author, year)].append(entry)
    found = []
    for group in groups.values():
        titles = [turkish_lower(field_value(entry, "title")) for entry in group]
        for later, earlier in _similar_titles(titles):
            first, second = group[earlier], group[later]
            found.append(Finding(path, lines[second.key], 1, "warning",
                                 f"'{second.key}' may be the same work as '{first.key}' (same author "
                                 "and year, similar or missing title); merge them if so",
                                 "bib-probable-duplicate"))
    return found


# Titles of one author and year compared with every other when they are this few; in a larger group,
# with this many neighbours in alphabetical order of the title and of the title read backwards (the
# sorted-neighbourhood method): every pair of 30,000 titles of one author would take hours.
NEIGHBOURS = 8


def _similar_titles(titles: list[str]) -> list[tuple[int, int]]:
    """(later, earlier) for each title like an earlier one (or either missing): the earliest such."""
    pairs = []
    for later, candidates in sorted(_candidates(titles).items()):
        matcher = SequenceMatcher(None, b=titles[later])
        for earlier in sorted(candidates):
            if _similar(titles[earlier], titles[later], matcher):
                pairs.append((later, earlier))
                break
    return pairs


def _candidates(titles: list[str]) -> dict[int, set[int]]:
    """For each title, the earlier ones to compare it with."""
    if len(titles) <= NEIGHBOURS + 1:
        return {later: set(range(later)) for later in range(1, len(titles))}
    candidates: dict[int, set[int]] = defaultdict(set)
    for key in (lambda i: titles[i], lambda i: titles[i][::-1]):
        order = sorted(range(len(titles)), key=key)
        for position, index in enumerate(order):
            for other in order[max(0, position - NEIGHBOURS):position]:
                candidates[max(index, other)].add(min(index, other))
    return candidates


def _similar(a: str, b: str, matcher: SequenceMatcher) -> bool:
    """Missing, equal, or alike by difflib's ratio over 0.8 (``matcher`` holds ``b``); the bounds
    difflib computes first save the full comparison of most pairs."""
    if not a or not b or a == b:
        return True
    if 2 * min(len(a), len(b)) / (len(a) + len(b)) <= 0.8:
        return False
    matcher.set_seq1(a)
    return matcher.quick_ratio() > 0.8 and matcher.ratio() > 0.8


def _required_fields(entries: list, lines: dict[str, int], path: str) -> list[Finding]:
    found = []
    for entry in entries:
        wanted = REQUIRED.get(entry.entry_type.lower(), ())
        if "primary" in keywords(entry):  # unsigned, untitled newspaper pieces; undated archive files
            wanted = tuple(n for n in wanted if n not in PRIMARY_OPTIONAL)
        missing = [name for name in wanted if not field_value(entry, name)]
        if "author" in missing and field_value(entry, "editor"):
            missing.remove("author")
        if not missing:
            continue
        known = "incomplete" in keywords(entry)
        found.append(Finding(path, lines[entry.key], 1, "warning" if known else "error",
                             f"@{entry.entry_type}{{{entry.key}}} lacks {', '.join(missing)}"
                             + ("; marked incomplete: the sources give no more" if known else
                                "; add them from the sources or mark the entry incomplete"),
                             "bib-required-fields"))
    return found


def _citations(volume: Path, project_root: Path) -> dict[str, list[tuple[str, int]]]:
    tei = load_volume(volume, project_root)
    cited: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for ptr in tei.root.iter(f"{{{TEI_NS}}}ptr", f"{{{TEI_NS}}}ref"):
        for target in (ptr.get("target") or "").split():
            if target.startswith("bib:"):
                where = display_path(source_path(ptr, tei.path))
                cited[target[4:]].append((where, ptr.sourceline or 0))
    return cited
