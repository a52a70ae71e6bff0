"""Stage 3 (print): the book's HTML, part by part.

The printed volume is cut into parts that each begin on a new page: the front matter, the
introduction, every article's text, every article's editorial notes, the bibliography and each index.
The typesetter lays each part out as a document of its own, so parts can be laid out in parallel and a
part whose HTML has not changed need not be laid out again.

A document on its own that is long (a novel, a play, a monograph: one ``<text>``) is cut too, at the
top-level divisions of its body (``body/div``: chapters, acts), so that its layout too runs on every
core: its first part prints the document's head, front and first divisions; each following part a run
of divisions (the back goes with the last). Every top-level division opens on a recto, in one part or
at the start of the next, so that where the parts are cut changes no page: the split book prints
exactly the pages of one render of the whole. The divisions are rendered in one pass over the
document (one ``RenderContext``), so notes, generated ids and numbering run on across the parts.

Parts refer to each other in two ways, both settled here so that the templates need not know about
parts:

* a link to an id in another part gets the ``x-edition:`` scheme (WeasyPrint would drop it as an
  unknown anchor); the assembler turns it back into a link to the named destination;
* a page reference (a link with the ``page-ref`` or ``xref`` class) gets the printed page of its target
  in ``data-page``, which the print stylesheet shows. Until the pages are known a placeholder stands in.
  A cross-reference (``xref``) names the passage it cites: the pages of its target, first to last
  ("88–89") where the passage runs over a page break; other page references name the first page.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from html import escape

from markupsafe import Markup

from edition.render.html import (
    RenderContext,
    RenderedArticle,
    Renderer,
    print_acronyms,
    print_lang,
    project_description,
    render_article,
    source_text,
)
from edition.tei.load import NS, TEI_NS
from edition.tei.model import ArticleModel, VolumeModel, plain_text, title_notes

CROSS_PART_SCHEME = "x-edition:"
PLACEHOLDER_PAGE = "000"  # three figures: as wide as any page number of a volume under 1,000 pages
FRONT, MAIN = "front", "main"
# A document on its own is cut at its top-level divisions when its text is at least this long (some
# 15 pages: shorter, the parts' own costs outweigh the cores gained), into parts of at least
# PART_MIN_CHARS (some 6 pages) of consecutive divisions each.
SPLIT_MIN_CHARS = 60_000
PART_MIN_CHARS = 15_000

_TAG_A = re.compile(r"<a\s[^>]*>")
_HREF = re.compile(r'\bhref="#([^"]+)"')
_CLASS = re.compile(r'\bclass="([^"]*)"')
_ID = re.compile(r'\bid="([^"]+)"')
_ANY_HREF = re.compile(rf'\bhref="(?:#|{re.escape(CROSS_PART_SCHEME)})([^"]+)"')
PAGE_REF_CLASSES = frozenset({"page-ref", "xref"})
PASSAGE_REF_CLASS = "xref"  # a reference to a passage: all its pages
END_MARK = "#end"  # no id holds "#": "a001-p88#end" names the last page a001-p88 is printed on
RANGE_DASH = "\u2013\u2060"  # the word joiner keeps "88–89" on one line


def end_anchor(ident: str) -> str:
    """The anchor naming the last page an element is printed on (laid out only where it differs from
    the first: an element that runs over a page break)."""
    return ident + END_MARK


@dataclass(frozen=True)
class PartSpec:
    """One part of the book: its name, whether it opens on a recto, and which numbering it uses.

    ``macro`` (in ``book/parts.html.j2``) is called with the volume, then, for a part that prints a
    text (``text``: an article or the introduction), that text and its rendered HTML, then ``args``.
    """

    name: str
    kind: str  # "front", "introduction", "article", "notes" or "back"
    matter: str  # FRONT (roman folios) or MAIN (arabic folios, restarting at 1)
    opens_recto: bool
    macro: str
    args: tuple = ()
    text: ArticleModel | None = None
    divisions: tuple[int, int] | None = None  # of a text cut into parts: its top-level divisions [from, to)
    openings: tuple[str, ...] = ()  # ids of the divisions it prints: each opens a page as an article does


@dataclass(frozen=True)
class Division:
    """A top-level division of a long document (with the body's content around it) as printed."""

    id: str  # the wrapper's id: the page the division opens on is found by it
    heading: str  # its running head (the division's head, else its @n, else empty)
    html: Markup
    size: int  # characters of text: what its layout will cost


@dataclass
class PageRefs:
    """Anchor ids → printed page numbers, as far as they are known.

    ``at`` gives one page (for "s. 45"); calling the object with a list of ids gives the index style
    ("3, 7–9"), main matter only.
    """

    folios: dict[str, str] = field(default_factory=dict)  # id -> printed folio ("xii", "45")
    main: dict[str, int] = field(default_factory=dict)  # id -> arabic page number in the main matter

    @property
    def known(self) -> bool:
        return bool(self.folios)

    def at(self, ident: str) -> str:
        return self.folios.get(ident, PLACEHOLDER_PAGE)

    def span(self, ident: str) -> str:
        """The pages an element is printed on: "45", or "88–89" for one that runs over a page break."""
        first, last = self.at(ident), self.folios.get(end_anchor(ident))
        return first if last is None or last == first else f"{first}{RANGE_DASH}{last}"

    def __call__(self, ids: list[str]) -> Markup:
        """The pages, each a link to the first of ``ids`` printed on it; a range ("61–64") is never
        broken at its dash (``.page-range``)."""
        if not self.known:
            return Markup(", ".join(PLACEHOLDER_PAGE for _ in range(min(len(ids), 3))))
        first: dict[int, str] = {}  # page -> the first id printed on it
        for ident in ids:
            if ident in self.main:
                first.setdefault(self.main[ident], ident)
        return Markup(", ").join(_linked_span(start, end, first) for start, end in page_spans(sorted(first)))

    def locators(self, mentions: list) -> Markup:
        """An index entry's pages: the pages of the mentions in the text as ``__call__`` gives them,
        a mention in an author's footnote as its page and note ("12 n. 5"), in page order."""
        if not self.known:
            return self([mention.id for mention in mentions])
        in_text = [mention.id for mention in mentions if not mention.note]
        in_notes = {(self.main[m.id], m.note): m.id for m in mentions if m.note and m.id in self.main}
        pages = [(start, self(in_text_span)) for start, in_text_span in self._by_span(in_text)]
        pages += [(page, _note_locator(page, ident, note)) for (page, note), ident in in_notes.items()]
        return Markup(", ").join(text for _, text in sorted(pages, key=lambda item: item[0]))

    def _by_span(self, ids: list[str]) -> list[tuple[int, list[str]]]:
        """``ids`` grouped by the runs of pages they are printed on, each with its first page."""
        pages = sorted({self.main[i] for i in ids if i in self.main})
        return [(start, [i for i in ids if start <= self.main.get(i, -1) <= end])
                for start, end in page_spans(pages)]


def _note_locator(page: int, ident: str, note: str) -> Markup:
    return Markup('<span class="page-range"><a class="page-link" href="#{}">{}</a> {}</span>').format(
        ident, page, note.replace(" ", "\u00a0"))


def _linked_span(start: int, end: int, first: dict[int, str]) -> Markup:
    def page(number: int) -> Markup:
        return Markup('<a class="page-link" href="#{}">{}</a>').format(first[number], number)

    if start == end:
        return page(start)
    return Markup('<span class="page-range">{}–{}</span>').format(page(start), page(end))


def page_spans(numbers: list[int]) -> list[tuple[int, int]]:
    """Sorted page numbers as (first, last) runs: [3, 7, 8, 9] → [(3, 3), (7, 9)]."""
    spans: list[tuple[int, int]] = []
    for number in numbers:
        if spans and number == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], number)
        else:
            spans.append((number, number))
    return spans


