"""Reading a .bib that may be hostile: refused with one located line before anything slow sees it.

pandoc follows ``crossref`` and ``xdata`` links without noticing a cycle (it never returns), and both
pandoc and pylatexenc take minutes over braces nested 100,000 deep; bibtexparser takes neither long.
So the text is read (``textfile``: size, type, encoding), its brace depth checked, then parsed, and
the links between entries checked for cycles and depth, as every command that reads a .bib does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.model import Entry

from edition.errors import EditionError, Location, display_path
from edition.limits import current, refusal
from edition.textfile import read_text

# bibtexparser's splitter does not count braces after a backslash; neither do we.
BRACE = re.compile(r"(?<!\\)[{}]")
LINK_FIELDS = ("crossref", "xdata")  # the fields through which pandoc makes an entry inherit


def read_bib(path: Path) -> str:
    """The text of a .bib file, within the size and brace-depth limits."""
    text = read_text(path, "bib_file_bytes", "bib-read")
    check_braces(text, Path(path))
    return text


def parse_bib(text: str, path: Path) -> Library:
    """The parsed library; the first block bibtexparser cannot parse, or a crossref chain too deep or
    circular, is an error with its line."""
    library = bibtexparser.parse_string(text)
    if library.failed_blocks:
        block = library.failed_blocks[0]
        reason = getattr(block.error, "abort_reason", None) or str(block.error)
        raise EditionError(f"cannot parse this BibTeX entry: {reason}; fix the entry",
                           Location(path, (block.start_line or 0) + 1, 1), "bib-syntax")
    check_strings(library, path)
    check_links(library, text, path)
    return library


# A second "name = value" after a comma, outside braces and quotes: bibtexparser reads such an
# @string as one macro whose value runs on, and BibTeX refuses it.
SECOND_DEFINITION = re.compile(r',\s*([A-Za-z][\w:.+/-]*)\s*=')


STRING_MESSAGE = "this @string defines more than one macro; write one @string{name = value} for each"


def check_strings(library: Library, path: Path) -> None:
    """Refuse an ``@string`` that defines several macros (``@STRING{jan = "…", feb = "…"}``): BibTeX
    allows one, and read as one its value would swallow the others."""
    for line, column in multiple_definitions(library):
        raise EditionError(STRING_MESSAGE, Location(path, line, column), "bib-syntax")


def multiple_definitions(library: Library) -> list[tuple[int, int]]:
    """(line, column) of the second macro's name in each @string block that defines several."""
    found = []
    for string in library.strings:
        value, raw = str(string.value), string.raw or ""
        second = SECOND_DEFINITION.search(outside_groups(value))
        if second is None:
            continue
        offset = max(raw.find(value), 0) + second.start(1)
        line_start = raw.rfind("\n", 0, offset) + 1
        found.append(((string.start_line or 0) + 1 + raw.count("\n", 0, offset), offset - line_start + 1))
    return found


def outside_groups(value: str) -> str:
    """``value`` with what is inside braces and double quotes blanked out."""
    kept, depth, quoted = [], 0, False
    for character in value:
        if character == "{":
            depth += 1
        elif character == "}":
            depth -= 1
        elif character == '"' and depth == 0:
            quoted = not quoted
        kept.append(character if depth == 0 and not quoted and character not in '{}"' else " ")
    return "".join(kept)


@dataclass
class Bibliographies:
    """Several .bib files read as one bibliography: their texts joined (as pandoc reads them), their
    entries in one library, and the file each entry comes from."""

    paths: list[Path]
    text: str
    library: Library
    sources: dict[str, Path]  # entry key -> its file

    @property
    def label(self) -> str:
        """The files, as a message names them."""
        return ", ".join(display_path(path) for path in self.paths)


def as_paths(bib: Path | Sequence[Path]) -> list[Path]:
    """One .bib file or several, as a list."""
    return [Path(bib)] if isinstance(bib, (str, Path)) else [Path(path) for path in bib]


def read_bibliographies(bib: Path | Sequence[Path]) -> Bibliographies:
    """Read and parse every file (each as ``read_bib`` and ``parse_bib`` do), refuse a key that two
    files define (one line naming both places), and merge them."""
    paths = as_paths(bib)
    texts, blocks, sources, lines = [], [], {}, {}
    origin: dict[str, tuple[str, Path]] = {}
    for path in paths:
        text = read_bib(path)
        library = parse_bib(text, path)
        for entry in library.entries:
            line = (entry.start_line or 0) + 1
            if entry.key in sources:
                raise EditionError(f"key '{entry.key}' is already used at {display_path(sources[entry.key])}:"
                                   f"{lines[entry.key]}; one bibliography holds each key once: rename one of "
                                   "the two entries", Location(path, line, 1), "bib-duplicate-key")
            sources[entry.key], lines[entry.key], origin[entry.key] = path, line, (text, path)
        texts.append(text)
        blocks.extend(library.blocks)
    merged = Library(blocks)
    if len(paths) > 1:  # a crossref may lead from one file into another: cycles across files
        check_links(merged, texts[0], paths[0], origin)
    return Bibliographies(paths, "\n".join(texts), merged, sources)


def check_braces(text: str, path: Path) -> None:
    """Refuse braces nested deeper than ``bib_brace_depth`` in a field. The entry's own braces
    (``@book{…}``) are not counted."""
    deepest = current().bib_brace_depth + 1
    depth = 0
    for brace in BRACE.finditer(text):
        if brace.group() == "}":
            depth = max(depth - 1, 0)
            continue
        depth += 1
        if depth > deepest:
            raise EditionError(refusal("bib_brace_depth", f"braces nested {depth - 1} deep in one field"),
                               location_in(text, path, brace.start()), "bib-limit")


