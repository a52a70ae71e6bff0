"""Stage: check TEI documents — conformance to a schema, integrity, and a profile's conventions.

Any TEI P5 document is held to what jing with tei_all 4.3.0 holds it to (``conformance.py``), and to
the integrity rules that make sense for any edition (unique ids, local pointers that resolve,
footnotes in the text), which are warnings where tei_all itself is silent. A project may switch on a
named profile in ``edition.toml`` (``PROFILES``): the bundled volume's is ``article-volume``, its
element profile of tei_all, its Schematron and its editorial conventions; and it may name its own
RELAX NG schema and Schematron.

Every rule has an id and one sentence in ``RULES``; that table is the one place rules are listed.
A finding names the file, line and column, says what is wrong and what to do; findings are sorted
and printed one per line.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path

from lxml import etree

from edition.bib.read import as_paths
from edition.check import conformance
from edition.check.schema import RNG
from edition.check.xmlcheck import compile_schematron, schematron_failures
from edition.config import CONFIG_NAME, Config, load_config
from edition.errors import EditionError, display_path
from edition.i18n.language import UNDETERMINED, looks_english
from edition.processing.rules import default_model
from edition.project import SCHEMAS, project_bibliographies
from edition.render.links import refused_bib_links, refused_link
from edition.tei.annotate import siglum_of
from edition.tei.load import (
    NS,
    TEI_NS,
    XML_NS,
    Volume,
    attach_registers,
    base_path,
    default_language,
    included_from,
    load_volume,
    parse_file,
    source_path,
)
from edition.tei.model import REGISTER_KINDS, inherited_lang, page_name_problems

SCHEMA_DIR = SCHEMAS
# The bundled volume's pointers (the article-volume profile); any document: every anyURI attribute.
POINTER_ATTRIBUTES = ("target", "ref", "corresp", "resp", "source")
ISO_DATE = re.compile(r"^-?\d{4}(-\d{2}(-\d{2})?)?$|^--\d{2}(-\d{2})?$|^---\d{2}$")
DATE_ATTRIBUTES = ("when", "notBefore", "notAfter", "from", "to")
# Attributes whose URLs could become a link or an image (ref, ptr, graphic, facsimile, names).
LINK_ATTRIBUTES = ("target", "url", "facs", "ref")
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
        where = f"{self.path}:{self.line}:{self.column}" if self.line else self.path  # 0: the whole file
        return f"{where}: {self.severity}: {self.message} [{self.rule}]"

    def key(self) -> tuple:
        """The order of findings as a sort key (sorting by ``<`` calls a method per comparison)."""
        return self.path, self.line, self.column, self.severity, self.message, self.rule


@dataclass(frozen=True)
class Profile:
    """A named set of conventions a project switches on (``[validation] profile``): a schema in
    place of tei_all, a Schematron, and rules beyond the generic ones, each at its own severity."""

    name: str
    sentence: str
    schema: Path | None = None
    schematron: Path | None = None
    rules: frozenset[str] = frozenset()


@dataclass
class Context:
    """What rules look at: the volume, every xml:id in it, the bibliography (keys and entries), the
    profile and the schema and Schematron in force."""

    volume: Volume
    ids: dict[str, etree._Element]
    bib_keys: set[str] | None
    bib_paths: list[Path]
    profile: Profile | None = None
    schema: Path = field(default_factory=lambda: conformance.TEI_ALL)
    schematron: Path | None = None
    bib_entries: list = field(default_factory=list)  # bibtexparser entries
    bib_sources: dict[str, Path] = field(default_factory=dict)  # entry key -> its .bib file

    @property
    def bib_label(self) -> str:
        return ", ".join(display_path(path) for path in self.bib_paths)


@dataclass(frozen=True)
class Rule:
    id: str
    sentence: str
    check: Callable[[Context], Iterator[Finding]] | None = None  # None: a Schematron assertion
    severity: str = "error"  # in a profile that switches the rule on
    generic: str | None = None  # for every document: "error", "warning" (tei_all is silent), None: off


def finding(element: etree._Element, ctx: Context, rule: str, message: str,
            severity: str = "error") -> Finding:
    path = _shown(included_from(element), ctx.volume.path, os.getcwd())
    return Finding(path, element.sourceline or 0, 1, severity, message, rule)


@cache
def _shown(base: str | None, default: Path, cwd: str) -> str:
    """The file an included file's URI names (``included_from``), as findings show it (once per
    file: resolving a path stats every folder on it, and an invalid file may have a finding per
    element)."""
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
def element_names(schema: str) -> frozenset[str]:
    """Every element name a schema of the theme's ``schemas/`` defines: tei_all's, to tell a misspelt
    element from one the edition's profile leaves out."""
    grammar = parse_file(SCHEMA_DIR / schema)
    return frozenset(e.get("name") for e in grammar.iter(f"{RNG}element") if e.get("name"))


