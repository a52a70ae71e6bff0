"""``edition import MANUSCRIPT.docx``: a draft TEI article from a Word manuscript, its citations linked.

pandoc reads the manuscript (its DOCX reader with ``+citations``) into its JSON AST; the AST becomes
TEI through lxml, block by block (pandoc's readers → one AST → writers, with our writer). Citations
that Zotero, Mendeley or EndNote put in the manuscript as fields arrive as ``Cite`` inlines with their
item data: each becomes ``<bibl><ptr target="bib:KEY"/>…</bibl>`` around the words the manuscript
shows, the locator marked as ``citedRange``, and each item joins the project's .bib under a key made
the Better BibTeX way (author, three title words, year), unless the .bib already holds the same work.

Nothing is written until everything has been checked: the draft against tei_all, and its words
against pandoc's plain-text reading of the manuscript (the fidelity check: no word dropped).
"""

from __future__ import annotations

import json
import re
import unicodedata
import zipfile
from collections import Counter
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lxml import etree

from edition.check.fidelity import Fidelity, authorial_text, measure, words
from edition.errors import EditionError, Location, display_path
from edition.pandoc import run_pandoc
from edition.tei.load import NS, TEI_NS

XML_NS = "http://www.w3.org/XML/1998/namespace"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LANG = f"{{{XML_NS}}}lang"
XML_ID = f"{{{XML_NS}}}id"
# pandoc's inline styles and the rend TEI's hi gets for each.
HIGHLIGHTS = {"Emph": "italic", "Strong": "bold", "Underline": "underline", "Strikeout": "strikethrough",
              "Superscript": "superscript", "Subscript": "subscript", "SmallCaps": "small-caps"}
# CSL's locator labels, as pandoc writes them at the head of a citation's suffix (", page 12").
LOCATOR_LABELS = ("act", "appendix", "article-locator", "book", "canon", "chapter", "column", "elocation",
                  "equation", "figure", "folio", "issue", "line", "note", "opus", "page", "paragraph",
                  "part", "rule", "scene", "section", "sub verbo", "supplement", "table", "timestamp",
                  "title-locator", "verse", "version", "volume")
LOCATOR = re.compile(r"^,\s*(?:(?P<label>" + "|".join(re.escape(label) for label in LOCATOR_LABELS)
                     + r")\s+)?(?P<locator>[\w.:–-]+(?:\s*[–-]\s*[\w.]+)?)\s*(?P<rest>.*)$", re.DOTALL)
# Words Better BibTeX leaves out of a key's title part.
_SKIPPED = ("a ab aboard about above across after against al along amid among an and anti around "
            "as at before behind below beneath beside besides between beyond but by d da das de "
            "del dell dello dei degli della dem den der des di die do du during ein eine einem "
            "einen einer eines el en et for from gli i il in inside into is l la las le les like "
            "lo los near nor of off on onto or over past per plus round save since so some sur "
            "than the through to toward towards un una unas under underneath une unlike uno unos "
            "until up upon versus via von vom zu zum zur with within without yet")
SKIP_WORDS = frozenset(_SKIPPED.split())
MINIMUM_RECALL = 1.0  # every word of pandoc's plain-text reading must be in the draft


@dataclass
class DocxReport:
    """What the import placed, and what it leaves to the editor."""

    headings: int = 0
    paragraphs: int = 0
    notes: int = 0
    quotations: int = 0
    lists: int = 0
    tables: int = 0
    images: list[str] = field(default_factory=list)
    citations: int = 0
    keys_cited: list[str] = field(default_factory=list)
    new_entries: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # "item → existing key (why)"
    language: str | None = None
    other_languages: list[str] = field(default_factory=list)
    needs_editor: list[str] = field(default_factory=list)
    fidelity: Fidelity | None = None
    bibliography: Path | None = None

    def summary(self) -> str:
        lines = [f"headings: {self.headings}, paragraphs: {self.paragraphs}, notes at their calls: "
                 f"{self.notes}, quotations: {self.quotations}, lists: {self.lists}, tables: {self.tables}, "
                 f"images: {len(self.images)}",
                 f"citations linked: {self.citations} ({', '.join(self.keys_cited) or 'none'})"]
        if self.new_entries:
            lines.append(f"new entries in {display_path(self.bibliography)}: {', '.join(self.new_entries)}")
        lines += [f"already in the bibliography: {duplicate}" for duplicate in self.duplicates]
        if self.language:
            lines.append(f"language of the manuscript: {self.language}")
        if self.other_languages:
            lines.append("needs the editor: runs in other languages (mark them with foreign/@xml:lang): "
                         + ", ".join(self.other_languages))
        lines += [f"needs the editor: {item}" for item in self.needs_editor]
        if self.fidelity:
            lines.append("words kept: " + self.fidelity.report(limit=15).replace("\n", "; "))
        return "\n".join(lines)


