"""Stage 3: render the document model to HTML through Jinja templates.

Each TEI element is rendered by the macro its processing-model row names (``edition/processing``),
in the template of its family (``edition/theme/templates/tei/<family>.html.j2``). Autoescape is on: TEI
text reaches HTML only through ``escape``. The same macros serve the printed book
(``mode="print"``) and the reading site (``mode="screen"``); where the two differ (notes, editorial
choices, citation data, page breaks in lists, paragraph anchors) the macro branches on the mode, or
the table has a row for one output.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    select_autoescape,
)
from lxml import etree
from markupsafe import Markup, escape

from edition import i18n
from edition.errors import EditionError
from edition.i18n.language import TURKIC, bind_dates, html_lang, primary
from edition.processing import Behaviour, ProcessingModel, default_model
from edition.render.links import safe_href
from edition.render.map import place_map
from edition.tei.figures import figure
from edition.tei.load import NS, TEI_NS
from edition.tei.model import (
    REGISTER_PAGES,
    SITE_PAGES,
    ArticleModel,
    VolumeModel,
    inherited_lang,
    is_supplied_title,
    location,
    model_parts,
    node_key,
    on_numbered_line,
    part_separators,
    plain_text,
    title_notes,
    xml_id,
    xml_lang,
)

LAST_NUMBER = re.compile(r"(\d+)\D*$")
LINE_END = re.compile(r"[ \t]*\n[ \t]*")
THEME_MAP = Path(__file__).resolve().parent.parent / "theme" / "map"
MAP_OUTLINE = "ne_110m_land.json"


# A word of capitals (two or more, Turkish ones too) that is not a Roman numeral: an acronym.
ACRONYM = re.compile(r"(?<![\w.])(?![IVXLCDM]+(?![\w]))([A-ZÇĞİÖŞÜ]{2,}[A-ZÇĞİÖŞÜ0-9]*)(?![\w])")


def source_text(text: str | None, lang: str | None = None, acronyms: bool = False) -> Markup:
    """A text node of the source as HTML: escaped, each line end of the TEI file (with the blanks
    around it) made one space and tabs made spaces. HTML collapses them anyway, but WeasyPrint 70
    does not in a footnote: it breaks the note's line wherever the file's line ends (and fails an
    assertion on " \n" between two lines at a footnote in a heading). With ``lang`` (the book's), no
    line break inside a date; with ``acronyms``, each acronym in a ``.acronym`` span (the book sets
    them in small capitals)."""
    text = LINE_END.sub(" ", text or "").replace("\t", " ")
    html = escape(bind_dates(text, lang) if lang else text)
    if acronyms:
        html = Markup(ACRONYM.sub(r'<span class="acronym">\1</span>', str(html)))
    return html


# Headings and titles, set in their own face: their acronyms stay capitals. A label is not one of them:
# the list of abbreviations sets its acronyms in labels, in small capitals as in the text they explain.
HEADINGS = (f"{{{TEI_NS}}}head", f"{{{TEI_NS}}}title")


def one_word_space(parts: list[Markup], rendered: Markup, tail: str,
                   spaced: bool) -> tuple[Markup, str, bool]:
    """An empty milestone between the text before it (``parts[-1]``) and its ``tail``: one word space
    at most on its two sides together (a line break renders as one). Where the text before it ends in
    a space, the spaces after it go; else the milestone's own or its tail's stays, as the source has
    it. The milestone's HTML, its tail, and whether a space ends the text with no text after it
    (``spaced``: a milestone right after this one adds none)."""
    before = parts[-1]
    blank = bool(rendered) and not rendered.strip()
    space_before = before[-1:].isspace() or (spaced and not before)
    if space_before:
        tail = tail.lstrip()
    if blank and (space_before or tail[:1].isspace()):
        rendered = Markup("")
    return rendered, tail, not tail and (space_before or (blank and bool(rendered)))


def print_acronyms(element: etree._Element, ctx: RenderContext) -> bool:
    """True where the book sets acronyms in small capitals: in print, outside headings and titles
    (set in capitals or their own face already)."""
    if ctx.mode != "print" or not isinstance(element.tag, str):
        return False
    return element.tag not in HEADINGS and not any(a.tag in HEADINGS for a in element.iterancestors())


EN_DASH_COMPOUND = re.compile(r"(?<=\w)–(?=\w)")


def unbroken_dashes(text: str) -> str:
    """A compound joined by an en dash ("Türk–Sovyet") kept on one line: a word joiner after the dash,
    where line breaking would otherwise allow a break (a title, a running head)."""
    return EN_DASH_COMPOUND.sub("–\u2060", str(text))


def source_page_number(page_break: etree._Element) -> str:
    """The editors' number for an unnumbered page break: "[k]", k counted from a printed page
    number of the same text where one is given, else from the text's first page."""
    text = next(page_break.iterancestors(f"{{{TEI_NS}}}text"), None)
    if text is None:
        return ""
    breaks = list(text.iter(f"{{{TEI_NS}}}pb"))
    index = breaks.index(page_break)
    printed = [(i, int(b.get("n"))) for i, b in enumerate(breaks) if (b.get("n") or "").isdigit()]
    if printed:
        anchor, number = min(printed, key=lambda item: abs(item[0] - index))
        return f"[{number + index - anchor}]"
    opens_text = not "".join(plain_text_before(text, breaks[0])).strip()
    return f"[{index + (1 if opens_text else 2)}]"


NOT_THE_SOURCE_S_PAGE = frozenset({"head", "title", "titlePart", "docTitle", "supplied", "note", "fw"})


def plain_text_before(text: etree._Element, stop: etree._Element) -> list[str]:
    """The running text of ``text`` before ``stop``: headings, titles, notes and the editors'
    supplied words left out (they tell nothing of where the source's page begins)."""
    found = []
    for node in stop.xpath("preceding::text()"):
        parent = node.getparent()
        path = [parent, *parent.iterancestors()]  # lxml's proxies are compared by ==, not by id()
        if text in path and not any(etree.QName(e).localname in NOT_THE_SOURCE_S_PAGE
                                    for e in path[:path.index(text)] if isinstance(e.tag, str)):
            found.append(str(node))
    return found


def print_lang(element: etree._Element, ctx: RenderContext) -> str | None:
    """The language the book binds the dates of ``element``'s text by; None on screen."""
    return inherited_lang(element) if ctx.mode == "print" else None


DOCUMENT = f"{{{TEI_NS}}}TEI"  # a document's root: the texts rendered are below it

# The registers' headings as msgids (register_headings gives them in the interface language).
REGISTER_HEADINGS = {"person": "Index of Persons", "place": "Index of Places",
                     "org": "Index of Organisations", "event": "Index of Events"}
LINK_BEHAVIOURS = ("inline.link", "inline.citation")  # the macros that render an element as a link
# The strings site.js and search.js show, handed to them in each page (see Renderer.script_strings).
SCRIPT_STRINGS = {
    "close": "Close",
    "openInNotes": "Open among the notes",
    "openInEditorialNotes": "Open among the editors' notes",
    "source": "Source",
    "sourceUncertain": "Source (the editors could not tell which work)",
    "seeInBibliography": "See in the bibliography: the entry and every place it is cited",
    "noResults": "No results for “{query}”.",
    "results": "{count} results for “{query}”",
    "oneResult": "1 result for “{query}”",
    "firstShown": " (the first {limit} shown)",
    "showMore": "Show {count} more results",
    "citePassage": "Cite this passage",
    "paragraph": "paragraph {number}",
    "copy": "Copy",
    "copied": "Copied",
    "indexMissing": "The search index could not be loaded (assets/search-index.js).",
}


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string, for generated content in a ``<style>`` element: quotes,
    backslashes, markup characters and controls as CSS escapes (HTML's escapes mean nothing there)."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\<>&' or ord(c) < 0x20 else c for c in str(text))
    return Markup(f'"{escaped}"')


# Arabic ("12", "10a", "1.2"), or roman in one case, canonical and of more than one letter unless I, V, X.
DIVISION_NUMBER = re.compile(
    r"\d+[a-z]?(?:\.\d+[a-z]?)*"
    r"|(?=[MDCLXVI]{2}|[IVX]$)M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
    r"|(?=[mdclxvi]{2}|[ivx]$)m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})")


def labelled_page(number: str) -> bool:
    """True for a page number that carries its own label ("p.2085", "p.xii", "fol. 12"): shown as it is,
    not after the interface's "p." (Perseus's page breaks read "p. p.2085" on screen)."""
    return bool(re.match(r"[^\W\d_]+\.\s*\S|[^\W\d_]+\s*\d", number))


def register_headings() -> dict[str, str]:
    """The registers' headings in the interface language (the book's indexes and the site's)."""
    return {kind: i18n.gettext(heading) for kind, heading in REGISTER_HEADINGS.items()}


@dataclass
class ChoicePair:
    """The two readings of a ``choice``: what the witness prints and what the editors read."""

    kind: str
    label: str
    original: etree._Element
    edited: etree._Element

    @property
    def original_text(self) -> str:
        return plain_text(self.original)

    @property
    def edited_text(self) -> str:
        return plain_text(self.edited)


@dataclass
class ElementView:
    """An element as templates see it: name, attributes, id, language and its place in the tree."""

    name: str
    attributes: dict[str, str]
    id: str | None
    lang: str | None
    element: etree._Element
    behaviour: Behaviour = field(default_factory=lambda: Behaviour("inline", "span"))
    model: ProcessingModel = field(default_factory=default_model, repr=False)
    mode: str | None = None
    note: dict[str, Any] | None = None  # the note the element makes, settled by the renderer (settle_note)

    @property
    def params(self) -> Any:
        """The parameters of the element's processing-model row."""
        return self.behaviour.params

    def get(self, name: str, default: str = "") -> str:
        return self.attributes.get(name, default)

    @property
    def key(self) -> str:
        return node_key(self.element)

    @property
    def source_page(self) -> str:
        """The number of the source's page a ``pb`` opens: as the source prints it (``@n``), else
        counted from the nearest printed number, else from the text's first page, in square brackets
        (the editors' count)."""
        if self.get("n"):
            return self.get("n")
        return source_page_number(self.element)

    @property
    def figure(self) -> int:
        """The count a ``<num type="count">`` stands for, from the TEI as it is now."""
        return figure(self.element)

    @property
    def division_number(self) -> str:
        """The division's @n where it is a number ("12", "10a", "1.2", roman "IV" or "xii"), else ""
        (a name: "lyrics", a URN, a letter such as "c", which is no roman numeral in a list a–e)."""
        number = self.get("n").strip()
        return number if DIVISION_NUMBER.fullmatch(number) else ""

    @property
    def depth(self) -> int:
        """How many ``div`` contain this element (a section head's level)."""
        return sum(1 for _ in self.element.iterancestors(f"{{{TEI_NS}}}div"))

    @property
    def inline_context(self) -> bool:
        """True inside an element whose HTML holds only phrasing content (a paragraph, a heading, a
        note, anything inline), where HTML allows no block element: the processing model says which."""
        for ancestor in self.element.iterancestors():
            if ancestor.tag == DOCUMENT:
                return False  # above it nothing is rendered
            if self.model.behaviour(ancestor, self.mode).phrasing:
                return True
        return False

    @property
    def line_number(self) -> str:
        """The number a verse line shows: its @n where the row's ``every`` divides the number it ends
        with ("1.1.5", act, scene and line, shows at every 5th line), else "" (1: every @n)."""
        number = self.get("n").strip()
        every = int(self.params.get("every", 1) or 1)
        last = LAST_NUMBER.search(number)
        if not number or every == 1:
            return number
        return number if last is not None and int(last.group(1)) % every == 0 else ""

    @property
    def labelled(self) -> bool:
        """True for a list whose items carry their own labels (the source's "1.", "16."): the list
        then numbers nothing itself, or the print would show numbers the source has not ("11. 16.")."""
        return any(item.find(f"{{{TEI_NS}}}label") is not None
                   for item in self.element.iterchildren(f"{{{TEI_NS}}}item"))

    @property
    def ends_punctuated(self) -> bool:
        """True when the element's printed text ends with a separator (, ; .)."""
        return plain_text(self.element).endswith((",", ";", "."))

    @property
    def in_link(self) -> bool:
        """True inside a citation or cross-reference, which already render as links."""
        links = self.model.names(*LINK_BEHAVIOURS)
        return any(etree.QName(a).localname in links for a in self.element.iterancestors())

    @property
    def context_lang(self) -> str:
        """The language the element's text is in (its own or inherited), as HTML names it."""
        return html_lang(inherited_lang(self.element))

    @property
    def has_note_child(self) -> bool:
        """True when a note hangs directly in this element (a citation with an editorial note inside)."""
        return any(isinstance(c.tag, str) and etree.QName(c).localname == "note" for c in self.element)

    @property
    def in_note(self) -> bool:
        """True inside another note (WeasyPrint sets no note at the page foot from inside a note)."""
        return any(etree.QName(a).localname == "note" for a in self.element.iterancestors())

    @property
    def on_numbered_line(self) -> bool:
        """True on the lines the book numbers (the body's, outside notes and headings)."""
        return on_numbered_line(self.element)

    @property
    def in_list(self) -> bool:
        """True for a direct child of a list, where HTML allows only list items."""
        parent = self.element.getparent()
        return parent is not None and etree.QName(parent).localname == "list"

    def page_breaks(self, following: bool = False) -> list[str]:
        """Numbers of the witness's page breaks just before this list item (or just after it, for the
        last item): on screen a list has no room for them between its items."""
        found: list[str] = []
        sibling = self.element.getnext() if following else self.element.getprevious()
        while sibling is not None and isinstance(sibling.tag, str) and etree.QName(sibling).localname == "pb":
            found.append(sibling.get("n", ""))
            sibling = sibling.getnext() if following else sibling.getprevious()
        if following and sibling is not None:
            return []  # another item follows and shows them
        return found if following else found[::-1]

    @property
    def empty(self) -> bool:
        """True for an element with no content (a ``ref`` whose words the renderer supplies)."""
        return not (self.element.text or len(self.element))

    @property
    def supplied_title(self) -> bool:
        return is_supplied_title(self.element)

    @property
    def is_label_cell(self) -> bool:
        """A header cell: ``role="label"`` on the cell or its row."""
        parent = self.element.getparent()
        return self.get("role") == "label" or (parent is not None and parent.get("role") == "label")

    @property
    def choice_pair(self) -> ChoicePair | None:
        children = {etree.QName(c).localname: c for c in self.element if isinstance(c.tag, str)}
        for pair in self.model.choice_pairs():  # the processing table's (choice_with)
            if pair.original in children and pair.edited in children:
                return ChoicePair(pair.kind, i18n.gettext(pair.label), children[pair.original],
                                  children[pair.edited])
        return None


@dataclass
class RenderContext:
    """State of one article's rendering: mode, article, and the notes met so far (the site lists them
    after the text; the book prints them in the notes part, with the apparatus)."""

    mode: str
    article: ArticleModel
    volume: VolumeModel | None = None
    notes: list[dict[str, Any]] = field(default_factory=list)

    counter: int = 0
    scope: str = ""  # told apart from the article's own generated ids (the header's source, on screen)
    heading_offset: int = 0  # levels added to section headings (the introduction sits under the volume's)

    def next_id(self, prefix: str) -> str:
        """A fresh anchor id for generated targets (apparatus entries) within this article."""
        self.counter += 1
        return f"{prefix}-{self.article.id}{self.scope}-{self.counter}"

    def href(self, target: str) -> str:
        """A link to ``#id``: within the book in print; to the page that shows the id on screen."""
        if not target.startswith("#") or self.mode == "print" or self.volume is None:
            return target
        ident = target[1:]
        entry = self.volume.registers.get(ident)
        if entry is not None:
            return f"{REGISTER_PAGES[entry.kind]}{target}"
        page = self.volume.id_pages.get(ident, "")
        return f"{page}{target}"

    def link(self, target: str) -> str | None:
        """The href of a link to ``target`` (a TEI pointer), or None where it must stay text: ``#id`` goes
        to the page that shows the id (none for an id the volume does not show: a name whose register
        the project does not have); anything else only where ``links.safe_href`` allows it."""
        if target.startswith("#") and self.volume is not None and not self.shows(target[1:]):
            return None
        return safe_href(self.href(target), self.site_pages)

    def target_label(self, target: str, element: etree._Element | None = None) -> str:
        """What a reader calls the target of an internal pointer (``#id``), for a pointer that says
        nothing itself (``<ptr/>``, an empty ``<ref/>``): a register entry's name, an article's number
        ("Article 2"), or an article's number and the heading of the section the element is in; never
        the id itself, which means nothing to a reader. In a run of such pointers (``element``, after
        another separated by a comma or a semicolon only) the words the one before said are not said
        again: "Article 2, § 5, paragraph 3, p. 31, paragraph 5, p. 32"."""
        words = self._target_words(target)
        if not words:
            return target
        before = _pointer_before(element)
        if before is not None:
            said = self._target_words(before)
            while len(words) > 1 and said and words[0] == said[0]:
                words, said = words[1:], said[1:]
        return ", ".join(words)

    def _target_words(self, target: str) -> list[str]:
        """The words naming an internal target, from the widest (the article) in; empty when none."""
        ident = target[1:] if target.startswith("#") else target
        if self.volume is None or not ident:
            return []
        entry = self.volume.registers.get(ident)
        if entry is not None:
            return [entry.name]
        for article in self.volume.articles:
            if article.id == ident:
                return [i18n.gettext("Article %(number)s") % {"number": article.number}]
        article, element = self.volume.id_elements.get(ident, (None, None))
        if not any(article is shown for shown in self.volume.articles):  # (--only: one article)
            return []
        article_words = i18n.gettext("Article %(number)s") % {"number": article.number}
        return [part for part in (article_words, *place_words(element)) if part]

    def register_kind(self, ident: str) -> str:
        """The kind of register entry ``ident`` is (person, place, org, event); "" for none."""
        entry = self.volume.registers.get(ident) if self.volume is not None else None
        return entry.kind if entry is not None else ""

    def shows(self, ident: str) -> bool:
        """Whether the book and the site show the element ``ident``: a register entry, or an element
        of a text."""
        return ident in self.volume.registers or ident in self.volume.id_pages

    @cached_property
    def site_pages(self) -> frozenset[str]:
        """The files a relative link may name: the site's pages on screen (every article's, also in a
        build of one), none in print."""
        if self.mode == "print" or self.volume is None:
            return frozenset()
        return frozenset((*SITE_PAGES, *self.volume.id_pages.values()))

    def own_lang(self, view: ElementView) -> str | None:
        """An element's language where it differs from the page's (the article's): for content shown
        away from its context, such as notes gathered at the end."""
        lang = view.context_lang
        return lang if lang != self.article.lang else None

    def anchor(self, view: ElementView) -> str | None:
        """The id an element carries: its xml:id; on screen also the one generated for a paragraph
        without it, so every paragraph can be linked to (search results, the introduction)."""
        if view.id or self.mode != "screen":
            return view.id
        return self.article.anchor_of(view.element)

    @property
    def bibliography_page(self) -> str:
        """Where bibliography entries live: the same document in print, a page of its own on screen."""
        return "" if self.mode == "print" else "bibliography.html"


RUN_SEPARATOR = re.compile(r"\s*[,;]\s*")


def _pointer_before(element: etree._Element | None) -> str | None:
    """The internal target of the empty pointer just before ``element`` when only a comma or a
    semicolon stands between them (a run of pointers), else None."""
    before = element.getprevious() if element is not None else None
    if before is None or not RUN_SEPARATOR.fullmatch(before.tail or "") or before.tag not in (
            f"{{{TEI_NS}}}ref", f"{{{TEI_NS}}}ptr") or "".join(before.itertext()).strip():
        return None
    target = (before.get("target") or "").split()
    return target[0] if target and target[0].startswith("#") else None


def place_words(element: etree._Element) -> tuple[str, str]:
    """A passage's section heading and, for a paragraph, its place in the section ("paragraph 3")."""
    section, paragraph = location(element)
    at = i18n.gettext("paragraph %(number)s") % {"number": paragraph} if paragraph else ""
    return short_heading(section), at


SECTION_NUMBER = re.compile(r"^(\d+(?:\.\d+)*)\.?\s")
SHORT_HEADING = 32  # characters: a longer heading is cut at a word


def short_heading(heading: str) -> str:
    """A section heading short enough for a link: "§ 5" for a numbered one ("5. SOVYET RUSYA …"), else
    its first words."""
    numbered = SECTION_NUMBER.match(heading)
    if numbered:
        return f"§ {numbered.group(1)}"
    if len(heading) <= SHORT_HEADING:
        return heading
    return heading[:SHORT_HEADING].rsplit(" ", 1)[0].rstrip(",;:") + "…"


ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})(?:-(\d{2}))?\b")


