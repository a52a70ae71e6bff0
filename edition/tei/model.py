"""Stage 2: the document model.

The document model gathers what the templates need about the volume and each article (titles,
authors, venue, note markers) so that templates never query TEI themselves. Which macro renders each
element is the processing model's to say (``edition/processing``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from pathlib import Path

from lxml import etree

from edition.config import Config, ProjectSettings
from edition.errors import EditionError, Location
from edition.i18n.collation import sort_key
from edition.i18n.language import UNDETERMINED, html_lang
from edition.processing.rules import default_model
from edition.render.links import PAGE_ID_RULE, is_page_id
from edition.tei.annotate import ApparatusEntry, Witness, apparatus_entries, declared_witnesses, in_entry
from edition.tei.load import NS, TEI_NS, XML_NS, Article, Volume


def is_supplied_title(div: etree._Element) -> bool:
    """A title block whose words are all the editors' (``supplied``): the article head shows it."""
    head = div.find("tei:head", NS)
    if head is None:
        return False
    own = (head.text or "") + "".join(child.tail or "" for child in head)
    names = {etree.QName(child).localname for child in head if isinstance(child.tag, str)}
    return not own.strip() and names <= {"supplied", "note"} and "supplied" in names


def title_notes(text: etree._Element) -> list[etree._Element]:
    """Notes attached to a supplied title (000's asterisk note): they are called from the article head."""
    return [note for div in text.iterfind("tei:front/tei:div[@type='title']", NS) if is_supplied_title(div)
            for note in div.iter(f"{{{TEI_NS}}}note")]


def xml_id(element: etree._Element) -> str | None:
    return element.get(f"{{{XML_NS}}}id")


def xml_lang(element: etree._Element) -> str | None:
    return element.get(f"{{{XML_NS}}}lang")


def inherited_lang(element: etree._Element) -> str:
    """The ``xml:lang`` in force at ``element``; ``und`` (undetermined) where the document never says."""
    for ancestor in (element, *element.iterancestors()):
        lang = xml_lang(ancestor)
        if lang:
            return lang
    return UNDETERMINED


@cache
def left_out_of_reading() -> frozenset[str]:
    """Elements whose words the reading text leaves out: what stands apart from the running text
    (notes, forme work) and the source's forms the editors' readings replace (the processing table's
    ``text`` roles "apart" and "alternative")."""
    return default_model().text_names("apart", "alternative")


def on_numbered_line(element: etree._Element) -> bool:
    """True for an element of the text's body outside its notes and division headings: on the lines
    the book counts (print/lines.py), where an apparatus entry is keyed by line."""
    names = [etree.QName(a).localname for a in element.iterancestors()]
    if "body" not in names or "note" in names:
        return False
    return not any(etree.QName(a).localname == "head" and parent is not None
                   and etree.QName(parent).localname.startswith("div")
                   for a in element.iterancestors() for parent in [a.getparent()])


def plain_text(element: etree._Element | None) -> str:
    """Readable text of an element: regularised readings, no notes, spaces normalised."""
    if element is None:
        return ""
    parts: list[str] = []
    left_out = left_out_of_reading()

    def walk(node: etree._Element) -> None:
        name = etree.QName(node).localname if isinstance(node.tag, str) else ""
        if name in left_out:
            parts.append(node.tail or "")
            return
        parts.append(node.text or "")
        for child in node:
            walk(child)
        parts.append(node.tail or "")

    parts.append(element.text or "")
    for child in element:
        walk(child)
    return " ".join("".join(parts).split())


# Parts of a citation that follow the title they belong to after a comma ("…, 2025, Cilt 11").
CITATION_DETAILS = frozenset({"date", "biblScope", "pubPlace", "publisher", "edition"})


def part_separators(bibl: etree._Element) -> list[str] | None:
    """What stands before each part of a bibliographic description whose parts are elements with
    nothing but white space between them (the punctuation left to the processor): "" before the
    first, " = " before a title in another language (a parallel title), ", " before a date or a
    scope, else ". " (" " after a part that ends with a stop: "Tekinsoy, B. Ahi Evran …"). None for
    a description with text of its own between its parts: its own punctuation is printed."""
    parts = [child for child in bibl if isinstance(child.tag, str)]
    if not parts or (bibl.text or "").strip() or any((child.tail or "").strip() for child in parts):
        return None
    separators = [""]
    for before, part in pairwise(parts):
        name = etree.QName(part).localname
        parallel = name == etree.QName(before).localname == "title" and xml_lang(part) != xml_lang(before)
        if parallel:
            separators.append(" = ")
        elif name in CITATION_DETAILS:
            separators.append(", ")
        else:
            separators.append(" " if plain_text(before).endswith((".", "!", "?")) else ". ")
    return separators


