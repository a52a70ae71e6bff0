"""Figures the editors' prose states about the volume, counted from the TEI when the book is built.

An introduction that says "the texts hold 176 editors' notes" goes out of date with the next note
added; it writes ``<num type="count" ana="editorial-notes"/>`` instead (``corresp="#a000"``: in that
document only; without it, in every document of the volume but the one the figure stands in), and
the renderer prints the count. ``FIGURES`` names what can be counted.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from edition.tei.load import NS, TEI_NS
from edition.tei.model import plain_text, xml_id

Counter = Callable[[etree._Element], int]  # the figure in one document (its TEI element)


def _xpath(path: str) -> Counter:
    compiled = etree.XPath(f"count({path})", namespaces=NS)
    return lambda document: int(compiled(document))


def _ibid(document: etree._Element) -> int:
    """Citations that name their work as "the work cited" (a.g.e., op. cit.): the source's words."""
    return sum(1 for bibl in document.iterfind("tei:text//tei:bibl", NS)
               if "a.g.e" in plain_text(bibl).lower())


def _works_cited(document: etree._Element) -> int:
    keys = {key for ptr in document.iterfind("tei:text//tei:ptr", NS)
            for key in (ptr.get("target") or "").split() if key.startswith("bib:")}
    return len(keys)


FIGURES: dict[str, Counter] = {
    "corrections": _xpath("tei:text//tei:choice[tei:sic and tei:corr]"),
    "regularisations": _xpath("tei:text//tei:choice[tei:orig and tei:reg]"),
    "supplied": _xpath("tei:text//tei:supplied"),
    "editorial-notes": _xpath("tei:text//tei:note[@type='editorial']"),
    "header-notes": _xpath("tei:teiHeader//tei:notesStmt/tei:note"),
    "footnotes": _xpath("tei:text//tei:note[@place='foot']"),
    "page-breaks": _xpath("tei:text//tei:pb"),
    "numbered-page-breaks": _xpath("tei:text//tei:pb[@n]"),
    "running-heads": _xpath("tei:text//tei:fw"),
    "citations": _xpath("tei:text//tei:bibl[tei:ptr[starts-with(@target, 'bib:')]]"),
    "uncertain-citations": _xpath("tei:text//tei:ptr[starts-with(@target, 'bib:')][@cert]"),
    "medium-citations": _xpath("tei:text//tei:ptr[starts-with(@target, 'bib:')][@cert='medium']"),
    "low-citations": _xpath("tei:text//tei:ptr[starts-with(@target, 'bib:')][@cert='low']"),
    "works-cited": _works_cited,
    "ibid": _ibid,
}


def figure(element: etree._Element) -> int:
    """The figure a ``<num type="count">`` stands for; KeyError for a name ``FIGURES`` lacks."""
    counter = FIGURES[element.get("ana", "")]
    own = next(element.iterancestors(f"{{{TEI_NS}}}TEI"), None)
    documents = [d for d in element.getroottree().getroot().iter(f"{{{TEI_NS}}}TEI") if d is not own]
    target = (element.get("corresp") or "").removeprefix("#")
    if target:
        documents = [d for d in documents if xml_id(d) == target]
    return sum(counter(document) for document in documents)
