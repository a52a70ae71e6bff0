"""Stage: check a volume — TEI conformance (the edition profile of tei_all) and the edition's rules.

Every rule has an id and one sentence in ``RULES``; that table is the one place rules are listed.
Most rules are Python functions over the assembled volume; the editorial conventions are Schematron
(``schema/edition-rules.sch``), whose assertions carry the same ids. A finding names the file, line
and column, says what is wrong and what to do; findings are sorted and printed one per line.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from lxml import etree

from .errors import EditionError, display_path
from .language import looks_english
from .load import NS, TEI_NS, XML_NS, Volume, base_path, load_volume, parse_file, source_path
from .model import REGISTER_KINDS, inherited_lang
from .project import PACKAGE_ROOT
from .schema import RNG
from .xmlcheck import any_element, compile_schematron, relaxng_errors, schematron_failures

SCHEMA_DIR = PACKAGE_ROOT / "schema"
POINTER_ATTRIBUTES = ("target", "ref", "corresp", "resp", "source")
ISO_DATE = re.compile(r"^-?\d{4}(-\d{2}(-\d{2})?)?$|^--\d{2}(-\d{2})?$|^---\d{2}$")
DATE_ATTRIBUTES = ("when", "notBefore", "notAfter", "from", "to")
# Name element -> the register its @ref must point into (events are labels, not names).
REF_REGISTERS = {name: kind for kind, name in REGISTER_KINDS.items() if name.endswith("Name")}


@dataclass(frozen=True, order=True)
class Finding:
    """One problem found in a file."""

    path: str
    line: int
    column: int
    severity: str  # "error" or "warning"
    message: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message} [{self.rule}]"

    def key(self) -> tuple:
        """The order of findings as a sort key (sorting by ``<`` calls a method per comparison)."""
        return self.path, self.line, self.column, self.severity, self.message, self.rule


@dataclass
class Context:
    """What rules look at: the volume, every xml:id in it, and the bibliography keys."""

    volume: Volume
    ids: dict[str, etree._Element]
    bib_keys: set[str] | None
    bib_path: Path


@dataclass(frozen=True)
class Rule:
    id: str
    sentence: str
    check: Callable[[Context], Iterator[Finding]] | None = None  # None: a Schematron assertion


def finding(element: etree._Element, ctx: Context, rule: str, message: str,
            severity: str = "error") -> Finding:
    path = _shown(element.base, ctx.volume.path, os.getcwd())
    return Finding(path, element.sourceline or 0, 1, severity, message, rule)


@cache
def _shown(base: str | None, default: Path, cwd: str) -> str:
    """The file an xml:base names, as findings show it (once per file: resolving a path stats every
    folder on it, and an invalid file may have a finding per element)."""
    return display_path(base_path(base, default))


def elements(ctx: Context) -> Iterator[etree._Element]:
    return (e for e in ctx.volume.root.iter() if isinstance(e.tag, str))


def carrying(root: etree._Element, *attributes: str) -> list[etree._Element]:
    """The elements that carry any of these attributes, in document order (libxml2 picks them out:
    a Python loop over every element is what a big file makes slow)."""
    return _carrying(attributes)(root)


@cache
def _carrying(attributes: tuple[str, ...]) -> etree.XPath:
    test = " or ".join(f"@{name}" for name in attributes)
    return etree.XPath(f"descendant-or-self::*[{test}]")


def local(element: etree._Element) -> str:
    return element.tag.rpartition("}")[2]  # as QName(element).localname, without making a QName


# --- TEI conformance -------------------------------------------------------------------------------

@cache
def profile_schema() -> etree.RelaxNG:
    return etree.RelaxNG(parse_file(SCHEMA_DIR / "edition.rng"))


@cache
def profile_element_schema() -> etree.RelaxNG:
    """The profile with any of its elements as the start: one element checked on its own."""
    return etree.RelaxNG(any_element(parse_file(SCHEMA_DIR / "edition.rng")))


@cache
def element_names(schema: str) -> frozenset[str]:
    """Every element name a schema of ``schema/`` defines: tei_all's, to tell a misspelt element from
    one the edition's profile leaves out."""
    grammar = parse_file(SCHEMA_DIR / schema)
    return frozenset(e.get("name") for e in grammar.iter(f"{RNG}element") if e.get("name"))


def check_schema(ctx: Context) -> Iterator[Finding]:
    errors = relaxng_errors(profile_schema(), ctx.volume.root, profile_element_schema)
    if not errors:
        return
    specific = list(_unknown_elements(ctx))
    if specific:  # libxml2 then blames the ancestors; the unknown element is the cause
        yield from specific
        return
    for where, message in errors:
        parent = where.getparent() if where.getparent() is not None else where
        yield finding(where, ctx, "tei-schema",
                      f"<{local(where)}> does not conform to TEI P5 here ({message}); see what the TEI "
                      f"Guidelines allow in <{local(parent)}>")