def check_schema(ctx: Context) -> Iterator[Finding]:
    schema = conformance.schema(ctx.schema)
    problems = schema.problems(ctx.volume.root)
    if not problems:
        return
    specific = list(_unknown_elements(ctx, schema.element_names))
    if specific:  # libxml2 then blames the ancestors; the unknown element is the cause
        yield from specific
        return
    for problem in problems:
        yield finding(problem.element, ctx, "tei-schema", problem.message)


def _unknown_elements(ctx: Context, known: frozenset[str]) -> Iterator[Finding]:
    for element in elements(ctx):
        name = local(element)
        if etree.QName(element).namespace != TEI_NS or name in known:
            continue
        if name not in element_names("tei_all.rng"):
            yield finding(element, ctx, "tei-schema",
                          f"<{name}> is not a TEI P5 element; check its spelling in the TEI Guidelines")
        elif ctx.profile is not None and ctx.schema == ctx.profile.schema == ARTICLE_VOLUME.schema:
            yield finding(element, ctx, "tei-schema",
                          f"<{name}> is TEI but outside the edition's profile; if it is wanted, run "
                          "`python -m edition.check.schema` to regenerate edition/theme/schemas/edition.rng")
        else:
            yield finding(element, ctx, "tei-schema",
                          f"<{name}> is TEI but not in the schema in force ({display_path(ctx.schema)})")


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


def pointers(ctx: Context, prefix: str) -> Iterator[tuple[etree._Element, str, str]]:
    """(element, attribute, value) for every pointer starting with ``prefix``."""
    attributes = POINTER_ATTRIBUTES if ctx.profile is ARTICLE_VOLUME else pointer_attributes()
    for element in elements(ctx):
        for attribute, values in element.attrib.items():
            if attribute in attributes:
                for value in values.split():
                    if value.startswith(prefix):
                        yield element, etree.QName(attribute).localname, value


@cache
def pointer_attributes() -> frozenset[str]:
    """Every attribute tei_all types as URIs (target, ref, corresp, who, facs, wit, …)."""
    grammar = conformance.schema(conformance.TEI_ALL).grammar
    return frozenset(a.get("name") for a in grammar.iter(f"{RNG}attribute")
                     if a.get("name") and any(d.get("type") == "anyURI" for d in a.iter(f"{RNG}data")))


def check_pointers(ctx: Context) -> Iterator[Finding]:
    """One finding per missing target, at its first pointer (a document may point to one missing
    taxonomy a hundred times)."""
    dangling: dict[tuple[str, str], list[etree._Element]] = {}
    for element, attribute, value in pointers(ctx, "#"):
        if value[1:] not in ctx.ids and attribute != "wit":  # wit-declared says more
            dangling.setdefault((attribute, value), []).append(element)
    for (attribute, value), where in dangling.items():
        more = f" (and {len(where) - 1} more @{attribute} like it)" if len(where) > 1 else ""
        yield finding(where[0], ctx, "pointer-resolves",
                      f"@{attribute} points to '{value}', but no element has xml:id '{value[1:]}'; "
                      f"add that id or fix the pointer{more}")


