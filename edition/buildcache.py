"""What the last build left behind, so the next one redoes only what changed.

* The layout cache: one entry per laid-out part, keyed by a hash of the part's HTML and of everything
  else that decides its layout (stylesheets, fonts, hyphenation patterns, WeasyPrint's version, the
  typesetter's own code). An entry is the part's PDF and a JSON file of what the layout told us.
* The manifest: a fingerprint of every input of the build (TEI, bibliography, styles, code, options)
  and the page references the build ended with. Same fingerprint, outputs present: nothing to do.
  The page references seed the next build, so that parts which print page numbers are rendered with
  the right ones from the first round.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from .book import PageRefs
from .output import write_bytes, write_text
from .pagination import PartLayout

CACHE_FORMAT = "1"  # bump when PartLayout or the cache layout changes


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

    def get(self, key: str) -> tuple[PartLayout, Path] | None:
        meta, pdf = self.folder / f"{key}.json", self.folder / f"{key}.pdf"
        if not (self.reuse and meta.is_file() and pdf.is_file()):
            return None
        try:
            data = json.loads(meta.read_text(encoding="utf-8"))
            layout = PartLayout(**data)
        except (ValueError, TypeError):
            return None  # a damaged entry is laid out again
        layout.bookmarks = [tuple(b) for b in layout.bookmarks]
        layout.problems = [tuple(p) for p in layout.problems]
        self.used.add(key)
        return layout, pdf

    def put(self, key: str, layout: PartLayout, pdf: bytes) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{key}.pdf"
        write_bytes(path, pdf, sync=False)
        write_text(self.folder / f"{key}.json", json.dumps(asdict(layout), ensure_ascii=False), sync=False)
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
        try:
            self.data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.data = {}

    @property
    def fingerprint(self) -> str | None:
        return self.data.get("fingerprint")

    def refs(self) -> PageRefs:
        refs = self.data.get("refs") or {}
        return PageRefs(dict(refs.get("folios", {})), {k: int(v) for k, v in refs.get("main", {}).items()})

    def save(self, fingerprint: str, refs: PageRefs | None) -> None:
        data = {"fingerprint": fingerprint}
        if refs is not None:
            data["refs"] = {"folios": refs.folios, "main": refs.main}
        elif "refs" in self.data:
            data["refs"] = self.data["refs"]
        write_text(self.path, json.dumps(data, ensure_ascii=False), sync=False)
        self.data = data
