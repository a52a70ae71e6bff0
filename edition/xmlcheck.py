"""RELAX NG and Schematron checks whose cost stays linear in the size of the document.

Both engines name the place of an error by a path (``/*/*[2]/*/*[4711]``). Computing such a path,
and finding the element it names again, takes time in proportion to the element's preceding
siblings, so a body of 150,000 invalid paragraphs took hours. Here:

* RELAX NG: lxml computes the path of every error as it logs it; so the children of a very long
  list are validated one by one first, each as a document of its own (paths of a few steps), and
  the whole document only when they are all valid (its errors are then few). The paths are resolved
  in one walk, each parent's children indexed once, not by an XPath query each.
* Schematron: the compiled stylesheet reports the line and file of a failing element, which an
  extension function reads from the element, instead of the path its skeleton counts out.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree, isoschematron

from .load import safe_parser
from .schema import RNG

# Children of one element beyond which its children are validated one by one first.
LONG_LIST = 1000
XSL = "{http://www.w3.org/1999/XSL/Transform}"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
LOCATOR_NS = "urn:x-edition:locate"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


# --- RELAX NG -------------------------------------------------------------------------------------

def relaxng_errors(schema: etree.RelaxNG, root: etree._Element,
                   element_schema: Callable[[], etree.RelaxNG]) -> list[tuple[etree._Element, str]]:
    """(element, message) for every error of ``root`` against ``schema``; none when it is valid.
    ``element_schema`` gives the same grammar with any of its elements as the start (``any_element``)."""
    for parent in _long_lists(root):
        errors = [error for child in parent if isinstance(child.tag, str)
                  for error in _errors(element_schema(), child)]
        if errors:
            return errors
    return _errors(schema, root)


def _long_lists(root: etree._Element) -> list[etree._Element]:
    """Elements with more than LONG_LIST children, the deepest first (their children hold the long
    lists within: all valid, an outer child then has few errors)."""
    found = [element for element in root.iter() if len(element) > LONG_LIST]
    return sorted(found, key=lambda element: sum(1 for _ in element.iterancestors()), reverse=True)


def _errors(schema: etree.RelaxNG, root: etree._Element) -> list[tuple[etree._Element, str]]:
    """The errors of ``root`` (validated as a document of its own), the deepest of each branch:
    libxml2 also blames the ancestors of an invalid element."""
    if schema.validate(root):
        return []
    errors = {}
    for error in schema.error_log:
        errors.setdefault(error.path or "", error.message)
    ancestors = {path[:end] for path in errors for end in range(1, len(path)) if path[end] == "/"}
    paths = _PathIndex(root)
    return [(paths.element(path), message) for path, message in errors.items() if path not in ancestors]


class _PathIndex:
    """Finds the element an error path of libxml2 names (``xmlGetNodePath``: ``*[k]`` counts every
    element sibling, ``name[k]`` and ``prefix:name[k]`` those of the same name), each parent's
    children listed once. A step that is not an element (an attribute, text) ends at its parent."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.children: dict[etree._Element, dict[str, list[etree._Element]]] = {}

    def element(self, path: str) -> etree._Element:
        steps = path.split("/")[1:]
        if not steps or steps[0] == "":
            return self.root
        element = self.root  # the first step names the root itself
        for step in steps[1:]:
            found = self._child(element, step)
            if found is None:
                break
            element = found
        return element

    def _child(self, parent: etree._Element, step: str) -> etree._Element | None:
        name, _, index = step.partition("[")
        if name.startswith("@") or name.endswith(")"):
            return None
        listed = self.children.get(parent)
        if listed is None:
            listed = self.children[parent] = _children_by_name(parent)
        candidates = listed.get(name, [])
        position = int(index.rstrip("]")) if index.rstrip("]").isdigit() else 1
        return candidates[position - 1] if 0 < position <= len(candidates) else None


def _children_by_name(parent: etree._Element) -> dict[str, list[etree._Element]]:
    """The element children under ``*`` and under the name a path gives each (``name`` when it has
    no namespace, ``prefix:name`` when it has a prefix)."""
    listed: dict[str, list[etree._Element]] = {"*": []}
    for child in parent:
        if not isinstance(child.tag, str):
            continue
        listed["*"].append(child)
        qname = etree.QName(child)
        if qname.namespace is None:
            listed.setdefault(qname.localname, []).append(child)
        elif child.prefix:
            listed.setdefault(f"{child.prefix}:{qname.localname}", []).append(child)
    return listed


def any_element(grammar: etree._ElementTree) -> etree._ElementTree:
    """The grammar with any of its elements as the start (those that can match something), to
    validate one element of a document on its own."""
    copy = etree.ElementTree(etree.fromstring(etree.tostring(grammar), safe_parser()))
    root = copy.getroot()
    start = root.find(f"{RNG}start")
    for child in list(start):
        start.remove(child)
    choice = etree.SubElement(start, f"{RNG}choice")
    for define in root.iterfind(f"{RNG}define"):
        body = [c for c in define if isinstance(c.tag, str) and c.tag.startswith(RNG)]
        if len(body) == 1 and body[0].tag == f"{RNG}element" and body[0].get("name") and not any(
                c.tag == f"{RNG}notAllowed" for c in body[0]):
            etree.SubElement(choice, f"{RNG}ref", name=define.get("name"))
    return copy


# --- Schematron -----------------------------------------------------------------------------------

def compile_schematron(source: etree._ElementTree) -> etree.XSLT:
    """The Schematron compiled to XSLT, its failed assertions located by ``line file`` (the file is
    the nearest xml:base, empty for the document's own)."""
    compiled = isoschematron.Schematron(source, store_xslt=True).validator_xslt
    for template in compiled.getroot().iterfind(f"{XSL}template"):
        if template.get("mode") in ("schematron-get-full-path", "schematron-select-full-path"):
            for child in list(template):
                template.remove(child)
            etree.SubElement(template, f"{XSL}value-of", select="locate:where(.)",
                             nsmap={"locate": LOCATOR_NS})
    return etree.XSLT(compiled, extensions={(LOCATOR_NS, "where"): _where})


def _where(context, nodes) -> str:
    node = nodes[0] if nodes else None
    if node is not None and not hasattr(node, "sourceline"):  # an attribute's value: its element
        node = node.getparent()
    line, base = (node.sourceline or 0) if node is not None else 0, ""
    while node is not None and not base:
        base = node.get(XML_BASE) or ""
        node = node.getparent()
    return f"{line} {base}"


def schematron_failures(schematron: etree.XSLT,
                        tree: etree._ElementTree) -> list[tuple[int, str, str, str, str]]:
    """(line, xml:base or "", assertion id, message, role) for every failed assertion and every
    successful report."""
    report = schematron(tree)
    failures = []
    for failed in report.iterfind(f"{SVRL}*"):
        if etree.QName(failed).localname not in ("failed-assert", "successful-report"):
            continue
        line, _, base = (failed.get("location") or "0 ").partition(" ")
        text = " ".join("".join(failed.find(f"{SVRL}text").itertext()).split())
        failures.append((int(line) if line.isdigit() else 0, base, failed.get("id") or "", text,
                         (failed.get("role") or "").lower()))
    return failures