def check_register_pointers(ctx: Context) -> Iterator[Finding]:
    for element, attribute, value in pointers(ctx, "#"):
        target = ctx.ids.get(value[1:])
        wanted = REF_REGISTERS.get(local(element)) if attribute == "ref" else None
        if target is not None and wanted and local(target) != wanted:
            yield finding(element, ctx, "pointer-register",
                          f"<{local(element)} ref='{value}'> must point to a <{wanted}>, but '{value[1:]}' "
                          f"is a <{local(target)}>; point it to the register entry")


def check_bibliography_pointers(ctx: Context) -> Iterator[Finding]:
    if ctx.bib_keys is None and ctx.profile is None:
        return  # no .bib and no profile asking for one: bib: may be the document's own convention
    for element, attribute, value in pointers(ctx, "bib:"):
        if ctx.bib_keys is None:
            yield finding(element, ctx, "pointer-bib", f"@{attribute} '{value}' names a bibliography "
                          "entry, but the project has no .bib file (edition.toml's [files] bibliography, "
                          "else bibliography/*.bib)")
        elif value[4:] not in ctx.bib_keys:
            yield finding(element, ctx, "pointer-bib", f"{local(element)} target '{value}' has no entry in "
                          f"{ctx.bib_label}; add it or fix the key")


def check_links(ctx: Context) -> Iterator[Finding]:
    """URLs in the TEI and the .bib that will be printed as text instead of links."""
    for element in elements(ctx):
        for attribute in LINK_ATTRIBUTES:
            for value in (element.get(attribute) or "").split():
                if not value.startswith("bib:") and refused_link(value):
                    yield finding(element, ctx, "link-scheme", f"@{attribute} '{value}' {LINK_REFUSED}",
                                  "warning")
    for entry in ctx.bib_entries:
        for name, value in refused_bib_links({f.key: str(f.value) for f in entry.fields}):
            line, column = _field_position(entry, name)
            yield Finding(display_path(ctx.bib_sources[entry.key]), line, column, "warning",
                          f"{name} of entry '{entry.key}' ('{value}') {LINK_REFUSED}", "link-scheme")


LINK_REFUSED = ("will be printed as text, not as a link: links are http, https, mailto, doi: or the "
                "site's own pages; correct the URL or remove it")


def _field_position(entry, name: str) -> tuple[int, int]:
    """Line and column of a field in the .bib file (the entry's, if the field cannot be found)."""
    line = (entry.start_line or 0) + 1
    match = re.search(rf"\b{re.escape(name)}\s*=", entry.raw or "", re.IGNORECASE)
    if match is None:
        return line, 1
    before = entry.raw[:match.start()]
    return line + before.count("\n"), match.start() - (before.rfind("\n") + 1) + 1


def check_page_names(ctx: Context) -> Iterator[Finding]:
    for article, message in page_name_problems(ctx.volume.articles):
        yield finding(article.root, ctx, "page-name", message)


def check_witnesses_declared(ctx: Context) -> Iterator[Finding]:
    """Every local @wit names a witness (or a group of witnesses) a listWit declares: the apparatus
    prints its siglum."""
    for element in carrying(ctx.volume.root, "wit"):
        for value in element.get("wit", "").split():
            if not value.startswith("#"):
                continue  # a witness declared in another file
            target = ctx.ids.get(value[1:])
            if target is None:
                yield finding(element, ctx, "wit-declared",
                              f"@wit names '{value}', but no witness has xml:id '{value[1:]}'; declare "
                              f"it in the header's listWit (<witness xml:id=\"{value[1:]}\">) or fix the "
                              "pointer")
            elif local(target) not in ("witness", "listWit"):
                yield finding(element, ctx, "wit-declared",
                              f"@wit names '{value}', which is a <{local(target)}>, not a witness; point "
                              "to a <witness> of a listWit")