def citation_line(bibl: etree._Element | None) -> str:
    """A bibliographic description as one line of plain text, its parts told apart (``part_separators``)."""
    if bibl is None:
        return ""
    separators = part_separators(bibl)
    if separators is None:
        return plain_text(bibl)
    parts = [child for child in bibl if isinstance(child.tag, str)]
    return "".join(separator + plain_text(part) for separator, part in zip(separators, parts, strict=True))


@dataclass
class Author:
    name: str
    inferred: bool = False
    cert: str | None = None


def author_name(author: etree._Element) -> str:
    """An author as a heading or running head prints the name: forenames first ("B. Tekinsoy") where
    the name is encoded by its parts, whatever order and punctuation the source gave them in
    ("Tekinsoy, B."); else the name as written."""
    name = author.find("tei:persName", NS)
    if name is None:
        name = author
    surnames = name.findall("tei:surname", NS)
    forenames = name.findall("tei:forename", NS)
    if not surnames or not forenames:
        return plain_text(author)
    return " ".join(plain_text(part) for part in [*forenames, *surnames])


@dataclass
class Citation:
    """One citation in the text: its anchor, the entry it names, and where it stands."""

    id: str
    keys: list[str]  # usually one; several where the editors could not tell which work is meant
    article: str
    note: str  # "n. 14" where the citation stands in the author's footnote 14, else ""
    section: str = ""  # the heading of the section it stands in
    paragraph: int = 0  # its paragraph's place in that section, from 1 (0: not in a paragraph)

    @property
    def key(self) -> str:
        return self.keys[0]


@dataclass
class ArticleModel:
    """What the templates need to know about one article."""

    id: str
    path: Path
    lang: str
    title: str
    title_supplied: bool
    short_title: str
    titles_other: list[tuple[str, str]]  # (lang, title) of printed titles in other languages
    authors: list[Author]
    venue: str
    witness: str
    text: etree._Element
    note_markers: dict[str, str] = field(default_factory=dict)  # node_key(note) -> marker
    citations: dict[str, Citation] = field(default_factory=dict)  # node_key(bibl) -> citation
    mentions: dict[str, Mention] = field(default_factory=dict)  # node_key(name) -> mention
    anchors: dict[str, str] = field(default_factory=dict)  # node_key(p) -> generated id (p without xml:id)
    witnesses: dict[str, Witness] = field(default_factory=dict)  # xml:id -> declared witness
    apparatus: dict[str, ApparatusEntry] = field(default_factory=dict)  # node_key(app) -> its entry
    corrections: int = 0  # the editors' corrections (choice) in the text's lines: printed keyed by line
    number: int = 0  # place in the volume, from 1

    @property
    def front(self) -> etree._Element | None:
        return self.text.find("tei:front", NS)

    @property
    def body(self) -> etree._Element | None:
        return self.text.find("tei:body", NS)

    @property
    def back(self) -> etree._Element | None:
        return self.text.find("tei:back", NS)

    @property
    def display_title(self) -> str:
        """The title as lists show it: in square brackets where the editors supplied it."""
        return f"[{self.title}]" if self.title_supplied else self.title

    def anchor_of(self, element: etree._Element) -> str | None:
        """The id a page gives an element: its xml:id, else the one generated for it (paragraphs)."""
        return xml_id(element) or self.anchors.get(node_key(element))

    @property
    def author_line(self) -> str:
        return ", ".join(author.name for author in self.authors)

    def sections(self) -> list[tuple[int, str, str]]:
        """(depth, id, heading) of every body section with a heading, for TOC and bookmarks."""
        found = []
        body = self.body
        if body is None:
            return found
        for div in body.iter(f"{{{TEI_NS}}}div"):
            head = div.find("tei:head", NS)
            if head is not None and xml_id(div):
                depth = sum(1 for a in div.iterancestors(f"{{{TEI_NS}}}div"))
                found.append((depth + 1, xml_id(div), plain_text(head)))
        return found


