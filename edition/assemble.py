"""Stage 5: join the parts' PDFs into the book (pikepdf) and print the folios over its pages.

Each part is a tagged PDF of its own. Joining them keeps everything a reader and a checker rely on:

* the pages, with a blank verso inserted where a part must open on a recto;
* one structure tree: every part's ``Document`` children under one ``Document``, with the parent tree
  renumbered (pages' ``StructParents``, annotations' ``StructParent``);
* links: the named destinations of all parts in one name tree, and links to another part
  (``x-edition:`` URIs, see ``book.py``) turned into links to those destinations;
* bookmarks, rebuilt from the parts' flat lists by level, so an article's notes sit under it;
* the folio sheet's pages drawn over the book's as pagination artifacts;
* document language, title, XMP metadata (PDF/UA identification), page labels (i, ii… then 1, 2…).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, NameTree, NumberTree, OutlineItem, Page, String

from .book import CROSS_PART_SCHEME
from .pagination import FOLIO_NONE, PagePlan, PartLayout

ARTIFACT_START = b"/Artifact <</Type /Pagination>> BDC\n"
ARTIFACT_END = b"\nEMC\n"


@dataclass
class AssembledPart:
    layout: PartLayout
    pdf: bytes | Path


class Assembler:
    """Builds one PDF from parts added in book order."""

    def __init__(self) -> None:
        self.out = pikepdf.new()
        self.document: Dictionary | None = None  # the merged structure tree's Document element
        self.parent_tree: dict[int, pikepdf.Object] = {}
        self.next_key = 0
        self.destinations: dict[str, pikepdf.Object] = {}
        self.bookmarks: list[tuple[int, str, int, float, float]] = []
        self.unresolved: set[str] = set()
        self.first_source: pikepdf.Pdf | None = None
        self.sources: list[pikepdf.Pdf] = []

    def add(self, part: AssembledPart, blank_before: bool) -> None:
        source = pikepdf.open(BytesIO(part.pdf) if isinstance(part.pdf, bytes) else part.pdf)
        self.sources.append(source)  # qpdf copies lazily: the source must stay open until saved
        self.first_source = self.first_source or source
        if blank_before:
            box = source.pages[0].mediabox
            self.out.add_blank_page(page_size=(float(box[2]), float(box[3])))
        first = len(self.out.pages)
        with warnings.catch_warnings():  # named destinations are merged below, by name
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            self.out.pages.extend(source.pages)
        offset = self.next_key
        self._renumber(self.out.pages[first:], offset)
        self._merge_structure(source, offset)
        self._merge_destinations(source)
        self.bookmarks.extend((level, label, first + page, x, y)
                              for level, label, page, x, y in part.layout.bookmarks)

    def _renumber(self, pages: Iterable[Page], offset: int) -> None:
        """Shift structure keys by ``offset`` and point cross-part links to named destinations."""
        for page in pages:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            for annotation in page.obj.get("/Annots", Array()):
                if "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + offset
                action = annotation.get("/A")
                uri = str(action.get("/URI", "")) if action is not None else ""
                if uri.startswith(CROSS_PART_SCHEME):
                    name = uri[len(CROSS_PART_SCHEME):]
                    del annotation["/A"]
                    annotation.Dest = String(name)
                    annotation.Contents = String(name)
                    self.unresolved.add(name)

    def _merge_structure(self, source: pikepdf.Pdf, offset: int) -> None:
        root = source.Root.get("/StructTreeRoot")
        if root is None:
            return
        document = self._copy(source, root.K[0] if isinstance(root.K, Array) else root.K)
        if self.document is None:
            self.document = document
        else:
            for kid in document.K:
                kid.P = self.document
                self.document.K.append(kid)
        entries = list(NumberTree(root.ParentTree).items())
        for (key, _), value in zip(entries, self._copy_all(source, [v for _, v in entries]), strict=True):
            self.parent_tree[key + offset] = value
        self.next_key = offset + max((key for key, _ in entries), default=-1) + 1

    def _merge_destinations(self, source: pikepdf.Pdf) -> None:
        names = source.Root.get("/Names")
        if names is None or "/Dests" not in names:
            return
        entries = [(name, value) for name, value in NameTree(names.Dests).items()
                   if name not in self.destinations]
        for (name, _), value in zip(entries, self._copy_all(source, [v for _, v in entries]), strict=True):
            self.destinations[name] = value

    def _copy(self, source: pikepdf.Pdf, value: pikepdf.Object) -> pikepdf.Object:
        """Copy an object of a part into the book (qpdf copies only indirect objects)."""
        return self.out.copy_foreign(value if value.is_indirect else source.make_indirect(value))

    def _copy_all(self, source: pikepdf.Pdf, values: list[pikepdf.Object]) -> list[pikepdf.Object]:
        """Copy many objects in one call (one call per object costs more than the copying)."""
        return list(self._copy(source, Array(values))) if values else []

    def overlay_folios(self, plan: PagePlan, sheet: bytes) -> None:
        """Draw each folio sheet page over the book's page, marked as a pagination artifact."""
        folios = pikepdf.open(BytesIO(sheet))
        self.sources.append(folios)
        for index, (placement, _) in enumerate(plan.folios):
            if placement == FOLIO_NONE:
                continue
            form = folios.pages[index].as_form_xobject()
            form.write(ARTIFACT_START + form.read_bytes() + ARTIFACT_END)
            self.out.pages[index].add_overlay(self.out.copy_foreign(form))

    def save(self, plan: PagePlan) -> tuple[bytes, set[str]]:
        """The book's PDF bytes, and the link targets no part defines."""
        out = self.out
        self._write_structure_root()
        tree = NameTree.new(out)
        for name in sorted(self.destinations):
            tree[name] = self.destinations[name]
        out.Root.Names = out.make_indirect(Dictionary(Dests=tree.obj))
        self._write_outline()
        self._copy_document_information()
        out.Root.PageLabels = _page_labels(out, plan)
        buffer = BytesIO()
        out.save(buffer, min_version="1.7", compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return buffer.getvalue(), self.unresolved - set(self.destinations)

    def _write_structure_root(self) -> None:
        if self.document is None:
            return
        out = self.out
        parent_tree = NumberTree.new(out)
        for key in sorted(self.parent_tree):
            parent_tree[key] = self.parent_tree[key]
        root = out.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=Array([self.document]),
                                            ParentTree=parent_tree.obj, ParentTreeNextKey=self.next_key))
        self.document.P = root
        out.Root.StructTreeRoot = root
        out.Root.MarkInfo = Dictionary(Marked=True)

    def _write_outline(self) -> None:
        with self.out.open_outline() as outline:
            stack: list[tuple[int, OutlineItem]] = []
            for level, label, page, x, y in self.bookmarks:
                item = OutlineItem(label, page, "XYZ", left=x, top=y)
                while stack and stack[-1][0] >= level:
                    stack.pop()
                (stack[-1][1].children if stack else outline.root).append(item)
                stack.append((level, item))
        self.out.Root.PageMode = Name.UseOutlines

    def _copy_document_information(self) -> None:
        source, out = self.first_source, self.out
        if source is None:
            return
        for key in ("/Lang", "/ViewerPreferences", "/Metadata"):
            if key in source.Root:
                out.Root[key] = self._copy(source, source.Root[key])
        for key, value in source.docinfo.items():
            out.docinfo[key] = self._copy(source, value)


def _page_labels(out: pikepdf.Pdf, plan: PagePlan) -> pikepdf.Object:
    """Viewers show the printed numbers: lower roman for the front matter, arabic from the main matter."""
    labels = NumberTree.new(out)
    labels[0] = Dictionary(S=Name.r)
    main_start = plan.main_start
    if main_start < plan.total:
        labels[main_start] = Dictionary(S=Name.D, St=1)
    return labels.obj


def assemble(parts: list[tuple[AssembledPart, bool]], plan: PagePlan, sheet: bytes) -> tuple[bytes, set[str]]:
    """Join the parts (each with whether a blank verso precedes it) and print the folios."""
    assembler = Assembler()
    for part, blank_before in parts:
        assembler.add(part, blank_before)
    if len(assembler.out.pages) != plan.total:
        raise RuntimeError(f"assembled {len(assembler.out.pages)} pages, planned {plan.total}")
    assembler.overlay_folios(plan, sheet)
    return assembler.save(plan)