def check_sigla_unique(ctx: Context) -> Iterator[Finding]:
    """No two witnesses of one document print the same siglum: the apparatus could not tell them apart."""
    for document in _documents(ctx.volume.root):
        seen: dict[str, etree._Element] = {}
        for witness in document.iter(f"{{{TEI_NS}}}witness"):
            siglum = siglum_of(witness)
            if not siglum:
                continue
            if siglum in seen:
                first = seen[siglum]
                where = f"{display_path(source_path(first, ctx.volume.path))}:{first.sourceline}"
                yield finding(witness, ctx, "siglum-unique",
                              f"siglum '{siglum}' is already the siglum of the witness at {where}; give this "
                              "witness another siglum (@n)")
            else:
                seen[siglum] = witness


def _documents(root: etree._Element) -> list[etree._Element]:
    """The TEI documents of a volume (each declares its own witnesses): the innermost TEI elements, or
    the root."""
    inner = [tei for tei in root.iter(f"{{{TEI_NS}}}TEI") if tei.find(f".//{{{TEI_NS}}}TEI") is None]
    return inner or [root]


def check_notes_anchored(ctx: Context) -> Iterator[Finding]:
    for note in ctx.volume.root.iter(f"{{{TEI_NS}}}note"):
        in_text = any(local(a) == "text" for a in note.iterancestors())
        if note.get("place") == "foot" and not in_text and not note.get("target"):
            yield finding(note, ctx, "note-anchored",
                          "a footnote outside the text has no call; move it to where the author calls it")


def check_notes_numbered(ctx: Context) -> Iterator[Finding]:
    for note in ctx.volume.root.iter(f"{{{TEI_NS}}}note"):
        if note.get("place") == "foot" and not note.get("n"):
            yield finding(note, ctx, "note-number",
                          "footnote without @n; give it the number the source prints")


# A word that starts where no letter precedes it: without the look-behind a long run of letters is
# tried from every position inside it, each try backtracking over the rest (quadratic: a 40 kB word
# took two minutes). The first match is the same either way.
GLUE = re.compile(r"(?<![^\W\d_])[^\W\d_]{2,}[.,;:’”\"']?\d{1,3}(?=[\s.,;:]|$)")


def _running_text(root: etree._Element) -> Iterator[etree._Element]:
    """``root`` and the elements below it that are running text, in document order: what is
    outside it is skipped with its whole subtree (one walk, not every element's ancestors). Notes,
    witness readings, running heads, references and titles may hold numbers after words (dates,
    citations): the processing table's ``text`` roles say which elements they are."""
    outside = default_model().text_names("apart", "alternative", "reference")
    stack = [root]
    while stack:
        element = stack.pop()
        if isinstance(element.tag, str) and local(element) not in outside:
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
        if inherited_lang(text) == UNDETERMINED:  # an article included into a volume takes the volume's
            yield finding(text, ctx, "lang-text", "the text has no xml:lang, nor does the volume around it; "
                          "add one (xml:lang=\"en\", \"tr\", …) to the text or to the volume")
        for block in text.iter(*(f"{{{TEI_NS}}}{n}" for n in sorted(default_model().text_names("passage")))):
            if inherited_lang(block) != "en" and _looks_english(block):
                yield finding(block, ctx, "lang-english",
                              "this passage reads as English but is not marked so; add xml:lang=\"en\"")


# Compiled once: an XPath string given to .xpath() is compiled again for every block.
OWN_TEXT = etree.XPath("text()|*[not(self::tei:note) and not(@xml:lang)]//text()", namespaces=NS)


def _looks_english(block: etree._Element) -> bool:
    return looks_english(" ".join(OWN_TEXT(block)), min_words=8, share=0.15)


