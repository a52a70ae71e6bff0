"""TEI conformance: is a document valid against a RELAX NG schema, with the verdict jing gives?

The schema is tei_all 4.3.0 (the theme's ``schemas/tei_all.rng``) unless a profile or the project
names another.
libxml2 (lxml) validates, not jing: it needs no Java, it reads the very tree the rest of the build
reads (so lines are the file's), and it is handed nothing but that tree (jing's Xerces would open
DTDs and XIncludes itself). Two things make it fit for the job:

- Speed. libxml2 takes 10-15 s to compile all of tei_all. A document's validity does not change when
  the definitions of elements it does not contain are replaced by ``notAllowed`` (no derivation of
  the document can use them), so each document is checked against the grammar reduced to its own
  elements (``edition.check.schema.derive_profile``), which compiles in milliseconds.
- Agreement. On real documents libxml2 and jing (20220510, OpenJDK 17) agree; they part on a few
  datatype edge cases (``tests/data/tei/probes.tsv`` holds each with jing's verdict). Where jing is
  the stricter, the grammar handed to libxml2 excludes what jing refuses (``JING_REFUSES``); where
  jing is the laxer it follows Java's Unicode tables for ``[^\\p{C}\\p{Z}]`` (TEI's pattern for
  codes and names) and accepts format and private-use characters there. Remaining differences,
  all libxml2 being stricter on values no real document is known to hold, are listed in the README.

libxml2 reports where a document first departs from the grammar, and blames the parent of what
is wrong ("Element p has extra content: date"); ``Schema.problems`` checks that child on its own to
say what is wrong with it (an attribute's value, a child it may not have) or that it may not stand
there at all.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import islice
from pathlib import Path

from lxml import etree

from edition.check.schema import RNG, derive_profile
from edition.project import SCHEMAS
from edition.tei.load import parse_file

SCHEMA_DIR = SCHEMAS
TEI_ALL = SCHEMA_DIR / "tei_all.rng"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
XSD_DATATYPES = "http://www.w3.org/2001/XMLSchema-datatypes"
# Values jing refuses and libxml2 accepts, by XSD type: java.net.URI wants a scheme-specific part
# after "scheme:" and something after "//"; jing has no hour 24 and no time zone west of -13:00.
NEGATIVE_ZONE = r"|.*-(13:(0[1-9]|[1-5]\d)|14:[0-5]\d)\s*"
JING_REFUSES = {
    "anyURI": r"\s*([A-Za-z][A-Za-z0-9+.\-]*:(#.*)?|([A-Za-z][A-Za-z0-9+.\-]*:)?//)\s*",
    "dateTime": r"\s*\S*T24:.*" + NEGATIVE_ZONE,
    "time": r"\s*24:.*" + NEGATIVE_ZONE,
    **{name: NEGATIVE_ZONE[1:] for name in ("date", "gYear", "gYearMonth", "gMonth", "gMonthDay", "gDay")},
}
# TEI's pattern for codes and names, as jing applies it: Java's white space (category Z) only.
TEI_TOKEN = r"[^\p{C}\p{Z}]+"
JING_TOKEN = "[^\u0020\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+"
MAX_PROBLEMS = 50  # per document: past the first ones, libxml2's reports are echoes
MAX_DEPTH = 12  # children checked on their own, one inside another
MAX_CHILDREN = 200  # children of one element checked on their own
# libxml2 names an error's place by a path it counts out over the element's preceding siblings, so
# the errors of a long list cost the square of its length: the children of an element with more
# than LONG_LIST of them are checked one by one first, each on its own (a path of a few steps).
LONG_LIST = 1000
MAX_LOG = 500  # libxml2's errors read at most (they are in document order; the first ones matter)


@dataclass(frozen=True)
class Problem:
    """Where a document departs from the schema, and how."""

    element: etree._Element
    message: str
    misplaced: bool = False  # the element is valid itself but may not stand where it is


def local(element: etree._Element) -> str:
    return etree.QName(element).localname


def label(element: etree._Element) -> str:
    """An element's name as its file writes it (with the prefix of a namespace other than TEI's)."""
    return f"{element.prefix}:{local(element)}" if element.prefix else local(element)


class Schema:
    """A RELAX NG grammar as libxml2 should apply it to give jing's verdict."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        tree = parse_file(self.path)
        self.grammar = jing_compatible(tree)

    @cached_property
    def reducible(self) -> bool:
        """One self-contained grammar with a start (as tei_all and ODD-compiled schemas are): it can
        be reduced to a document's elements. A grammar that includes others is compiled whole."""
        root = self.grammar.getroot()
        nested = (f"{RNG}include", f"{RNG}externalRef", f"{RNG}parentRef")
        return (root.tag == f"{RNG}grammar" and root.find(f"{RNG}start") is not None
                and next(root.iter(*nested), None) is None)

    @cached_property
    def defines(self) -> dict[str, str]:
        """Element name → the define that declares it (the first, if several do)."""
        found: dict[str, str] = {}
        for define in self.grammar.getroot().iterfind(f"{RNG}define"):
            element = define.find(f"{RNG}element")
            name = element.get("name") if element is not None else None
            if name:
                found.setdefault(name.rpartition(":")[2], define.get("name"))
        return found

    @cached_property
    def element_names(self) -> frozenset[str]:
        """Every element name the grammar declares (local names)."""
        return frozenset(e.get("name").rpartition(":")[2] for e in self.grammar.iter(f"{RNG}element")
                         if e.get("name"))

    @lru_cache(maxsize=32)  # noqa: B019 - a handful of schemas live for the whole process
    def compiled(self, names: frozenset[str], start: str | None = None) -> etree.RelaxNG:
        """The grammar reduced to elements named ``names``, from ``start`` (a define) if given."""
        if not self.reducible:
            return etree.RelaxNG(self.grammar)
        grammar = self.grammar
        if start is not None:
            grammar = copy.deepcopy(grammar)
            begin = grammar.getroot().find(f"{RNG}start")
            for child in list(begin):
                begin.remove(child)
            etree.SubElement(begin, f"{RNG}ref", name=start)
        return etree.RelaxNG(derive_profile(grammar, set(names)))

    @cached_property
    def start_names(self) -> frozenset[str]:
        """The elements a document may begin with (TEI and teiCorpus for tei_all)."""
        defines = {d.get("name"): d for d in self.grammar.getroot().iterfind(f"{RNG}define")}
        names: set[str] = set()
        todo = [self.grammar.getroot().find(f"{RNG}start")]
        seen: set[str] = set()
        while todo:
            node = todo.pop()
            for child in (node if node is not None else ()):
                if child.tag == f"{RNG}element" and child.get("name"):
                    names.add(child.get("name").rpartition(":")[2])
                elif child.tag == f"{RNG}ref" and child.get("name") not in seen:
                    seen.add(child.get("name"))
                    todo.append(defines.get(child.get("name")))
                elif child.tag in (f"{RNG}choice", f"{RNG}group"):
                    todo.append(child)
        return frozenset(names)

    def problems(self, root: etree._Element) -> list[Problem]:
        """Where the document under ``root`` departs from the grammar (nothing: it is valid)."""
        if self.reducible and self.start_names and local(root) not in self.start_names:
            expected = " or ".join(f"<{name}>" for name in sorted(self.start_names))
            return [Problem(root, f"<{local(root)}> may not be the root element of a document "
                                  f"(expected: {expected})")]
        in_long_lists = list(islice(self._long_list_problems(root), MAX_PROBLEMS))
        if in_long_lists:
            return in_long_lists
        schema = self.compiled(_names(root))
        if schema.validate(etree.ElementTree(root) if root.getparent() is None else root.getroottree()):
            return []
        found = list(islice(self._explain(root, schema.error_log, 0), 2 * MAX_PROBLEMS))
        return _without_echoes(found)[:MAX_PROBLEMS] or [
            Problem(root, "the document is not valid against the schema")]

    def _long_list_problems(self, root: etree._Element) -> Iterator[Problem]:
        """The problems inside the children of long lists, each child checked on its own (the
        deepest lists first: their children hold the long lists within)."""
        lists = [element for element in root.iter("{*}*") if len(element) > LONG_LIST]
        lists.sort(key=lambda element: sum(1 for _ in element.iterancestors()), reverse=True)
        for parent in lists:
            for child in parent.iterchildren("{*}*"):
                yield from self._alone(child, 1)

    def _explain(self, root: etree._Element, log: etree._ListErrorLog, depth: int) -> Iterator[Problem]:
        seen: set[etree._Element] = set()
        for path, kind, message in _deepest(log):
            element = _element_at(root, path)
            for problem in self._diagnose(root if element is None else element, kind, message, depth):
                if problem.element not in seen:
                    seen.add(problem.element)
                    yield problem

    def _diagnose(self, element: etree._Element, kind: str, message: str, depth: int) -> Iterator[Problem]:
        """What libxml2's error at ``element`` means: an attribute, a child, or the element itself."""
        if kind == "RELAXNG_ERR_INVALIDATTR":
            duplicate = _duplicate_id(element)
            yield Problem(element, f"xml:id '{duplicate}' is used twice in the document (an xml:id must "
                                   "be unique)" if duplicate else _attribute_message(element, message))
            return
        if "failed to validate attributes" in message:
            yield Problem(element, self._attributes_message(element, message))
            return
        culprit = _culprit(message)
        if culprit == "text" and not any(local(c) == "text" for c in element.iterchildren("{*}*")):
            culprit = None  # "extra content: text" is character data, unless a <text> child is meant
        parent = element.getparent()
        if culprit is not None and local(element) == culprit and parent is not None:
            yield from self._child(parent, [element], message, depth)  # libxml2's path is the child's
            return
        if culprit is not None and local(element) == culprit and depth == 0:
            expected = EXPECTED.search(message)
            hint = f" (expected: <{expected.group(1)}>)" if expected else ""
            yield Problem(element, f"<{culprit}> may not be the root element of a document{hint}")
            return
        children = [c for c in element if isinstance(c.tag, str) and culprit in (None, local(c))]
        if culprit is not None and not children:
            # libxml2 may blame an ancestor of the element it names (the grammar reduced to the
            # document's elements fails early): the first such descendant is the one to explain.
            named = next((d for d in element.iterdescendants("{*}*") if local(d) == culprit), None)
            if named is not None and named.getparent() is not None:
                yield from self._child(named.getparent(), [named], message, depth)
                return
        for child in children[:MAX_CHILDREN]:
            inner = list(self._alone(child, depth + 1))
            if inner:
                yield from inner
                return
        if culprit is not None and children:
            yield from self._child(element, children, message, depth)
        else:
            yield Problem(element, f"the content of <{local(element)}> is not valid ({message})")

    def _child(self, parent: etree._Element, children: list[etree._Element], message: str,
               depth: int) -> Iterator[Problem]:
        """The child of ``parent`` that libxml2 objects to (one of ``children``): what is wrong inside
        it, or that it may not stand here."""
        for child in children[:MAX_CHILDREN]:
            inner = list(self._alone(child, depth + 1))
            if inner:
                yield from inner
                return
        child = children[0]
        duplicate = _duplicate_id(child)
        if duplicate:
            yield Problem(child, f"xml:id '{duplicate}' is used twice in the document (an xml:id must "
                                 "be unique)")
            return
        expected = EXPECTED.search(message)
        hint = f" (expected here: <{expected.group(1)}>)" if expected else ""
        yield Problem(child, f"<{label(child)}> is not allowed here, in <{label(parent)}>{hint}", True)

    def _alone(self, element: etree._Element, depth: int) -> Iterator[Problem]:
        """Problems inside ``element`` checked on its own, as its define allows it anywhere."""
        if not self._valid_alone(element, depth) and depth <= MAX_DEPTH:
            alone, schema = self._isolated(element)
            schema.validate(etree.ElementTree(alone))
            originals = dict(zip(alone.iter(), element.iter(), strict=True))
            for problem in self._explain(alone, schema.error_log, depth):
                yield Problem(originals.get(problem.element, element), problem.message)

    def _valid_alone(self, element: etree._Element, depth: int = 0) -> bool:
        """Whether ``element`` is valid on its own (True when that cannot be told)."""
        if depth > MAX_DEPTH or not self.reducible or local(element) not in self.defines:
            return True
        alone, schema = self._isolated(element)
        return bool(schema.validate(etree.ElementTree(alone)))

    def _isolated(self, element: etree._Element) -> tuple[etree._Element, etree.RelaxNG]:
        alone = copy.deepcopy(element)
        alone.tail = None  # deepcopy keeps the text after the element: outside a root, "extra data"
        return alone, self.compiled(_names(element), self.defines[local(element)])

    def _attributes_message(self, element: etree._Element, message: str) -> str:
        """Which attribute of ``element`` libxml2 would not accept: the one whose removal makes the
        element valid on its own."""
        if local(element) in self.defines:
            for key in element.attrib:
                for replacement in (None, "x"):  # without it, or with a value most types accept
                    trial = copy.deepcopy(element)
                    if replacement is None:
                        del trial.attrib[key]
                    else:
                        trial.set(key, replacement)
                    if self._valid_alone(trial):
                        return _attribute_message(element, f"Invalid attribute {etree.QName(key).localname} "
                                                           f"for element {local(element)}")
        return f"<{local(element)}> has attributes the schema does not allow ({message})"


