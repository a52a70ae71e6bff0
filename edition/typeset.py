"""Stage 4: lay out the book with WeasyPrint and write a tagged PDF (PDF/UA-1).

The book is laid out part by part (``book.py``), on every core, each part as a document of its own;
a part whose HTML has not changed since the last build is taken from the layout cache. Parts that print
page numbers (contents, notes, bibliography, indexes) are laid out once the pages they name are known:
the article texts first, then the rest, then again whatever a change of pages altered, until nothing
changes. ``assemble.py`` joins the parts' PDFs and prints the folios over them.

WeasyPrint may fetch only files inside the project (fonts, stylesheets); anything else (network,
files elsewhere on the machine) is refused by the fetcher and reported.
"""

from __future__ import annotations

import multiprocessing
import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from lxml import html as lxml_html
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from .assemble import AssembledPart, assemble
from .audit import NoteProblem, audit_footnotes
from .book import Book, PageRefs
from .buildcache import LayoutCache
from .hyphenation import register_turkish
from .pagination import PagePlan, PartLayout, plan_pages, starts_left
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
PX_TO_PT = 0.75  # CSS pixels (1/96 in) to PDF points (1/72 in)


def lay_out_part(name: str, html: str, root: Path) -> tuple[PartLayout, bytes]:
    """Lay one part out (notes audited, and escalated where needed) and write its tagged PDF.

    Runs in a worker process: everything it returns can be pickled.
    """
    start = time.perf_counter()
    document, problems, _ = layout_with_notes(html, Project(root))
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    anchors: dict[str, int] = {}
    bookmarks = []
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            anchors.setdefault(anchor, index)
        for level, label, (x, y), _ in page.bookmarks:
            bookmarks.append((level, label, index, x * PX_TO_PT, (page.height - y) * PX_TO_PT))
    blank = [page._page_box.page_type.blank for page in document.pages]
    layout = PartLayout(name, len(document.pages), blank, anchors, bookmarks,
                        [(p.note, p.problem) for p in problems], time.perf_counter() - start)
    return layout, pdf


def folio_sheet(plan: PagePlan, css: list[str]) -> str:
    """A document of empty pages, one per page of the book, each carrying only its folio."""
    links = "".join(f'<link rel="stylesheet" href="{href}">' for href in css)
    pages = "".join(f'<div class="folio folio-{placement}" style="string-set: folio \'{text}\'"></div>'
                    for placement, text in plan.folios)
    head = f'<head><meta charset="utf-8"><title>folios</title>{links}</head>'
    return f'<!DOCTYPE html><html lang="tr">{head}<body>{pages}</body></html>'


def render_folio_sheet(plan: PagePlan, project: Project, css: list[str]) -> bytes:
    """The folio sheet as PDF (untagged: the assembler marks its content as pagination artifacts)."""
    fetcher = ProjectFetcher(project.root)
    document = HTML(string=folio_sheet(plan, css), base_url=project.root.resolve().as_uri() + "/",
                    url_fetcher=fetcher).render()
    if len(document.pages) != plan.total:
        raise RuntimeError(f"folio sheet has {len(document.pages)} pages for a book of {plan.total}")
    return document.write_pdf()


def with_rules(html: str, rules: str) -> str:
    return html.replace("</head>", f"<style>{rules}</style></head>", 1) if rules else html


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


MAX_ROUNDS = 6
FIRST_ROUND_KINDS = ("article", "notes")  # their lengths decide every page number


@dataclass
class TypesetResult:
    """The book's PDF and what the typesetter did to make it."""

    pdf: bytes
    plan: PagePlan
    problems: list[NoteProblem]
    laid_out: list[str] = field(default_factory=list)  # parts laid out in this build (not cached)
    rounds: int = 0
    unresolved: set[str] = field(default_factory=set)  # link targets no part defines


