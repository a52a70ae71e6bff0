"""Stage 1: read TEI files safely and assemble the volume.

Every XML file goes through one parser (``safe_parser``) that expands no entity, loads no DTD and
opens no file or URL on the document's behalf; a document type declaration is then refused outright
(TEI needs none, and it is where XXE and entity bombs live). XInclude is resolved here, by hand, so
that an include can only reach files inside the project. The input limits (``limits.py``) bound the
size of a file, its lines, its nesting and the includes, so that a hostile file is refused with one
line instead of a hang.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from lxml import etree

from edition.errors import EditionError, Location, display_path
from edition.limits import MIB, current, refusal
from edition.project import project_root

TEI_NS = "http://www.tei-c.org/ns/1.0"
XI_NS = "http://www.w3.org/2001/XInclude"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NS = {"tei": TEI_NS, "xi": XI_NS}
# libxml2 refuses elements nested deeper than this unless its huge-tree option is on (then 2048).
LIBXML2_DEPTH = 256
DOCTYPE_REFUSED = ("DOCTYPE declarations are not allowed (they can define external or exploding entities); "
                   "remove the <!DOCTYPE …> declaration")


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


class _NoExternalResources(etree.Resolver):
    """Answers the parser's every request for an external resource (a DTD, an external entity) with
    an empty document, so that nothing outside the file is opened.

    ``load_dtd=False`` alone does not do it: ``collect_ids=False`` makes lxml set libxml2's
    ``XML_SKIP_IDS`` bit in the parser's ``loadsubset``, and libxml2 before 2.15 loads the external
    subset (and external parameter entities) whenever ``loadsubset`` is non-zero: a DOCTYPE naming
    /etc/passwd opened it."""

    def resolve(self, url, pubid, context):
        return self.resolve_string("", context)


def safe_parser(target: object | None = None) -> etree.XMLParser:
    """The parser every XML file is read with: no entity expanded, no DTD loaded, no file or URL
    opened for the document; elements nested deeper than libxml2's default only if the ``xml_depth``
    limit was raised above it. (``target``: parser events go to it instead of building a tree.)"""
    parser = etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        dtd_validation=False,
        attribute_defaults=False,
        huge_tree=current().xml_depth > LIBXML2_DEPTH,
        remove_comments=False,
        collect_ids=False,  # duplicate xml:ids are the validator's to report, with both places
        target=target,
    )
    parser.resolvers.add(_NoExternalResources())
    return parser


def read_xml(path: Path) -> etree._ElementTree:
    """Parse one XML file, refusing what is unsafe, malformed or over the limits with a located message."""
    path = Path(path)
    data = _read_limited(path)
    _refuse_non_xml(path, data)
    text = _decode(path, data)
    _check_lines(path, text)
    tree = _parse(path, data)
    _refuse_doctype(path, data, tree)
    _check_depth(path, tree)
    return tree


def _refuse_non_xml(path: Path, data: bytes) -> None:
    """A file that cannot be XML at all (a PDF, a word-processor file, plain text) gets one line
    saying so, rather than a parser's complaint about its first byte."""
    start = data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if not start.startswith(b"<"):
        shown = "an empty file" if not start else "a file that does not start with '<'"
        raise EditionError(f"not XML ({shown}); edition reads TEI P5 XML files", Location(path, 1, 1),
                           "xml-malformed")


def _read_limited(path: Path) -> bytes:
    """The file's bytes, at most ``tei_file_bytes`` of them (read, not trusted from its size)."""
    limit = current().tei_file_bytes
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):  # a FIFO or a device could keep the read waiting for ever
            raise EditionError("not a regular file (a folder, a pipe or a device); name a TEI file",
                               Location(path), "xml-read")
        size = status.st_size
        with path.open("rb") as stream:
            data = stream.read(limit + 1) if size <= limit else b""
    except OSError as exc:
        raise EditionError(f"cannot read file: {exc.strerror}", Location(path), "xml-read") from exc
    if size > limit or len(data) > limit:
        raise EditionError(refusal("tei_file_bytes", f"the file has {max(size, len(data))} bytes "
                                   f"({_megabytes(max(size, len(data)))})") + "; split it into articles",
                           Location(path), "xml-size")
    return data


def _megabytes(size: int) -> str:
    return f"{size / MIB:.1f}".removesuffix(".0") + " MB"


def _check_lines(path: Path, text: str) -> None:
    limit = current().xml_line_chars
    if len(text) <= limit:
        return
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > limit:
            raise EditionError(refusal("xml_line_chars", f"line {number} has {len(line)} characters")
                               + "; break it into lines", Location(path, number, limit + 1), "xml-line")