class Book:
    """The parts of one volume, with each article's print HTML rendered once per build.

    A part's HTML does not link the book's stylesheets (``print_css``): the typesetter parses them
    once and applies them to every part.
    """

    def __init__(self, volume: VolumeModel, renderer: Renderer, print_css: list[str],
                 folio_css: list[str]) -> None:
        self.volume = volume
        self.renderer = renderer
        self.print_css = print_css
        self.folio_css = folio_css
        self.texts: dict[str, RenderedArticle] = {}  # article id -> its print HTML, rendered once
        self._divisions: dict[str, list[Division]] = {}  # document id -> its top-level divisions
        self.render_seconds = 0.0  # time spent rendering HTML (reported as a stage of its own)
        self._timing = False
        # Register entries the book does not print (edition.toml's [indexes] print names the kinds that
        # have an index): names tagged to them are not links in print.
        self.unprinted = {entry.id for entry in volume.registers.values() if entry.kind not in volume.indexes}

    @cached_property
    def specs(self) -> list[PartSpec]:
        """The parts in book order (asked for once the bibliography is known: it is a part)."""
        volume = self.volume
        front = "front_single" if volume.single else "front"  # a document on its own: a title page
        with self._timed():
            imprint = tuple(project_description(volume, self.renderer))
        specs = [PartSpec("front", "front", FRONT, True, front,
                          (volume.articles, volume.introduction, imprint))]
        if volume.introduction is not None:
            specs.append(PartSpec("introduction", "introduction", FRONT, True, "introduction",
                                  text=volume.introduction))
        for article in volume.articles:
            specs.append(self.body_spec(article))
            specs.extend(self.division_specs(article))
            if self.rendered(article).notes:
                specs.append(PartSpec(f"{article.id}-notes", "notes", MAIN, False, "article_notes",
                                      text=article))
        if volume.bibliography is not None:
            specs.append(PartSpec("bibliography", "back", MAIN, True, "back_bibliography"))
        for kind in volume.indexes:
            specs.append(PartSpec(f"index-{kind}", "back", MAIN, True, "back_index", (kind,)))
        return specs

    def body_spec(self, article: ArticleModel) -> PartSpec:
        """The part of an article's text (of a text cut into parts: its first)."""
        groups = self.part_groups(article)
        if not groups:
            return PartSpec(article.id, "article", MAIN, True, "article_body", text=article)
        return PartSpec(article.id, "article", MAIN, True, "article_body", text=article,
                        divisions=groups[0], openings=self._openings(article, groups[0]))

    def division_specs(self, article: ArticleModel) -> list[PartSpec]:
        """The parts after the first of a text cut at its divisions (none for a text in one part)."""
        return [PartSpec(f"{article.id}-part-{number}", "division", MAIN, True, "article_division",
                         text=article, divisions=group, openings=self._openings(article, group))
                for number, group in enumerate(self.part_groups(article)[1:], start=2)]

    def _openings(self, article: ArticleModel, group: tuple[int, int]) -> tuple[str, ...]:
        return tuple(division.id for division in self.divisions(article)[slice(*group)])

    def part_groups(self, article: ArticleModel) -> list[tuple[int, int]]:
        """The runs of divisions [from, to) that make the parts of a text cut at its divisions; empty
        for a text printed as one part (an article of a volume, a short document)."""
        divisions = self.divisions(article)
        if len(divisions) < 2 or sum(d.size for d in divisions) < SPLIT_MIN_CHARS:
            return []
        groups: list[tuple[int, int]] = []
        start = size = 0
        for index, division in enumerate(divisions):
            size += division.size
            if size >= PART_MIN_CHARS:
                groups.append((start, index + 1))
                start, size = index + 1, 0
        if start < len(divisions):  # a short run at the end joins the last part
            groups[-1:] = [(groups[-1][0] if groups else start, len(divisions))]
        return groups

    def divisions(self, article: ArticleModel) -> list[Division]:
        """A document's top-level divisions as printed (none for an article of a volume)."""
        self.rendered(article)
        return self._divisions.get(article.id, [])

    def rendered(self, text: ArticleModel) -> RenderedArticle:
        if text.id not in self.texts:
            with self._timed():
                if self.volume.single and text is not self.volume.introduction:
                    self.texts[text.id], self._divisions[text.id] = render_divisions(
                        text, self.renderer, self.volume)
                else:
                    self.texts[text.id] = render_article(text, self.renderer, "print", self.volume)
        return self.texts[text.id]

    def part_text(self, spec: PartSpec) -> RenderedArticle:
        """What a part prints of its text: all of it, or (cut at its divisions) the head and front
        with the first part, a run of divisions, the back with the last part."""
        rendered = self.rendered(spec.text)
        if spec.divisions is None:
            return rendered
        start, stop = spec.divisions
        divisions = self.divisions(spec.text)
        macros = self.renderer.env.get_template("book/parts.html.j2").module
        body = Markup(macros.divisions(self.volume, spec.text, divisions[start:stop]))
        return replace(rendered, body=body, front=rendered.front if start == 0 else Markup(""),
                       back=rendered.back if stop == len(divisions) else Markup(""),
                       title_notes=rendered.title_notes if start == 0 else Markup(""))

    def render(self, spec: PartSpec, refs: PageRefs, start_left: bool = False) -> str:
        """One part's HTML with its page references filled from ``refs``."""
        with self._timed():
            html = self._document(self._content(spec, refs), [], start_left)
            return link_parts(html, refs, own_ids(html), self.unprinted)

    @contextmanager
    def _timed(self) -> Iterator[None]:
        """Add the time spent inside to ``render_seconds`` (the outermost call only)."""
        if self._timing:
            yield
            return
        self._timing = True
        start = time.perf_counter()
        try:
            yield
        finally:
            self._timing = False
            self.render_seconds += time.perf_counter() - start

    def whole(self, refs: PageRefs, css: list[str]) -> str:
        """The whole volume as one document (for the single-render comparison)."""
        content = Markup("\n").join(self._content(spec, refs) for spec in self.specs)
        return link_parts(self._document(content, css, False), refs, None, self.unprinted)

    def _content(self, spec: PartSpec, refs: PageRefs) -> Markup:
        macros = self.renderer.env.get_template("book/parts.html.j2").module
        text = (spec.text, self.part_text(spec)) if spec.text is not None else ()
        back = (refs,) if spec.kind == "back" else ()
        return Markup(getattr(macros, spec.macro)(self.volume, *text, *spec.args, *back))

    def _document(self, content: Markup, css: list[str], start_left: bool) -> str:
        return self.renderer.page("book/part.html.j2", volume=self.volume, css=css, content=content,
                                  start_left=start_left)