@dataclass
class Mention:
    """A name in the text that points to a register entry."""

    id: str
    ref: str
    article: str
    note: str  # "n. 14" where the name stands in the author's footnote 14, else ""
    text: str = ""  # the name as printed at this place
    section: str = ""  # the heading of the section it stands in
    paragraph: int = 0  # its paragraph's place in that section, from 1 (0: not in a paragraph)


# The registers' kinds are TEI's own vocabulary, not a choice of this model: a listPerson holds person
# entries named by persName, listPlace place/placeName, listOrg org/orgName, listEvent event/label
# (TEI P5, 13.3). Which elements of the texts point into them is the processing table's word: every
# element rendered as a name (inline.name) whose @ref names an entry.
REGISTER_KINDS = {"person": "persName", "place": "placeName", "org": "orgName", "event": "label"}
# The reading site's pages for each register (its entries' ids are looked up here, not in id_pages).
REGISTER_PAGES = {"person": "persons.html", "place": "places.html", "org": "organisations.html",
                  "event": "events.html"}
# The site's own pages; each article has one more, named after its id (``<id>.html``).
SITE_PAGES = ("index.html", "bibliography.html", "sources.html", "search.html", *REGISTER_PAGES.values())



# A ruler's ordinal before the name, as Turkish writes it: "II. Mahmut", "I. Petro".
REGNAL_ORDINAL = re.compile(r"^([IVX]+|\d+)\.\s+(\S.*)$")


@dataclass
class RegisterEntry:
    """One person, place, organisation or event of the registers, with its mentions in the volume."""

    id: str
    kind: str
    name: str
    variants: list[str]
    dates: str
    note: str
    mentions: list[Mention] = field(default_factory=list)
    lang: str = UNDETERMINED  # the register's language: its alphabetical order
    honorifics: frozenset[str] = frozenset()  # titles that follow a name (edition.toml's [indexes])
    note_element: etree._Element | None = field(default=None, repr=False, compare=False)  # rendered on screen
    geo: tuple[float, float] | None = None  # a place's latitude and longitude (location/geo), for the map
    # A name encoded by its parts with no surname among them ("<forename>Mustafa</forename>
    # <forename>Suphi</forename>", "<addName>Çerkez</addName> <forename>Ethem</forename>"): no word of
    # it is a surname to be put first.
    no_surname: bool = False

    @property
    def order(self) -> tuple:
        """Persons by surname (the last word; the first for names ending in an honorific such as Paşa)."""
        return sort_key(self.filing, self.lang)

    @property
    def filing(self) -> str:
        """The words the entry is filed under: its heading, a ruler's ordinal after the name ("II. Mahmut"
        is filed as "Mahmut II", among the M, not among the I as its numeral would put it)."""
        ordinal = REGNAL_ORDINAL.match(self.heading) if self.kind == "person" else None
        return f"{ordinal.group(2)} {ordinal.group(1)}" if ordinal else self.heading

    @property
    def heading(self) -> str:
        """The name as the index prints it: a person's surname first ("Abilov, İbrahim"), the way
        the index is sorted; a name that ends in an honorific ("Enver Paşa"), a single name, a name
        encoded with no surname ("Mustafa Suphi") and the other kinds' names as written."""
        if self.kind != "person" or self.no_surname:
            return self.name
        words = self.name.split()
        bare = [w for w in re.sub(r"\(.*?\)", "", self.name).split() if w]  # "(Sergo)" is not a surname
        if not bare or words[-1] != bare[-1]:
            return self.name  # "İbrahim Bey (Teğmen)": a rank or role after the name
        last, first = bare[-1], bare[0]
        if last in self.honorifics or len(bare) == 1 or first.rstrip(".").isdigit() or first[-1] == ".":
            return self.name
        return f"{last}, {' '.join(words[:-1])}"

    @property
    def letter(self) -> str:
        """The letter the entry is filed under (its group in the site's A–Z), "#" for a digit or sign."""
        initial = next((c for c in self.filing if c.isalnum()), "#")
        return initial.upper() if initial.isalpha() else "#"



