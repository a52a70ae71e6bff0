"""Laying out one document with WeasyPrint: a part of the book (its notes audited, and a second
layout where a note was printed away from its call) as a tagged PDF (PDF/UA-1), or the folio sheet.

This is the code whose change alters a layout (with ``audit.py``, ``html_tree.py``, ``hyphenation.py``,
``weasy.py`` and the ``language.py`` it uses): the layout cache is keyed by it. It runs in the
typesetter's worker processes (``typeset.py``).

WeasyPrint may fetch only files inside the project and the package's theme (fonts, stylesheets);
anything else (network, files elsewhere on the machine) is refused by the fetcher and reported.
"""

from __future__ import annotations

import hashlib
import re
import time
from functools import cache
from html import escape
from pathlib import Path
from urllib.parse import unquote, urlparse

from lxml import html as lxml_html
from weasyprint import CSS
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from edition.print.audit import audit_footnotes
from edition.print.book import end_anchor
from edition.print.html_tree import document as html_document
from edition.print.hyphenation import register_patterns
from edition.print.lines import LineNumbers, line_label, number_lines, source_pages
from edition.print.pagination import PagePlan, PartLayout
from edition.print.setting import LADDER, audit_setting
from edition.print.weasy import hyphenation_limits, is_blank, mend_line_breaking, unhyphenated
from edition.project import THEME, Project

PDF_VARIANT = "pdf/ua-1"