class Workers:
    """Lays parts out on ``jobs`` processes (forked, so WeasyPrint is loaded once), or in this one."""

    def __init__(self, jobs: int, root: Path) -> None:
        self.jobs = max(1, jobs)
        self.root = root
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *_: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def lay_out(self, todo: list[tuple[str, str]]) -> Iterator[tuple[PartLayout, bytes]]:
        """Lay out (name, html) pairs, longest first, yielding each result as it is ready."""
        todo = sorted(todo, key=lambda item: len(item[1]), reverse=True)
        if self.jobs == 1 or len(todo) == 1:
            for name, html in todo:
                yield lay_out_part(name, html, self.root)
            return
        if self.pool is None:
            self.pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("fork"))
        futures = [self.pool.submit(lay_out_part, name, html, self.root) for name, html in todo]
        for future in as_completed(futures):
            yield future.result()


def typeset_book(book: Book, project: Project, cache: LayoutCache, refs: PageRefs | None = None,
                 jobs: int = 1, progress: Callable[[str], None] | None = None) -> TypesetResult:
    """Lay the book's parts out until their page references agree with the pages, then assemble it.

    ``refs`` are the page references of the last build, if any: parts rendered with them are found in
    the cache. Without them the first round lays out only the articles and their notes, whose lengths
    fix every page number; the other parts follow with the right numbers.
    """
    refs = refs if refs is not None and refs.known else PageRefs()
    layouts: dict[str, PartLayout] = {}
    sources: dict[str, Path | bytes] = {}
    keys: dict[str, str] = {}
    laid_out: list[str] = []
    plan = plan_pages(book.specs, layouts)
    with Workers(jobs, project.root) as workers:
        for rounds in range(1, MAX_ROUNDS + 1):  # noqa: B007 (reported below)
            todo = _changed_parts(book, refs, cache, layouts, sources, keys)  # takes cache hits too
            for layout, pdf in workers.lay_out(todo):
                sources[layout.name] = cache.put(keys[layout.name], layout, pdf)
                layouts[layout.name] = layout
                laid_out.append(layout.name)
                if progress:
                    progress(f"laid out {layout.name} ({layout.pages} pages, {layout.seconds:.1f} s)")
            plan = plan_pages(book.specs, layouts)
            # Settled: every part laid out with the page references its layouts give.
            if not todo and len(layouts) == len(book.specs) and plan.refs == refs:
                break
            refs = plan.refs
        else:
            raise RuntimeError(f"page numbers did not settle after {MAX_ROUNDS} rounds of layout")
    sheet = _folio_sheet_pdf(plan, project, cache, book.folio_css)
    parts = [(AssembledPart(layouts[s.name], sources[s.name]), plan.blank_before[s.name]) for s in book.specs]
    pdf, unresolved = assemble(parts, plan, sheet)
    problems = [NoteProblem(note, f"{problem} (part {name})")
                for name, layout in layouts.items() for note, problem in layout.problems]
    return TypesetResult(pdf, plan, problems, laid_out, rounds, unresolved)


def _changed_parts(book: Book, refs: PageRefs, cache: LayoutCache, layouts: dict[str, PartLayout],
                   sources: dict[str, Path | bytes], keys: dict[str, str]) -> list[tuple[str, str]]:
    """Parts whose HTML (with the current page references) has no layout yet: (name, html)."""
    todo = []
    others_done = all(s.name in layouts for s in book.specs if s.kind != "front")
    for spec in book.specs:
        if not refs.known and spec.kind not in FIRST_ROUND_KINDS:
            continue
        if spec.kind == "front" and not others_done:
            continue  # its contents list every part's first page
        html = book.render(spec, refs, starts_left(spec, refs)).html
        key = cache.key(html)
        if keys.get(spec.name) == key:
            continue
        keys[spec.name] = key
        cached = cache.get(key)
        if cached is not None:
            layouts[spec.name], sources[spec.name] = cached
        else:
            todo.append((spec.name, html))
    return todo


def _folio_sheet_pdf(plan: PagePlan, project: Project, cache: LayoutCache, css: list[str]) -> bytes:
    html = folio_sheet(plan, css)
    key = cache.key(html)
    cached = cache.get(key)
    if cached is not None:
        return Path(cached[1]).read_bytes()
    pdf = render_folio_sheet(plan, project, css)
    cache.put(key, PartLayout("folio-sheet", plan.total, [], {}, []), pdf)
    return pdf