def location_in(text: str, path: Path, offset: int) -> Location:
    line_start = text.rfind("\n", 0, offset) + 1
    return Location(path, text.count("\n", 0, offset) + 1, offset - line_start + 1)


@dataclass(frozen=True)
class Link:
    """A ``crossref`` or ``xdata`` field naming another entry, with the field's line (1-based)."""

    target: str
    field: str
    line: int


def links_of(entry: Entry, strings: dict[str, str]) -> list[Link]:
    """The entries ``entry`` names in its link fields. pandoc reads a list of keys in ``crossref`` as
    in ``xdata`` (and hangs on a cycle through either), so both are split at commas."""
    found = []
    for item in entry.fields:
        name = item.key.lower()
        if name in LINK_FIELDS:
            line = (item.start_line or entry.start_line or 0) + 1
            for key in concatenation(str(item.value), strings).split(","):
                key = re.sub(r"[{}\s]", "", key)  # pandoc drops the braces too
                if key:
                    found.append(Link(key, name, line))
    return found


def concatenation(value: str, strings: dict[str, str]) -> str:
    """A field value that bibtexparser leaves as written when it joins parts with ``#``
    (``"cr" # macro # {2}``), joined as pandoc joins it: quotes and braces dropped, macros replaced."""
    if "#" not in value:
        return value
    cuts = [index for index, character in enumerate(outside_groups(value)) if character == "#"]
    parts = [value[start:end] for start, end in zip([0, *(cut + 1 for cut in cuts)], [*cuts, len(value)],
                                                     strict=True)]
    joined = []
    for part in (p.strip() for p in parts):
        if part[:1] in {"{", '"'}:
            joined.append(part[1:-1])
        else:
            joined.append(strings.get(part.lower(), part))
    return "".join(joined)


def check_links(library: Library, text: str, path: Path,
                origin: dict[str, tuple[str, Path]] | None = None) -> None:
    """Refuse a cycle of crossref/xdata links, at any length, and a chain of more than
    ``bib_crossref_depth`` links; depth-first, without recursion (a chain may be long). ``origin``:
    the text and file of each entry, when the library joins several files."""
    strings = {key.lower(): str(string.value) for key, string in library.strings_dict.items()}
    links: dict[str, list[Link]] = {entry.key: [] for entry in library.entries}
    for entry in library.entries:
        links[entry.key] = [link for link in links_of(entry, strings) if link.target in links]
    limit = current().bib_crossref_depth
    depth: dict[str, int] = {}  # links below an entry whose chains are all walked
    for start in links:
        if start in depth:
            continue
        walk, on_walk = [start], {start}  # the entries from start to the one being looked at
        pending = [iter(links[start])]
        while walk:
            link = next(pending[-1], None)
            if link is None:
                key = walk.pop()
                on_walk.discard(key)
                pending.pop()
                depth[key] = max((depth[ln.target] + 1 for ln in links[key]), default=0)
                if depth[key] > limit:
                    raise _too_deep(key, links, depth, *(origin or {}).get(key, (text, path)))
            elif link.target in on_walk:
                cycle = walk[walk.index(link.target):]
                raise _cycle(cycle, links, *(origin or {}).get(cycle[0], (text, path)))
            elif link.target not in depth:
                walk.append(link.target)
                on_walk.add(link.target)
                pending.append(iter(links[link.target]))


def _cycle(keys: list[str], links: dict[str, list[Link]], text: str, path: Path) -> EditionError:
    """``keys``: the entries of the cycle in order, the last one linking back to the first."""
    around = [*keys, keys[0]]
    used = [next(ln for ln in links[key] if ln.target == after)
            for key, after in zip(keys, around[1:], strict=True)]
    fields = sorted({link.field for link in used})
    remove = f"this {fields[0]} field" if len(used) == 1 else f"one of these {' or '.join(fields)} fields"
    return EditionError(f"{'/'.join(fields)} cycle {' → '.join(around)}: an entry cannot inherit from "
                        f"itself; remove {remove}", field_location(used[0], text, path), "bib-crossref")


def _too_deep(key: str, links: dict[str, list[Link]], depth: dict[str, int], text: str,
              path: Path) -> EditionError:
    """The chain from ``key`` through the deepest of its links at each step."""
    deepest = [max(links[key], key=lambda ln: depth[ln.target])]
    while links[deepest[-1].target]:
        deepest.append(max(links[deepest[-1].target], key=lambda ln: depth[ln.target]))
    chain = [key, *(link.target for link in deepest)]
    shown = chain if len(chain) <= 6 else [*chain[:3], "…", *chain[-2:]]
    return EditionError(refusal("bib_crossref_depth", f"crossref chain {' → '.join(shown)} passes through "
                                f"{len(chain) - 1} entries"), field_location(deepest[0], text, path),
                        "bib-crossref")


def field_location(link: Link, text: str, path: Path) -> Location:
    """Where the link's field is: its line, and the column of its name on that line (1 if not found)."""
    match = re.search(rf"\b{link.field}\b", line_text(text, link.line), re.IGNORECASE)
    return Location(path, link.line, match.start() + 1 if match else 1)


def line_text(text: str, number: int) -> str:
    """Line ``number`` (1-based) of ``text``, counted by "\\n" alone as bibtexparser counts them."""
    start = 0
    for _ in range(number - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return ""
    end = text.find("\n", start)
    return text[start:] if end < 0 else text[start:end]