def place_geo(item: etree._Element) -> tuple[float, float] | None:
    """A place's ``location/geo`` as (latitude, longitude), TEI's default order; None without one or
    for one that is not two numbers in range."""
    geo = item.find("tei:location/tei:geo", NS)
    try:
        latitude, longitude = (float(part) for part in (geo.text or "").replace(",", " ").split())
    except (AttributeError, ValueError):
        return None
    return (latitude, longitude) if abs(latitude) <= 90 and abs(longitude) <= 180 else None


NAME_PARTS = tuple(f"{{{TEI_NS}}}{part}"
                   for part in ("forename", "surname", "addName", "roleName", "genName"))


def name_without_surname(name: etree._Element) -> bool:
    """True for a name encoded by its parts (forenames, epithets, titles) none of which is a surname:
    an Ottoman name before the surname law, "Çerkez Ethem". A name in plain words says nothing."""
    parts = [child.tag for child in name if child.tag in NAME_PARTS]
    return bool(parts) and f"{{{TEI_NS}}}surname" not in parts


def register_entries(registers: etree._Element | None,
                     honorifics: Iterable[str] = ()) -> dict[str, RegisterEntry]:
    """The registers' entries by id (in document order; the templates sort them); ``honorifics``: the
    titles that follow a name and are not sorted on."""
    honorifics = frozenset(honorifics)
    entries: dict[str, RegisterEntry] = {}
    if registers is None:
        return entries
    for kind, name_element in REGISTER_KINDS.items():
        for item in registers.iter(f"{{{TEI_NS}}}{kind}"):
            names = item.findall(f"tei:{name_element}", NS)
            main = next((n for n in names if n.get("type") == "main"), names[0] if names else None)
            variants = [plain_text(n) for n in names if n is not main]
            note = item.find("tei:note", NS) if kind != "event" else item.find("tei:desc", NS)
            entries[xml_id(item)] = RegisterEntry(
                id=xml_id(item), kind=kind, name=plain_text(main), variants=variants,
                dates=life_dates(item), note=plain_text(note), lang=inherited_lang(item),
                honorifics=honorifics, note_element=note, geo=place_geo(item),
                no_surname=main is not None and name_without_surname(main),
            )
    return entries


def year_of(dated: etree._Element | None) -> str:
    """The year a birth or death is dated to: its @when, else the year its @notBefore and @notAfter
    share (a death known to two days, "1921-01-28" to "1921-01-29", is 1921), else both ("1920/1921"),
    else "?" (a date the TEI does not give is not left blank: "1883–" would read as a living man)."""
    if dated is None:
        return "?"
    if dated.get("when"):
        return dated.get("when", "")[:4]
    years = [dated.get(bound, "")[:4] for bound in ("notBefore", "notAfter") if dated.get(bound)]
    return "/".join(dict.fromkeys(years)) or "?"


def life_dates(item: etree._Element) -> str:
    birth, death = item.find("tei:birth", NS), item.find("tei:death", NS)
    when = item.get("when") or (f"{item.get('from')}–{item.get('to')}" if item.get("from") else "")
    if birth is not None or death is not None:
        return f"{year_of(birth)}–{year_of(death)}"
    return when or ""


def collect_mentions(article: ArticleModel) -> dict[str, Mention]:
    found: dict[str, Mention] = {}
    index = 0
    names = sorted(default_model().names("inline.name"))
    for element in article.text.iter(*(f"{{{TEI_NS}}}{n}" for n in names)):
        ref = (element.get("ref") or "").split()
        if not ref or not ref[0].startswith("#"):
            continue
        index += 1
        found[node_key(element)] = Mention(f"m-{article.id}-{index}", ref[0][1:], article.id,
                                           note_label(element), plain_text(element), *location(element))
    return found


def paragraph_anchors(article: ArticleModel) -> dict[str, str]:
    """Ids for paragraphs the TEI leaves without one (the introduction's), so the reading site and
    its search can link to every paragraph: ``<article>-para<N>``, N counting all paragraphs."""
    taken = {xml_id(e) for e in article.text.iter() if isinstance(e.tag, str)}
    anchors: dict[str, str] = {}
    for number, paragraph in enumerate(article.text.iter(f"{{{TEI_NS}}}p"), start=1):
        if xml_id(paragraph) is None and f"{article.id}-para{number}" not in taken:
            anchors[node_key(paragraph)] = f"{article.id}-para{number}"
    return anchors