@cache
def schematron_rules(path: Path) -> etree.XSLT:
    try:
        return compile_schematron(parse_file(path))
    except (etree.XMLSyntaxError, etree.SchematronParseError, etree.XSLTParseError) as exc:
        raise EditionError(f"not a Schematron file lxml can run: {exc}", rule="config") from exc


WARNING_ROLES = {"warning", "warn", "info", "information"}


def check_schematron(ctx: Context) -> Iterator[Finding]:
    """Each failed assertion (and each successful report) of the Schematron in force, located by line
    and file in one pass (``xmlcheck.compile_schematron``); its id is the finding's rule
    (``schematron`` when it has none), its role ``warning`` or ``info`` a warning."""
    if ctx.schematron is None:
        return
    failures = schematron_failures(schematron_rules(ctx.schematron), etree.ElementTree(ctx.volume.root))
    cwd = os.getcwd()
    for line, base, rule, text, role in failures:
        severity = "warning" if role in WARNING_ROLES else "error"
        yield Finding(_shown(base or None, ctx.volume.path, cwd), line, 1, severity, text,
                      rule or "schematron")


RULES: tuple[Rule, ...] = (
    Rule("tei-schema", "Every file is valid against the schema in force: tei_all 4.3.0, as jing checks it, "
         "unless a profile or the project names another.", check_schema, generic="error"),
    Rule("id-unique", "Every xml:id is unique across the whole volume.", check_unique_ids, generic="error"),
    Rule("pointer-resolves", "Every local pointer (#id) resolves to an element of the volume.",
         check_pointers, generic="warning"),
    Rule("link-scheme", "A link target (TEI @target, @url, @facs, @ref; a .bib url, doi, \\url or \\href) is "
         "http, https, mailto, doi: or a page of the site; any other scheme, or another host (//…), is "
         "printed as text.", check_links, severity="warning", generic="warning"),
    Rule("page-name", "Every article's xml:id (or file name, without one) can name its page of the site: "
         "a letter, digit or _, then letters, digits, _, - and single dots, and no page the site already has "
         "(the build refuses it whatever the profile).", check_page_names, generic="warning"),
    Rule("wit-declared", "Every @wit names a witness declared in a listWit (its xml:id).",
         check_witnesses_declared, generic="warning"),
    Rule("siglum-unique", "No two witnesses of a document have the same siglum (@n, else "
         "abbr type=\"siglum\", else xml:id).", check_sigla_unique, generic="warning"),
    Rule("note-anchored", "Every footnote stands in the text at its call (or points to it with @target).",
         check_notes_anchored, generic="warning"),
    Rule("schematron", "The assertions of the Schematron in force hold (a finding carries the "
         "assertion's id when it has one).", check_schematron, generic="error"),
    Rule("pointer-register", "A name's @ref points to a register entry of the right kind.",
         check_register_pointers),
    Rule("pointer-bib", "Every bib:KEY names an entry of the .bib.", check_bibliography_pointers,
         generic="warning"),  # bib: is edition's own scheme: every project's citations use it
    Rule("note-number", "Every footnote carries the number the source prints (@n).", check_notes_numbered),
    Rule("note-glue", "No footnote number stays glued to a word in the text.", check_footnote_glue,
         severity="warning"),
    Rule("date-iso", "@when, @notBefore, @notAfter, @from and @to are ISO dates (no times).", check_dates),
    Rule("lang-text", "Every article's text declares its language.", check_language),
    Rule("lang-english", "Every English passage carries xml:lang=\"en\".", None),
    Rule("editorial-resp", "Editorial text (corr, reg, expan, supplied, editorial notes, supplied titles) "
         "names who is responsible (@resp).", None),
    Rule("editorial-choice", "A choice pairs the source's reading with the editors' (sic/corr, orig/reg, "
         "abbr/expan).", None),
    Rule("editorial-place", "corr, reg and expan stand only inside a choice.", None),
)