@dataclass
class DocxImport:
    """The import, ready to be written: the draft, its images, the new .bib entries."""

    tei: str
    target: Path
    media: dict[Path, bytes]
    bib_entries: str
    bibliography: Path | None
    report: DocxReport

    def write(self) -> None:
        """Write the images, the new entries and the draft (each file whole, by rename)."""
        from edition.output import write_bytes, write_text

        for path, data in self.media.items():
            write_bytes(path, data)
        if self.bib_entries and self.bibliography is not None:
            old = self.bibliography.read_text(encoding="utf-8") if self.bibliography.exists() else ""
            joiner = "" if not old or old.endswith("\n\n") else ("\n" if old.endswith("\n") else "\n\n")
            write_text(self.bibliography, old + joiner + self.bib_entries)
        write_text(self.target, self.tei)


def import_docx(source: Path, target: Path, bibliographies: list[Path],
                bibliography: Path | None) -> DocxImport:
    """The draft of ``source`` to be written at ``target``; ``bibliographies``: the project's .bib files
    (their entries are recognised), ``bibliography``: where new entries go."""
    source = Path(source)
    if not zipfile.is_zipfile(source):
        raise EditionError("not a Word document (.docx is a ZIP package); save the manuscript as .docx",
                           Location(source), "docx")
    if target.exists():
        raise EditionError("already exists; name another file with -o, or remove it first", Location(target),
                           "docx")
    ast = json.loads(run_pandoc(["-f", "docx+citations", "-t", "json", str(source)], source))
    items = json.loads(run_pandoc(["-f", "docx+citations", "-t", "csljson", str(source)], source) or "[]")
    witness = run_pandoc(["-f", "docx", "-t", "plain", "--wrap=none", str(source)], source) \
        + front_matter_text(ast, source)
    report = DocxReport(bibliography=bibliography)
    keys = assign_keys(items, bibliographies, report)
    draft = Draft(source, target, keys, report)
    root = draft.document(ast, document_language(source, report))
    check_draft(root, source)
    # Word numbers ordered lists itself: pandoc's plain text prints those numbers, the draft's list
    # (rend="numbered") leaves them to the renderer.
    fidelity = measure(words(apart_raised(witness)) - list_numbers(ast.get("blocks", [])),
                       words(draft_words(raised_apart(root))))
    report.fidelity = fidelity
    if fidelity.recall < MINIMUM_RECALL:
        lost = ", ".join(f"{word}×{count}" for word, count in fidelity.missing.most_common(10))
        raise EditionError(f"the draft would lose words of the manuscript ({lost}); nothing written",
                           Location(source), "docx-fidelity")
    new_items = [item for item in items if str(item.get("id")) in keys.new]
    entries = bib_entries(new_items, keys, source) if new_items else ""
    tei = etree.tostring(root, encoding="unicode", pretty_print=False)
    return DocxImport('<?xml version="1.0" encoding="UTF-8"?>\n' + tei + "\n", target, draft.media,
                      entries, bibliography, report)


# ---- Keys and the bibliography --------------------------------------------------------------------


@dataclass
class Keys:
    """The .bib key of each of the manuscript's items (by its CSL id), and which are new."""

    by_item: dict[str, str] = field(default_factory=dict)
    new: set[str] = field(default_factory=set)

    def get(self, item_id: str) -> str | None:
        return self.by_item.get(item_id)


