"""The EPUB 3: the reading site's pages, from the same model and templates, as an e-book.

The site's pages (``render_site``) are rendered once more and their ``main`` content taken into
XHTML documents: the introduction with the contents, each article, the bibliography and the
registers. What needs a script or a server (the search, the witness switcher, the citation popups)
stays out; links to pages the book does not hold become plain text. Notes become EPUB footnotes
(``epub:type="noteref"`` calls, ``aside epub:type="footnote"`` notes with a link back to the call).
Where the printed book has been laid out, its page numbers stand in the text as ``pagebreak``
markers, listed in the navigation document's page list, so that readers can cite the print. The
theme's fonts are embedded as WOFF2, subset to the characters the book uses. Everything is written
with lxml: the package passes EPUBCheck (``tests/test_epub.py``).
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePosixPath

from lxml import etree, html

from edition import i18n
from edition.print.book import PageRefs
from edition.render.fonts import Themed, embedded_fonts
from edition.render.html import REGISTER_PAGES, Renderer, render_site
from edition.tei.model import VolumeModel

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
OPF_NS = "http://www.idpf.org/2007/opf"
DC_NS = "http://purl.org/dc/elements/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = f"{{{EPUB_NS}}}type"
# What stays out of the book: what needs a script (search, switcher, popups' store) or is the site's
# own navigation between pages.
# What the site has for a browser and a book has not: forms and scripts, the links between pages, the
# site's own downloads, contents, reading aids and the map (an SVG the reading system need not support).
LEFT_OUT = ("//form", "//template", "//script", "//nav[contains(@class, 'article-nav')]",
            "//*[contains(@class, 'skip-link')]", "//*[contains(@class, 'article-downloads')]",
            "//*[contains(@class, 'article-toc')]", "//*[contains(@class, 'names-in-view')]",
            "//*[contains(@class, 'to-top')]", "//*[contains(@class, 'place-map')]",
            "//*[contains(@class, 'letter-nav')]", "//*[contains(@class, 'reading-settings')]")


@dataclass
class Chapter:
    """One XHTML document of the book."""

    name: str  # file name, e.g. a000.xhtml
    title: str
    lang: str
    body: etree._Element  # the XHTML body
    landmark: str | None = None  # bodymatter, bibliography, index


@dataclass
class PageMark:
    folio: str
    chapter: str


@dataclass
class EpubBook:
    chapters: list[Chapter] = field(default_factory=list)
    pages: list[PageMark] = field(default_factory=list)


def build_epub(model: VolumeModel, renderer: Renderer, themed: Themed, refs: PageRefs | None,
               language: str, modified: datetime | None = None) -> bytes:
    """The EPUB file of the volume (``refs``: the printed book's page numbers, if it was laid out;
    ``language``: the texts' language, the book's)."""
    pages = render_site(model, renderer)
    book = EpubBook()
    names = chapter_names(pages)
    for page, name in names.items():
        book.chapters.append(chapter(pages[page], name, landmark_of(page)))
    for item in book.chapters:
        rewrite_links(item.body, names)
        make_footnotes(item.body)
    drop_broken_fragments(book.chapters)
    if refs is not None and refs.main:
        mark_pages(book, refs)
    return package(book, model, themed, language, modified or datetime.now(UTC))


def chapter_names(pages: dict[str, str]) -> dict[str, str]:
    """The site's pages the book holds, in reading order, with their XHTML names."""
    order = ["index.html", *(name for name in pages if re.fullmatch(r"(?!index|search|sources|bibliography)"
                                                                     r"[\w.-]+\.html", name)
                             and name not in REGISTER_PAGES.values()),
             "bibliography.html", *REGISTER_PAGES.values()]
    return {page: page.removesuffix(".html") + ".xhtml" for page in order if page in pages}


def landmark_of(page: str) -> str | None:
    if page == "bibliography.html":
        return "bibliography"
    if page in REGISTER_PAGES.values():
        return "index"
    return None if page == "index.html" else "bodymatter"


def chapter(text: str, name: str, landmark: str | None) -> Chapter:
    """A site page's main content as an XHTML body."""
    document = html.document_fromstring(text)
    for path in LEFT_OUT:
        for element in document.xpath(path):
            element.drop_tree()
    main = document.find(".//main")
    lang = document.get("lang") or "en"
    title = " ".join((document.findtext(".//title") or "").split())
    body = etree.Element(f"{{{XHTML_NS}}}body")
    section = etree.SubElement(body, f"{{{XHTML_NS}}}section")
    if landmark:
        section.set(EPUB_TYPE, landmark)
    for child in main:
        section.append(as_xhtml(child))
    return Chapter(name, title, lang, body, landmark)