ARTICLE_VOLUME = Profile(
    "article-volume",
    "The bundled volume's conventions: articles edited from printed witnesses, in Turkish with English "
    "passages marked; its element profile of tei_all (edition/theme/schemas/edition.rng), its Schematron "
    "(edition/theme/schemas/edition-rules.sch), numbered footnotes, registers, bib: keys and ISO dates.",
    schema=SCHEMA_DIR / "edition.rng", schematron=SCHEMA_DIR / "edition-rules.sch",
    rules=frozenset(rule.id for rule in RULES))
PROFILES: dict[str, Profile] = {profile.name: profile for profile in (ARTICLE_VOLUME,)}


def severity(rule: Rule, profile: Profile | None) -> str | None:
    """The severity of ``rule``'s findings under ``profile`` (None: the rule is not checked)."""
    if profile is not None and rule.id in profile.rules:
        return rule.severity
    return rule.generic


def profile_of(config: Config) -> Profile | None:
    name = config.validation.profile
    if name is None:
        return None
    if name not in PROFILES:
        raise EditionError(f"[validation] profile = '{name}': no such profile (profiles: "
                           f"{', '.join(PROFILES)})", config.location("validation", "profile"), "config")
    return PROFILES[name]


def bibliographies(paths: list[Path]):
    """The project's .bib files read as one (``Bibliographies``), None without any."""
    paths = [path for path in paths if path.exists()]  # anything else (a folder, a FIFO) is refused when read
    if not paths:
        return None
    from edition.bib.read import read_bibliographies

    return read_bibliographies(paths)


def project_config(project_root: Path) -> Config:
    """The settings of the project at ``project_root`` (its edition.toml; none: the defaults)."""
    path = Path(project_root) / CONFIG_NAME
    return load_config(path if path.is_file() else None)


def validate(volume_path: Path, project_root: Path, bib_path: Path | list[Path] | None = None,
             config: Config | None = None, timings: dict[str, float] | None = None) -> list[Finding]:
    """All findings for a volume (or any TEI file) under the project's settings; a file that cannot be
    read at all is one finding. A project's settings that cannot be used raise ``EditionError``.
    ``bib_path``: the .bib file or files (default: the project's, as edition.toml names them).
    ``timings``, when given, receives the seconds each rule took (``--verbose``)."""
    config = config if config is not None else project_config(project_root)
    profile = profile_of(config)
    bib_paths = (as_paths(bib_path) if bib_path is not None
                 else project_bibliographies(Path(project_root), config))
    try:
        volume = load_volume(volume_path, project_root)
        attach_registers(volume, config.files.registers, Path(project_root))
        default_language(volume, config.project.text_language)  # what the build's texts inherit too
        bibs = bibliographies(bib_paths)
    except EditionError as exc:
        return [load_finding(exc, volume_path)]
    roots = [volume.root]
    if volume.registers is not None and volume.registers.getroottree() is not volume.root.getroottree():
        roots.append(volume.registers)  # a registers file of its own: its ids are pointed to
    ids = {e.get(f"{{{XML_NS}}}id"): e for root in roots for e in carrying(root, "xml:id")
           if e.get(f"{{{XML_NS}}}id")}
    bib_keys = {entry.key for entry in bibs.library.entries} if bibs is not None else None
    ctx = Context(volume, ids, bib_keys, bib_paths, profile=profile,
                  schema=config.validation.schema or (profile and profile.schema) or conformance.TEI_ALL,
                  schematron=config.validation.schematron or (profile.schematron if profile else None),
                  bib_entries=bibs.library.entries if bibs else [], bib_sources=bibs.sources if bibs else {})
    findings: set[Finding] = set()
    for rule in RULES:
        level = severity(rule, profile)
        if rule.check is None or level is None:
            continue
        started = time.perf_counter()
        for found in rule.check(ctx):
            warning = "warning" in (level, found.severity)
            findings.add(replace(found, severity="warning" if warning else "error"))
        if timings is not None:
            timings[rule.id] = timings.get(rule.id, 0.0) + time.perf_counter() - started
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