EXPECTED = re.compile(r"Expecting (?:an )?element (\S+), got")
CULPRIT = (re.compile(r"has extra content: (\S+)$"), re.compile(r"Did not expect element (\S+) there"),
           re.compile(r"Expecting (?:an )?element \S+, got (\S+)$"))
ATTRIBUTE = re.compile(r"Invalid attribute (\S+) for element (\S+)")


def _culprit(message: str) -> str | None:
    """The child libxml2 names as the one that does not fit, if it names one."""
    for pattern in CULPRIT:
        match = pattern.search(message)
        if match and match.group(1) != "nothing":
            return match.group(1).rpartition(":")[2]
    return None


def _without_echoes(problems: list[Problem]) -> list[Problem]:
    """Drop "may not stand here" when something else wrong in the same parent explains it: libxml2,
    failing on one child, blames a sibling it then cannot fit."""
    def explained(problem: Problem) -> bool:
        parent = problem.element.getparent()
        return parent is not None and any(
            other is not problem and not other.misplaced and other.element in parent.iter()
            for other in problems)
    return [p for p in problems if not (p.misplaced and explained(p))]


def _duplicate_id(element: etree._Element) -> str | None:
    value = element.get(XML_ID)
    if value is None:
        return None
    for other in element.getroottree().iter():
        if other is element:
            return None
        if isinstance(other.tag, str) and other.get(XML_ID) == value:
            return value
    return None


