"""Stage: export the unified bibliography for citation managers."""

from __future__ import annotations

from pathlib import Path

import bibtexparser
import pypandoc

from .bibliography import load_bibliography

FORMATS = ("bibtex", "biblatex", "csljson")


def export(bib: Path, fmt: str) -> str:
    """The bibliography in ``fmt``: BibTeX/BibLaTeX through bibtexparser, CSL-JSON through pandoc."""
    library = load_bibliography(bib)
    if fmt in ("bibtex", "biblatex"):
        return bibtexparser.write_string(library)
    if fmt == "csljson":
        return pypandoc.convert_file(str(bib), "csljson", format="biblatex")
    raise ValueError(f"unknown format {fmt}")