def parse_file(path: Path) -> etree._ElementTree:
    """Parse one of the package's own XML files (a schema) with the safe parser. (Not with
    ``etree.parse(filename, parser)``: lxml asks the parser's resolver for the document itself.)"""
    return etree.fromstring(Path(path).read_bytes(), safe_parser(), base_url=str(path)).getroottree()


def _parse(path: Path, data: bytes) -> etree._ElementTree:
    try:
        return etree.fromstring(data, safe_parser(), base_url=str(path)).getroottree()
    except etree.XMLSyntaxError as exc:
        if _declares_doctype(data):  # the parser may have failed inside it (an entity bomb)
            raise EditionError(DOCTYPE_REFUSED, _doctype_location(path, data), "xml-doctype") from exc
        line, column = exc.position if exc.position else (0, 0)
        message = exc.msg.split(f" ({path}", 1)[0] if exc.msg else "malformed XML"
        if message.startswith("Excessive depth in document:"):
            raise EditionError(_depth_refusal(message), Location(path, line, column), "xml-depth") from exc
        raise EditionError(f"malformed XML: {message}; fix the markup there",
                           Location(path, line, column), "xml-malformed") from exc


class _DoctypeFoundError(Exception):
    pass


class _DoctypeProbe:
    """A parser target that stops the parse at a document type declaration, before its content."""

    def doctype(self, name, pubid, system):
        raise _DoctypeFoundError

    def close(self) -> None:
        return None


def _declares_doctype(data: bytes) -> bool:
    """Whether the parser meets a DOCTYPE before the error it stopped at (parsed again, the same way)."""
    try:
        etree.fromstring(data, safe_parser(target=_DoctypeProbe()))
    except _DoctypeFoundError:
        return True
    except etree.XMLSyntaxError:
        return False
    return False


def _refuse_doctype(path: Path, data: bytes, tree: etree._ElementTree) -> None:
    """Refuse a document type declaration, as the parser saw it (wherever it stands in the prolog)."""
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise EditionError(DOCTYPE_REFUSED, _doctype_location(path, data, tree.getroot().sourceline),
                           "xml-doctype")


def _doctype_location(path: Path, data: bytes, root_line: int | None = None) -> Location:
    """Where the DOCTYPE the parser found stands: the last one written before the root element's
    line ends (the text is searched only to name the line)."""
    end = len(data)
    if root_line:
        end = -1
        for _ in range(root_line):
            end = data.find(b"\n", end + 1)
            if end == -1:
                end = len(data)
                break
    position = data.rfind(b"<!DOCTYPE", 0, end)
    return Location(path, data.count(b"\n", 0, position) + 1 if position != -1 else 1, 1)