def _attribute_message(element: etree._Element, message: str) -> str:
    match = ATTRIBUTE.search(message)
    name = match.group(1) if match else ""
    attributes = {etree.QName(key).localname: (key, value) for key, value in element.attrib.items()}
    if name not in attributes:
        return f"<{local(element)}> has an attribute the schema does not allow ({message})"
    key, value = attributes[name]
    shown = f"xml:{name}" if key.startswith("{http://www.w3.org/XML/1998/namespace}") else name
    return (f"<{local(element)} {shown}=\"{value}\">: the schema does not allow this attribute here, "
            "or not this value")


def _names(root: etree._Element) -> frozenset[str]:
    return frozenset(local(e) for e in root.iter() if isinstance(e.tag, str))


def _deepest(log: etree._ListErrorLog) -> list[tuple[str, str, str]]:
    """libxml2's errors minus the echoes: an error at an element whose descendant also failed says
    only that the descendant did."""
    errors = [(e.path or "", e.type_name, e.message) for e in islice(log, MAX_LOG)]
    paths = {path for path, _, _ in errors}
    kept = [(path, kind, message) for path, kind, message in errors
            if not any(other != path and other.startswith(path + "/") for other in paths)
            and kind != "RELAXNG_ERR_CONTENTVALID"]
    if not kept:  # only "failed to validate content": keep the deepest of those
        kept = [(path, kind, message) for path, kind, message in errors
                if not any(other != path and other.startswith(path + "/") for other in paths)]
    return list(dict.fromkeys(kept))