def as_xhtml(element: html.HtmlElement) -> etree._Element:
    """An HTML element (and its content) in the XHTML namespace; ``lang`` doubled as ``xml:lang``."""
    if not isinstance(element.tag, str):  # a comment
        return etree.Comment(element.text or "")
    copy = etree.Element(f"{{{XHTML_NS}}}{element.tag}")
    for key, value in element.attrib.items():
        if ":" in key or key.startswith("on"):
            continue
        copy.set(key, value)
        if key == "lang":
            copy.set(XML_LANG, value)
    copy.text = element.text
    for child in element:
        converted = as_xhtml(child)
        converted.tail = child.tail
        copy.append(converted)
    return copy


def xhtml(name: str) -> str:
    return f"{{{XHTML_NS}}}{name}"


def rewrite_links(body: etree._Element, names: dict[str, str]) -> None:
    """Links to the site's pages lead to the book's documents; to a page the book does not hold (the
    search, the sources), or to a file of the project, they become plain text."""
    for link in list(body.iter(xhtml("a"))):
        href = link.get("href")
        if href is None or href.startswith("#") or re.match(r"[a-z][a-z0-9+.-]*:", href):
            continue
        page, _, fragment = href.partition("#")
        if page in names:
            link.set("href", names[page] + (f"#{fragment}" if fragment else ""))
        else:
            unwrap(link)


def unwrap(element: etree._Element) -> None:
    """Replace ``element`` by its content."""
    parent = element.getparent()
    index = parent.index(element)
    text = element.text or ""
    if index:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    last = parent[index + len(element) - 1] if len(element) else (parent[index - 1] if index else None)
    tail = element.tail or ""
    parent.remove(element)
    if last is not None and last is not element:
        last.tail = (last.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail


def make_footnotes(body: etree._Element) -> None:
    """Note calls as noterefs; each note of the lists at the end as a footnote aside, its number
    linking back to the call."""
    for call in body.iter(xhtml("a")):
        if "note-call" in call.get("class", "").split():
            call.set(EPUB_TYPE, "noteref")
    for listing in list(body.iter(xhtml("ol"))):
        if "note-list" not in listing.get("class", "").split():
            continue
        parent = listing.getparent()
        index = parent.index(listing)
        for offset, item in enumerate(list(listing)):
            aside = etree.Element(xhtml("aside"), {k: v for k, v in item.attrib.items()})
            aside.set(EPUB_TYPE, "footnote")
            aside.set("role", "doc-footnote")
            paragraph = etree.SubElement(aside, xhtml("p"))
            paragraph.text = item.text
            for child in item:
                if "note-back" in child.get("class", "").split():
                    child.set("role", "doc-backlink")
                paragraph.append(child)
            parent.insert(index + offset, aside)
        parent.remove(listing)


def drop_broken_fragments(chapters: list[Chapter]) -> None:
    """A link to an id no document has (an anchor only the printed book or the site sets) becomes
    plain text: a reading system could not follow it."""
    ids = {(item.name, ident) for item in chapters for ident in item.body.xpath("//@id")}
    for item in chapters:
        for link in list(item.body.iter(xhtml("a"))):
            href = link.get("href") or ""
            if href.startswith("#"):
                target = (item.name, href[1:])
            elif "#" in href and not re.match(r"[a-z][a-z0-9+.-]*:", href):
                page, _, fragment = href.partition("#")
                target = (page, fragment)
            else:
                continue
            if target not in ids:
                unwrap(link)


def mark_pages(book: EpubBook, refs: PageRefs) -> None:
    """A pagebreak marker before the first element of the text on each printed page of the main
    matter (at the start of the first paragraph, heading or note call that the book prints on it), in
    reading order; notes at the end of a document are not text order and are passed over."""
    last = 0
    for item in book.chapters:
        for element in list(item.body.iter()):
            ident = element.get("id") if isinstance(element.tag, str) else None
            if not ident or ident not in refs.main or element.getparent() is None or in_notes(element):
                continue
            number = refs.main[ident]
            if number <= last:
                continue
            folio = refs.folios.get(ident, str(number))
            marker = etree.Element(xhtml("span"), {"id": f"page-{folio}", "role": "doc-pagebreak",
                                                    "aria-label": folio, "class": "pagebreak"})
            marker.set(EPUB_TYPE, "pagebreak")
            if not place_marker(element, marker):
                continue
            last = number
            book.pages.append(PageMark(folio, item.name))


def place_marker(element: etree._Element, marker: etree._Element) -> bool:
    """Put the marker before ``element``, or at its start where nothing but items may stand beside it
    (an entry of a list); not in a table's rows (False: the page is marked at the next element)."""
    parent = element.getparent().tag
    if parent in (xhtml("ol"), xhtml("ul"), xhtml("dl")):
        marker.tail = element.text
        element.text = None
        element.insert(0, marker)
        return True
    if parent in (xhtml("table"), xhtml("thead"), xhtml("tbody"), xhtml("tfoot"), xhtml("tr")):
        return False
    element.addprevious(marker)
    return True


def in_notes(element: etree._Element) -> bool:
    return any(ancestor.tag == xhtml("aside") for ancestor in element.iterancestors())


# ---- The package --------------------------------------------------------------------------------


def package(book: EpubBook, model: VolumeModel, themed: Themed, language: str,
            modified: datetime) -> bytes:
    text = "".join(text for item in book.chapters for text in item.body.itertext())
    fonts, font_css = embedded_fonts(themed, text)
    stylesheet = font_css + themed("css/epub.css").read_text(encoding="utf-8")
    files: dict[str, bytes] = {"css/epub.css": stylesheet.encode("utf-8")}
    files |= {f"fonts/{name}": data for name, data in fonts.items()}
    for item in book.chapters:
        files[item.name] = document(item.title, item.lang, item.body)
    files["nav.xhtml"] = navigation(book, model, language)
    files["package.opf"] = package_document(book, model, language, files, modified)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as epub:
        epub.writestr(zipfile.ZipInfo("mimetype", (1980, 1, 1, 0, 0, 0)), "application/epub+zip",
                      compress_type=zipfile.ZIP_STORED)
        epub.writestr(stamped("META-INF/container.xml"), CONTAINER, compress_type=zipfile.ZIP_DEFLATED)
        for name, data in files.items():
            epub.writestr(stamped(f"OEBPS/{name}"), data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


CONTAINER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
             '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
             '<rootfiles><rootfile full-path="OEBPS/package.opf" media-type="application/oebps-package+xml"/>'
             "</rootfiles></container>\n")


def stamped(name: str) -> zipfile.ZipInfo:
    """A member with a fixed time: the same book makes the same file."""
    return zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))