@dataclass
class VolumeModel:
    """The volume: its own titles and the articles in reading order."""

    title: str
    subtitle: str
    title_en: str
    subtitle_en: str
    publisher: str
    year: str
    licence: str
    articles: list[ArticleModel]
    tei: Volume
    editors: list[str] = field(default_factory=list)
    place: str = ""  # of publication
    title_set: bool = False  # edition.toml gives the title: a document on its own shows it, not its own
    lang: str = "en"  # the texts' language (edition.toml's text_language, else the volume's xml:lang)
    printed_registers: tuple[str, ...] = ("person", "place")  # kinds edition.toml prints as indexes
    bibliography: object | None = None  # bibliography.Bibliography, when the volume has one
    introduction: ArticleModel | None = None
    registers: dict[str, RegisterEntry] = field(default_factory=dict)
    id_pages: dict[str, str] = field(default_factory=dict)  # xml:id -> the site page that shows it
    # xml:id -> the article that holds it and its element (the introduction's left out)
    id_elements: dict[str, tuple[ArticleModel, etree._Element]] = field(default_factory=dict)
    _sorted: dict[str, list[RegisterEntry]] = field(default_factory=dict, repr=False, compare=False)
    _citing: tuple[list, dict[str, list[Citation]]] = field(default=(None, {}), repr=False, compare=False)

    @property
    def document_title(self) -> str:
        """The title page's title of a document on its own: edition.toml's, else the document's own."""
        if self.title_set or not self.articles:
            return self.title
        return self.articles[0].title or self.title

    @property
    def publication(self) -> str:
        """The imprint line: place, publisher and year, as many as are known ("Place: Publisher · Year")."""
        house = ": ".join(filter(None, (self.place, self.publisher)))
        return " · ".join(filter(None, (house, self.year)))

    @property
    def single(self) -> bool:
        """A document on its own (a ``TEI`` file, not a volume that gathers texts): its own header
        makes the title page."""
        return etree.QName(self.tei.root).localname == "TEI"

    @property
    def indexes(self) -> list[str]:
        """The registers the book prints as indexes: those edition.toml names that have entries."""
        return [kind for kind in self.printed_registers if self.register(kind)]

    def register(self, kind: str) -> list[RegisterEntry]:
        """The entries of one register in its language's order, sorted once: the templates ask often."""
        if kind not in self._sorted:
            self._sorted[kind] = sorted((e for e in self.registers.values() if e.kind == kind),
                                        key=lambda e: e.order)
        return self._sorted[kind]

    def citations_of(self, key: str) -> list[Citation]:
        """The citations that may mean the work ``key``, in reading order (indexed once per list of
        articles: ``restrict`` may replace the list)."""
        articles, citing = self._citing
        if articles is not self.articles:
            citing = {}
            for article in self.articles:
                for citation in article.citations.values():
                    for cited in dict.fromkeys(citation.keys):
                        citing.setdefault(cited, []).append(citation)
            self._citing = (self.articles, citing)
        return list(citing.get(key, ()))


def model_parts(volume: VolumeModel) -> list[ArticleModel]:
    """The texts the book and the site render: the introduction, then the articles."""
    return ([volume.introduction] if volume.introduction else []) + volume.articles


def page_name_problems(articles: list[Article]) -> Iterator[tuple[Article, str]]:
    """(article, message) for every article whose id (its xml:id, else its file name) cannot name
    its page of the site: not a plain file name (``links.is_page_id``), or a page the site has."""
    taken = set(SITE_PAGES)
    for article in articles:
        own = xml_id(article.root)
        ident = own or article.path.stem
        if not is_page_id(ident):
            if own:
                yield article, (f"article xml:id '{ident}' cannot name a page of the site: it must be "
                                f"{PAGE_ID_RULE}; change the xml:id")
            else:
                yield article, (f"article file name '{ident}' (the article has no xml:id) cannot name a "
                                f"page of the site: it must be {PAGE_ID_RULE}; give the article such an "
                                "xml:id")
        elif f"{ident}.html" in taken:
            yield article, (f"article id '{ident}' would name its page {ident}.html, which the site "
                            "already has; give the article another xml:id")
        taken.add(f"{ident}.html")