def readable_dates(text: str) -> str:
    """ISO days and months in ``text`` ("1919-06-22", "1915-03") as the interface language writes them
    ("22 Haziran 1919", "Mart 1915")."""
    from datetime import date

    def readable(found: re.Match) -> str:
        year, month, day = found.groups()
        try:
            if day:
                return i18n.format_day(date(int(year), int(month), int(day)))
            return i18n.format_month(date(int(year), int(month), 1))
        except ValueError:
            return found.group(0)  # not a date: left as the source has it
    return ISO_DATE.sub(readable, text)


def groupby_letter(entries: list[Any]) -> list[tuple[str, list[Any]]]:
    """Register entries (sorted) in groups by the letter they are filed under, in their order."""
    groups: list[tuple[str, list[Any]]] = []
    for entry in entries:
        if not groups or groups[-1][0] != entry.letter:
            groups.append((entry.letter, []))
        groups[-1][1].append(entry)
    return groups


def occurrence_labels(items: list[Any]) -> list[tuple[Any, str]]:
    """Each occurrence (a mention or a citation) with the words of its back-link: where it stands
    (the author's note, or the section and paragraph: "Giriş ¶ 3"), numbered where one place has
    several ("Giriş ¶ 3 (2)"), so no two links of a list read the same."""
    labelled: list[tuple[Any, str]] = []
    seen: dict[str, int] = {}
    for item in items:
        place = item.note or " ".join(part for part in (
            short_heading(item.section), f"¶ {item.paragraph}" if item.paragraph else "") if part) or "—"
        seen[place] = seen.get(place, 0) + 1
        labelled.append((item, place if seen[place] == 1 else f"{place} ({seen[place]})"))
    return labelled


