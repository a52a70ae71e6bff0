"""Stage: the unified bibliography (``bibliography/edition.bib``), read with bibtexparser 2."""

from __future__ import annotations

from pathlib import Path

import bibtexparser
from bibtexparser.library import Library

from .errors import EditionError, Location


def load_bibliography(path: Path) -> Library:
    """Parse the .bib file; a syntax problem is an error with its line."""
    path = Path(path)
    if not path.is_file():
        raise EditionError("bibliography not found", Location(path))
    library = bibtexparser.parse_string(path.read_text(encoding="utf-8"))
    if library.failed_blocks:
        block = library.failed_blocks[0]
        raise EditionError(f"cannot parse this BibTeX entry: {block.error}",
                           Location(path, (block.start_line or 0) + 1, 1))
    return library