def check_page_names(volume: Volume) -> None:
    """Refuse a volume with an article that cannot name its page: no ``--force`` makes a file name
    safe."""
    for article, message in page_name_problems(volume.articles):
        raise EditionError(message, Location(article.path, article.root.sourceline or 0, 1), "page-name")


def build_model(volume: Volume, config: Config | None = None) -> VolumeModel:
    """The volume's model; ``config`` (edition.toml): its [project] overrides what the header says,
    its [indexes] say which registers print and how names sort."""
    check_page_names(volume)
    header = volume.root.find("tei:teiHeader", NS)
    stmt = header.find("tei:fileDesc/tei:titleStmt", NS)

    def title(kind: str, lang: str | None) -> str:
        for node in stmt.iterfind("tei:title", NS):
            if node.get("type") == kind and xml_lang(node) == lang:
                return plain_text(node)
        return ""

    publication = header.find("tei:fileDesc/tei:publicationStmt", NS)
    model = VolumeModel(
        title=title("main", None),
        subtitle=title("sub", None),
        title_en=title("main", "en"),
        subtitle_en=title("sub", "en"),
        publisher=plain_text(publication.find("tei:publisher", NS)),
        year=plain_text(publication.find("tei:date", NS)),
        licence=plain_text(publication.find("tei:availability/tei:licence", NS)),
        editors=[plain_text(editor) for editor in stmt.iterfind("tei:editor", NS)],
        lang=xml_lang(volume.root) or "en",
        place=plain_text(publication.find("tei:pubPlace", NS)),
        articles=[article_model(article.root, article.path, number, header)
                  for number, article in enumerate(volume.articles, start=1)],
        tei=volume,
    )
    if model.single and not model.title and model.articles:
        model.title = model.articles[0].title  # a document's own title, typed "main" or not
    if config is not None:
        apply_settings(model, config.project)
        model.printed_registers = config.indexes.print
    if volume.introduction is not None:
        model.introduction = article_model(volume.introduction.root, volume.introduction.path, 0, header)
    model.registers = register_entries(volume.registers, config.indexes.honorifics if config else ())
    for article in model.articles:
        for mention in article.mentions.values():
            if mention.ref in model.registers:
                model.registers[mention.ref].mentions.append(mention)
    for part in ([model.introduction] if model.introduction else []) + model.articles:
        page = "index.html" if part is model.introduction else f"{part.id}.html"
        for element in part.text.iter():
            if isinstance(element.tag, str) and xml_id(element):
                model.id_pages[xml_id(element)] = page
                if part is not model.introduction:
                    model.id_elements.setdefault(xml_id(element), (part, element))
        model.id_pages[part.id] = page
    return model


def apply_settings(model: VolumeModel, settings: ProjectSettings) -> None:
    """edition.toml's title, subtitle, editors, publisher, place, year and licence, where it gives them,
    in place of the header's."""
    given = {name: getattr(settings, name) for name in ("title", "subtitle", "editors", "publisher", "place",
                                                          "year", "licence")}
    for name, value in given.items():
        if value is not None:
            setattr(model, name, list(value) if name == "editors" else str(value))
    model.title_set = settings.title is not None


def article_model(tei: etree._Element, path: Path, number: int = 1,
                  shared: etree._Element | None = None) -> ArticleModel:
    """The model of one text; ``shared``: the volume's header, whose witnesses every text may cite."""
    stmt = tei.find("tei:teiHeader/tei:fileDesc/tei:titleStmt", NS)
    titles = [t for t in stmt.findall("tei:title", NS) if t.get("type") != "short"]
    short = stmt.find("tei:title[@type='short']", NS)  # the running head's, where the title is long
    text = tei.find("tei:text", NS)
    lang = xml_lang(tei) or (xml_lang(text) if text is not None else None) or inherited_lang(tei)
    own = [t for t in titles if (xml_lang(t) or lang) == lang] or titles
    main = own[0] if own else None
    others = [(html_lang(xml_lang(t) or lang), plain_text(t)) for t in titles if t is not main]
    source = tei.find("tei:teiHeader/tei:fileDesc/tei:sourceDesc", NS)
    model = ArticleModel(
        id=xml_id(tei) or path.stem,
        path=path,
        lang=html_lang(lang),
        title=plain_text(main),
        title_supplied=main is not None and main.get("type") == "supplied",
        short_title=plain_text(short) if short is not None else "",
        titles_other=others,
        authors=[
            Author(author_name(a), inferred=a.get("resp") is not None or a.get("cert") is not None,
                   cert=a.get("cert"))
            for a in stmt.findall("tei:author", NS)
        ],
        venue=citation_line(source.find("tei:bibl[@type='original']", NS)) if source is not None else "",
        witness=plain_text(source.find("tei:bibl[@type='witness']", NS)) if source is not None else "",
        text=tei.find("tei:text", NS),
        number=number,
    )
    model.note_markers = note_markers(model.text)
    model.citations = collect_citations(model)
    model.mentions = collect_mentions(model)
    model.anchors = paragraph_anchors(model)
    model.witnesses = declared_witnesses(tei.find("tei:teiHeader", NS), shared)
    model.apparatus = apparatus_entries(model.text, model.id, model.witnesses, node_key)
    choices = model.text.iter(f"{{{TEI_NS}}}choice")
    model.corrections = sum(1 for choice in choices if on_numbered_line(choice))
    return model