def assign_keys(items: list[dict], bibliographies: list[Path], report: DocxReport) -> Keys:
    """A key for each item: an existing entry's if the .bib holds the same work (same DOI, or same
    title, year and first author), else a new Better BibTeX key, unique in the bibliography."""
    existing = existing_entries(bibliographies)
    taken = {key for key, _ in existing}
    keys = Keys()
    seen: dict[tuple, str] = {}
    for item in items:
        item_id = str(item.get("id"))
        signature = work_signature(item)
        match = next((key for key, known in existing if same_work(signature, known)), None)
        if match:
            keys.by_item[item_id] = match
            report.duplicates.append(f"{describe(item)} → {match}")
            continue
        if signature in seen:  # the same work twice in the manuscript (two libraries, two item ids)
            keys.by_item[item_id] = seen[signature]
            continue
        key = unique_key(better_bibtex_key(item), taken)
        taken.add(key)
        seen[signature] = key
        keys.by_item[item_id] = key
        keys.new.add(item_id)
        report.new_entries.append(key)
    return keys


def existing_entries(bibliographies: list[Path]) -> list[tuple[str, tuple]]:
    """(key, signature) of every entry of the project's .bib files."""
    from edition.bib.read import read_bibliographies

    paths = [path for path in bibliographies if path.exists()]
    if not paths:
        return []
    library = read_bibliographies(paths).library
    found = []
    for entry in library.entries:
        fields = {name.lower(): str(value.value) for name, value in entry.fields_dict.items()}
        year = (fields.get("year") or fields.get("date") or "")[:4]
        authors = fields.get("author") or fields.get("editor") or ""
        first = authors.split(" and ")[0]
        family = first.split(",")[0] if "," in first else (first.split() or [""])[-1]
        found.append((entry.key, (normal(fields.get("doi", "")), normal(fields.get("title", "")), year,
                                  normal(family))))
    return found


def work_signature(item: dict) -> tuple:
    people = item.get("author") or item.get("editor") or [{}]
    family = people[0].get("family") or people[0].get("literal") or ""
    return (normal(item.get("DOI", "")), normal(str(item.get("title", ""))), item_year(item), normal(family))


def same_work(one: tuple, other: tuple) -> bool:
    """The same DOI, or (without one on either side) the same title, year and first author."""
    if one[0] and other[0]:
        return one[0] == other[0]
    return bool(one[1]) and one[1:] == other[1:]


def normal(text: str) -> str:
    """Letters and digits only, without accents, lower case (braces and punctuation of BibTeX ignored)."""
    folded = unicodedata.normalize("NFKD", text)
    return "".join(char for char in folded.lower() if char.isalnum())


def item_year(item: dict) -> str:
    issued = item.get("issued") or {}
    parts = issued.get("date-parts") or [[]]
    if parts and parts[0]:
        return str(parts[0][0])
    return re.sub(r"\D", "", str(issued.get("raw") or issued.get("literal") or ""))[:4]


def better_bibtex_key(item: dict) -> str:
    """Better BibTeX's default key: the first author's family name in lower case, the first three
    title words that are not function words (capitalised), the year: ``herrmannVerkehrChristenGott1903``."""
    people = item.get("author") or item.get("editor") or [{}]
    family = ascii_word(people[0].get("family") or people[0].get("literal") or "anon").lower()
    title_words = [ascii_word(word) for word in re.split(r"[\W_]+", str(item.get("title", "")))]
    significant = [word for word in title_words if word and word.lower() not in SKIP_WORDS][:3]
    return family + "".join(word[:1].upper() + word[1:] for word in significant) + item_year(item)


def ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    return "".join(char for char in folded if char.isascii() and char.isalnum())


def unique_key(key: str, taken: set[str]) -> str:
    """``key``, else key + a, b, … (as Better BibTeX disambiguates)."""
    if key not in taken:
        return key
    for suffix in "abcdefghijklmnopqrstuvwxyz":
        if key + suffix not in taken:
            return key + suffix
    raise EditionError(f"too many works make the key '{key}'")


def describe(item: dict) -> str:
    people = item.get("author") or item.get("editor") or [{}]
    name = people[0].get("family") or people[0].get("literal") or "?"
    return f"{name} {item_year(item)}, “{item.get('title', '')}”"