class ChildRenderer:
    """What macros receive as ``render``: call it for an element's content; ``runs`` splits the
    content at its notes (see ``Renderer.render_runs``)."""

    def __init__(self, renderer: Renderer) -> None:
        self._renderer = renderer

    def __call__(self, element: etree._Element, ctx: RenderContext) -> Markup:
        return self._renderer.render_children(element, ctx)

    def runs(self, element: etree._Element, ctx: RenderContext) -> list[tuple[bool, Markup]]:
        return self._renderer.render_runs(element, ctx)


def template_cache() -> BytecodeCache | None:
    """Compiled templates, kept between runs in the user's cache folder as Python keeps ``.pyc``
    files (compiling them costs more than rendering the site); None where no folder can be made.
    Jinja keys them by name and path (a compiled template carries its path into tracebacks) and
    compiles again a template whose source changed; a damaged file is compiled again too."""
    from edition.buildcache import SealedBytecodeCache  # imported here: buildcache needs this module

    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "edition" / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return SealedBytecodeCache(folder)


class Renderer:
    """Turns TEI trees into HTML fragments and pages."""

    def __init__(self, templates: Path | list[Path], model: ProcessingModel | None = None,
                 language: str = i18n.DEFAULT_LANGUAGE, styles: Path | None = None,
                 editors_notes_gathered: bool = False) -> None:
        """``templates``: the templates folder, or folders looked up in order (a project's own, then
        the package's: ``Project.template_folders``); ``model``: the processing model (the package's
        by default); ``language``: the interface language; ``styles``: the project's ``styles/``
        folder, whose catalogue (``i18n.project_catalogue``) may put the project's words in place of
        the package's; ``editors_notes_gathered``: the editors' notes printed after each article
        rather than at the page foot (edition.toml's ``[print] editors_notes``)."""
        self.model = model or default_model()
        self.editors_notes_gathered = editors_notes_gathered
        folders = [templates] if isinstance(templates, str | Path) else templates
        # The land outline of the places' map: the theme's (a project may put its own in styles/map/).
        outlines = [Path(folder).parent / "map" / MAP_OUTLINE for folder in folders]
        self.map_outline = next((path for path in outlines if path.is_file()), THEME_MAP / MAP_OUTLINE)
        self.env = Environment(
            loader=FileSystemLoader([str(folder) for folder in folders]),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            extensions=["jinja2.ext.i18n"],  # no "do": templates render, they do not change state
            bytecode_cache=template_cache(),
        )
        i18n.activate(language, styles)
        self.env.install_gettext_translations(i18n.active_translations(), newstyle=True)
        self.env.globals.update(interface_language=language, REGISTER_HEADINGS=register_headings(),
                                script_strings={k: i18n.gettext(v) for k, v in SCRIPT_STRINGS.items()})
        self.env.filters.update(number=i18n.format_number, date=i18n.format_day, css_string=css_string,
                                occurrence_labels=occurrence_labels, readable_dates=readable_dates,
                                groupby_letter=groupby_letter, unbroken_dashes=unbroken_dashes)
        self.env.tests.update(labelled_page=labelled_page)
        self._families: dict[str, Any] = {}
        self.check_macros()

    def family(self, name: str) -> Any:
        if name not in self._families:
            self._families[name] = self.env.get_template(f"tei/{name}.html.j2").module
        return self._families[name]

    def render(self, element: etree._Element | None, ctx: RenderContext) -> Markup:
        """Render an element and its content through its behaviour's macro."""
        if element is None or not isinstance(element.tag, str):
            return Markup("")
        behaviour = self.model.behaviour(element, ctx.mode)
        macro = getattr(self.family(behaviour.family), behaviour.macro)
        view = self.view(element, behaviour, ctx.mode)
        view.note = self.settle_note(view, ctx)
        return Markup(macro(view, ctx, self.children))

    def settle_note(self, view: ElementView, ctx: RenderContext) -> dict[str, Any] | None:
        """The note ``view`` makes, settled before its macro renders it, so that templates only read:
        what its family's ``notes`` declaration says (see tei/notes.html.j2). Its id and marker (an
        apparatus entry's, ``entry``, are the model's); a choice's edited reading with the witness's
        (``content = "edited"``); where the note is set apart in this output, its content (the
        children, or the family's macro ``content`` names), kind, label and language, and the note is
        added to the context's notes in the order met (the site's note lists, the book's notes part
        and apparatus). None for an element making no note."""
        family = self.family(view.behaviour.family)
        declared = getattr(family, "notes", {}).get(view.behaviour.macro)
        if declared is None:
            return None
        content = declared.get("content")
        pair = view.choice_pair if content == "edited" else None
        if content == "edited" and pair is None:
            return None  # a choice without two readings renders as its content
        note: dict[str, Any]
        if declared.get("entry"):  # an apparatus entry, settled in the model (tei/annotate.py)
            entry = ctx.article.apparatus.get(view.key)
            if entry is None or not (entry.variants or entry.remarks):
                return None  # nothing to say: the text alone
            note = {"id": entry.id, "marker": entry.number,
                    "minor": entry.is_minor(str(view.params.get("minor", "")).split())}
        else:
            own_id = view.id if declared.get("own_id", True) else None
            note = {"id": own_id or ctx.next_id(declared["prefix"]),
                    "marker": ctx.article.note_markers.get(view.key, "")}
        if pair is not None:
            note.update(label=pair.label, original=pair.original_text, edited_text=pair.edited_text,
                        correction=pair.kind)
        listed = declared.get(ctx.mode)
        if listed is not None and listed.get("only_unnumbered") and view.on_numbered_line:
            listed = None  # on the numbered lines: the macro keys it by line at the page foot
        if listed is not None and listed.get("editors") and not (self.editors_notes_gathered or view.in_note):
            listed = None  # at the page foot ([print] editors_notes), where the macro sets it
        if listed is not None:
            msgid = listed.get("label", "")  # a choice's label is its pair's
            note.update(kind=listed["kind"], label=note.get("label") or i18n.gettext(msgid),
                        lang={"own": ctx.own_lang(view), "element": view.lang}.get(listed.get("lang", "")))
        if pair is not None:
            note["html"] = self.render_children(pair.edited, ctx)
        elif listed is None:
            note["html"] = None  # the macro renders the content where it stands
        elif content:
            note["html"] = Markup(getattr(family, content)(view, ctx, self.children))
        else:
            note["html"] = self.render_children(view.element, ctx)
        if listed is not None:
            ctx.notes.append(note)
        return note

    def check_macros(self, every: bool = False) -> None:
        """Refuse a row whose behaviour names a macro the templates lack, with the row's place: a
        project's rows (``every``: the package's too, which a test does; checking them at every
        start would compile every template family for a site that needs a few)."""
        package = {id(rule) for rule in default_model().rules} if not every else set()
        for rule in self.model.rules:
            if id(rule) in package:
                continue
            behaviour = rule.behaviour
            try:
                getattr(self.family(behaviour.family), behaviour.macro)
            except (AttributeError, TemplateNotFound):
                name = f"{behaviour.family}.{behaviour.macro}"
                raise EditionError(f"{rule.origin}: the behaviour {name} does not exist (no macro "
                                   f"'{behaviour.macro}' in tei/{behaviour.family}.html.j2)",
                                   rule.location, "processing") from None

    def render_children(self, element: etree._Element, ctx: RenderContext) -> Markup:
        """The content of ``element``: its text, each child through its behaviour, the tails.

        Where the source puts nothing between a word or punctuation mark of a tokenised text
        (``w``, ``pc``) and the word after it, a space goes between them unless ``@join`` joins
        them; a line break inside a word (``lb break="no"``, a row with ``params.joins``) takes the
        source's line-end spaces around it away, and a note's call (``params.attaches``) those before
        it where a space follows it. An empty milestone (``params.milestone``: pb, cb, lb, milestone,
        anchor) has one word space at most around it, before it, whatever the spaces on either side
        (TEI's whitespace rules: a file indents it on a line of its own); a reading whose row
        ``params.trims`` loses its closing spaces (the call follows its last word)."""
        lang, acronyms = print_lang(element, ctx), print_acronyms(element, ctx)
        parts = [source_text(element.text, lang, acronyms)]
        previous: etree._Element | None = None
        spaced = False  # a milestone has set the space its neighbours share, and no text followed
        for child in element:
            if self._space_between(previous, child, ctx.mode):
                parts.append(Markup(" "))
            tail = child.tail or ""
            rendered = self.render(child, ctx)
            if self._param(child, "joins", ctx.mode):
                parts[-1] = parts[-1].rstrip()  # the text before it (parts end with a text)
                tail = tail.lstrip()
            elif self._param(child, "milestone", ctx.mode):
                rendered, tail, spaced = one_word_space(parts, rendered, tail, spaced)
            elif self._attaches(child, ctx.mode):
                parts[-1] = parts[-1].rstrip()
            elif self._call_after_spaced_reading(child, tail, ctx.mode):
                tail = " " + tail  # the lemma's closing space, after its call: the words stay apart
            if not self._param(child, "milestone", ctx.mode):
                spaced = False
            parts.append(rendered)
            parts.append(source_text(tail, lang, acronyms))
            previous = child if isinstance(child.tag, str) and not tail else None
        if self._param(element, "trims", ctx.mode):
            parts[-1] = parts[-1].rstrip()
        return Markup("").join(parts)

    def _call_after_spaced_reading(self, app: etree._Element, tail: str, mode: str) -> bool:
        """True for an apparatus entry whose reading in the text ends in a space (the file's line end
        before ``</lem>``, which that reading's row, ``params.trims``, takes away so that the call
        follows its last word) and a word or mark right after it: the space then goes after the call.
        """
        if not tail or tail[0].isspace() or not isinstance(app.tag, str):
            return False
        reading = app.find(f"{{{TEI_NS}}}lem")
        if reading is None:
            reading = app.find(f".//{{{TEI_NS}}}rdg")
        if reading is None or not self._param(reading, "trims", mode):
            return False
        text = reading.xpath("string()")
        return bool(text) and text[-1].isspace()

    def _param(self, element: etree._Element, name: str, mode: str) -> object:
        """A parameter of the element's row (None for a comment or a processing instruction)."""
        if not isinstance(element.tag, str):
            return None
        return self.model.behaviour(element, mode).params.get(name)

    def _attaches(self, note: etree._Element, mode: str) -> bool:
        """True for a note whose call sits right after the word before it (``params.attaches``) and
        that a space follows (its tail's, or that after the notes right after it) or nothing does:
        the spaces before it are then not the words' space (TEI's whitespace rules), and go."""
        if not self._param(note, "attaches", mode):
            return False
        tail = note.tail or ""
        if tail:
            return tail[0].isspace()
        following = note.getnext()
        return following is None or self._attaches(following, mode)

    def _space_between(self, previous: etree._Element | None, following: etree._Element,
                       mode: str) -> bool:
        """True for a token and a word after it with nothing between them in the source."""
        if previous is None or not isinstance(following.tag, str):
            return False
        if (self.model.behaviour(previous, mode).params.get("token") not in ("word", "punctuation")
                or self.model.behaviour(following, mode).params.get("token") != "word"):
            return False
        return (previous.get("join") not in ("right", "both")
                and following.get("join") not in ("left", "both"))

    def render_runs(self, element: etree._Element, ctx: RenderContext) -> list[tuple[bool, Markup]]:
        """The content as runs split at the notes hanging in it: ``(is_note, html)``.

        A citation is a link and a note call is a link; HTML forbids one inside the other, so a
        citation with a note in it becomes a link on each side of the call (on screen and in print).
        """
        runs: list[tuple[bool, Markup]] = []
        lang, acronyms = print_lang(element, ctx), print_acronyms(element, ctx)
        current = [source_text(element.text, lang, acronyms)]
        for child in element:
            if isinstance(child.tag, str) and etree.QName(child).localname == "note":
                if self._attaches(child, ctx.mode):
                    current[-1] = current[-1].rstrip()
                runs.append((False, Markup("").join(current)))
                runs.append((True, self.render(child, ctx)))
                current = []
            else:
                current.append(self.render(child, ctx))
            current.append(source_text(child.tail, lang, acronyms))
        runs.append((False, Markup("").join(current)))
        return [(is_note, html) for is_note, html in runs if is_note or html]

    @cached_property
    def children(self) -> ChildRenderer:
        """The callable the templates render an element's children with (one per renderer)."""
        return ChildRenderer(self)

    def view(self, element: etree._Element, behaviour: Behaviour | None = None,
             mode: str | None = None) -> ElementView:
        lang = xml_lang(element)
        parent = element.getparent()
        if lang and parent is not None and inherited_lang(parent) == lang:
            lang = None  # only where the language changes
        attributes = {etree.QName(k).localname: v for k, v in element.attrib.items()}
        return ElementView(etree.QName(element).localname, attributes, xml_id(element),
                           html_lang(lang) if lang else None, element,
                           behaviour or self.model.behaviour(element, mode), self.model, mode)

    def page(self, template: str, **values: Any) -> str:
        return self.env.get_template(template).render(**values)