def document(title: str, lang: str, body: etree._Element) -> bytes:
    root = etree.Element(xhtml("html"), nsmap={None: XHTML_NS, "epub": EPUB_NS})
    root.set("lang", lang)
    root.set(XML_LANG, lang)
    head = etree.SubElement(root, xhtml("head"))
    etree.SubElement(head, xhtml("meta"), charset="utf-8")
    etree.SubElement(head, xhtml("title")).text = title or "—"
    etree.SubElement(head, xhtml("link"), rel="stylesheet", type="text/css", href="css/epub.css")
    root.append(body)
    declaration = b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
    return declaration + etree.tostring(root, encoding="utf-8")


def navigation(book: EpubBook, model: VolumeModel, language: str) -> bytes:
    """The navigation document: contents, the printed book's pages, landmarks."""
    body = etree.Element(xhtml("body"))
    toc = etree.SubElement(body, xhtml("nav"), id="toc")
    toc.set(EPUB_TYPE, "toc")
    etree.SubElement(toc, xhtml("h1")).text = i18n.gettext("Contents")
    listing = etree.SubElement(toc, xhtml("ol"))
    for item in book.chapters:
        entry = etree.SubElement(listing, xhtml("li"))
        etree.SubElement(entry, xhtml("a"), href=item.name).text = chapter_label(item, model)
    if book.pages:
        pages = etree.SubElement(body, xhtml("nav"), id="page-list", hidden="hidden")
        pages.set(EPUB_TYPE, "page-list")
        etree.SubElement(pages, xhtml("h2")).text = i18n.gettext("Pages of the printed book")
        listing = etree.SubElement(pages, xhtml("ol"))
        for mark in book.pages:
            entry = etree.SubElement(listing, xhtml("li"))
            etree.SubElement(entry, xhtml("a"), href=f"{mark.chapter}#page-{mark.folio}").text = mark.folio
    landmarks = etree.SubElement(body, xhtml("nav"), id="landmarks", hidden="hidden")
    landmarks.set(EPUB_TYPE, "landmarks")
    etree.SubElement(landmarks, xhtml("h2")).text = i18n.gettext("Landmarks")
    listing = etree.SubElement(landmarks, xhtml("ol"))
    seen: set[str] = set()
    for item in [book.chapters[0], *book.chapters]:
        kind = "toc" if item is book.chapters[0] and "toc" not in seen else item.landmark
        if not kind or kind in seen:
            continue
        seen.add(kind)
        link = etree.SubElement(etree.SubElement(listing, xhtml("li")), xhtml("a"), href=item.name)
        link.set(EPUB_TYPE, kind)
        link.text = chapter_label(item, model) if kind != "toc" else i18n.gettext("Contents")
    return document(i18n.gettext("Contents"), language, body)