class ProjectFetcher(URLFetcher):
    """A URL fetcher that serves ``file:`` URLs inside the project or the package's theme (theme files
    looked up as ``Project.theme_file`` does) and ``data:`` URLs, nothing else."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols={"file", "data"})
        self.project = Project(Path(root).resolve())
        self.folders = (self.project.root, THEME.resolve())

    def fetch(self, url: str, headers: dict | None = None):
        if url.startswith("file:"):
            path = Path(unquote(urlparse(url).path)).resolve()
            if not any(path.is_relative_to(folder) for folder in self.folders):
                raise ValueError(f"refused to fetch a file outside the project: {url}")
            url = self.project.themed(path).as_uri()
        elif not url.startswith("data:"):
            raise ValueError(f"refused to fetch a non-local resource: {url}")
        return super().fetch(url, headers)


SETTING_PASSES = 5  # layouts after the first that may leave words unhyphenated (setting.py), for the
# faults the hyphenation limits did not prevent as lines were broken


def layout(html: str, project: Project, css: tuple[str, ...] = (), pdf_variant: str | None = PDF_VARIANT,
           whole: set[str] | None = None):
    """Lay a document out into pages (the expensive step); ``css``: stylesheets (paths from the
    project's root, or data: URLs) applied besides those the document links, parsed once per process.

    Lines are broken with at most ``LADDER`` hyphenated lines in a row and no page ending on a
    hyphen (``hyphenation_limits``); where the setting audit still finds either, the words at fault
    are left whole and the document laid out again. ``whole``: words
    (``hyphenation_key``) already known to be left whole, from an earlier layout of the same part
    (one that differs only in the apparatus's line numbers or a page break before a paragraph):
    the layout starts from them rather than finding them again one pass at a time; the words found
    are added to it."""
    register_patterns(project.hyphenation)
    mend_line_breaking()
    whole = set() if whole is None else whole
    parsed = parse(html, project)  # once for all the passes
    with hyphenation_limits(LADDER, page_ends=True):
        with unhyphenated(whole):
            document = _render(parsed, project, css, pdf_variant)
        for _ in range(SETTING_PASSES):
            found = {problem.key for problem in audit_setting(document) if problem.key} - whole
            if not found:
                break
            whole |= found
            with unhyphenated(whole):
                document = _render(parsed, project, css, pdf_variant)
    return document


def parse(html: str, project: Project):
    """A part's HTML as WeasyPrint's document, its files fetched from the project only: what
    ``_render`` lays out (parsed once, laid out by every pass)."""
    return html_document(html, _base_url(project.root), ProjectFetcher(project.root))


RENDERS = [0]  # layouts made in this process: each part's count goes to its PartLayout (shown by --verbose)


def _render(parsed, project: Project, css: tuple[str, ...], pdf_variant: str | None):
    RENDERS[0] += 1
    if not css:
        return parsed.render(pdf_variant=pdf_variant)
    stylesheets, fonts = book_stylesheets(project.root, css)
    return parsed.render(stylesheets=stylesheets, font_config=fonts, pdf_variant=pdf_variant)


def _base_url(root: Path) -> str:
    return root.resolve().as_uri() + "/"


def book_stylesheets(root: Path, css: tuple[str, ...]) -> tuple[list[CSS], FontConfiguration]:
    """The book's stylesheets, parsed, with the fonts they declare loaded: parsing them and loading
    the fonts for each part anew would cost more than laying out a short part. Kept per process as
    long as the files do not change."""
    project = Project(root)
    contents = hashlib.sha256(b"".join(name.encode() if name.startswith("data:")
                                       else project.themed(root / name).read_bytes() for name in css))
    return _parsed_stylesheets(root, css, contents.hexdigest())


@cache
def _parsed_stylesheets(root: Path, css: tuple[str, ...],
                        _contents: str) -> tuple[list[CSS], FontConfiguration]:
    fonts = FontConfiguration()
    fetcher = ProjectFetcher(root)
    # A name is a path from the project's root, or a data: URL (the stylesheet made from edition.toml).
    stylesheets = [CSS(url=name if name.startswith("data:") else _base_url(root) + name, url_fetcher=fetcher,
                       font_config=fonts) for name in css]
    return stylesheets, fonts


NOTE_IDS = re.compile(r'<span id="([^"]+)"[^>]*class="footnote(?: [^"]*)?"')  # app-note: the apparatus
PX_TO_PT = 0.75  # CSS pixels (1/96 in) to PDF points (1/72 in)


def lay_out_part(name: str, html: str, root: Path, css: tuple[str, ...],
                 measure: bool = False, whole: tuple[str, ...] = (),
                 lines: dict[str, list[int]] | None = None) -> tuple[PartLayout, bytes]:
    """Lay one part out (notes audited, and escalated where needed) and write its tagged PDF; when
    only measuring, write none (b"") and count the apparatus's lines without printing them.
    ``whole``: the words an earlier layout of the part (its measurement, with other page numbers)
    left whole: this one starts from them rather than finding them again one layout at a time.
    ``lines``: the apparatus entries' lines in that layout: this one is laid out with them at once,
    and again only where its lemmas moved to other lines.

    Runs in a worker process: everything it returns can be pickled.
    """
    start, renders = time.perf_counter(), RENDERS[0]
    lines = lines or {}
    left_whole = set(whole)  # words the setting audit leaves whole: each layout of the part starts from them
    numbered = APP_LINE.search(html) is not None
    guess = {ident: (first, last) for ident, (first, last) in lines.items()} if numbered else {}
    document, problems = layout_with_notes(fill_lines(html, LineNumbers(entries=guess)) if guess else html,
                                           Project(root), css, left_whole)
    numbers = LineNumbers()
    if numbered and measure:
        # A measurement gives lengths, not a printed page: the lines its lemmas fall on are the
        # final layout's guess. Its entries stand one note each, not run on by line: where that
        # changes a length, the parts placed after it are laid out again, as for any length.
        numbers = number_lines(document)
    elif numbered:
        document, problems, numbers = _with_line_numbers(html, Project(root), css, document, problems,
                                                        left_whole, guess)
    pdf = b"" if measure else document.write_pdf(pdf_variant=PDF_VARIANT)
    anchors = page_anchors(document.pages, name)
    bookmarks = []
    for index, page in enumerate(document.pages):
        for level, label, (x, y), _ in page.bookmarks:
            bookmarks.append((level, label, index, x * PX_TO_PT, (page.height - y) * PX_TO_PT))
    blank = [is_blank(page) for page in document.pages]
    layout = PartLayout(name, len(document.pages), blank, anchors, bookmarks,
                        [(p.note, p.problem) for p in problems], time.perf_counter() - start,
                        [(m.page, m.top, m.height, m.left, m.number) for m in numbers.margin],
                        RENDERS[0] - renders, sorted(left_whole),
                        {ident: list(span) for ident, span in numbers.entries.items()},
                        [] if measure else source_pages(document))  # a measurement is never printed
    return layout, pdf


def page_anchors(pages, part: str) -> dict[str, int]:
    """Every id's first page, and for an element that runs over a page break its last page too, as
    ``end_anchor(id)`` (WeasyPrint names the id on every page a fragment of its element is printed
    on). The part's own element is left out: a reference to it names the page it opens on."""
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for index, page in enumerate(pages):
        for anchor in page.anchors:
            first.setdefault(anchor, index)
            last[anchor] = index
    ends = {end_anchor(ident): page for ident, page in last.items() if page != first[ident] and ident != part}
    return first | ends


APP_LINE = re.compile(r'<span class="app-line" data-for="([^"]+)"></span>')
LINE_PASSES = 3


def _with_line_numbers(html: str, project: Project, css: tuple[str, ...], document, problems,
                       whole: set[str], guess: dict[str, tuple[int, int]]):
    """Lay the part out again with each apparatus entry naming the line its lemma was printed on,
    until the lines the entries name are those their lemmas are printed on (the entries' numbers
    only change the page foot, where lines are not counted: a second layout settles it).
    ``document`` was laid out with the entries naming the lines ``guess`` gives (none: no numbers);
    where those are the lines it prints the lemmas on, it is the part's layout."""
    numbers = number_lines(document)
    if guess and numbers.entries == guess:
        return document, problems, numbers
    for _ in range(LINE_PASSES):
        document, problems = layout_with_notes(fill_lines(html, numbers), project, css, whole)
        settled = number_lines(document)
        if settled.entries == numbers.entries:
            return document, problems, settled
        numbers = settled
    return document, problems, numbers


def fill_lines(html: str, numbers: LineNumbers) -> str:
    """Each entry's line in its slot; the entries of one line run on in the first one's note, so that
    the page foot reads "12 lemma] reading A  lemma] reading B  13 …" (WeasyPrint's inline footnotes
    are not kept on the page of their call, so each line's entries are one block)."""
    order = APP_LINE.findall(html)
    labels = {ident: line_label(*numbers.entries[ident]) if ident in numbers.entries else ""
              for ident in order}
    leader: dict[str, str] = {}  # entry -> the first entry of its line
    for previous, ident in zip(["", *order], order, strict=False):
        same = previous and labels[ident] and labels[ident] == labels[previous]
        leader[ident] = leader[previous] if same else ident
    followers: dict[str, list[str]] = {}
    for ident in order:
        if leader[ident] != ident:
            followers.setdefault(leader[ident], []).append(ident)
    contents = {ident: _entry_content(html, ident) for ident in order}
    for ident in order:
        if leader[ident] != ident:
            html = _without_note(html, ident)
    for ident in order:
        if leader[ident] == ident:
            end = f"<!--/entry:{ident}-->"
            extra = "".join(f'<span class="app-run">{contents[f]}</span>' for f in followers.get(ident, ()))
            html = html.replace(end, end + extra, 1)
            html = html.replace(f'<span class="app-line" data-for="{ident}"></span>',
                                f'<span class="app-line" data-for="{ident}">{labels[ident]}</span>', 1)
    return html


def _entry_content(html: str, ident: str) -> str:
    start, end = f"<!--entry:{ident}-->", f"<!--/entry:{ident}-->"
    return html[html.index(start) + len(start):html.index(end)]


def _without_note(html: str, ident: str) -> str:
    """The text without the note of entry ``ident``; its id goes to its lemma (a link may point to it:
    WeasyPrint keeps no anchor on an empty span)."""
    start = html.index(f'<span id="{ident}" class="footnote app-note"')
    end = html.index(f"<!--/entry:{ident}--></span>", start) + len(f"<!--/entry:{ident}--></span>")
    html = html[:start] + html[end:]
    lemma = f'<span class="app" data-entry="{ident}">'
    return html.replace(lemma, f'<span class="app" data-entry="{ident}" id="{ident}">', 1)


def folio_sheet(plan: PagePlan) -> str:
    """A document of empty pages, one per page of the book, each carrying only its folio (laid out
    with the folio stylesheets, ``render_folio_sheet``)."""
    # A page's line numbers follow its folio's div (which clips what is inside it): on its page.
    pages = "".join(f'<div class="folio folio-{placement}" style="string-set: folio \'{text}\'"></div>'
                    f"{_margin_numbers(plan.line_numbers.get(index, []))}"
                    f"{_source_pages(plan.source_pages.get(index, []))}"
                    for index, (placement, text) in enumerate(plan.folios))
    head = '<head><meta charset="utf-8"><title>folios</title></head>'
    # zxx: no linguistic content (numbers only), whatever the edition's language
    return f'<!DOCTYPE html><html lang="zxx">{head}<body>{pages}</body></html>'


LINE_NUMBER_WIDTH = 40  # CSS px: the margin column the numbers are set right-aligned in
LINE_NUMBER_GAP = 10  # CSS px between a number and the text


def _margin_numbers(numbers: list[tuple[float, float, float, int]]) -> str:
    """A page's line numbers, each beside its line, left of the text block (``folios.css``)."""
    return "".join(f'<span class="line-number" style="top: {top:.2f}px; height: {height:.2f}px; '
                   f'line-height: {height:.2f}px; left: {left - LINE_NUMBER_WIDTH - LINE_NUMBER_GAP:.2f}px; '
                   f'width: {LINE_NUMBER_WIDTH}px">{number}</span>'
                   for top, height, left, number in numbers)


SOURCE_PAGE_GAP = 45.35  # CSS px (12 mm) from the text: verse line numbers end 10 mm right of it


def _source_pages(marks: list[tuple[float, float, float, str]]) -> str:
    """A page's source page numbers, each beside the line its page break falls in, right of the text
    block; one whose line is taken by another (two witnesses' pages on one line) goes below it."""
    spans, taken = [], float("-inf")
    for top, height, right, number in sorted(marks, key=lambda mark: mark[0]):
        top = max(top, taken)
        taken = top + height
        spans.append(f'<span class="source-page" style="top: {top:.2f}px; height: {height:.2f}px; '
                     f'line-height: {height:.2f}px; left: {right + SOURCE_PAGE_GAP:.2f}px">'
                     f"{escape(number)}</span>")
    return "".join(spans)


def render_folio_sheet(html: str, root: Path, pages: int, css: tuple[str, ...]) -> bytes:
    """The folio sheet as PDF (untagged: the assembler marks its content as pagination artifacts),
    laid out with the stylesheets ``css``, parsed once per process.

    Runs in a worker process."""
    document = layout(html, Project(root), css, pdf_variant=None)
    if len(document.pages) != pages:
        raise RuntimeError(f"folio sheet has {len(document.pages)} pages for a book of {pages}")
    return document.write_pdf()


def with_rules(html: str, rules: str) -> str:
    return html.replace("</head>", f"<style>{rules}</style></head>", 1) if rules else html


def layout_with_notes(html: str, project: Project, css: tuple[str, ...] = (), whole: set[str] | None = None):
    """Lay out, audit the notes, and lay out again with the paragraphs of notes still displaced
    starting a new page; return the document and the audit's findings.

    ``footnote-policy: line`` (in print.css) moves a call's line with its note. Where WeasyPrint
    still prints a note a page after its call (a call inside a block nested in a paragraph, such as
    a quotation), ``footnote-policy: block`` fails the same way, so the paragraph starts a new page.
    """
    expected = NOTE_IDS.findall(html)
    whole = set() if whole is None else whole
    document = layout(html, project, css, whole=whole)
    problems = audit_footnotes(document, expected)
    displaced = sorted({p.note for p in problems if "printed on page" in p.problem})
    rules = _paragraph_break(html, displaced) if displaced else ""
    if rules:
        document = layout(with_rules(html, rules), project, css, whole=whole)
        problems = audit_footnotes(document, expected)
    return document, problems


def _paragraph_break(html: str, notes: list[str]) -> str:
    tree = lxml_html.fromstring(html)
    blocks = []
    for ident in notes:
        found = tree.xpath(f"//*[@id='{ident}']/ancestor::*[self::p or self::li or self::blockquote][@id][1]")
        if found:
            blocks.append(f"#{found[0].get('id')}")
    return (", ".join(blocks) + " { break-before: page; }") if blocks else ""