def render_divisions(article: ArticleModel, renderer: Renderer,
                     volume: VolumeModel) -> tuple[RenderedArticle, list[Division]]:
    """A document's print HTML as ``render_article`` makes it, and its body cut at the top-level
    divisions: rendered in one pass (one context, in document order), so the divisions joined are
    the body, and what the context numbers runs on across them.

    Content between two divisions (a page break, a milestone) goes with the division it precedes;
    after the last, with the last.
    """
    ctx = RenderContext(mode="print", article=article, volume=volume)
    notes = Markup("").join(renderer.render(note, ctx) for note in title_notes(article.text))
    front = renderer.render_children(article.front, ctx) if article.front is not None else Markup("")
    runs = _body_runs(article.body)
    # The body's own text between divisions as render_children gives it (line ends, dates, acronyms).
    lang, acronyms = (print_lang(article.body, ctx), print_acronyms(article.body, ctx)) \
        if article.body is not None else (None, False)
    rendered_runs = [Markup("").join(source_text(text, lang, acronyms) if element is None
                                     else renderer.render(element, ctx) for element, text in run)
                     for run in runs]
    body = Markup("").join(rendered_runs)
    back = renderer.render_children(article.back, ctx) if article.back is not None else Markup("")
    rendered = RenderedArticle(notes, front, body, back, ctx.notes)
    taken = set(volume.id_pages)
    divisions = []
    for number, (run, html) in enumerate(zip(runs, rendered_runs, strict=True), start=1):
        division = next((element for element, _ in run if _is_division(element)), None)
        ident = f"{article.id}-division-{number}"
        while ident in taken:
            ident += "-"
        divisions.append(Division(ident, _division_heading(division), html, _size(run)))
    return rendered, divisions if any(_is_division(e) for run in runs for e, _ in run) else []