def chapter_label(item: Chapter, model: VolumeModel) -> str:
    """The contents' line for a document: its page title without the volume's title."""
    suffix = f" — {model.title}"
    return item.title.removesuffix(suffix) or item.title


def package_document(book: EpubBook, model: VolumeModel, language: str, files: dict[str, bytes],
                     modified: datetime) -> bytes:
    root = etree.Element(f"{{{OPF_NS}}}package", nsmap={None: OPF_NS, "dc": DC_NS})
    root.set("version", "3.0")
    root.set("unique-identifier", "book-id")
    root.set(XML_LANG, language)
    metadata = etree.SubElement(root, f"{{{OPF_NS}}}metadata")
    identifier = uuid.uuid5(uuid.NAMESPACE_URL, f"edition:{model.title}")
    dc(metadata, "identifier", f"urn:uuid:{identifier}", id="book-id")
    dc(metadata, "title", model.title or "—")
    dc(metadata, "language", language)
    if model.publisher:
        dc(metadata, "publisher", model.publisher)
    if model.licence:
        dc(metadata, "rights", model.licence)
    meta(metadata, "dcterms:modified", modified.strftime("%Y-%m-%dT%H:%M:%SZ"))
    for name, value in accessibility(book):
        meta(metadata, name, value)
    manifest = etree.SubElement(root, f"{{{OPF_NS}}}manifest")
    etree.SubElement(manifest, f"{{{OPF_NS}}}item", id="nav", href="nav.xhtml",
                     attrib={"media-type": "application/xhtml+xml", "properties": "nav"})
    for number, name in enumerate(sorted(files)):
        if name in ("nav.xhtml", "package.opf"):
            continue
        etree.SubElement(manifest, f"{{{OPF_NS}}}item", id=f"item-{number}", href=name,
                         attrib={"media-type": media_type(name)})
    spine = etree.SubElement(root, f"{{{OPF_NS}}}spine")
    ids = {item.get("href"): item.get("id") for item in manifest}
    for item in book.chapters:
        etree.SubElement(spine, f"{{{OPF_NS}}}itemref", idref=ids[item.name])
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="utf-8")


def dc(metadata: etree._Element, name: str, value: str, **attributes: str) -> None:
    etree.SubElement(metadata, f"{{{DC_NS}}}{name}", **attributes).text = value


def meta(metadata: etree._Element, prop: str, value: str) -> None:
    etree.SubElement(metadata, f"{{{OPF_NS}}}meta", property=prop).text = value


def accessibility(book: EpubBook) -> Iterable[tuple[str, str]]:
    """schema.org accessibility metadata (EPUB Accessibility 1.1): what the book offers a reader."""
    yield "schema:accessMode", "textual"
    yield "schema:accessModeSufficient", "textual"
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if book.pages:
        features.append("printPageNumbers")
    for feature in features:
        yield "schema:accessibilityFeature", feature
    yield "schema:accessibilityHazard", "none"
    yield ("schema:accessibilitySummary", "Text with headings in reading order, a table of contents, "
           "footnotes linked both ways" + (" and the printed book's page numbers" if book.pages else "")
           + "; no images are needed to read it.")


def media_type(name: str) -> str:
    suffix = PurePosixPath(name).suffix
    return {".xhtml": "application/xhtml+xml", ".css": "text/css", ".woff2": "font/woff2",
            ".png": "image/png", ".jpg": "image/jpeg", ".svg": "image/svg+xml"}[suffix]
