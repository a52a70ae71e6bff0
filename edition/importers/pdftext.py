"""``edition import``: a draft TEI file from a PDF-extracted text.

The draft is where an encoding starts, not where it ends. It undoes line-end hyphenation, moves
footnote texts from the page foot to their calls, rejoins paragraphs cut by page breaks, and detects
headings, abstracts and keywords. Whatever it cannot decide stays in the text and is listed in the
report; no word is dropped (the report's fidelity line proves it on every run).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from edition.check.fidelity import Fidelity, authorial_text, dehyphenate, measure, words
from edition.i18n.language import looks_english
from edition.tei.load import NS, safe_parser

SENTENCE_END = re.compile(r"[.!?:…”\")]\s*$")
FOOTNOTE_LINE = re.compile(r"^\s*(\d{1,3}|\*)\s+(\S.*)$")
# A call: digits glued to a word or its punctuation, or set one space after closing punctuation. Only the
# next number in sequence counts, which keeps dates and quantities out.
_CLOSING = "’”“\"')\\].,;:…!?"
CALL = re.compile(
    rf"([^\W\d_](?:[{_CLOSING}]{{0,4}}|[{_CLOSING} ]{{0,5}}[{_CLOSING}])|[.”“\"’)…!?]{{1,3}} [“\"]?)"
    r"(\d{1,3})(?=[\s,.;:)]|$)"
)
NUMBERED_HEAD = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+\S")
ABSTRACT_HEAD = re.compile(r"^(ÖZET|ÖZ|Öz|Özet|ABSTRACT|Abstract)\s*:?\s*$")
KEYWORDS = re.compile(r"^(Anahtar [Kk]elimeler|Keywords|Key [Ww]ords)\s*:")
HYPHEN_BREAK = re.compile(r"([^\W\d_])-\s*$")


@dataclass
class Block:
    """A paragraph-like run of the witness: its text, and whether a page break falls inside it."""

    kind: str  # p, head, abstract-head, keywords
    text: str
    level: int = 1
    lang: str | None = None  # None: the document's language


@dataclass
class ImportReport:
    """What the importer recovered and what it left to the editor."""

    footnotes_placed: int = 0
    footnotes_unplaced: list[str] = field(default_factory=list)
    calls_without_note: list[str] = field(default_factory=list)
    headings: int = 0
    paragraphs: int = 0
    page_breaks: int = 0
    undecided: list[str] = field(default_factory=list)
    fidelity: Fidelity | None = None

    def summary(self) -> str:
        lines = [
            f"paragraphs: {self.paragraphs}, headings: {self.headings}, page breaks: {self.page_breaks}",
            f"footnotes placed at their calls: {self.footnotes_placed}",
        ]
        if self.footnotes_unplaced:
            lines.append("footnotes left where they stood (no call found): "
                         + ", ".join(self.footnotes_unplaced))
        if self.calls_without_note:
            lines.append("calls with no footnote text: " + ", ".join(self.calls_without_note))
        lines += [f"undecided: {item}" for item in self.undecided]
        if self.fidelity:
            lines.append("words kept: " + self.fidelity.report(limit=15).replace("\n", "; "))
        return "\n".join(lines)


def read_lines(source: str) -> list[str]:
    """Lines of the witness; in files with an empty line after every line, only spaces mark paragraphs."""
    lines = source.splitlines()
    empty = sum(1 for line in lines if line == "")
    if empty > 0.4 * len(lines):
        return [" " if line.strip() == "" and line != "" else line for line in lines if line != ""]
    return lines


class Importer:
    """One pass over the witness lines, from top to bottom."""

    def __init__(self, source: str) -> None:
        self.lines = read_lines(source)
        self.report = ImportReport()
        self.blocks: list[Block] = []
        self.notes: dict[str, str] = {}
        self.next_call = 1
        self.next_note = 1
        self.pending_calls: set[str] = set()

    def run(self) -> list[Block]:
        paragraph: list[str] = []
        index = 0
        while index < len(self.lines):
            line = self.lines[index]
            footnote = self.footnote_start(line)
            if footnote:
                index = self.read_footnote(index, footnote)
                if paragraph and not SENTENCE_END.search(paragraph[-1]):
                    paragraph.append("\x00pb\x00")  # the paragraph goes on past the page foot
                    self.report.page_breaks += 1
                continue
            if not line.strip():
                self.flush(paragraph)
                paragraph = []
            else:
                paragraph.append(self.mark_calls(line.strip()))
            index += 1
        self.flush(paragraph)
        return self.blocks

    def footnote_start(self, line: str) -> tuple[str, str] | None:
        match = FOOTNOTE_LINE.match(line)
        if match and match.group(1) in self.pending_calls:
            return match.group(1), match.group(2)
        return None

    def read_footnote(self, index: int, start: tuple[str, str]) -> int:
        number, text = start
        parts = [text.strip()]
        index += 1
        # A footnote runs to a blank line, or to a line that starts with a space (a new page's first line).
        while index < len(self.lines) and self.lines[index].strip() and not self.lines[index][:1].isspace():
            parts.append(self.lines[index].strip())
            index += 1
        self.notes[number] = join_lines(parts)
        self.pending_calls.discard(number)
        while index < len(self.lines) and not self.lines[index].strip():
            index += 1
        return index

    def mark_calls(self, line: str) -> str:
        def replace(match: re.Match[str]) -> str:
            prefix, number = match.groups()
            if int(number) != self.next_call:
                return match.group(0)
            self.next_call += 1
            self.pending_calls.add(number)
            return f"{prefix.rstrip()}\x00note:{number}\x00"

        return CALL.sub(replace, line)

    def flush(self, lines: list[str]) -> None:
        if not lines:
            return
        text = join_lines(lines)
        plain = re.sub("\x00[^\x00]*\x00", "", text).strip()
        block = Block("p", text)
        if ABSTRACT_HEAD.match(plain):
            block.kind = "abstract-head"
            block.lang = "en" if plain.lower().startswith("abstract") else "tr"  # Özet, Öz: Turkish
        elif KEYWORDS.match(plain):
            block.kind = "keywords"
        elif len(lines) <= 2 and len(plain) < 120 and not plain.endswith((".", ",", ";")) and (
                NUMBERED_HEAD.match(plain) or plain.isupper() or len(plain.split()) <= 8):
            block.kind = "head"
            numbered = NUMBERED_HEAD.match(plain)
            block.level = numbered.group(1).count(".") + 1 if numbered else 1
            if not numbered and not plain.isupper():
                self.report.undecided.append(f"short line taken as a heading: {plain[:60]!r}")
        if is_english(plain):
            block.lang = "en"
        self.blocks.append(block)


def join_lines(lines: list[str]) -> str:
    """Join witness lines, undoing a line-end hyphen before a lowercase letter."""
    text = ""
    for line in lines:
        if HYPHEN_BREAK.search(text) and line[:1].islower():
            text = text.rstrip()[:-1] + line
        else:
            text = f"{text} {line}" if text else line
    return re.sub(r"[ \t]+", " ", text).strip()


def is_english(text: str) -> bool:
    return looks_english(text, min_words=6, share=0.12)  # lenient: a draft, checked by the editor


def inline(text: str, notes: dict[str, str], report: ImportReport) -> str:
    """Escape a block's text and put its page breaks and notes in place."""
    out = []
    for i, piece in enumerate(text.split("\x00")):
        if i % 2 == 0:
            out.append(escape(piece))
        elif piece == "pb":
            out.append("<pb/>")
        else:
            number = piece.split(":", 1)[1]
            if number in notes:
                out.append(f'<note place="foot" n="{number}">{escape(notes.pop(number))}</note>')
                report.footnotes_placed += 1
            else:
                out.append(number)  # keep the digits: an unmatched call stays as printed
                report.calls_without_note.append(number)
    return "".join(out)