def collect_citations(article: ArticleModel) -> dict[str, Citation]:
    """Every ``bibl`` of the text that points to the bibliography (``ptr target="bib:KEY"``)."""
    found: dict[str, Citation] = {}
    for index, bibl in enumerate(article.text.iter(f"{{{TEI_NS}}}bibl"), start=1):
        ptr = bibl.find("tei:ptr", NS)
        targets = (ptr.get("target", "") if ptr is not None else "").split()
        keys = [t[4:] for t in targets if t.startswith("bib:")]
        if not keys:
            continue
        found[node_key(bibl)] = Citation(f"cite-{article.id}-{index}", keys, article.id,
                                         note_label(bibl), *location(bibl))
    return found


def section_heading(element: etree._Element) -> str:
    """The heading of the innermost section holding ``element`` (itself, for a section), else ""."""
    for div in (element, *element.iterancestors(f"{{{TEI_NS}}}div")):
        head = div.find("tei:head", NS) if div.tag == f"{{{TEI_NS}}}div" else None
        if head is not None:
            return plain_text(head)
    return ""


def location(element: etree._Element) -> tuple[str, int]:
    """Where an element stands, as a reader finds it: its section's heading and the place of its
    paragraph among that section's paragraphs (0 outside a paragraph)."""
    paragraph = next((a for a in (element, *element.iterancestors()) if a.tag == f"{{{TEI_NS}}}p"), None)
    if paragraph is None:
        return section_heading(element), 0
    section = next(paragraph.iterancestors(f"{{{TEI_NS}}}div", f"{{{TEI_NS}}}body", f"{{{TEI_NS}}}front",
                                           f"{{{TEI_NS}}}back"), None)
    paragraphs = list(section.iter(f"{{{TEI_NS}}}p")) if section is not None else [paragraph]
    return section_heading(paragraph), paragraphs.index(paragraph) + 1


def note_label(element: etree._Element) -> str:
    """For back-references on screen: "n. 14" where an element stands in footnote 14, else ""."""
    note = next((a for a in element.iterancestors(f"{{{TEI_NS}}}note") if a.get("place") == "foot"), None)
    return f"n. {note.get('n')}" if note is not None else ""


def node_key(element: etree._Element) -> str:
    """A stable key for an element (lxml proxies are not): its xml:id, else its path."""
    return xml_id(element) or element.getroottree().getpath(element)


def note_markers(text: etree._Element) -> dict[str, str]:
    """Markers of the notes: the source's own numbers (a note without ``@n`` gets its place among
    the text's notes), and a letter series for editorial notes. The apparatus is a series of its own
    (``annotate.apparatus_entries``)."""
    markers: dict[str, str] = {}
    editorial = counted = 0
    for note in text.iter(f"{{{TEI_NS}}}note"):
        if in_entry(note):
            continue  # printed within its apparatus entry, not called
        if note.get("type") == "editorial":
            markers[node_key(note)] = alphabetic(editorial)
            editorial += 1
        else:
            counted += 1
            markers[node_key(note)] = note.get("n", "").strip() or str(counted)
    return markers


def alphabetic(index: int) -> str:
    """0 → a, 25 → z, 26 → aa: the editorial note series."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters
