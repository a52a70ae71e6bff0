"""Stage: the reading site's search index, built from the document model with the site pages.

Every paragraph, heading, list item and note of the introduction and the articles, every register
entry and every bibliography entry becomes one record: the page and the id to link to, a label for
the result list, the text as printed, and the same text folded for matching by the rules of its
language (``search_fold``, one character for one, so a match found in the folded text is at the same
place in the printed one). The index is written as a script that assigns a global: the site opens from
disk, where a page cannot fetch a JSON file.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from lxml import etree
from markupsafe import Markup

from edition.i18n import active_language, gettext, translate
from edition.i18n.language import TURKIC, UNDETERMINED, primary, turkish_lower
from edition.processing.rules import default_model
from edition.render.html import REGISTER_PAGES, register_headings
from edition.tei.load import TEI_NS
from edition.tei.model import (
    ArticleModel,
    VolumeModel,
    inherited_lang,
    is_supplied_title,
    node_key,
    plain_text,
    xml_id,
)

# The search treats apostrophe and dash variants as one; in Turkish text it also lets dotless ı match i
# (a reader typing "ISTANBUL" or "Isik" on a keyboard without Turkish letters).
SEARCH_EQUIVALENTS = {"’": "'", "‘": "'", "`": "'", "ʼ": "'", "´": "'",
                      "‐": "-", "‑": "-", "–": "-", "—": "-"}
TURKIC_EQUIVALENTS = {**SEARCH_EQUIVALENTS, "ı": "i"}


def search_fold(text: str, lang: str = UNDETERMINED) -> str:
    """The form the site's search compares: lowercase by the rules of ``lang`` (Turkish İ→i, I→ı, and
    ı = i, only for Turkish and Azerbaijani), diacritics dropped.

    One character in, one character out, so a match in the folded text is at the same place in the
    original (the search shows the original around it). ``edition/theme/js/search.js`` folds queries the
    same way; the tests check the two agree on every character of the volume.
    """
    turkic = primary(lang) in TURKIC
    return "".join(_fold_char(character, turkic) for character in text)


@cache
def _fold_char(character: str, turkic: bool) -> str:
    lowered = turkish_lower(character) if turkic else character.lower()
    if len(lowered) != 1 or ord(character) > 0xFFFF or ord(lowered) > 0xFFFF:
        return character  # JavaScript counts these in two units: left alone on both sides
    base = unicodedata.normalize("NFD", lowered)[0]
    return (TURKIC_EQUIVALENTS if turkic else SEARCH_EQUIVALENTS).get(base, base)


GLOBAL_NAME = "EDITION_SEARCH"


@dataclass(frozen=True)
class Record:
    """One searchable passage: where it is (page and id), what to call it, and its text."""

    part: int  # index into the parts list (page and title)
    anchor: str
    label: str
    text: str
    lang: str = UNDETERMINED
    label_lang: str = ""  # a section heading's language; "": the interface's (the edition's own labels)
    fold_lang: str | None = None  # the language whose case rules made the text, where not ``lang``

    def row(self) -> list:
        """``[part, anchor, label, text, folded text, lang, label lang]`` (languages "" for the search
        page's own, the interface language, to keep the index small)."""
        page = active_language()
        label_lang = "" if self.label_lang in ("", page) else self.label_lang
        folded = search_fold(self.text, self.fold_lang or self.lang)
        return [self.part, self.anchor, self.label, self.text, folded, "" if self.lang == page else self.lang,
                label_lang]


def build_index(volume: VolumeModel) -> dict:
    """The index as plain data: ``parts`` ([page, title]) and ``records`` (see ``Record.row``)."""
    parts: list[list[str]] = []
    records: list[Record] = []

    def part(page: str, title: str) -> int:
        parts.append([page, title])
        return len(parts) - 1

    if volume.introduction is not None:
        records += article_records(volume.introduction, part("index.html", volume.introduction.title))
    for article in volume.articles:
        title = article.display_title
        number = part(f"{article.id}.html", f"{article.number}. {title}")
        records.append(Record(number, article.id, gettext("Title"), title, article.lang))
        records += article_records(article, number)
    headings = register_headings()
    for kind, page in REGISTER_PAGES.items():
        if volume.register(kind):
            records += register_records(volume, kind, part(page, headings[kind]))
    if volume.bibliography is not None:
        records += bibliography_records(volume, part("bibliography.html", gettext("Bibliography")))
    return {"parts": parts, "records": [r.row() for r in records if r.text]}


def register_records(volume: VolumeModel, kind: str, part: int) -> list[Record]:
    """One record per register entry: its names as printed, dates and the editors' identification."""
    return [Record(part, entry.id, entry.name,
                   " · ".join(filter(None, [entry.name, *entry.variants, entry.dates, entry.note])),
                   entry.lang)
            for entry in volume.register(kind)]


def bibliography_records(volume: VolumeModel, part: int) -> list[Record]:
    """One record per bibliography entry, as formatted, in the work's language (folded by the rules of
    the language it was formatted in, whose case the style applied: "RGASPİ" in Turkish)."""
    bibliography = volume.bibliography
    return [Record(part, f"bib-{ref.key}", gettext("Reference"), Markup(ref.html).striptags(), ref.lang,
                   fold_lang=bibliography.lang)
            for ref in bibliography.entries]


def article_records(article: ArticleModel, part: int) -> Iterator[Record]:
    """The text blocks and notes of one article (or the introduction), in reading order."""
    passages = default_model().text_names("passage")
    for element in article.text.iter(f"{{{TEI_NS}}}*"):
        name = etree.QName(element).localname
        if name == "note":
            yield Record(part, xml_id(element) or article.id, note_label(article, element),
                         plain_text(element), inherited_lang(element))
        elif name in passages and is_block(element):
            label, label_lang = section_label(element)
            yield Record(part, block_anchor(article, element), label, plain_text(element),
                         inherited_lang(element), label_lang)


def is_block(element: etree._Element) -> bool:
    """A passage of its own: not inside a note (the note is one record) nor in a title the editors
    supplied (the article's title record stands for it); for anything but a paragraph, neither
    inside a paragraph nor holding paragraphs or items (those are records)."""
    ancestors = {etree.QName(a).localname for a in element.iterancestors()}
    if "note" in ancestors or any(is_supplied_title(div) for div in element.iterancestors(f"{{{TEI_NS}}}div")
                                  if div.get("type") == "title"):
        return False
    if etree.QName(element).localname == "p":
        return True
    nested = element.iterdescendants(f"{{{TEI_NS}}}p", f"{{{TEI_NS}}}item")
    return "p" not in ancestors and next(nested, None) is None


def block_anchor(article: ArticleModel, element: etree._Element) -> str:
    """The id the page gives the block (its own or a generated one), else its nearest ancestor's."""
    for candidate in (element, *element.iterancestors()):
        ident = article.anchor_of(candidate)
        if ident:
            return ident
    return article.id


def section_label(element: etree._Element) -> tuple[str, str]:
    """The heading of the section a block stands in ("" before the first heading), and its language."""
    for div in element.iterancestors(f"{{{TEI_NS}}}div"):
        head = div.find(f"{{{TEI_NS}}}head")
        if head is not None:
            return plain_text(head), inherited_lang(head)
        if div.get("type") == "abstract":  # named in its own language where there is a catalogue for it
            lang = inherited_lang(div)
            label = translate("Abstract", primary(lang))
            return label, lang if label != gettext("Abstract") else ""
    return "", ""


def note_label(article: ArticleModel, note: etree._Element) -> str:
    marker = article.note_markers.get(node_key(note), "")
    label = gettext("Editor's note") if note.get("type") == "editorial" else gettext("Footnote")
    return f"{label} {marker}"


def index_script(index: dict) -> str:
    """The index as a script assigning ``window.EDITION_SEARCH``. ``<`` is escaped so no text can
    close a script element, should the index ever be inlined into a page."""
    data = json.dumps(index, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    return f"window.{GLOBAL_NAME} = {data};\n"