def to_tei(blocks: list[Block], notes: dict[str, str], source_name: str, report: ImportReport,
           language: str | None = None) -> str:
    """The draft's text; ``language`` is the document's (None: unsaid, so that an including volume's
    xml:lang, or the project's text_language, is what the text inherits)."""
    front: list[str] = []
    body: list[str] = []
    target = body
    open_divs: list[int] = []

    def close_to(level: int) -> None:
        while open_divs and open_divs[-1] >= level:
            open_divs.pop()
            body.append("</div>")

    in_abstract = False
    for block in blocks:
        text = inline(block.text, notes, report)
        lang = f' xml:lang="{block.lang}"' if block.lang and block.lang != language else ""
        if block.kind == "abstract-head":
            if in_abstract:
                front.append("</div>")
            front.append(f'<div type="abstract"{lang}><head>{text}</head>')
            target, in_abstract = front, True
            report.headings += 1
        elif block.kind == "keywords":
            if in_abstract:
                front.append("</div>")
                in_abstract = False
            front.append(f'<div type="keywords"{lang}><p>{text}</p></div>')
            target = body  # the text proper starts after the keywords
        elif block.kind == "head":
            if in_abstract:
                front.append("</div>")
                in_abstract, target = False, body
            close_to(block.level)
            body.append(f'<div type="section"{lang}><head>{text}</head>')
            open_divs.append(block.level)
            report.headings += 1
        else:
            if in_abstract and front and front[-1].startswith('<div type="keywords"'):
                in_abstract, target = False, body
            target.append(f"<p{lang}>{text}</p>")
            report.paragraphs += 1
    if in_abstract:
        front.append("</div>")
    close_to(0)
    for number, note in notes.items():  # notes whose call was never found stay in the text
        body.append(f'<p><note place="foot" n="{number}">{escape(note)}</note></p>')
        report.footnotes_unplaced.append(number)
    if not any(part.startswith("<p") for part in body):
        body.append("<p/>")
    return TEMPLATE.format(
        lang=f' xml:lang="{escape(language)}"' if language else "",
        source=escape(source_name), front="\n".join(front) if front else "",
        body="\n".join(fix_empty_divs(body)),
    ).replace("<front></front>", "")


