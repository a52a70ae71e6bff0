"""What the last build left behind, so the next one redoes only what changed.

* The layout cache: one entry per laid-out part, keyed by a hash of the part's HTML and of everything
  else that decides its layout (stylesheets, fonts, hyphenation patterns, WeasyPrint's version, the
  typesetter's own code). An entry is the part's PDF and a JSON file of what the layout told us,
  with the PDF's hash.
* The manifest: a fingerprint of every input of the build (TEI, bibliography, styles, code, options)
  and the page references the build ended with. Same fingerprint, outputs present: nothing to do.
  The page references seed the next build, so that parts which print page numbers are rendered with
  the right ones from the first round.
* Jinja's compiled templates, in the user's cache folder (``SealedBytecodeCache``).

Any of these may be found truncated or damaged (a full disk, a crash, another program). Nothing read
from them is trusted: the layout's PDF is checked against the hash its entry records, JSON against
the shape it must have, a compiled template against its seal. An entry that fails is removed, noted
under ``--verbose``, and made again: a damaged cache costs time, never the build.
"""

from __future__ import annotations

import hashlib
import json
import logging
from contextlib import suppress
from dataclasses import asdict, fields
from io import BytesIO
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import Bucket

from edition.errors import display_path
from edition.output import write_bytes, write_text
from edition.print.book import PageRefs
from edition.print.pagination import PartLayout

CACHE_FORMAT = "4"  # bump when PartLayout or the cache layout changes
log = logging.getLogger("cache")  # its warnings show under --verbose


class DamagedEntryError(Exception):
    """A cache file that is not what this code writes."""


def discard_damaged(path: Path, reason: object, *companions: Path) -> None:
    """Remove a damaged cache entry (and the files that go with it); say so under --verbose."""
    log.warning("%s is damaged (%s); made again", display_path(path), reason)
    for damaged in (path, *companions):
        with suppress(OSError):  # a folder in its place, say: never taken for an entry anyway
            damaged.unlink(missing_ok=True)


def read_json(path: Path) -> object:
    """A cache file's JSON; ``DamagedEntryError`` for whatever is not whole JSON (truncated, not UTF-8,
    garbage, nested too deep to parse). ``OSError`` when it cannot be read."""
    data = path.read_bytes()
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        raise DamagedEntryError("not whole JSON") from None


def require(condition: bool, what: str) -> None:
    if not condition:
        raise DamagedEntryError(what)


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value: object) -> bool:
    return isinstance(value, str)


def _flag(value: object) -> bool:
    return isinstance(value, bool)


def _table(value: object, check) -> bool:
    """A JSON object whose values all pass ``check``."""
    return isinstance(value, dict) and all(check(item) for item in value.values())


def _rows(value: object, *columns) -> bool:
    """A JSON list of lists, each with one value per column check."""
    return isinstance(value, list) and all(
        isinstance(row, list) and len(row) == len(columns)
        and all(check(item) for check, item in zip(columns, row, strict=True)) for row in value)


def layout_from_json(data: object) -> PartLayout:
    """A part's layout from its cache entry's JSON, every field checked."""
    require(isinstance(data, dict) and set(data) == {f.name for f in fields(PartLayout)}, "not a layout")
    layout = PartLayout(**data)
    require(_text(layout.name) and _whole(layout.pages) and _number(layout.seconds), "name, pages, time")
    require(isinstance(layout.blank, list) and all(map(_flag, layout.blank)), "blank pages")
    require(_table(layout.anchors, _whole), "anchors")
    require(_rows(layout.bookmarks, _whole, _text, _whole, _number, _number), "bookmarks")
    require(_rows(layout.problems, _text, _text), "footnote problems")
    require(_rows(layout.line_numbers, _whole, _number, _number, _number, _whole), "line numbers")
    require(_whole(layout.renders), "layouts made")
    require(isinstance(layout.whole, list) and all(map(_text, layout.whole)), "words left whole")
    require(_table(layout.entries, lambda span: isinstance(span, list) and len(span) == 2
                   and all(map(_whole, span))), "apparatus lines")
    layout.bookmarks = [tuple(b) for b in layout.bookmarks]
    layout.problems = [tuple(p) for p in layout.problems]
    require(_rows(layout.source_pages, _whole, _number, _number, _number, _text), "source's page numbers")
    layout.line_numbers = [tuple(n) for n in layout.line_numbers]
    layout.source_pages = [tuple(n) for n in layout.source_pages]
    return layout


