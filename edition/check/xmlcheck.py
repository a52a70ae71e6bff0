"""Schematron whose cost stays linear in the size of the document.

The Schematron skeleton names the place of a failure by a path (``/*/*[2]/*/*[4711]``) that it counts
out over the element's preceding siblings, so a body of 150,000 failing paragraphs took hours. Here
the compiled stylesheet reports the line and file of a failing element, which an extension function
reads from the element. (RELAX NG errors are kept linear in ``conformance.Schema``.)
"""

from __future__ import annotations

from lxml import etree, isoschematron

from edition.tei.load import included_from

XSL = "{http://www.w3.org/1999/XSL/Transform}"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
LOCATOR_NS = "urn:x-edition:locate"


# --- Schematron -----------------------------------------------------------------------------------

def compile_schematron(source: etree._ElementTree) -> etree.XSLT:
    """The Schematron compiled to XSLT, its failed assertions located by ``line file`` (the file is
    the included file's URI, empty for the document's own)."""
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
    line = (node.sourceline or 0) if node is not None else 0
    return f"{line} {included_from(node) if node is not None else ''}"


def schematron_failures(schematron: etree.XSLT,
                        tree: etree._ElementTree) -> list[tuple[int, str, str, str, str]]:
    """(line, the included file's URI or "", assertion id, message, role) for every failed assertion
    and every successful report."""
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