UNDETERMINED = re.compile(r",\n\s*langid = \{und\}(?=\n\})|\n\s*langid = \{und\},")


def bib_entries(items: list[dict], keys: Keys, source: Path) -> str:
    """The new items as BibLaTeX, through pandoc, under their new keys. pandoc title-cases the title
    of an entry in English or of no stated language; titles are kept as the item gives them (an item
    of no language is converted as of an undetermined one, "und", which is then left out)."""
    renamed = [{**item, "id": keys.by_item[str(item.get("id"))], "language": item.get("language") or "und"}
               for item in items]
    text = run_pandoc(["-f", "csljson", "-t", "biblatex"], source,
                      stdin=json.dumps(renamed, ensure_ascii=False))
    return UNDETERMINED.sub("", text)


# ---- Language ------------------------------------------------------------------------------------


def document_language(source: Path, report: DocxReport) -> str | None:
    """The manuscript's language: the one most of its runs are marked with, else its default paragraph
    style's or the document default's; the other languages its runs are marked with are listed for
    the editor."""
    with zipfile.ZipFile(source) as package:
        styles = read_part(package, "word/styles.xml")
        document = read_part(package, "word/document.xml")
    language = None
    runs = document.iter(f"{{{W_NS}}}lang") if document is not None else ()
    marked = Counter(filter(None, (lang.get(f"{{{W_NS}}}val") for lang in runs)))
    if marked:  # the language most of the text is marked with
        language = marked.most_common(1)[0][0]
    elif styles is not None:
        w = {"w": W_NS}
        normal_style = styles.find("w:style[@w:type='paragraph'][@w:default='1']/w:rPr/w:lang", w)
        default = styles.find("w:docDefaults//w:lang", w)
        found = normal_style if normal_style is not None else default
        language = found.get(f"{{{W_NS}}}val") if found is not None else None
    report.language = language
    report.other_languages = sorted(lang for lang in marked if lang != language)
    return language


def read_part(package: zipfile.ZipFile, name: str) -> etree._Element | None:
    try:
        data = package.read(name)
    except KeyError:
        return None
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))


# ---- The AST as TEI ------------------------------------------------------------------------------


def tei(name: str, parent: etree._Element | None = None, **attributes: str) -> etree._Element:
    element = etree.Element(f"{{{TEI_NS}}}{name}", nsmap={None: TEI_NS}) if parent is None else \
        etree.SubElement(parent, f"{{{TEI_NS}}}{name}")
    for key, value in attributes.items():
        element.set(LANG if key == "lang" else XML_ID if key == "id" else key, value)
    return element


def append_text(parent: etree._Element, text: str) -> None:
    """Text at the end of ``parent``: its text, or the tail of its last child."""
    if not text:
        return
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def inline_text(inlines: list[dict]) -> str:
    """The plain words of pandoc inlines."""
    out = []
    for inline in inlines:
        kind, content = inline["t"], inline.get("c")
        if kind == "Str":
            out.append(content)
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif kind in HIGHLIGHTS or kind == "Strikeout":
            out.append(inline_text(content))
        elif kind in ("Span", "Link", "Quoted", "Cite", "Image"):
            out.append(inline_text(content[1]))
    return "".join(out)