def _check_depth(path: Path, tree: etree._ElementTree) -> None:
    """Refuse elements nested deeper than ``xml_depth`` (libxml2 has refused what is deeper than its
    own limit already, so the walk is needed only when the limit is another)."""
    limit = current().xml_depth
    if limit == LIBXML2_DEPTH:
        return
    depth = 0
    for event, element in etree.iterwalk(tree.getroot(), events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth > limit:
            raise EditionError(_depth_refusal(), Location(path, element.sourceline or 0, 1), "xml-depth")


def _depth_refusal(parser_message: str = "") -> str:
    """The refusal of deep nesting; libxml2's message names its own ceiling (2048 with its huge-tree
    option), which the limit cannot pass."""
    limit = current().xml_depth
    ceiling = int("".join(c for c in parser_message.split(":", 1)[-1].split(",")[0] if c.isdigit()) or limit)
    if ceiling < limit:
        return f"elements nested more than {ceiling} deep, the most the XML parser reads; flatten the markup"
    return refusal("xml_depth", f"elements nested more than {limit} deep") + "; flatten the markup"


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8")
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


@dataclass
class _Includes:
    """The files a volume has read so far: every file is included once (which also ends cycles),
    and no more than ``xinclude_files`` in all."""

    project: Path
    read: set[Path]


def resolve_includes(tree: etree._ElementTree, path: Path, project: Path, depth: int = 0,
                     includes: _Includes | None = None) -> None:
    """Replace each xi:include by the root of the file it names, which must lie inside ``project``
    (symbolic links resolved), within the include limits."""
    includes = includes or _Includes(project.resolve(), {path.resolve()})
    for include in tree.getroot().iter(f"{{{XI_NS}}}include"):
        where = Location(path, include.sourceline or 0, 1)
        target = _include_target(include.get("href"), path, where, depth, includes)
        included = read_xml(target)
        require_tei(included, target)
        resolve_includes(included, target, project, depth + 1, includes)
        root = included.getroot()
        root.set(f"{{{XML_NS}}}base", target.as_uri())
        root.tail = include.tail
        include.getparent().replace(include, root)


def _include_target(href: str | None, path: Path, where: Location, depth: int, includes: _Includes) -> Path:
    """The file an xi:include names, once checked against the project and the limits."""
    if not href:
        raise EditionError("xi:include without @href; name the file to include", where, "xinclude")
    if urlparse(href).scheme not in ("", "file"):
        raise EditionError(f"xi:include of '{href}' reaches outside the project; include only files "
                           "inside it", where, "xinclude-outside")
    target = (path.parent / href.removeprefix("file:")).resolve()
    if not target.is_relative_to(includes.project):
        raise EditionError(f"xi:include of '{href}' reaches outside the project ({includes.project}); "
                           "include only files inside it", where, "xinclude-outside")
    if not target.is_file():
        raise EditionError(f"xi:include of '{href}': no such file", where, "xinclude")
    if depth + 1 > current().xinclude_depth:
        raise EditionError(refusal("xinclude_depth", f"xi:include of '{href}' nests files {depth + 1} deep"),
                           where, "xinclude-limit")
    if target in includes.read:
        raise EditionError(f"xi:include of '{href}': {display_path(target)} is already part of the volume; "
                           "include each file once", where, "xinclude")
    if len(includes.read) > current().xinclude_files:  # the volume itself is not counted
        raise EditionError(refusal("xinclude_files", f"xi:include of '{href}' makes {len(includes.read)} "
                                   "files included in all"), where, "xinclude-limit")
    includes.read.add(target)
    return target


def load_volume(path: Path, project: Path | None = None) -> Volume:
    """Read the volume driver file and every article it includes (``project``: the project's root,
    by default the one around the volume)."""
    project = Path(project) if project is not None else project_root(path)
    path = Path(path).resolve()
    if not path.is_relative_to(project.resolve()):
        raise EditionError(f"the volume is a symbolic link to {path}, outside the project ({project}); copy "
                           "the file into the project", Location(path), "link-outside")
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


def default_language(volume: Volume, lang: str | None) -> None:
    """edition.toml's text_language, where the volume's root (or a registers file's) does not say its
    language: what the texts inherit where the TEI is silent (an xml:lang the TEI gives always wins)."""
    roots = [volume.root]
    if volume.registers is not None:
        roots.append(volume.registers.getroottree().getroot())
    for root in roots:
        if lang and root.get(f"{{{XML_NS}}}lang") is None:
            root.set(f"{{{XML_NS}}}lang", lang)


def attach_registers(volume: Volume, path: Path | None, project: Path) -> None:
    """The registers file edition.toml names (``[files] registers``): its ``standOff`` (else its root)
    becomes the volume's registers, read as every TEI file is."""
    if path is None:
        return
    if volume.registers is not None:
        where = Location(source_path(volume.registers, volume.path), volume.registers.sourceline or 0, 1)
        raise EditionError(f"the volume includes registers here, and edition.toml names a registers file "
                           f"({display_path(path)}) too; keep one of the two", where, "registers")
    tree = read_xml(path)
    require_tei(tree, path)
    resolve_includes(tree, path, project)
    root = tree.getroot()
    root.set(f"{{{XML_NS}}}base", Path(path).resolve().as_uri())
    volume.registers = next(root.iter(f"{{{TEI_NS}}}standOff"), root)


def source_path(element: etree._Element, default: Path) -> Path:
    """The file an element was read from: ``default`` unless it lies in an included file."""
    return base_path(included_from(element), default)


def included_from(element: etree._Element) -> str:
    """The file URI ``resolve_includes`` set on the nearest included root at or above the element,
    "" for the including file's own. Other xml:base values are the author's (a CTS URN, a web
    address, a folder of images) and name no file."""
    node = element
    while node is not None:
        base = node.get(f"{{{XML_NS}}}base")
        if base and base.startswith("file:"):
            return base
        node = node.getparent()
    return ""


def base_path(base: str | None, default: Path) -> Path:
    """The file a ``file:`` URI names (``default`` for any other base, or none)."""
    if base and base.startswith("file:"):
        return Path(unquote(urlparse(base).path))
    return default


def load_article(path: Path) -> etree._Element:
    """Read one article file on its own (for import checks and fidelity tests)."""
    tree = read_xml(Path(path))
    require_tei(tree, Path(path))
    return tree.getroot()