def _unknown_elements(ctx: Context) -> Iterator[Finding]:
    profile = element_names("edition.rng")
    for element in elements(ctx):
        name = local(element)
        if etree.QName(element).namespace != TEI_NS or name in profile:
            continue
        if name in element_names("tei_all.rng"):
            yield finding(element, ctx, "tei-schema",
                          f"<{name}> is TEI but outside the edition's profile; if it is wanted, run "
                          "`python -m edition.schema` to regenerate schema/edition.rng")
        else:
            yield finding(element, ctx, "tei-schema",
                          f"<{name}> is not a TEI P5 element; check its spelling in the TEI Guidelines")


# --- Python rules -----------------------------------------------------------------------------------

def check_unique_ids(ctx: Context) -> Iterator[Finding]:
    seen: dict[str, etree._Element] = {}
    for element in carrying(ctx.volume.root, "xml:id"):
        value = element.get(f"{{{XML_NS}}}id")
        if value is None:
            continue
        if value in seen:
            first = seen[value]
            where = f"{display_path(source_path(first, ctx.volume.path))}:{first.sourceline}"
            yield finding(element, ctx, "id-unique",
                          f"xml:id '{value}' is already used at {where}; give this element another id")
        else:
            seen[value] = element


def check_pointers(ctx: Context) -> Iterator[Finding]:
    for element in carrying(ctx.volume.root, *POINTER_ATTRIBUTES):
        for attribute in POINTER_ATTRIBUTES:
            for value in (element.get(attribute) or "").split():
                message = _pointer_problem(element, attribute, value, ctx)
                if message:
                    yield finding(element, ctx, "pointer-resolves", message)


def _pointer_problem(element: etree._Element, attribute: str, value: str, ctx: Context) -> str | None:
    if value.startswith("#"):
        target = ctx.ids.get(value[1:])
        if target is None:
            return (f"@{attribute} points to '{value}', but no element has xml:id '{value[1:]}'; "
                    "add that id or fix the pointer")
        wanted = REF_REGISTERS.get(local(element)) if attribute == "ref" else None
        if wanted and local(target) != wanted:
            return (f"<{local(element)} ref='{value}'> must point to a <{wanted}>, but '{value[1:]}' is a "
                    f"<{local(target)}>; point it to the register entry")
        return None
    if value.startswith("bib:"):
        key = value[4:]
        if ctx.bib_keys is None:
            return (f"@{attribute} '{value}' names a bibliography entry, but "
                    f"{display_path(ctx.bib_path)} is missing")
        if key not in ctx.bib_keys:
            return (f"{local(element)} target '{value}' has no entry in {display_path(ctx.bib_path)}; "
                    "add it or fix the key")
    return None


def check_notes_anchored(ctx: Context) -> Iterator[Finding]:
    for note in ctx.volume.root.iter(f"{{{TEI_NS}}}note"):
        in_text = any(local(a) == "text" for a in note.iterancestors())
        if note.get("place") == "foot" and not in_text:
            yield finding(note, ctx, "note-anchored",
                          "a footnote outside the text has no call; move it to where the author calls it")
        if note.get("place") == "foot" and not note.get("n"):
            yield finding(note, ctx, "note-number",
                          "footnote without @n; give it the number the source prints")


# A word that starts where no letter precedes it: without the look-behind a long run of letters is
# tried from every position inside it, each try backtracking over the rest (quadratic: a 40 kB word
# took two minutes). The first match is the same either way.
GLUE = re.compile(r"(?<![^\W\d_])[^\W\d_]{2,}[.,;:’”\"']?\d{1,3}(?=[\s.,;:]|$)")


OUTSIDE_RUNNING_TEXT = frozenset({"fw", "ref", "bibl", "note", "sic", "orig", "abbr", "teiHeader", "title"})


def _outside_running_text(element: etree._Element) -> bool:
    """Notes, witness readings and running heads may hold numbers after words (dates, citations)."""
    return any(local(e) in OUTSIDE_RUNNING_TEXT for e in (element, *element.iterancestors()))


def _running_text(root: etree._Element) -> Iterator[etree._Element]:
    """``root`` and the elements below it that are running text, in document order: what is
    outside it is skipped with its whole subtree (one walk, not every element's ancestors)."""
    stack = [root]
    while stack:
        element = stack.pop()
        if isinstance(element.tag, str) and local(element) not in OUTSIDE_RUNNING_TEXT:
            yield element
            stack.extend(reversed(element))


def check_footnote_glue(ctx: Context) -> Iterator[Finding]:
    for article in ctx.volume.articles:
        text = article.root.find(f"{{{TEI_NS}}}text")
        for element in (_running_text(text) if text is not None else ()):
            for chunk in (element.text, element.tail):
                match = GLUE.search(chunk) if chunk else None
                if match:
                    yield finding(element, ctx, "note-glue",
                                  f"'{match.group()}' looks like a footnote number glued to a word; "
                                  "move the note to a <note n=\"…\"> at this point", "warning")


