"""Stage 1: read TEI files safely and assemble the volume.

XML is parsed with entity expansion, DTD loading and network access off. A document type declaration
is refused outright (TEI needs none, and it is where XXE and entity bombs live). XInclude is resolved
here, by hand, so that an include can only reach files inside the project.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .errors import EditionError, Location

TEI_NS = "http://www.tei-c.org/ns/1.0"
XI_NS = "http://www.w3.org/2001/XInclude"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NS = {"tei": TEI_NS, "xi": XI_NS}

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_INCLUDE_DEPTH = 4


@dataclass
class Article:
    """One article of the volume: its id, its file and its TEI root element."""

    id: str
    path: Path
    root: etree._Element


@dataclass
class Volume:
    """The assembled volume: the driver file, its tree, the articles in reading order, and the
    editors' own parts (an introduction: a TEI whose ``text/@type`` is ``introduction``; registers:
    a ``standOff``)."""

    path: Path
    root: etree._Element
    articles: list[Article] = field(default_factory=list)
    introduction: Article | None = None
    registers: etree._Element | None = None

    def article(self, article_id: str) -> Article:
        for article in self.articles:
            if article.id == article_id:
                return article
        known = ", ".join(a.id for a in self.articles)
        raise EditionError(f"no article '{article_id}' in the volume (articles: {known})")


def safe_parser() -> etree.XMLParser:
    """A parser that expands no entity, loads no DTD and touches no network."""
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
        collect_ids=False,  # duplicate xml:ids are the validator's to report, with both places
    )


def read_xml(path: Path, *, limit: int = MAX_FILE_BYTES) -> etree._ElementTree:
    """Parse one XML file, refusing what is unsafe or malformed with a located message."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise EditionError(f"cannot read file: {exc.strerror}", Location(path)) from exc
    if size > limit:
        raise EditionError(
            f"file is {size // (1024 * 1024)} MB, over the {limit // (1024 * 1024)} MB limit for one "
            "TEI file; split it into articles",
            Location(path),
            "xml-size",
        )
    data = path.read_bytes()
    _refuse_non_xml(path, data)
    _check_utf8(path, data)
    _refuse_doctype(path, data)
    try:
        tree = etree.fromstring(data, safe_parser(), base_url=str(path)).getroottree()
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (0, 0)
        message = exc.msg.split(f" ({path}", 1)[0] if exc.msg else "malformed XML"
        raise EditionError(f"malformed XML: {message}; fix the markup there",
                           Location(path, line, column), "xml-malformed") from exc
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise EditionError(
            "DOCTYPE declarations are not allowed (they can define external or exploding entities); "
            "remove the <!DOCTYPE …> line",
            Location(path, 1, 1),
            "xml-doctype",
        )
    return tree


PROLOG_END = re.compile(rb"<[A-Za-z_]")


def _refuse_doctype(path: Path, data: bytes) -> None:
    """Refuse a DOCTYPE before parsing: entity bombs and external entities live there."""
    end = PROLOG_END.search(data)
    prolog = data[: end.start() if end else len(data)]
    position = prolog.find(b"<!DOCTYPE")
    if position != -1:
        line = prolog.count(b"\n", 0, position) + 1
        raise EditionError(
            "DOCTYPE declarations are not allowed (they can define external or exploding entities); "
            "remove the <!DOCTYPE …> declaration",
            Location(path, line, 1),
            "xml-doctype",
        )


def _refuse_non_xml(path: Path, data: bytes) -> None:
    """A file that cannot be XML at all (a PDF, a word-processor file, plain text) gets one line
    saying so, rather than a parser's complaint about its first byte."""
    start = data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if not start.startswith(b"<"):
        shown = "an empty file" if not start else "a file that does not start with '<'"
        raise EditionError(f"not XML ({shown}); edition reads TEI P5 XML files", Location(path, 1, 1),
                           "xml-malformed")


def _check_utf8(path: Path, data: bytes) -> None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise EditionError(
            f"bytes that are not UTF-8 (0x{data[exc.start]:02x}); save the file as UTF-8",
            Location(path, line, column),
            "xml-encoding",
        ) from exc


