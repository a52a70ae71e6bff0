"""Stage 4: lay out the book's HTML with WeasyPrint and write a tagged PDF (PDF/UA-1).

WeasyPrint may fetch only files inside the project (fonts, stylesheets); anything else (network,
files elsewhere on the machine) is refused by the fetcher and reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlparse

from lxml import html as lxml_html
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from .audit import audit_footnotes
from .hyphenation import register_turkish
from .project import Project

PDF_VARIANT = "pdf/ua-1"


class ProjectFetcher(URLFetcher):
    """A URL fetcher that serves ``file:`` URLs inside one folder and ``data:`` URLs, nothing else."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols={"file", "data"})
        self.root = Path(root).resolve()

    def fetch(self, url: str, headers: dict | None = None):
        if url.startswith("file:"):
            path = Path(unquote(urlparse(url).path)).resolve()
            if not path.is_relative_to(self.root):
                raise ValueError(f"refused to fetch a file outside the project: {url}")
        elif not url.startswith("data:"):
            raise ValueError(f"refused to fetch a non-local resource: {url}")
        return super().fetch(url, headers)


def layout(html: str, project: Project):
    """Lay the book out into pages (the expensive step)."""
    register_turkish(project.hyphenation)
    fetcher = ProjectFetcher(project.root)
    document = HTML(string=html, base_url=project.root.resolve().as_uri() + "/", url_fetcher=fetcher)
    return document.render(pdf_variant=PDF_VARIANT)


NOTE_IDS = re.compile(r'<span id="([^"]+)"[^>]*class="footnote"')


def typeset(render: Callable[[Callable[[list[str]], str] | None], str], project: Project,
            first_anchor: str) -> tuple[bytes, list]:
    """The book's PDF bytes (tagged PDF/UA-1, fonts subset and embedded) and the note audit's findings.

    Two passes: the first lays the book out with placeholder page numbers in the index and the
    bibliography; the pages of every anchor in it fill those lists (deduplicated, as ranges) in the
    second. Thousands of ``target-counter()`` calls would cost WeasyPrint far more than one extra
    layout, and CSS cannot merge repeated pages. The back matter comes last, so its length cannot move
    any page it refers to.
    """
    first, _, rules = layout_with_notes(render(None), project)
    folios = Folios(anchor_pages(first), first_anchor)
    final = with_rules(render(folios), rules)  # the same note rules: the main matter pages stay put
    document = layout(final, project)
    problems = audit_footnotes(document, NOTE_IDS.findall(final))
    return document.write_pdf(pdf_variant=PDF_VARIANT), problems


def with_rules(html: str, rules: str) -> str:
    return html.replace("</head>", f"<style>{rules}</style></head>", 1) if rules else html


def anchor_pages(document) -> dict[str, int]:
    """The 1-based physical page of every anchor (its first occurrence)."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return pages


class Folios:
    """Anchor ids → the printed page numbers of the main matter ("3, 7–9")."""

    def __init__(self, pages: dict[str, int], first_anchor: str) -> None:
        self.pages = pages
        self.offset = pages.get(first_anchor, 1) - 1  # the main matter restarts at 1

    def __call__(self, ids: list[str]) -> str:
        numbers = sorted({self.pages[i] - self.offset for i in ids if i in self.pages})
        return ", ".join(_ranges(numbers))


def _ranges(numbers: list[int]) -> list[str]:
    spans: list[str] = []
    start = previous = None
    for number in [*numbers, None]:
        if start is not None and number == previous + 1:
            previous = number
            continue
        if start is not None:
            spans.append(str(start) if start == previous else f"{start}–{previous}")
        start = previous = number
    return spans


def layout_with_notes(html: str, project: Project):
    """Lay out, audit the notes, and lay out again with stricter rules for notes still displaced;
    return the document, the audit's findings and the CSS rules that were needed.

    ``footnote-policy: line`` (in print.css) moves a call's line with its note. A note WeasyPrint
    still prints away from its call gets ``footnote-policy: block`` (its paragraph moves); if even that
    fails, the paragraph holding the call starts a new page.
    """
    expected = NOTE_IDS.findall(html)
    document = layout(html, project)
    problems = audit_footnotes(document, expected)
    rules = ""
    for escalate in (_block_policy, _paragraph_break):
        displaced = sorted({p.note for p in problems if "printed on page" in p.problem})
        if not displaced:
            break
        rules += escalate(html, displaced)
        document = layout(with_rules(html, rules), project)
        problems = audit_footnotes(document, expected)
    return document, problems, rules


def _block_policy(html: str, notes: list[str]) -> str:
    return ", ".join(f"#{ident}" for ident in notes) + " { footnote-policy: block; }"


def _paragraph_break(html: str, notes: list[str]) -> str:
    tree = lxml_html.fromstring(html)
    blocks = []
    for ident in notes:
        found = tree.xpath(f"//*[@id='{ident}']/ancestor::*[self::p or self::li or self::blockquote][@id][1]")
        if found:
            blocks.append(f"#{found[0].get('id')}")
    return (", ".join(blocks) + " { break-before: page; }") if blocks else ""
