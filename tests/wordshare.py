"""The share of a TEI document's words that a built PDF and site show (for tests/test_single.py)."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

TEI_NS = "http://www.tei-c.org/ns/1.0"
# Elements that may stand inside a word (<hi>W</hi>ord, a<lb break="no"/>b): their boundaries are
# not word boundaries. Every other element's are (<w>, <pc>, <l>, <p>, <lb/>, <cell>…).
INSIDE_WORDS = frozenset({"hi", "emph", "choice", "sic", "corr", "orig", "reg", "abbr", "expan", "ex", "am",
                          "add", "del", "supplied", "unclear", "damage", "seg", "c", "g", "foreign", "subst",
                          "restore", "surplus", "handShift", "anchor"})
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
# A CJK character is a word of its own (the text has no spaces to split at); otherwise runs of letters
# and digits.
MARKS = "\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"  # combining marks: part of a word
WORD = re.compile(rf"[{CJK}]|(?:(?![{CJK}])[^\W_]|[{MARKS}])+")
NOTE_CALL = re.compile(r"([^\W\d_]{2,})\d{1,3}")  # a word, then the number of the note it calls
LINE_END_HYPHENS = ("\u2010", "\u00ad")  # the hyphens WeasyPrint's hyphenation ends a line with


HTML_BLOCKS = ("address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt",
               "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
               "main", "nav", "ol", "p", "section", "summary", "table", "td", "th", "tr", "ul")
# Editorial brackets inside a word ("[το]ῦ", "θ(εο)ῦ": supplied letters, an expansion) do not split it.
SIGLA_IN_WORDS = re.compile(r"(?<=\w)[\[\]⟨⟩()]+(?=\w)")


def words(text: str) -> Counter[str]:
    return Counter(WORD.findall(SIGLA_IN_WORDS.sub("", fold(text))))


def fold(text: str) -> str:
    """Case folded, composed again (case folding decomposes some Greek letters: ῦ → ῦ)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())


def tei_words(path: Path) -> Counter[str]:
    """The words of the document's ``<text>`` (notes included), element boundaries read as spaces
    except those of elements that may stand inside a word."""
    root = etree.parse(str(path)).getroot()
    parts: list[str] = []

    def walk(element: etree._Element) -> None:
        name = etree.QName(element).localname if isinstance(element.tag, str) else ""
        joins = name in INSIDE_WORDS or element.get("break") == "no"
        separator = "" if joins or not name else " "
        parts.append(separator + (element.text or "" if name else ""))
        for child in element:
            walk(child)
        parts.append(separator + (element.tail or ""))

    for text in root.iterfind(f"{{{TEI_NS}}}text"):
        walk(text)
    return words("".join(parts))


def pdf_words(pdf: Path) -> Counter[str]:
    """The words of the PDF's text (pdftotext in content order, ``-raw``: it leaves a hyphen that
    ends a line alone, so "rump-fed" stays two words), with each word WeasyPrint hyphenated at a
    line's end made whole again (``hyphenated_words``)."""
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True, timeout=120).stdout
    found = words(text)
    return found + Counter(hyphenated_words(text)) + Counter(called_words(found))


def called_words(found: Counter[str]) -> list[str]:
    """Each word a numbered note call follows ("elements2": pdftotext sets the superscript call on
    the word), without its call; a word too many does not raise the share."""
    return [match.group(1) for word in found if (match := NOTE_CALL.fullmatch(word))]


def hyphenated_words(text: str) -> list[str]:
    """Each word broken by WeasyPrint's hyphenation, joined with its end. The end starts the next
    line, or, when the break ends a page, the next page (the page's footnotes, running head and folio
    come between): both joins are given, as a word too many does not raise the share."""
    lines = text.split("\n")
    joined = []
    for index, line in enumerate(lines):
        if not line.endswith(LINE_END_HYPHENS):
            continue
        start = WORD.findall(fold(line[:-1]))
        if not start:
            continue
        following = [lines[index + 1]] if index + 1 < len(lines) else []
        following += [later for later in lines[index + 1:] if later.startswith("\f")][:1]
        for later in following:
            end = WORD.findall(fold(later.lstrip("\f")))
            if end:
                joined.append(start[-1] + end[0])
    return joined


def site_words(site: Path) -> Counter[str]:
    """The words of every page of the site (scripts and styles left out), as a browser shows them:
    inline elements do not end a word, blocks do."""
    found: Counter[str] = Counter()
    for page in sorted(site.glob("*.html")):
        tree = lxml_html.fromstring(page.read_bytes())
        # Scripts and styles are no text; a note call is the edition's number, not the source's, and
        # follows its word at once ("magis¹"), which would read as one word "magis1".
        calls = "//a[contains(concat(' ', @class, ' '), ' note-call ')]"
        for dropped in tree.xpath(f"//script | //style | {calls}"):
            dropped.drop_tree()
        for block in tree.iter(*HTML_BLOCKS):
            block.tail = " " + (block.tail or "")
            block.text = " " + (block.text or "")
        found += words(tree.text_content())
    return found


def share(source: Counter[str], shown: Counter[str]) -> tuple[float, Counter[str]]:
    """The share of the source's words (counted with repetition) that the output shows, and the
    words missing (with how many times)."""
    missing = source - shown
    total = sum(source.values())
    return (1 - sum(missing.values()) / total if total else 1.0), missing