def require_tei(tree: etree._ElementTree, path: Path) -> None:
    root = tree.getroot()
    name = etree.QName(root)
    where = Location(path, root.sourceline or 0, 1)
    if name.localname == "TEI.2" and name.namespace is None:
        raise EditionError("this is TEI P4 (root <TEI.2>, no namespace), and edition reads TEI P5; convert "
                           "it first (the TEI Consortium's P4-to-P5 conversion, p4top5.xsl)", where, "tei-p4")
    if name.namespace != TEI_NS and name.localname in ("TEI", "teiCorpus"):
        raise EditionError(f'root element <{root.tag}> is not in the TEI namespace; declare xmlns="{TEI_NS}"',
                           where, "tei-namespace")
    if name.namespace != TEI_NS:
        namespace = f" (namespace {name.namespace})" if name.namespace else ""
        raise EditionError(f"root element <{name.localname}>{namespace} is not TEI: a TEI P5 file has <TEI> "
                           f"or <teiCorpus> in the namespace {TEI_NS}", where, "tei-namespace")


def resolve_includes(tree: etree._ElementTree, path: Path, project: Path, depth: int = 0) -> None:
    """Replace each xi:include by the root of the file it names, which must lie inside ``project``."""
    for include in tree.getroot().iter(f"{{{XI_NS}}}include"):
        href = include.get("href")
        where = Location(path, include.sourceline or 0, 1)
        if not href:
            raise EditionError("xi:include without @href; name the file to include", where, "xinclude")
        if "://" in href and not href.startswith("file:"):
            raise EditionError(f"xi:include of '{href}' reaches outside the project; include only files "
                               "inside it", where, "xinclude-outside")
        target = (path.parent / href.removeprefix("file:")).resolve()
        if not target.is_relative_to(project.resolve()):
            raise EditionError(f"xi:include of '{href}' reaches outside the project ({project}); include "
                               "only files inside it", where, "xinclude-outside")
        if not target.is_file():
            raise EditionError(f"xi:include of '{href}': no such file", where, "xinclude")
        if depth >= MAX_INCLUDE_DEPTH:
            raise EditionError("xi:include nested too deeply", where, "xinclude")
        included = read_xml(target)
        require_tei(included, target)
        resolve_includes(included, target, project, depth + 1)
        root = included.getroot()
        root.set(f"{{{XML_NS}}}base", target.as_uri())
        root.tail = include.tail
        include.getparent().replace(include, root)


def load_volume(path: Path, project: Path | None = None) -> Volume:
    """Read the volume driver file and every article it includes."""
    path = Path(path).resolve()
    project = (project or path.parent.parent).resolve()
    tree = read_xml(path)
    require_tei(tree, path)
    resolve_includes(tree, path, project)
    root = tree.getroot()
    roots = [root] if etree.QName(root).localname == "TEI" else root.iterfind("tei:TEI", NS)
    parts = [
        Article(id=tei.get(f"{{{XML_NS}}}id", "") or path.stem, path=source_path(tei, path), root=tei)
        for tei in roots
    ]
    introductions = [a for a in parts if a.root.find("tei:text[@type='introduction']", NS) is not None]
    standoff = [a for a in parts if a.root.find("tei:text", NS) is None]  # registers: a TEI of standOff
    return Volume(
        path=path,
        root=root,
        articles=[a for a in parts if a not in introductions and a not in standoff],
        introduction=introductions[0] if introductions else None,
        registers=next(root.iter(f"{{{TEI_NS}}}standOff"), None),
    )


def source_path(element: etree._Element, default: Path) -> Path:
    """The file an element was read from (XInclude leaves xml:base on included roots)."""
    base = element.base
    if base and base.startswith("file:"):
        from urllib.parse import unquote, urlparse

        return Path(unquote(urlparse(base).path))
    return Path(base) if base else default


def load_article(path: Path) -> etree._Element:
    """Read one article file on its own (for import checks and fidelity tests)."""
    tree = read_xml(Path(path))
    require_tei(tree, Path(path))
    return tree.getroot()