def _element_at(root: etree._Element, path: str | None) -> etree._Element | None:
    if not path:
        return None
    try:
        found = etree.ElementTree(root).xpath(path) if root.getparent() is None else root.xpath(path)
    except etree.XPathError:
        return None
    return found[0] if found and isinstance(found[0], etree._Element) else None


def jing_compatible(tree: etree._ElementTree) -> etree._ElementTree:
    """The grammar with XSD datatypes restricted or relaxed to what jing accepts (see the module's
    docstring); the grammar's own meaning is otherwise untouched."""
    tree = copy.deepcopy(tree)
    for data in tree.getroot().iter(f"{RNG}data"):
        if _datatype_library(data) != XSD_DATATYPES:
            continue
        for param in data.iterfind(f"{RNG}param"):
            if param.get("name") == "pattern" and param.text == TEI_TOKEN:
                param.text = JING_TOKEN
        refused = JING_REFUSES.get(data.get("type", ""))
        if refused and data.find(f"{RNG}except") is None:
            excluded = etree.SubElement(etree.SubElement(data, f"{RNG}except"), f"{RNG}data", type="string")
            etree.SubElement(excluded, f"{RNG}param", name="pattern").text = refused
    return tree


def _datatype_library(element: etree._Element) -> str:
    for node in (element, *element.iterancestors()):
        library = node.get("datatypeLibrary")
        if library is not None:
            return library
    return ""


@lru_cache(maxsize=8)
def schema(path: Path) -> Schema:
    """The schema at ``path``, read once per process."""
    return Schema(path)
