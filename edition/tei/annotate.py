"""Stage 2b: settle what the templates would otherwise count or look up while rendering.

This module settles the critical apparatus once per text, so that templates only read it: the
witnesses a text declares (``listWit/witness``) and their sigla, and every variation point (``app``)
with its lemma, its readings, their witnesses, types and causes, and its place in the series.

The encoding read is TEI's parallel segmentation (``variantEncoding method="parallel-segmentation"``):
an ``app`` stands in the text where the witnesses differ; ``lem`` (possibly inside an ``rdgGrp``)
holds the edited reading, each ``rdg`` another, with its witnesses in ``@wit`` (``#id`` of a
``witness``). An ``app`` without a ``lem`` has no preferred reading: the text shows its first
reading, and the entry gives them all. Anything else in an ``app`` (a ``note``, a ``witDetail``)
follows the entry's readings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from lxml import etree

from edition.tei.load import NS, TEI_NS, XML_NS

READING_NAMES = ("lem", "rdg")
LEMMA_WORDS = 4  # by default a longer lemma is abbreviated "first … last" in its entry


def _xml_id(element: etree._Element) -> str | None:
    return element.get(f"{{{XML_NS}}}id")


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def reading_text(element: etree._Element) -> str:
    """The words of a reading, notes and witness details left out, spaces normalised; a variation
    point inside it counts with the reading the text shows (its lemma, else its first reading)."""
    parts: list[str] = [element.text or ""]
    for child in element:
        name = _local(child)
        if name == "app":
            base = shown_reading(child)
            parts.append(reading_text(base) if base is not None else "")
        elif name not in ("note", "witDetail"):
            parts.append(reading_text(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def shown_reading(app: etree._Element) -> etree._Element | None:
    """The reading of an ``app`` the text shows: its lemma, else its first reading."""
    lemma = app.find("tei:lem", NS)
    if lemma is None:
        lemma = app.find("tei:rdgGrp/tei:lem", NS)
    if lemma is not None:
        return lemma
    return app.find(".//tei:rdg", NS)


@dataclass(frozen=True)
class Witness:
    """A declared witness: its id, the siglum the apparatus prints, and how the list describes it."""

    id: str
    siglum: str
    description: str
    element: etree._Element = field(repr=False, compare=False)


def siglum_of(witness: etree._Element) -> str:
    """A witness's siglum: its ``@n``, else its ``abbr type="siglum"``, else its xml:id."""
    if witness.get("n", "").strip():
        return witness.get("n").strip()
    abbr = witness.find("tei:abbr[@type='siglum']", NS)
    if abbr is not None and reading_text(abbr):
        return reading_text(abbr)
    return _xml_id(witness) or ""


def declared_witnesses(*roots: etree._Element | None) -> dict[str, Witness]:
    """The witnesses the ``listWit``s below ``roots`` declare, by xml:id, in document order (the
    first declaration of an id wins: validation reports the second)."""
    found: dict[str, Witness] = {}
    for root in roots:
        if root is None:
            continue
        for element in root.iter(f"{{{TEI_NS}}}witness"):
            ident = _xml_id(element)
            if ident and ident not in found:
                description = " ".join(reading_text(c) for c in element
                                       if _local(c) not in ("abbr", "note") and isinstance(c.tag, str))
                found[ident] = Witness(ident, siglum_of(element), description or reading_text(element),
                                       element)
    return found


def in_entry(element: etree._Element) -> bool:
    """True for an element an apparatus entry prints after its readings (a note in an ``app``)."""
    parent = element.getparent()
    return parent is not None and _local(parent) in ("app", "rdgGrp")


def witness_ids(element: etree._Element) -> tuple[str, ...]:
    """The witnesses ``@wit`` names (``"#A #B"`` → ("A", "B")); a pointer into another file is kept
    whole."""
    return tuple(token.removeprefix("#") for token in element.get("wit", "").split())


@dataclass
class Reading:
    """One reading of a variation point (the lemma or another)."""

    element: etree._Element
    witnesses: tuple[str, ...]  # ids, as @wit names them
    sigla: tuple[str, ...]  # as the apparatus prints them
    type: str
    cause: str
    is_lemma: bool
    sources: tuple[str, ...] = ()  # what @source names (an edition's conjecture): shown without sigla

    @property
    def text(self) -> str:
        return reading_text(self.element)

    @property
    def omitted(self) -> bool:
        """An empty reading: the witnesses leave the passage out ("om.")."""
        return not self.text and not any(_local(c) == "gap" for c in self.element.iter())

    def is_minor(self, minor: Iterable[str]) -> bool:
        """True for a reading whose ``@type`` or ``@cause`` is one of ``minor`` (orthographic)."""
        kinds = set(minor)
        return self.type in kinds or self.cause in kinds