class Draft:
    """pandoc's AST → a TEI document, recording what was placed in the report."""

    def __init__(self, source: Path, target: Path, keys: Keys, report: DocxReport) -> None:
        self.source = source
        self.target = target
        self.keys = keys
        self.report = report
        self.media: dict[Path, bytes] = {}
        self.prefix = xml_name(target.stem)
        self.note_count = 0

    def document(self, ast: dict, language: str | None) -> etree._Element:
        meta = ast.get("meta", {})
        root = tei("TEI", id=self.prefix, **({"lang": language} if language else {}))
        self.header(root, meta)
        text = tei("text", root)
        abstract = meta_blocks(meta.get("abstract"))
        if abstract:  # Word's "Abstract" paragraphs: pandoc takes them out of the text
            self.blocks(abstract, tei("div", tei("front", text), type="abstract"))
        body = tei("body", text)
        self.blocks(ast.get("blocks", []), body, sections=True)
        if not len(body):
            raise EditionError("the manuscript has no text", Location(self.source), "docx")
        return root

    def header(self, root: etree._Element, meta: dict) -> None:
        header = tei("teiHeader", root)
        file_desc = tei("fileDesc", header)
        title_stmt = tei("titleStmt", file_desc)
        title = tei("title", title_stmt, type="main")
        title.text = meta_text(meta.get("title")) or self.source.stem
        if meta_text(meta.get("subtitle")):
            tei("title", title_stmt, type="sub").text = meta_text(meta.get("subtitle"))
        for author in meta_list(meta.get("author")):
            tei("author", title_stmt).text = author
        tei("p", tei("publicationStmt", file_desc)).text = "Unpublished draft."
        source = tei("p", tei("sourceDesc", file_desc))
        source.text = f"Imported by edition import from the Word manuscript {self.source.name}."

    # Blocks

    def blocks(self, blocks: list[dict], parent: etree._Element, sections: bool = False) -> None:
        """Blocks into ``parent``; with ``sections``, headings open nested divisions."""
        stack: list[tuple[int, etree._Element]] = [(0, parent)]
        for block in blocks:
            if sections and block["t"] == "Header":
                level, _, inlines = block["c"]
                while stack[-1][0] >= level:
                    stack.pop()
                division = tei("div", stack[-1][1])
                self.inlines(inlines, tei("head", division))
                self.report.headings += 1
                stack.append((level, division))
                continue
            self.block(block, stack[-1][1])

    def block(self, block: dict, parent: etree._Element) -> None:
        kind, content = block["t"], block.get("c")
        if kind in ("Para", "Plain"):
            self.paragraph(content, parent)
        elif kind == "Header":  # a heading inside a list, quotation or note: a paragraph of its own
            self.report.needs_editor.append(f"a heading inside another block: “{inline_text(content[2])}”")
            self.paragraph(content[2], parent)
        elif kind == "BlockQuote":
            self.quotation(content, parent)
        elif kind in ("BulletList", "OrderedList"):
            self.list(content if kind == "BulletList" else content[1], parent,
                      "bulleted" if kind == "BulletList" else "numbered")
        elif kind == "DefinitionList":
            self.definitions(content, parent)
        elif kind == "Table":
            self.table(content, parent)
        elif kind == "Figure":
            self.figure(content, parent)
        elif kind == "Div":
            attributes = dict(content[0][2])
            if attributes.get("lang"):
                self.report.needs_editor.append(f"a passage in {attributes['lang']} (mark it with xml:lang)")
            for inner in content[1]:
                self.block(inner, parent)
        elif kind == "LineBlock":
            group = tei("lg", parent)
            for line in content:
                self.inlines(line, tei("l", group))
        elif kind == "CodeBlock":
            tei("ab", parent, type="code").text = content[1]
            self.report.needs_editor.append("a code block, kept as ab[@type='code']")
        elif kind == "HorizontalRule":
            tei("milestone", parent, unit="section", rend="rule")
        elif kind == "RawBlock":
            self.report.needs_editor.append(f"raw {content[0]} left out: {content[1][:60]!r}")
        else:
            self.report.needs_editor.append(f"a {kind} block the importer does not know")

    def paragraph(self, inlines: list[dict], parent: etree._Element) -> None:
        if not any(inline["t"] not in ("Space", "SoftBreak", "LineBreak") for inline in inlines):
            return  # an empty paragraph of the manuscript: spacing, not text
        if len(inlines) == 1 and inlines[0]["t"] == "Image":
            self.image(inlines[0]["c"], tei("figure", parent))
            return
        self.inlines(inlines, tei("p", parent))
        self.report.paragraphs += 1

    def quotation(self, blocks: list[dict], parent: etree._Element) -> None:
        quote = tei("quote", parent)
        self.report.quotations += 1
        if len(blocks) == 1 and blocks[0]["t"] in ("Para", "Plain"):
            self.inlines(blocks[0]["c"], quote)
        else:
            for block in blocks:
                self.block(block, quote)

    def list(self, items: list[list[dict]], parent: etree._Element, rend: str) -> None:
        listing = tei("list", parent, rend=rend)
        self.report.lists += 1
        for blocks in items:
            self.item_blocks(blocks, tei("item", listing))

    def item_blocks(self, blocks: list[dict], item: etree._Element) -> None:
        """An item's blocks: one paragraph is the item's own text, several stay paragraphs."""
        if len(blocks) == 1 and blocks[0]["t"] in ("Para", "Plain"):
            self.inlines(blocks[0]["c"], item)
        else:
            for block in blocks:
                self.block(block, item)

    def definitions(self, entries: list, parent: etree._Element) -> None:
        listing = tei("list", parent, type="gloss")
        self.report.lists += 1
        for term, definitions in entries:
            self.inlines(term, tei("label", listing))
            item = tei("item", listing)
            for blocks in definitions:
                self.item_blocks(blocks, item)

    def table(self, content: list, parent: etree._Element) -> None:
        _, caption, _, head, bodies, foot = content
        table = tei("table", parent)
        self.report.tables += 1
        if caption[1]:
            self.caption(caption[1], tei("head", table))
        for row in head[1]:
            self.row(row, table, "label")
        for body in bodies:
            for row in body[2] + body[3]:
                self.row(row, table)
        for row in foot[1]:
            self.row(row, table)

    def row(self, row: list, table: etree._Element, role: str | None = None) -> None:
        element = tei("row", table, **({"role": role} if role else {}))
        for cell in row[1]:
            _, _, rows, columns, blocks = cell
            spans = {"rows": str(rows)} if rows > 1 else {}
            spans |= {"cols": str(columns)} if columns > 1 else {}
            self.item_blocks(blocks, tei("cell", element, **spans))

    def caption(self, blocks: list[dict], head: etree._Element) -> None:
        for block in blocks:
            if block["t"] in ("Para", "Plain"):
                append_text(head, " " if len(head) or head.text else "")
                self.inlines(block["c"], head)

    def figure(self, content: list, parent: etree._Element) -> None:
        _, caption, blocks = content
        figure = tei("figure", parent)
        for block in blocks:
            for inline in block.get("c", []) if block["t"] in ("Para", "Plain") else []:
                if inline["t"] == "Image":
                    self.image(inline["c"], figure)
        if caption[1]:
            self.caption(caption[1], tei("head", figure))

    # Inlines

    def inlines(self, inlines: list[dict], parent: etree._Element) -> None:
        for inline in inlines:
            self.inline(inline, parent)

    def inline(self, inline: dict, parent: etree._Element) -> None:
        kind, content = inline["t"], inline.get("c")
        if kind == "Str":
            append_text(parent, content)
        elif kind in ("Space", "SoftBreak"):
            append_text(parent, " ")
        elif kind == "LineBreak":
            tei("lb", parent)
        elif kind in HIGHLIGHTS:
            self.inlines(content, tei("hi", parent, rend=HIGHLIGHTS[kind]))
        elif kind == "Quoted":
            self.inlines(content[1], tei("q", parent))
        elif kind == "Code":
            tei("code", parent).text = content[1]
        elif kind == "Link":
            self.inlines(content[1], tei("ref", parent, target=content[2][0]))
        elif kind == "Span":
            self.span(content, parent)
        elif kind == "Note":
            self.note(content, parent)
        elif kind == "Cite":
            self.citation(content, parent)
        elif kind == "Image":
            self.image(content, parent)
        elif kind == "Math":
            tei("formula", parent).text = content[1]
        elif kind == "RawInline":
            self.report.needs_editor.append(f"raw {content[0]} left out: {content[1][:60]!r}")

    def span(self, content: list, parent: etree._Element) -> None:
        attributes = dict(content[0][2])
        if attributes.get("lang"):
            self.inlines(content[1], tei("foreign", parent, lang=attributes["lang"]))
        else:
            self.inlines(content[1], parent)

    def note(self, blocks: list[dict], parent: etree._Element) -> None:
        self.note_count += 1
        number = str(self.note_count)
        note = tei("note", parent, place="foot", n=number, id=f"{self.prefix}-n{number}")
        self.report.notes += 1
        paragraphs = [block for block in blocks if block["t"] in ("Para", "Plain")]
        if len(blocks) == 1 and paragraphs:
            self.inlines(blocks[0]["c"], note)
        else:
            for block in blocks:
                self.block(block, note)

    def citation(self, content: list, parent: etree._Element) -> None:
        """A citation field: the words the manuscript shows, in a bibl pointing to its entries."""
        citations, shown = content
        keys = [self.keys.get(citation["citationId"]) for citation in citations]
        known = [key for key in dict.fromkeys(keys) if key]
        if not known:
            self.report.needs_editor.append(f"a citation without item data: “{inline_text(shown)}”")
            self.inlines(shown, parent)
            return
        if len(known) < len(keys):
            self.report.needs_editor.append(f"a citation with an item without data: “{inline_text(shown)}”")
        bibl = tei("bibl", parent)
        tei("ptr", bibl, target=" ".join(f"bib:{key}" for key in known))
        self.inlines(shown, bibl)
        for citation in citations:
            mark_locator(bibl, citation.get("citationSuffix", []))
        self.report.citations += 1
        for key in known:
            if key not in self.report.keys_cited:
                self.report.keys_cited.append(key)

    def image(self, content: list, parent: etree._Element) -> None:
        """The image, kept beside the article (``STEM-media/NAME``) and named by a graphic."""
        _, alternative, (source, _) = content
        name = PurePosixPath(source).name
        with zipfile.ZipFile(self.source) as package:
            try:
                data = package.read(f"word/{PurePosixPath(source)}")
            except KeyError:
                self.report.needs_editor.append(f"an image the manuscript names but does not hold: {source}")
                return
        relative = f"{self.target.stem}-media/{name}"
        self.media[self.target.parent / relative] = data
        graphic = tei("graphic", parent, url=relative)
        if alternative:
            tei("desc", graphic).text = inline_text(alternative)
        self.report.images.append(relative)