def _is_division(element) -> bool:
    return element is not None and element.tag == f"{{{TEI_NS}}}div"


def _body_runs(body) -> list[list[tuple]]:
    """The body's content as runs, one per top-level division: (element, None) or (None, text)."""
    if body is None:
        return []
    runs: list[list[tuple]] = [[(None, body.text or "")]]
    has_division = False  # the current run holds a division: what follows starts the next run
    for child in body:
        if has_division and (_is_division(child) or isinstance(child.tag, str)):
            runs.append([])
            has_division = False
        runs[-1].append((child, None))
        runs[-1].append((None, child.tail or ""))
        has_division = has_division or _is_division(child)
    if len(runs) > 1 and not any(_is_division(e) for e, _ in runs[-1]):
        runs[-2].extend(runs.pop())  # content after the last division
    return runs


def _division_heading(division) -> str:
    if division is None:
        return ""
    head = division.find("tei:head", NS)
    return plain_text(head) if head is not None else division.get("n", "")


def _size(run: list[tuple]) -> int:
    return sum(len(text) if element is None else len("".join(element.itertext())) for element, text in run)


def own_ids(html: str) -> set[str]:
    return set(_ID.findall(html))


def page_ref_targets(html: str) -> set[str]:
    """The ids whose page numbers a part's HTML prints (its page references, once filled)."""
    targets = set()
    for tag in _TAG_A.findall(html):
        if "data-page=" in tag:
            href = _ANY_HREF.search(tag)
            if href:
                targets.add(href.group(1))
    return targets


def link_parts(html: str, refs: PageRefs, ids: set[str] | None, unprinted: set[str]) -> str:
    """Fill page references, point links to other parts (``ids``: this part's; None: one whole
    document) and unlink names whose register the book does not print."""

    def link(match: re.Match) -> str:
        tag = match.group(0)
        href = _HREF.search(tag)
        if href is None:
            return tag
        target = href.group(1)
        if target in unprinted:
            return tag.replace(href.group(0), "", 1)
        classes = _CLASS.search(tag)
        names = classes.group(1).split() if classes else []
        if PAGE_REF_CLASSES.intersection(names):
            pages = refs.span(target) if PASSAGE_REF_CLASS in names else refs.at(target)
            tag = tag[:-1] + f' data-page="{escape(pages)}">'
        if ids is not None and target not in ids:
            tag = tag.replace(href.group(0), f'href="{CROSS_PART_SCHEME}{target}"', 1)
        return tag

    return _TAG_A.sub(link, html)