def check_dates(ctx: Context) -> Iterator[Finding]:
    for element in carrying(ctx.volume.root, *DATE_ATTRIBUTES):
        for attribute in DATE_ATTRIBUTES:
            value = element.get(attribute)
            if value is None or local(element) in {"citedRange", "biblScope"}:
                continue
            if not ISO_DATE.match(value):
                yield finding(element, ctx, "date-iso",
                              f"@{attribute}='{value}' is not an ISO date; write YYYY, YYYY-MM or YYYY-MM-DD")


def check_language(ctx: Context) -> Iterator[Finding]:
    for article in ctx.volume.articles:
        text = article.root.find(f"{{{TEI_NS}}}text")
        if text is None:
            continue
        if not (text.get(f"{{{XML_NS}}}lang") or article.root.get(f"{{{XML_NS}}}lang")):
            yield finding(text, ctx, "lang-text", "the text has no xml:lang; add xml:lang=\"tr\"")
        for block in text.iter(*(f"{{{TEI_NS}}}{n}" for n in ("p", "head", "item", "quote"))):
            if inherited_lang(block) != "en" and _looks_english(block):
                yield finding(block, ctx, "lang-english",
                              "this passage reads as English but is not marked so; add xml:lang=\"en\"")


# Compiled once: an XPath string given to .xpath() is compiled again for every block.
OWN_TEXT = etree.XPath("text()|*[not(self::tei:note) and not(@xml:lang)]//text()", namespaces=NS)


def _looks_english(block: etree._Element) -> bool:
    return looks_english(" ".join(OWN_TEXT(block)), min_words=8, share=0.15)


@cache
def editorial_schematron() -> etree.XSLT:
    return compile_schematron(parse_file(SCHEMA_DIR / "edition-rules.sch"))


def check_editorial_conventions(ctx: Context) -> Iterator[Finding]:
    failures = schematron_failures(editorial_schematron(), etree.ElementTree(ctx.volume.root))
    for line, base, rule, text in failures:
        yield Finding(_shown(base or None, ctx.volume.path, os.getcwd()), line, 1, "error", text, rule)


RULES: tuple[Rule, ...] = (
    Rule("tei-schema", "Every file conforms to TEI P5 (the edition profile of tei_all 4.3.0).",
         check_schema),
    Rule("id-unique", "Every xml:id is unique across the whole volume.", check_unique_ids),
    Rule("pointer-resolves", "Every #id pointer (@target, @ref, @corresp, @resp, @source) resolves, to a "
         "register entry of the right kind for names; every bib:KEY names an entry of the .bib.",
         check_pointers),
    Rule("note-anchored", "Every footnote stands in the text at its call.", check_notes_anchored),
    Rule("note-number", "Every footnote carries the number the source prints (@n).", None),
    Rule("note-glue", "No footnote number stays glued to a word in the text.", check_footnote_glue),
    Rule("date-iso", "@when, @notBefore, @notAfter, @from and @to are ISO dates.", check_dates),
    Rule("lang-text", "Every article's text declares its language.", check_language),
    Rule("lang-english", "Every English passage carries xml:lang=\"en\".", None),
    Rule("editorial-resp", "Editorial text (corr, reg, expan, supplied, editorial notes, supplied titles) "
         "names who is responsible (@resp).", check_editorial_conventions),
    Rule("editorial-choice", "A choice pairs the source's reading with the editors' (sic/corr, orig/reg, "
         "abbr/expan).", None),
    Rule("editorial-place", "corr, reg and expan stand only inside a choice.", None),
)


def bibliography_keys(path: Path) -> set[str] | None:
    if not path.is_file():
        return None
    from .bibliography import load_bibliography

    return {entry.key for entry in load_bibliography(path).entries}


def validate(volume_path: Path, project_root: Path, bib_path: Path | None = None) -> list[Finding]:
    """All findings for a volume; a file that cannot be read at all is one finding."""
    bib_path = bib_path or Path(project_root) / "bibliography" / "edition.bib"
    try:
        volume = load_volume(volume_path, project_root)
        bib_keys = bibliography_keys(bib_path)
    except EditionError as exc:
        return [load_finding(exc, volume_path)]
    ids = {e.get(f"{{{XML_NS}}}id"): e for e in carrying(volume.root, "xml:id") if e.get(f"{{{XML_NS}}}id")}
    ctx = Context(volume, ids, bib_keys, bib_path)
    findings = set(f for rule in RULES if rule.check for f in rule.check(ctx))
    return sorted(findings, key=Finding.key)


def load_finding(exc: EditionError, fallback: Path) -> Finding:
    location = exc.location
    path = display_path(location.path) if location else display_path(fallback)
    return Finding(path, location.line if location else 0, location.column if location else 0,
                   "error", exc.message, exc.rule)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def report(findings: Iterable[Finding], fmt: str = "text") -> str:
    findings = list(findings)
    if fmt == "json":
        return json.dumps([asdict(f) for f in findings], ensure_ascii=False, indent=2)
    errors = sum(1 for f in findings if f.severity == "error")
    lines = [str(f) for f in findings]
    lines.append(f"{plural(errors, 'error')}, {plural(len(findings) - errors, 'warning')}")
    return "\n".join(lines)