def digest_files(paths: list[Path], salt: str = "") -> str:
    """A hash of the files' names and contents (in the order given)."""
    digest = hashlib.sha256(salt.encode())
    for path in paths:
        digest.update(str(path).encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    return digest.hexdigest()


def tree_files(*roots: Path) -> list[Path]:
    """Every file below the roots (sorted)."""
    files: list[Path] = []
    for root in roots:
        if root.is_file():
            files.append(root)
        elif root.is_dir():
            files.extend(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return sorted(files)


class LayoutCache:
    """Laid-out parts on disk, in ``folder``, valid for one ``salt`` (the layout's other inputs).

    With ``reuse`` off (a cold build) nothing is read, but what is laid out is still stored.
    """

    def __init__(self, folder: Path, salt: str, reuse: bool = True) -> None:
        self.folder = Path(folder)
        self.salt = salt
        self.reuse = reuse
        self.used: set[str] = set()

    def key(self, html: str) -> str:
        return hashlib.sha256(f"{CACHE_FORMAT}\0{self.salt}\0{html}".encode()).hexdigest()

    def has(self, key: str) -> bool:
        """Whether there is an entry for ``key`` to reuse (unread: ``get`` checks it)."""
        folder = self.folder
        return self.reuse and (folder / f"{key}.json").is_file() and (folder / f"{key}.pdf").is_file()

    def get(self, key: str) -> tuple[PartLayout, Path] | None:
        """A part's layout and its PDF; None when there is no entry, or a damaged one (removed)."""
        meta, pdf = self.folder / f"{key}.json", self.folder / f"{key}.pdf"
        if not self.has(key):
            return None
        try:
            data = read_json(meta)
            require(isinstance(data, dict) and set(data) == {"layout", "pdf_sha256"}, "not a layout entry")
            layout = layout_from_json(data["layout"])
            require(hashlib.sha256(pdf.read_bytes()).hexdigest() == data["pdf_sha256"],
                    "the PDF does not match its hash")
        except DamagedEntryError as damage:
            discard_damaged(meta, damage, pdf)
            return None
        except OSError:
            return None  # unreadable: laid out again (and stored, if it can be)
        self.used.add(key)
        return layout, pdf

    def put(self, key: str, layout: PartLayout, pdf: bytes) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{key}.pdf"
        write_bytes(path, pdf, sync=False)
        entry = {"layout": asdict(layout), "pdf_sha256": hashlib.sha256(pdf).hexdigest()}
        write_text(self.folder / f"{key}.json", json.dumps(entry, ensure_ascii=False), sync=False)
        self.used.add(key)
        return path

    def prune(self) -> None:
        """Forget every entry this build did not use."""
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.suffix in (".json", ".pdf") and path.stem not in self.used:
                path.unlink(missing_ok=True)


class Manifest:
    """The fingerprint of the last build's inputs and the page references it ended with."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.data = self._read()

    def _read(self) -> dict:
        """The manifest's data; empty when there is none, or a damaged one (then removed)."""
        try:
            data = read_json(self.path)
            require(isinstance(data, dict) and _text(data.get("fingerprint")), "no fingerprint")
            refs = data.get("refs", {})
            require(isinstance(refs, dict) and _table(refs.get("folios", {}), _text)
                    and _table(refs.get("main", {}), _whole), "page references")
        except OSError:
            return {}
        except DamagedEntryError as damage:
            discard_damaged(self.path, damage)
            return {}
        return data

    @property
    def fingerprint(self) -> str | None:
        return self.data.get("fingerprint")

    def refs(self) -> PageRefs:
        refs = self.data.get("refs") or {}
        return PageRefs(dict(refs.get("folios", {})), {k: int(v) for k, v in refs.get("main", {}).items()})

    def save(self, fingerprint: str, refs: PageRefs | None, to: Path | None = None) -> None:
        """Write the manifest (to ``to``, its staged copy, rather than its place, when given)."""
        data = {"fingerprint": fingerprint}
        if refs is not None:
            data["refs"] = {"folios": refs.folios, "main": refs.main}
        elif "refs" in self.data:
            data["refs"] = self.data["refs"]
        write_text(to or self.path, json.dumps(data, ensure_ascii=False), sync=False)
        self.data = data


class SealedBytecodeCache(FileSystemBytecodeCache):
    """Jinja's compiled templates in ``folder``, each file sealed with a hash of what follows.

    Jinja's own cache loads a truncated file into an ``EOFError`` it lets through, and a damaged one
    into whatever ``marshal`` makes of it (which can crash the interpreter): here a file whose seal
    does not match, or that Jinja cannot load, is compiled again (and noted under --verbose).
    """

    SEAL = b"edition-jinja-1\n"

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder), "__edition_jinja_%s.cache")  # not Jinja's unsealed files

    def load_bytecode(self, bucket: Bucket) -> None:
        path = Path(self._get_cache_filename(bucket))
        try:
            data = path.read_bytes()
        except OSError:
            return  # none yet (or unreadable): compiled
        digest, payload = data[len(self.SEAL):len(self.SEAL) + 32], data[len(self.SEAL) + 32:]
        try:
            require(data.startswith(self.SEAL) and hashlib.sha256(payload).digest() == digest, "bad seal")
            bucket.load_bytecode(BytesIO(payload))
        except Exception as damage:  # whatever the damage, the template is compiled again
            bucket.reset()
            discard_damaged(path, damage)

    def dump_bytecode(self, bucket: Bucket) -> None:
        buffer = BytesIO()
        bucket.write_bytecode(buffer)
        payload = buffer.getvalue()
        with suppress(OSError):  # a cache that cannot be written only costs the next run the compiling
            write_bytes(Path(self._get_cache_filename(bucket)),
                        self.SEAL + hashlib.sha256(payload).digest() + payload, sync=False)