@dataclass
class RenderedArticle:
    title_notes: Markup
    front: Markup
    body: Markup
    back: Markup
    notes: list[dict[str, Any]]


def render_article(article: ArticleModel, renderer: Renderer, mode: str,
                   volume: VolumeModel | None = None, heading_offset: int = 0) -> RenderedArticle:
    ctx = RenderContext(mode=mode, article=article, volume=volume, heading_offset=heading_offset)
    notes = Markup("").join(renderer.render(note, ctx) for note in title_notes(article.text))
    front = renderer.render_children(article.front, ctx) if article.front is not None else Markup("")
    body = render_body(article, renderer, ctx)
    back = renderer.render_children(article.back, ctx) if article.back is not None else Markup("")
    return RenderedArticle(notes, front, body, back, ctx.notes)


def render_body(article: ArticleModel, renderer: Renderer, ctx: RenderContext) -> Markup:
    """The text's body: the content of ``body``, or whatever stands between ``front`` and ``back``
    (a ``group`` of texts: the letters of a collection)."""
    if article.body is not None:
        return renderer.render_children(article.body, ctx)
    parts = [renderer.render(child, ctx) for child in article.text
             if isinstance(child.tag, str) and child not in (article.front, article.back)]
    return Markup("").join(parts)


def render_site(volume: VolumeModel, renderer: Renderer, pdf: str | None = None) -> dict[str, str]:
    """The reading site: file name → HTML text (``pdf``: the book's PDF, relative to the site)."""
    introduction = (render_article(volume.introduction, renderer, "screen", volume, heading_offset=1)
                    if volume.introduction else None)
    sources = {a.id: tuple(render_source(a, renderer, volume, kind) for kind in ("original", "witness"))
               for a in volume.articles}
    site = {"volume": volume, "register_pages": REGISTER_PAGES, "sources": sources,
            "turkish_search": primary(volume.lang) in TURKIC,
            "articles_by_id": {article.id: article for article in volume.articles},
            "pages": site_pages(volume)}
    pages = {"index.html": renderer.page("site/index.html.j2", introduction=introduction,
                                         references=cited_references(volume, volume.introduction),
                                         **site)}
    if volume.bibliography is not None:
        pages["bibliography.html"] = renderer.page("site/bibliography.html.j2", **site)
    if "sources.html" in site["pages"]:
        pages["sources.html"] = renderer.page("site/sources.html.j2", **site)
    notes = register_notes(volume, renderer)
    for kind, name in REGISTER_PAGES.items():
        if volume.register(kind):
            drawn = place_map(volume.register(kind), renderer.map_outline) if kind == "place" else None
            pages[name] = renderer.page("site/register.html.j2", kind=kind, notes=notes, place_map=drawn,
                                        **site)
    pages["search.html"] = renderer.page("site/search.html.j2", **site)
    for number, article in enumerate(volume.articles):
        rendered = render_article(article, renderer, "screen", volume)
        pages[f"{article.id}.html"] = renderer.page(
            "site/article.html.j2", article=article, rendered=rendered,
            name_kinds=name_kinds(volume, article), pdf=pdf,
            references=cited_references(volume, article),
            previous=volume.articles[number - 1] if number else None,
            following=volume.articles[number + 1] if number + 1 < len(volume.articles) else None,
            **site,
        )
    return pages


def name_kinds(volume: VolumeModel, article: ArticleModel) -> list[str]:
    """The kinds of register entry the article names, in the registers' order (its highlight switches)."""
    named = {volume.registers[m.ref].kind for m in article.mentions.values() if m.ref in volume.registers}
    return [kind for kind in REGISTER_PAGES if kind in named]


def site_pages(volume: VolumeModel) -> frozenset[str]:
    """The pages the site has (the navigation links to these only): a document with no bibliography
    or registers gets no such pages."""
    pages = {"index.html", "search.html", *(f"{article.id}.html" for article in volume.articles)}
    if volume.bibliography is not None:
        pages.add("bibliography.html")
    if has_sources(volume):
        pages.add("sources.html")
    pages |= {name for kind, name in REGISTER_PAGES.items() if volume.register(kind)}
    return frozenset(pages)


def has_sources(volume: VolumeModel) -> bool:
    """Whether the sources page has anything to list: primary sources in the bibliography, or a text
    whose header names where it was first published or the witness it is edited from."""
    primary = volume.bibliography is not None and bool(volume.bibliography.primary)
    return primary or any(article.venue or article.witness for article in volume.articles)


def render_source(article: ArticleModel, renderer: Renderer, volume: VolumeModel, kind: str) -> Markup:
    """The article's source description (``bibl[@type=kind]`` in its header) as HTML, so titles in
    another language keep their ``lang`` (the model's ``venue`` is plain text)."""
    source = article.text.getparent().find("tei:teiHeader/tei:fileDesc/tei:sourceDesc", NS)
    bibl = source.find(f"tei:bibl[@type='{kind}']", NS) if source is not None else None
    if bibl is None:
        return Markup("")
    ctx = RenderContext(mode="screen", article=article, volume=volume, scope=f"-{kind}")
    separators = part_separators(bibl)
    if separators is not None:  # parts with no punctuation between them: told apart as in print
        parts = [child for child in bibl if isinstance(child.tag, str)]
        html = Markup("").join(Markup("{}{}").format(separator, renderer.render(part, ctx))
                               for separator, part in zip(separators, parts, strict=True))
    else:
        html = renderer.render_children(bibl, ctx)
    return Markup(" ".join(html.split()))