RAISED = str.maketrans({**{chr(code): f" {index} " for index, code in enumerate(
    (0x2070, 0xB9, 0xB2, 0xB3, 0x2074, 0x2075, 0x2076, 0x2077, 0x2078, 0x2079))},
    **{chr(0x2080 + index): f" {index} " for index in range(10)}})


def apart_raised(witness: str) -> str:
    """pandoc's plain text sets superscript and subscript digits as Unicode's raised and lowered
    digits ("1903⁴"): words of their own, as in the draft."""
    return witness.translate(RAISED)


def raised_apart(root: etree._Element) -> etree._Element:
    """A copy of the draft whose superscripts and subscripts are words of their own (an edition
    number after a year, "1903<hi>4</hi>", is not the number 19034)."""
    copy = deepcopy(root)
    for hi in copy.iter(f"{{{TEI_NS}}}hi"):
        if hi.get("rend") in ("superscript", "subscript"):
            hi.text = " " + (hi.text or "")
            hi.tail = " " + (hi.tail or "")
    return copy


def front_matter_text(ast: dict, source: Path) -> str:
    """pandoc's plain text of what its DOCX reader takes out of the text into the metadata (the
    paragraphs styled Title, Subtitle, Author, Abstract), which its plain text of the document leaves
    out: the fidelity check holds the draft to these words too."""
    meta = ast.get("meta", {})
    blocks = [{"t": "Para", "c": inlines} for key in ("title", "subtitle", "author")
              for inlines in meta_inlines(meta.get(key))]
    blocks += meta_blocks(meta.get("abstract"))
    if not blocks:
        return ""
    document = {"pandoc-api-version": ast["pandoc-api-version"], "meta": {}, "blocks": blocks}
    return "\n" + run_pandoc(["-f", "json", "-t", "plain", "--wrap=none"], source, stdin=json.dumps(document))