@dataclass
class ApparatusEntry:
    """A variation point: its lemma, its other readings and what else it says."""

    id: str
    number: int  # its place in the text's series, from 1
    element: etree._Element = field(repr=False)
    lemma: Reading | None
    readings: list[Reading]
    remarks: list[etree._Element]  # notes and the like: printed after the readings

    @property
    def base(self) -> Reading | None:
        """The reading the text shows: the lemma, else the first reading."""
        return self.lemma or (self.readings[0] if self.readings else None)

    @property
    def variants(self) -> list[Reading]:
        """The readings the entry gives after the lemma (all but the one the text shows)."""
        base = self.base
        return [r for r in self.readings if r is not base]

    def lemma_label(self, longest: int = LEMMA_WORDS) -> str:
        """The lemma as the entry prints it: its words, one of more than ``longest`` words as
        "first … last", "om." for an empty one (the base text has nothing there)."""
        base = self.base
        words = base.text.split() if base is not None else []
        if not words:
            return "om."
        if len(words) > longest:
            return f"{words[0]} … {words[-1]}"
        return " ".join(words)

    @property
    def in_heading(self) -> bool:
        """True for a variation point in a division's heading (a text's title): the book counts no
        heading line (print/lines.py), so the entry is keyed by the heading ("tit."), as classical
        editions key a title's variants, rather than by a line number."""
        return any(_local(ancestor) == "head" and parent is not None and _local(parent).startswith("div")
                   for ancestor in self.element.iterancestors() for parent in [ancestor.getparent()])

    def sigla(self) -> list[str]:
        """Every siglum the entry names, in order, once."""
        found: dict[str, None] = {}
        for reading in ([self.lemma] if self.lemma else []) + self.readings:
            found.update(dict.fromkeys(reading.sigla))
        return list(found)

    def is_minor(self, minor: Iterable[str]) -> bool:
        """True where every variant is minor (orthographic): a reader may hide such entries."""
        kinds = tuple(minor)
        return bool(self.variants) and all(r.is_minor(kinds) for r in self.variants)


def _reading(element: etree._Element, witnesses: Mapping[str, Witness]) -> Reading:
    ids = witness_ids(element)
    sigla = tuple(witnesses[i].siglum if i in witnesses else i for i in ids)
    sources = tuple(token.removeprefix("#") for token in element.get("source", "").split())
    return Reading(element, ids, sigla, element.get("type", ""), element.get("cause", ""),
                   _local(element) == "lem", sources)


def apparatus_entry(app: etree._Element, number: int, ident: str,
                    witnesses: Mapping[str, Witness]) -> ApparatusEntry:
    """The entry of one ``app``: its own readings (those of nested ``app``s are theirs)."""
    lemma: Reading | None = None
    readings: list[Reading] = []
    remarks: list[etree._Element] = []

    def gather(parent: etree._Element) -> None:
        nonlocal lemma
        for child in parent:
            name = _local(child)
            if name == "lem" and lemma is None:
                lemma = _reading(child, witnesses)
            elif name in READING_NAMES:
                readings.append(_reading(child, witnesses))
            elif name == "rdgGrp":
                gather(child)
            elif name:
                remarks.append(child)

    gather(app)
    return ApparatusEntry(ident, number, app, lemma, readings, remarks)


def apparatus_entries(text: etree._Element, article_id: str, witnesses: Mapping[str, Witness],
                      key: Callable[[etree._Element], str]) -> dict[str, ApparatusEntry]:
    """Every ``app`` of ``text`` by ``key(app)``, numbered in reading order; each gets its xml:id as
    anchor, else ``var-<article>-<n>`` (``app-`` ids are the corrections')."""
    entries: dict[str, ApparatusEntry] = {}
    for number, app in enumerate(text.iter(f"{{{TEI_NS}}}app"), start=1):
        ident = _xml_id(app) or f"var-{article_id}-{number}"
        entries[key(app)] = apparatus_entry(app, number, ident, witnesses)
    return entries