def register_notes(volume: VolumeModel, renderer: Renderer) -> dict[str, Markup]:
    """The editors' note on each register entry as HTML (entry id → note), so that its pointers to
    other entries and to the articles read as names and links."""
    parts = model_parts(volume)
    if not parts:
        return {}
    ctx = RenderContext(mode="screen", article=parts[0], volume=volume, scope="-register")
    return {ident: Markup(" ".join(renderer.render_children(entry.note_element, ctx).split()))
            for ident, entry in volume.registers.items() if entry.note_element is not None}


def project_description(volume: VolumeModel, renderer: Renderer, mode: str = "print") -> list[Markup]:
    """The paragraphs of the volume header's ``encodingDesc/projectDesc`` as HTML: what the edition
    says of how it was made (the imprint prints them; the package has no words of its own for it)."""
    header = volume.tei.root.find("tei:teiHeader", NS)
    paragraphs = header.findall("tei:encodingDesc/tei:projectDesc/tei:p", NS) if header is not None else []
    parts = model_parts(volume)
    if not parts:
        return [escape(plain_text(p)) for p in paragraphs]
    ctx = RenderContext(mode=mode, article=parts[0], volume=volume, scope="-project")
    return [Markup(" ".join(renderer.render_children(p, ctx).split())) for p in paragraphs]


def cited_references(volume: VolumeModel, article: ArticleModel | None) -> list[Any]:
    """The bibliography entries an article cites, for its citation popups (in bibliography order)."""
    if article is None or volume.bibliography is None:
        return []
    keys = {key for citation in article.citations.values() for key in citation.keys}
    bibliography = volume.bibliography
    return [ref for ref in bibliography.entries if ref.key in keys]