def draft_words(root: etree._Element) -> str:
    """The draft's words: its text's, and its header's title, subtitle and authors (the manuscript's)."""
    title_stmt = root.find("tei:teiHeader/tei:fileDesc/tei:titleStmt", NS)
    header = [" ".join(element.itertext()) for element in title_stmt
              if element.tag in (f"{{{TEI_NS}}}title", f"{{{TEI_NS}}}author")]
    return authorial_text(root.find("tei:text", NS)) + " " + " ".join(header)


def list_numbers(blocks: list) -> Counter:
    """The numbers of every ordered list's items, lists in any block included."""
    found: Counter = Counter()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            if value.get("t") == "OrderedList":
                (start, _, _), items = value["c"]
                found.update(str(start + index) for index in range(len(items)))
            walk(value.get("c"))
        elif isinstance(value, list):
            for element in value:
                walk(element)

    walk(blocks)
    return found


def mark_locator(bibl: etree._Element, suffix: list[dict]) -> None:
    """Wrap the locator pandoc read from the field (", page 12" in the suffix) where the shown words
    hold it, as citedRange; where they do not, an empty citedRange keeps it (no word is added)."""
    parsed = LOCATOR.match(inline_text(suffix))
    if not parsed:
        return
    locator = parsed["locator"].rstrip(".")
    unit = (parsed["label"] or "page").replace(" ", "-")
    numbers = re.split(r"\s*[–-]\s*", locator)
    attributes = {"unit": unit, "from": numbers[0]}
    if len(numbers) > 1:
        attributes["to"] = numbers[-1]
    for node in reversed(list(bibl.iter())):
        for where in ("tail", "text"):
            if node is bibl and where == "tail":
                continue
            text = getattr(node, where) or ""
            found = find_locator(text, numbers)
            if found is None:
                continue
            start, end = found
            cited = etree.Element(f"{{{TEI_NS}}}citedRange", attributes)
            cited.text = text[start:end]
            cited.tail = text[end:]
            setattr(node, where, text[:start])
            if where == "text":
                node.insert(0, cited)
            else:
                node.addnext(cited)
            return
    etree.SubElement(bibl, f"{{{TEI_NS}}}citedRange", attributes)


