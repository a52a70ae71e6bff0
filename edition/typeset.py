"""Stage 4: lay out the book's HTML with WeasyPrint and write a tagged PDF (PDF/UA-1).

WeasyPrint may fetch only files inside the project (fonts, stylesheets); anything else (network,
files elsewhere on the machine) is refused by the fetcher and reported.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlparse

from weasyprint import HTML
from weasyprint.urls import URLFetcher

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
    document = HTML(string=html, base_url=project.root.as_uri() + "/", url_fetcher=fetcher)
    return document.render(pdf_variant=PDF_VARIANT)


def typeset(html: str, project: Project) -> bytes:
    """The book's PDF bytes: tagged PDF/UA-1 with subset, embedded fonts."""
    return layout(html, project).write_pdf(pdf_variant=PDF_VARIANT)