def fix_empty_divs(body: list[str]) -> list[str]:
    """A div must hold more than its head: give an empty section an empty paragraph."""
    fixed: list[str] = []
    for part in body:
        if part == "</div>" and fixed and fixed[-1].startswith('<div type="section"'):
            fixed.append("<p/>")
        fixed.append(part)
    return fixed


TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0"{lang}>
  <teiHeader xml:lang="en">
    <fileDesc>
      <titleStmt>
        <title type="supplied">Draft: {source}</title>
      </titleStmt>
      <publicationStmt><p>A draft made by edition import: the title, the author and the publication
        details are for the editors to supply.</p></publicationStmt>
      <sourceDesc>
        <bibl type="witness">Plain text extracted from a PDF:
          <ref target="sources/{source}">{source}</ref></bibl>
      </sourceDesc>
    </fileDesc>
  </teiHeader>
  <text>
    <front>{front}</front>
    <body>
{body}
    </body>
  </text>
</TEI>
"""


def import_text(path: Path, language: str | None = None) -> tuple[str, ImportReport]:
    """Draft TEI for one witness, with the report of what was recovered and what was not.
    ``language``: the text's (a BCP 47 code: the project's text_language or the command's
    --language); None leaves it unsaid, for the volume that includes the draft to give."""
    source = Path(path).read_text(encoding="utf-8")
    importer = Importer(source)
    blocks = importer.run()
    tei = to_tei(blocks, dict(importer.notes), Path(path).name, importer.report, language)
    root = _parse(tei)
    edition_text = authorial_text(root.find("tei:text", NS))
    importer.report.fidelity = measure(words(dehyphenate(source, edition_text)), words(edition_text))
    return tei, importer.report


def _parse(tei: str):
    from lxml import etree

    return etree.fromstring(tei.encode("utf-8"), safe_parser())