def find_locator(text: str, numbers: list[str]) -> tuple[int, int] | None:
    """The last place in ``text`` where the locator (a number, or a range with any dash) stands."""
    pattern = r"\s*[–—-]+\s*".join(re.escape(number) for number in numbers)
    matches = list(re.finditer(rf"(?<![\w]){pattern}(?![\w])", text))
    return (matches[-1].start(), matches[-1].end()) if matches else None


def meta_text(value: dict | None) -> str:
    if not value:
        return ""
    if value["t"] == "MetaString":
        return value["c"]
    if value["t"] == "MetaInlines":
        return inline_text(value["c"]).strip()
    return ""


def meta_inlines(value: dict | None) -> list[list[dict]]:
    """A metadata value as lists of inlines (one per item of a list)."""
    if not value:
        return []
    if value["t"] == "MetaInlines":
        return [value["c"]]
    if value["t"] == "MetaString":
        return [[{"t": "Str", "c": value["c"]}]]
    if value["t"] == "MetaList":
        return [inlines for item in value["c"] for inlines in meta_inlines(item)]
    return []


def meta_blocks(value: dict | None) -> list[dict]:
    if not value:
        return []
    if value["t"] == "MetaBlocks":
        return value["c"]
    return [{"t": "Para", "c": inlines} for inlines in meta_inlines(value)]


def meta_list(value: dict | None) -> list[str]:
    if not value:
        return []
    if value["t"] == "MetaList":
        return [text for text in (meta_text(item) for item in value["c"]) if text]
    return [text for text in [meta_text(value)] if text]


def xml_name(text: str) -> str:
    """An XML name (NCName) from a file name: letters, digits, hyphens; a letter first."""
    name = re.sub(r"[^\w.-]+", "-", ascii_word_keep(text)).strip("-.") or "draft"
    return name if name[0].isalpha() else f"d-{name}"


def ascii_word_keep(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(char for char in folded if char.isascii())


def check_draft(root: etree._Element, source: Path) -> None:
    """The draft must be valid TEI (tei_all): an importer error otherwise, nothing written."""
    from edition.project import SCHEMAS

    schema = etree.RelaxNG(etree.parse(str(SCHEMAS / "tei_all.rng")))
    if not schema.validate(etree.ElementTree(root)):
        error = schema.error_log.last_error
        raise EditionError(f"the draft made from it is not valid TEI ({error.message}); nothing written",
                           Location(source), "docx-invalid")

