"""Stage: the unified bibliography — read the .bib, format it with CSL through pandoc's citeproc,
order it in Turkish, and split primary sources from studies.

pandoc formats each entry with the CSL style edition.toml names (``Project.csl``); the order is
ours (Turkish collation on the first author's surname, or the title for works without an author, then
year and title), because citeproc's sort would follow the wrong alphabet for Turkish.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import bibtexparser
from bibtexparser.library import Library
from lxml import etree
from lxml import html as lxml_html
from markupsafe import Markup

from edition.bib.read import parse_bib, read_bib, read_bibliographies
from edition.i18n.collation import sort_key
from edition.pandoc import run_pandoc
from edition.render.links import refused_bib_links, safe_links

# BibLaTeX langid → the language tag of the entry's text on screen. Russian works are cited in Latin
# transliteration, hence ru-Latn.
# The texts' language -> the CSL locale pandoc formats with (a bare "tr" is Turkish in Turkey already).
CSL_LOCALES = {"tr": "tr-TR", "en": "en-US"}
CSL_NS = "http://purl.org/net/xbiblio/csl"
LANGUAGE_TAGS = {"turkish": "tr", "english": "en", "russian": "ru-Latn", "german": "de", "french": "fr"}


def load_bibliography(path: Path) -> Library:
    """Read and parse the .bib file (``bibread``): any problem is an error with its line."""
    return parse_bib(read_bib(path), Path(path))


def field_value(entry: bibtexparser.model.Entry, name: str) -> str:
    value = entry.fields_dict.get(name)
    return re.sub(r"[{}]", "", str(value.value)) if value is not None else ""


def refused_links(entry: bibtexparser.model.Entry) -> list[str]:
    """The URLs of an entry's fields that must print as text, not as links (``links.safe_href``)."""
    return [value for _, value in refused_bib_links({f.key: str(f.value) for f in entry.fields})]


def keywords(entry: bibtexparser.model.Entry) -> set[str]:
    return {k.strip() for k in field_value(entry, "keywords").split(",") if k.strip()}


@dataclass
class Reference:
    """One formatted entry of the printed bibliography."""

    key: str
    html: Markup
    primary: bool
    incomplete: bool
    conflict: str
    provenance: str
    order: tuple = field(repr=False, default=())
    lang: str = "tr"  # language of the work (langid), for the site's lang attributes


@dataclass
class Bibliography:
    primary: list[Reference]
    studies: list[Reference]
    style: str = ""  # the CSL style's own title: the pages name the style by it
    lang: str = "tr"  # the language the entries are formatted in (their case, the style's words)

    @property
    def entries(self) -> list[Reference]:
        """Every entry, primary sources first (the order the bibliography prints them in)."""
        return self.primary + self.studies

    @property
    def keys(self) -> set[str]:
        return {r.key for r in self.entries}


def first_surname(entry: bibtexparser.model.Entry) -> str:
    """The first author's surname (or the first editor's): "Surname, Given" or "Given Surname"."""
    names = field_value(entry, "author") or field_value(entry, "editor")
    first = names.split(" and ")[0].strip()
    return first.split(",")[0].strip() if "," in first else (first.split()[-1] if first else "")


def order_of(entry: bibtexparser.model.Entry, lang: str = "tr") -> tuple:
    """The order of ``lang`` on first author's surname (or editor, or title), then year, then title. An
    entry with neither (a bare address the sources give alone) is filed under the site its address
    names ("biblioclub.ru"), the first word it prints after the style's "n.d.", not first as an empty
    word would put it; one with no address either comes last."""
    surname = first_surname(entry)
    title = field_value(entry, "title")
    word = surname or title or urlsplit(field_value(entry, "url")).hostname or ""
    return (not word, sort_key(word.removeprefix("www."), lang),
            field_value(entry, "date") or field_value(entry, "year"), sort_key(title, lang), entry.key)


FIGURE = re.compile(r"\d")


def printed_order(html: str, entry: bibtexparser.model.Entry, lang: str = "tr") -> tuple:
    """The order of ``lang`` on what the entry prints first, up to its first figure (a primary source
    is printed under its archive, newspaper or title, whatever fields hold them: "T.C. Dışişleri
    Bakanlığı …", "Hâkimiyeti Milliye", "“İki komünizm”"), then its date (the documents of one archive
    in time order), then all it prints. Without its printed form, ``order_of``."""
    printed = " ".join(lxml_html.fromstring(f"<div>{html}</div>").text_content().split()) if html else ""
    if not printed:
        return order_of(entry, lang)
    date = field_value(entry, "date") or field_value(entry, "year")
    return (sort_key(FIGURE.split(printed, 1)[0], lang), date, sort_key(printed, lang), entry.key)


def format_entries(bibs: Sequence[Path], csl: Path, lang: str = "tr") -> dict[str, Markup]:
    """Each entry's formatted HTML, keyed by citation key (one pandoc run for all the files), with the
    CSL terms ("edited by", "vol.") of ``lang``."""
    document = f'---\nnocite: "@*"\nlang: {CSL_LOCALES.get(lang, lang)}\n---\n'
    files = [f"--bibliography={bib}" for bib in bibs]
    html = run_pandoc(["--from=markdown", "--to=html", "--citeproc", *files, f"--csl={csl}"],
                      Path(bibs[0]), stdin=document)
    formatted: dict[str, Markup] = {}
    if not html.strip():
        return formatted
    for div in lxml_html.fromstring(html).iter("div"):
        ident = div.get("id") or ""
        if ident.startswith("ref-"):
            inner = (div.text or "") + "".join(
                lxml_html.tostring(child, encoding="unicode") for child in div)
            formatted[ident[4:]] = Markup(" ".join(inner.split()))
    return formatted


def build_bibliography(bib: Path | Sequence[Path], csl: Path, formatted: dict[str, Markup] | None = None,
                       lang: str = "tr") -> Bibliography:
    """The bibliography of ``bib`` (one .bib file or several, merged) formatted with ``csl`` in the
    texts' language ``lang`` (``formatted``: pandoc's output for these very files, kept from an
    earlier build)."""
    merged = read_bibliographies(bib)
    library = merged.library
    if formatted is None:
        formatted = format_entries(merged.paths, csl, lang)
    primary, studies = [], []
    for entry in library.entries:
        tags = keywords(entry)
        html = safe_links(formatted.get(entry.key, Markup("")), refused_links(entry))
        reference = Reference(
            key=entry.key,
            html=html,
            primary="primary" in tags,
            incomplete="incomplete" in tags,
            conflict=field_value(entry, "conflict"),
            provenance=field_value(entry, "provenance"),
            # Studies by author, year and title, as the style prints them; primary sources as printed.
            order=printed_order(html, entry, lang) if "primary" in tags else order_of(entry, lang),
            lang=LANGUAGE_TAGS.get(field_value(entry, "langid"), lang),
        )
        (primary if reference.primary else studies).append(reference)
    return Bibliography(sorted(primary, key=lambda r: r.order), sorted(studies, key=lambda r: r.order),
                        style_title(csl), lang)


def style_title(csl: Path) -> str:
    """The title a CSL style gives itself (``info/title``); its file name where it gives none."""
    try:
        title = etree.parse(str(csl)).find(f"{{{CSL_NS}}}info/{{{CSL_NS}}}title")
    except (OSError, etree.XMLSyntaxError):
        title = None
    return " ".join(title.text.split()) if title is not None and title.text else Path(csl).stem
