"""Stage 5: join the parts' PDFs into the book (pikepdf) and print the folios over its pages.

Each part is a tagged PDF of its own. Joining them keeps everything a reader and a checker rely on:

* the pages, with a blank verso inserted where a part must open on a recto;
* one structure tree: every part's ``Document`` children under one ``Document``, with the parent tree
  renumbered (pages' ``StructParents``, annotations' ``StructParent``);
* links: the named destinations of all parts in one name tree, and links to another part
  (``x-edition:`` URIs, see ``book.py``) turned into links to those destinations;
* bookmarks, rebuilt from the parts' flat lists by level, so an article's notes sit under it;
* the folio sheet's pages drawn over the book's as pagination artifacts;
* each font face embedded once: the parts' subsets merged (``fonts.py``);
* document language, title, XMP metadata (PDF/UA identification), page labels (i, ii… then 1, 2…).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from edition.print.book import CROSS_PART_SCHEME
from edition.print.fonts import share_fonts
from edition.print.pagination import FOLIO_NONE, PagePlan, PartLayout
from edition.processes import signals_held
from edition.render.links import safe_href

# pikepdf's extension module creates Python enums as it initialises, and nanobind aborts the process
# (SIGABRT: no clean-up, no message) if a Ctrl-C's KeyboardInterrupt is raised meanwhile; a build
# interrupted as it imported this module died so. Held, the signal acts once the import is done.
with signals_held():
    import pikepdf
    from pikepdf import Array, Dictionary, Name, NameTree, NumberTree, OutlineItem, Page, String

ARTIFACT_START = b"/Artifact <</Type /Pagination>> BDC\n"
ARTIFACT_END = b"\nEMC\n"


@dataclass
class AssembledPart:
    layout: PartLayout
    pdf: bytes | Path


@dataclass
class _Added:
    """What one part brought into the book."""

    source: pikepdf.Pdf
    pages: int
    document: pikepdf.Object | None  # its structure tree's Document element
    kids: list[pikepdf.Object]  # that element's children
    keys: range  # its parent tree keys
    ids: dict[str, pikepdf.Object]  # its structure elements' IDs (its notes'), each to its element
    destinations: dict[str, pikepdf.Object]
    links: set[str]  # the destinations its cross-part links name
    bookmarks: list[tuple[int, str, int, float, float]]  # pages counted within the part


class Assembler:
    """Builds one PDF from the parts of a book, added in any order (each as soon as it is laid out,
    while the others still are); a part added again replaces the first."""

    def __init__(self, order: list[str]) -> None:
        self.out = pikepdf.new()
        self.order = {name: index for index, name in enumerate(order)}
        self.parts: dict[str, _Added] = {}
        self.parent_tree: dict[int, pikepdf.Object] = {}
        self.next_key = 0
        self.sources: list[pikepdf.Pdf] = []  # qpdf copies lazily: sources stay open until saved

    def add(self, name: str, part: AssembledPart) -> None:
        if name in self.parts:
            self.remove(name)
        source = pikepdf.open(BytesIO(part.pdf) if isinstance(part.pdf, bytes) else part.pdf)
        self.sources.append(source)
        first = self._first_page(name)
        with warnings.catch_warnings():  # named destinations are merged below, by name
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            if first == len(self.out.pages):
                self.out.pages.extend(source.pages)
            else:
                for index, page in enumerate(source.pages):
                    self.out.pages.insert(first + index, page)
        count = len(source.pages)
        offset = self.next_key
        links = self._renumber(self.out.pages[first:first + count], offset)
        document, keys = self._merge_structure(source, offset)
        kids = [] if document is None else list(document.K) if isinstance(document.K, Array) else [document.K]
        self.parts[name] = _Added(source, count, document, kids, keys, self._element_ids(source),
                                  self._destinations(source), links, list(part.layout.bookmarks))

    def remove(self, name: str) -> None:
        first = self._first_page(name)
        part = self.parts.pop(name)
        del self.out.pages[first:first + part.pages]
        for key in part.keys:
            self.parent_tree.pop(key, None)

    def _first_page(self, name: str) -> int:
        """Where the part's pages go among those of the parts added so far (blank pages come last)."""
        return sum(part.pages for other, part in self.parts.items() if self.order[other] < self.order[name])

    def _renumber(self, pages: Iterable[Page], offset: int) -> set[str]:
        """Shift structure keys by ``offset`` and point cross-part links to named destinations;
        return the names these links need."""
        names = set()
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
                    names.add(name)
                elif uri and safe_href(uri) is None:
                    del annotation["/A"]  # the HTML makes no such link (links.safe_href): nor does the PDF
        return names

    def _merge_structure(self, source: pikepdf.Pdf, offset: int) -> tuple[pikepdf.Object | None, range]:
        root = source.Root.get("/StructTreeRoot")
        if root is None:
            return None, range(0)
        document = self._copy(source, root.K[0] if isinstance(root.K, Array) else root.K)
        entries = list(NumberTree(root.ParentTree).items())
        for (key, _), value in zip(entries, self._copy_all(source, [v for _, v in entries]), strict=True):
            self.parent_tree[key + offset] = value
        self.next_key = offset + max((key for key, _ in entries), default=-1) + 1
        return document, range(offset, self.next_key)

    def _element_ids(self, source: pikepdf.Pdf) -> dict[str, pikepdf.Object]:
        """The part's /IDTree (``weasy._with_an_id_tree``), its elements copied as the tree's were."""
        return self._name_tree(source, source.Root.get("/StructTreeRoot"), "/IDTree")

    def _destinations(self, source: pikepdf.Pdf) -> dict[str, pikepdf.Object]:
        return self._name_tree(source, source.Root.get("/Names"), "/Dests")

    def _name_tree(self, source: pikepdf.Pdf, holder: pikepdf.Object | None, key: str
                   ) -> dict[str, pikepdf.Object]:
        """The name tree at ``holder[key]`` of a part, its values copied into the book ({} if none)."""
        if holder is None or key not in holder:
            return {}
        entries = list(NameTree(holder[key]).items())
        return dict(zip((name for name, _ in entries),
                        self._copy_all(source, [value for _, value in entries]), strict=True))

    def _copy(self, source: pikepdf.Pdf, value: pikepdf.Object) -> pikepdf.Object:
        """Copy an object of a part into the book (qpdf copies only indirect objects)."""
        return self.out.copy_foreign(value if value.is_indirect else source.make_indirect(value))

    def _copy_all(self, source: pikepdf.Pdf, values: list[pikepdf.Object]) -> list[pikepdf.Object]:
        """Copy many objects in one call (one call per object costs more than the copying)."""
        return list(self._copy(source, Array(values))) if values else []

    def save(self, plan: PagePlan, sheet: bytes) -> tuple[bytes, set[str]]:
        """The book's PDF bytes (blank versos inserted, folios printed), and the link targets no
        part defines."""
        names = sorted(self.parts, key=self.order.__getitem__)
        if names != list(self.order):  # the order's keys are in book order
            raise RuntimeError(f"parts missing from the book: {sorted(set(self.order) - set(names))}")
        self._insert_blank_pages(names, plan)
        if len(self.out.pages) != plan.total:
            raise RuntimeError(f"assembled {len(self.out.pages)} pages, planned {plan.total}")
        self._overlay_folios(plan, sheet)
        out = self.out
        destinations: dict[str, pikepdf.Object] = {}
        for name in names:
            for ident, value in self.parts[name].destinations.items():
                destinations.setdefault(ident, value)
        self._write_structure_root(names)
        tree = NameTree.new(out)
        for ident in sorted(destinations):
            tree[ident] = destinations[ident]
        out.Root.Names = out.make_indirect(Dictionary(Dests=tree.obj))
        self._write_outline([(level, label, plan.starts[name] + page, x, y) for name in names
                             for level, label, page, x, y in self.parts[name].bookmarks])
        self._copy_document_information(self.parts[names[0]].source)
        out.Root.PageLabels = _page_labels(out, plan)
        share_fonts(out)
        buffer = BytesIO()
        out.save(buffer, min_version="1.7", compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        links = set().union(*(part.links for part in self.parts.values()))
        return buffer.getvalue(), links - set(destinations)

    def _insert_blank_pages(self, names: list[str], plan: PagePlan) -> None:
        """Insert the blank versos the plan puts before parts that open on a recto."""
        box = self.out.pages[0].mediabox
        for name in names:  # in book order: each insertion is at its final place
            if plan.blank_before[name]:
                blank = Dictionary(Type=Name.Page, MediaBox=Array([0, 0, box[2], box[3]]),
                                   Resources=Dictionary())
                self.out.pages.insert(plan.starts[name] - 1, Page(self.out.make_indirect(blank)))

    def _overlay_folios(self, plan: PagePlan, sheet: bytes) -> None:
        """Draw each folio sheet page over the book's page, marked as a pagination artifact."""
        folios = pikepdf.open(BytesIO(sheet))
        self.sources.append(folios)
        for index, (placement, _) in enumerate(plan.folios):
            if placement == FOLIO_NONE:
                continue
            form = folios.pages[index].as_form_xobject()
            form.write(ARTIFACT_START + form.read_bytes() + ARTIFACT_END)
            self.out.pages[index].add_overlay(self.out.copy_foreign(form))

    def _write_structure_root(self, names: list[str]) -> None:
        documents = [self.parts[name].document for name in names if self.parts[name].document is not None]
        if not documents:
            return
        out = self.out
        document = documents[0]  # the first part's, with every part's children
        kids = [kid for name in names for kid in self.parts[name].kids]
        document.K = Array(kids)
        for kid in kids:
            kid.P = document
        parent_tree = NumberTree.new(out)
        for key in sorted(self.parent_tree):
            parent_tree[key] = self.parent_tree[key]
        root = out.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=Array([document]),
                                            ParentTree=parent_tree.obj, ParentTreeNextKey=self.next_key))
        ids = self._unique_ids(names)
        if ids:
            id_tree = NameTree.new(out)
            for ident in sorted(ids):
                id_tree[ident] = ids[ident]
            root.IDTree = id_tree.obj
        document.P = root
        out.Root.StructTreeRoot = root
        out.Root.MarkInfo = Dictionary(Marked=True)

    def _unique_ids(self, names: list[str]) -> dict[str, pikepdf.Object]:
        """Every part's element IDs in one map, an ID unique in the book: one another part gave
        already is suffixed on its element."""
        ids: dict[str, pikepdf.Object] = {}
        for name in names:
            for ident, element in self.parts[name].ids.items():
                given, count = ident, 1
                while given in ids:
                    count += 1
                    given = f"{ident}-{count}"
                if given != ident:
                    element.ID = String(given)
                ids[given] = element
        return ids

    def _write_outline(self, bookmarks: list[tuple[int, str, int, float, float]]) -> None:
        with self.out.open_outline() as outline:
            stack: list[tuple[int, OutlineItem]] = []
            for level, label, page, x, y in bookmarks:
                item = OutlineItem(label, page, "XYZ", left=x, top=y)
                while stack and stack[-1][0] >= level:
                    stack.pop()
                (stack[-1][1].children if stack else outline.root).append(item)
                stack.append((level, item))
        self.out.Root.PageMode = Name.UseOutlines

    def _copy_document_information(self, source: pikepdf.Pdf) -> None:
        out = self.out
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
