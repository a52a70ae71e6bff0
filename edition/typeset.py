"""Stage 4: lay out the book's HTML with WeasyPrint and write a tagged PDF (PDF/UA-1).

WeasyPrint may fetch only files inside the project (fonts, stylesheets); anything else (network,
files elsewhere on the machine) is refused by the fetcher and reported.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from weasyprint import HTML
from weasyprint.urls import URLFetcher

from .audit import audit_footnotes
from .hyphenation import register_turkish
from .project import Project

PDF_VARIANT = "pdf/ua-1"
LOGGER = logging.getLogger("weasyprint")


class ProjectFetcher(URLFetcher):
    """A URL fetcher that serves ``file:`` URLs inside one folder and ``data:`` URLs, nothing else."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols={"file", "data"})
        self.root = Path(root).resolve()
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None):
        if url.startswith("file:"):
            path = Path(unquote(urlparse(url).path)).resolve()
            if not path.is_relative_to(self.root):
                self.refused.append(url)
                raise ValueError(f"refused to fetch a file outside the project: {url}")
        elif not url.startswith("data:"):
            self.refused.append(url)
            raise ValueError(f"refused to fetch a non-local resource: {url}")
        return super().fetch(url, headers)


def layout(html: str, project: Project):
    """Lay the book out into pages (the expensive step)."""
    register_turkish(project.hyphenation)
    fetcher = ProjectFetcher(project.root)
    document = HTML(string=html, base_url=project.root.resolve().as_uri() + "/", url_fetcher=fetcher)
    return document.render(pdf_variant=PDF_VARIANT)


NOTE_IDS = re.compile(r'<span id="([^"]+)"[^>]*class="(?:footnote|editorial-note)"')


def typeset(html: str, project: Project) -> tuple[bytes, list]:
    """The book's PDF bytes (tagged PDF/UA-1, fonts subset and embedded) and the note audit's findings."""
    document, problems = layout_with_notes(html, project)
    return document.write_pdf(pdf_variant=PDF_VARIANT), problems


def layout_with_notes(html: str, project: Project):
    """Lay out, audit the notes, and lay out once more with stricter rules for displaced notes.

    ``footnote-policy: line`` already moves a call's line with its note; a note WeasyPrint still
    prints on another page than its call gets ``footnote-policy: block`` (its whole paragraph moves).
    """
    expected = NOTE_IDS.findall(html)
    document = layout(html, project)
    problems = audit_footnotes(document, expected)
    displaced = sorted({p.note for p in problems if "printed on page" in p.problem})
    if displaced:
        rule = ", ".join(f"#{ident}" for ident in displaced) + " { footnote-policy: block; }"
        document = layout(html.replace("</head>", f"<style>{rule}</style></head>", 1), project)
        problems = audit_footnotes(document, expected)
    return document, problems
