"""The processing model (edition/processing): real TEI from four public projects rendered without
losing a word, on screen and in print; verse, drama, notes, tokens and grouped texts as the source
has them; a warning for elements without a row; a project's rows; predicates refused with one line."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html
from markupsafe import escape

from edition.check.fidelity import authorial_text
from edition.config import load_config
from edition.errors import EditionError
from edition.processing import default_model, processing_model
from edition.project import THEME
from edition.render.html import Renderer, labelled_page, render_article
from edition.tei.load import TEI_NS, read_xml
from edition.tei.model import article_model, plain_text

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "data" / "tei"
HOSTILE = ROOT / "tests" / "data" / "hostile"
DOCUMENTS = sorted(REAL.glob("*/*.xml"))
WORD = re.compile(r"\w+")
# HTML elements that end a line: their text must not run into the next element's in the comparison.
HTML_BLOCKS = {"div", "p", "li", "ul", "ol", "tr", "td", "th", "table", "caption", "figure", "figcaption",
               "blockquote", "section", "h1", "h2", "h3", "h4", "h5", "h6", "br", "dd", "dt"}
T = f"{{{TEI_NS}}}"


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(THEME / "templates")


def text_of(document: Path) -> etree._Element:
    return read_xml(document).getroot().find(f"{T}text")


def rendered(document: Path, renderer: Renderer, mode: str) -> tuple[str, list[dict]]:
    """The HTML a text renders to (front, body, back) and the notes gathered from it."""
    root = read_xml(document).getroot()
    result = render_article(article_model(root, document), renderer, mode)
    return "".join(map(str, (result.title_notes, result.front, result.body, result.back))), result.notes


def html_text(html: str) -> str:
    """The text of an HTML fragment, each block on a line of its own (as a browser shows it)."""
    fragment = lxml_html.fragment_fromstring(html, create_parent="div")
    for element in fragment.iter():
        if isinstance(element.tag, str) and (element.tag in HTML_BLOCKS
                                             or "block" in (element.get("class") or "").split()):
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
    return fragment.text_content()


def coverage(text: etree._Element, output: str) -> tuple[float, list[str]]:
    """The share of the words of ``text`` that ``output`` holds, and the words it lacks.

    A word inside a text node must be a word of the output (counted: twice in the source, twice in
    the output); a word at the edge of a node, which may run on into the next element (a drop
    capital, a superscript, a note call), must be in the output's letters with spaces taken out."""
    words = Counter(WORD.findall(output.lower()))
    letters = "".join(WORD.findall(output.lower()))
    missing: list[str] = []
    total = 0
    for node in text.xpath(".//text()"):
        for match in WORD.finditer(node):
            word = match.group().lower()
            total += 1
            if match.start() == 0 or match.end() == len(node):
                found = word in letters
            else:
                found = words[word] > 0
                words[word] -= found
            if not found:
                missing.append(word)
    return 1 - len(missing) / max(total, 1), missing


def screen_and_print_text(document: Path, renderer: Renderer, mode: str) -> str:
    html, notes = rendered(document, renderer, mode)
    parts = [html_text(html)]
    for note in notes:  # the notes part of the book, the note list of the page
        parts.append(html_text(str(note["html"])))
        parts.append(note.get("original", ""))
    return "\n".join(parts)


@pytest.mark.parametrize("mode", ["screen", "print"])
@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_every_word_of_the_text_is_rendered(document: Path, mode: str, renderer: Renderer) -> None:
    share, missing = coverage(text_of(document), screen_and_print_text(document, renderer, mode))
    assert share >= 0.995, f"{share:.4%}; missing {Counter(missing).most_common(10)}"


def test_verse_lines_are_lines_of_their_own(renderer: Renderer) -> None:
    document = REAL / "tei-publisher" / "kipling.xml"
    html, _ = rendered(document, renderer, "screen")
    tree = lxml_html.fragment_fromstring(html, create_parent="div")
    lines = tree.xpath("//div[contains(concat(' ', @class, ' '), ' l ')]")
    assert len(lines) == len(text_of(document).findall(f".//{T}l")) > 30
    assert tree.xpath("//div[contains(concat(' ', @class, ' '), ' lg ')]")
    assert lines[0].text_content().strip() == "If you can keep your head when all about you"


def test_a_division_known_by_its_number_alone_shows_it(tmp_path: Path, renderer: Renderer) -> None:
    """Perseus's Cicero has 23 sections with no heading, each known by its @n: they ran together with
    no number. A section of prose opens with it, run in (a span: no line added to the count); a poem,
    or a division of divisions, is headed by it; an @n that is a name ("lyrics", a letter "c" in a list
    a–e, a date) is not shown."""
    cicero = REAL / "perseus" / "phi0474.phi041.perseus-lat2.xml"
    sections = text_of(cicero).findall(f".//{T}div[@subtype='section']")
    for mode in ("screen", "print"):
        tree = lxml_html.fragment_fromstring(rendered(cicero, renderer, mode)[0], create_parent="div")
        numbers = tree.xpath("//section/span[@class='div-number']")
        assert [n.text for n in numbers] == [s.get("n") for s in sections] and len(sections) == 23
        assert all(n.getparent().index(n) == 0 for n in numbers)  # before the section's text
    poems = synthetic(tmp_path, '<body><div type="textpart" subtype="book" n="lyrics">'
                      '<div n="1"><l n="1">Cui dono lepidum novum libellum</l></div>'
                      '<div n="2"><lg><l n="1">Passer, deliciae meae puellae,</l></lg></div></div>'
                      '<div n="IV"><div n="1"><p>Prose.</p></div></div>'
                      '<div n="c"><p>Part c.</p></div><div n="2017-05-03"><p>A day.</p></div>'
                      '<div n="10a"><p>Ten a.</p></div></body>')
    tree = lxml_html.fragment_fromstring(rendered(poems, renderer, "print")[0], create_parent="div")
    assert [(h.tag, h.text) for h in tree.xpath("//*[contains(@class, 'div-number')]")] == [
        ("h3", "1"), ("h3", "2"), ("h2", "IV"), ("span", "1"), ("span", "10a")]
    assert "Part c." in html_text(rendered(poems, renderer, "print")[0])


def test_a_page_number_with_its_own_label_is_not_labelled_again(renderer: Renderer) -> None:
    """Perseus numbers the source's pages "p.2085": the screen showed "[p. p.2085]". Such a number is
    marked to be shown as it is (site/labels.css.j2); a bare number keeps the interface's label."""
    cicero = REAL / "perseus" / "phi0474.phi041.perseus-lat2.xml"
    tree = lxml_html.fragment_fromstring(rendered(cicero, renderer, "screen")[0], create_parent="div")
    marks = {(m.get("data-n"), m.get("class")) for m in tree.xpath("//span[contains(@class, 'pb')]")}
    assert ("p.2085", "pb labelled") in marks and all(c == "pb labelled" for n, c in marks if n)
    assert labelled_page("p.xii") and labelled_page("fol. 12") and not labelled_page("xii")
    letter = REAL / "tei-publisher" / "let695.xml"  # the letter's pages are numbered 1, 2, …
    tree = lxml_html.fragment_fromstring(rendered(letter, renderer, "screen")[0], create_parent="div")
    bare = tree.xpath("//span[contains(@class, 'pb')][@data-n]")
    assert bare and all(m.get("class") == "pb" for m in bare)
    labels = (THEME / "templates" / "site" / "labels.css.j2").read_text(encoding="utf-8")
    assert '.pb.labelled[data-n]::before { content: "[" attr(data-n) "]"; }' in labels


def test_drama_speakers_are_marked_and_lines_numbered(renderer: Renderer) -> None:
    document = REAL / "dracor" / "macbeth.xml"
    html, _ = rendered(document, renderer, "print")
    tree = lxml_html.fragment_fromstring(html, create_parent="div")
    speakers = tree.xpath("//div[contains(concat(' ', @class, ' '), ' speaker ')]")
    assert len(speakers) == len(text_of(document).findall(f".//{T}speaker")) == 649
    assert speakers[0].getparent().get("class") == "sp block"
    numbers = [n.get("data-n") for n in tree.xpath("//span[@class='line-number']")]  # CSS prints them
    assert numbers[:3] == ["1.1.5", "1.2.5", "1.2.10"]  # every fifth line of a scene shows its number
    assert tree.xpath("//div[contains(concat(' ', @class, ' '), ' stage ')]")


def test_notes_without_n_are_numbered(renderer: Renderer) -> None:
    document = REAL / "tei-publisher" / "27003.xml"
    assert all(note.get("n") is None for note in text_of(document).iter(f"{T}note"))
    screen, notes = rendered(document, renderer, "screen")
    calls = re.findall(r'class="note-call footnote"[^>]*>([^<]*)</a>', screen)
    assert calls == [str(n) for n in range(1, 7)]
    assert [note["marker"] for note in notes] == [str(n) for n in range(1, 7)]
    assert all(f'href="#{note["id"]}"' in screen for note in notes)
    printed, _ = rendered(document, renderer, "print")
    assert re.findall(r'class="footnote" data-n="(\d+)"', printed)[:3] == ["1", "2", "3"]


@pytest.mark.parametrize(("language", "labels"), [("en", ["Footnote", "Editor's note"]),
                                                  ("tr", ["Dipnot", "Editör notu"])])
def test_notes_are_settled_by_the_renderer_in_the_interface_language(tmp_path: Path, language: str,
                                                                       labels: list[str]) -> None:
    """The renderer settles each note (id, marker, label, content) before its macro renders the call:
    the list after the text and the calls agree, labelled in the interface language."""
    document = synthetic(tmp_path, '<body><p>One<note place="foot">first</note> two<note type="editorial">'
                                   "by the editors</note>.</p></body>")
    screen, notes = rendered(document, Renderer(THEME / "templates", language=language), "screen")
    assert [(note["kind"], note["label"], note["marker"], str(note["html"])) for note in notes] == [
        ("footnote", labels[0], "1", "first"), ("editorial-note", labels[1], "a", "by the editors")]
    for note in notes:
        assert f'href="#{note["id"]}" id="{note["id"]}-call"' in screen
        assert f'aria-label="{escape(note["label"])} {note["marker"]}"' in screen


@pytest.mark.parametrize("gathered", [False, True])
def test_editors_notes_are_a_lettered_series_at_the_page_foot_or_gathered(tmp_path: Path,
                                                                          gathered: bool) -> None:
    """[print] editors_notes: at the page foot, an editors' note floats there as the authors' do,
    lettered, in its own class (the editors' face); gathered, the text keeps a call and the note is
    listed after the article. A note inside another note is always gathered."""
    document = synthetic(tmp_path, '<body><p>One<note place="foot">first<note type="editorial">inner</note>'
                                   '</note> two<note type="editorial">by the editors</note>.</p></body>')
    renderer = Renderer(THEME / "templates", editors_notes_gathered=gathered)  # [print] editors_notes
    printed, notes = rendered(document, renderer, "print")
    at_foot = re.findall(r'class="footnote editorial-note" data-n="([a-z]+)">([^<]*)</span>', printed)
    listed = [(note["marker"], str(note["html"])) for note in notes if note["kind"] == "editorial-note"]
    if gathered:
        assert at_foot == [] and listed == [("a", "inner"), ("b", "by the editors")]
        assert printed.count('class="note-call editorial-note"') == 2
    else:
        assert at_foot == [("b", "by the editors")] and listed == [("a", "inner")]
        assert printed.count('class="note-call editorial-note"') == 1  # the one inside a note
    assert re.findall(r'class="footnote" data-n="(\d+)"', printed) == ["1"]


def note_owner(document: Path) -> str:
    root = read_xml(document).getroot()
    return root.get("{http://www.w3.org/XML/1998/namespace}id") or document.stem


def synthetic(tmp_path: Path, body: str, name: str = "doc") -> Path:
    """A small TEI document around ``body`` (the content of <text>)."""
    path = tmp_path / f"{name}.xml"
    path.write_text(f'<TEI xmlns="{TEI_NS}"><teiHeader><fileDesc><titleStmt><title>t</title></titleStmt>'
                    "<publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc>"
                    f"</teiHeader><text>{body}</text></TEI>", encoding="utf-8")
    return path


def test_texts_of_a_group_are_all_rendered(tmp_path: Path, renderer: Renderer) -> None:
    """A letter edition: text/group/text, no body of its own (it printed 30 of 532 words before)."""
    letter = ("<text><front><docTitle><titlePart>Letter {n}</titlePart></docTitle></front><body>"
              "<opener><dateline>Day {n}</dateline><salute>Dear friend,</salute></opener><p>Words of "
              "letter {n}.</p><closer><salute>Yours,</salute><signed>Writer {n}</signed></closer></body>"
              "</text>")
    document = synthetic(tmp_path, "<group>" + "".join(letter.format(n=n) for n in range(1, 4)) + "</group>")
    for mode in ("screen", "print"):
        share, missing = coverage(text_of(document), screen_and_print_text(document, renderer, mode))
        assert share == 1.0, missing


def test_word_tokens_keep_their_spaces(tmp_path: Path, renderer: Renderer) -> None:
    document = synthetic(tmp_path, '<body><ab><w>ἐν</w><w>Ἐφέσῳ</w><pc>,</pc><w join="right">ἀ</w><w>βγ</w>'
                                   '<lb/><w>δε</w><lb break="no"/>\n  <w>ζη</w> <w>θι</w></ab></body>')
    html, _ = rendered(document, renderer, "screen")
    text = " ".join(html_text(html).split())
    assert text == "ἐν Ἐφέσῳ, ἀβγ δεζη θι"


def test_a_tcp_line_break_inside_a_word_joins_it(tmp_path: Path, renderer: Renderer) -> None:
    """EEBO-TCP marks a line break inside a word ``<lb rend="hidden" type="hyphenInWord"/>`` (its
    files, e.g. TEIC/Stylesheets' Test/test14.xml, Psalmanazar's Formosa, 1704): the word is one word
    ("Persecu tion" was printed before), as with TEI's ``break="no"``; another line break is a space."""
    document = synthetic(tmp_path, '<body><p>that fierce Persecu<lb rend="hidden" type="hyphenInWord"/>tion '
                                   'in Japan: I thought there<lb rend="hidden" type="hyphenInWord"/>fore it'
                                   '<lb/>would</p></body>')
    for mode in ("screen", "print"):
        html, _ = rendered(document, renderer, mode)
        text = " ".join(html_text(html).split())
        assert text == "that fierce Persecution in Japan: I thought therefore it would"


def test_a_plays_performance_notes_prologue_and_epilogue_are_sections(tmp_path: Path,
                                                                      renderer: Renderer) -> None:
    """``performance`` (DraCor's Revizor: Gogol's "characters and costumes" before the play),
    ``prologue`` and ``epilogue`` hold paragraphs and speeches: each is a block with its paragraphs
    as paragraphs (they had no row: printed as plain text, the paragraphs run together as spans)."""
    document = synthetic(tmp_path, "<front><performance><head>Characters</head><p>One.</p><p>Two.</p>"
                                   "</performance><prologue><p>Before.</p></prologue></front><body><p>Play."
                                   "</p></body><back><epilogue><p>After.</p></epilogue></back>")
    assert renderer.model.unruled([text_of(document)]) == Counter()
    for mode in ("screen", "print"):
        html, _ = rendered(document, renderer, mode)
        for name in ("performance", "prologue", "epilogue"):
            assert re.search(rf'<div class="{name} block">', html), (name, html)
        assert len(re.findall(r'<p[^>]* class="p">', html)) == 5


def test_apparatus_prints_the_lemma_with_its_readings_in_a_note(tmp_path: Path, renderer: Renderer) -> None:
    document = synthetic(tmp_path, '<body><p>For brave <app><lem wit="#F1">butchery</lem><rdg wit="#Q1 #Q2">'
                                   'bûchers</rdg><rdg wit="#D"/><note>The Folio reads so.</note></app> '
                                   "well.</p></body>")
    html, notes = rendered(document, renderer, "screen")
    assert " ".join(html_text(html).split()) == "For brave butchery* well."
    assert notes[0]["kind"] == "apparatus"
    assert " ".join(html_text(str(notes[0]["html"])).split()) == (
        "butchery F1] bûchers Q1 Q2; om. D The Folio reads so.")
    printed, _ = rendered(document, renderer, "print")
    assert re.search(r'<span class="app" data-entry="var-doc-1">butchery</span><span id="var-doc-1" '
                     r'class="footnote app-note" data-n="">'
                     r'<span class="app-line" data-for="var-doc-1"></span>'
                     r'<!--entry:var-doc-1--><span class="lem">butchery</span>', printed)


# Every element TEI Simple Print gives a model (TEIC/TEI-Simple, odd/teisimple.odd, its <model>
# rows), but those of the header (teiHeader, fileDesc, encodingDesc, profileDesc, revisionDesc) and TEI.
TEI_SIMPLE_MODELLED = [
    "ab", "abbr", "actor", "add", "address", "addrLine", "addSpan", "am", "anchor", "argument", "author",
    "back", "bibl", "body", "byline", "c", "castGroup", "castItem", "castList", "cb", "cell", "choice",
    "cit", "closer", "corr", "date", "dateline", "del", "desc", "div", "docAuthor", "docDate", "docEdition",
    "docImprint", "docTitle", "epigraph", "ex", "expan", "figDesc", "figure", "floatingText", "foreign",
    "formula", "front", "fw", "g", "gap", "graphic", "group", "handShift", "head", "hi", "imprimatur",
    "item", "l", "label", "lb", "lg", "list", "listBibl", "measure", "milestone", "name", "note", "num",
    "opener", "orig", "p", "pb", "pc", "postscript", "publisher", "pubPlace", "q", "quote", "ref", "reg",
    "rhyme", "role", "roleDesc", "row", "rs", "s", "salute", "seg", "sic", "signed", "sp", "space",
    "speaker", "spGrp", "stage", "subst", "supplied", "table", "text", "time", "title", "titlePage",
    "titlePart", "trailer", "unclear", "w"
]
# And those the issue names besides.
ISSUE_NAMED = ["persName", "placeName", "damage", "ptr", "ruby", "biblStruct", "app", "lem", "rdg"]


def test_every_element_tei_simple_models_has_a_row() -> None:
    rows = {rule.element for rule in default_model().rules}
    assert set(TEI_SIMPLE_MODELLED + ISSUE_NAMED) - rows == set()


def test_every_row_of_an_element_has_the_same_text_role() -> None:
    """The text roles are read by element name (plain_text, the search index, the checks): rows of one
    element that disagree would leave the role to whichever row is read."""
    roles: dict[str, set[str]] = {}
    for rule in default_model().rules:
        roles.setdefault(rule.element, set()).add(rule.behaviour.text)
    assert {element: found for element, found in roles.items() if len(found) > 1} == {}


READING = f"""<p xmlns="{TEI_NS}">Kurtuluş<note place="foot" n="1">1919</note> <choice><sic>Savaş</sic>
<corr>Savaşı</corr></choice> <choice><abbr>Ank.</abbr><expan>Ankara</expan></choice>'da
<fw type="header">12</fw>sürer <ref target="#x">bkz.</ref> <supplied>ve</supplied> biter.</p>"""


def test_the_reading_text_and_the_authorial_text_follow_the_text_roles() -> None:
    """Notes and forme work stand apart; the source's forms give way to the editors' in the reading
    text; the editors' words are left out of the authorial text (compared with the witness)."""
    paragraph = etree.fromstring(READING)
    assert plain_text(paragraph) == "Kurtuluş Savaşı Ankara'da sürer bkz. ve biter."
    assert authorial_text(paragraph).split() == ["Kurtuluş", "1", "1", "1919", "Savaş", "Ank.'da", "12",
                                                 "sürer", "bkz.", "biter."]


def test_a_project_row_overrides_a_default_row(tmp_path: Path) -> None:
    settings = tmp_path / "edition.toml"
    settings.write_text('[[processing.rule]]\nelement = "l"\nbehaviour = "inline.span"\n', encoding="utf-8")
    renderer = Renderer(THEME / "templates", processing_model(load_config(settings)))
    html, _ = rendered(REAL / "tei-publisher" / "kipling.xml", renderer, "screen")
    assert 'class="l block"' not in html and '<span class="l">' in html


HOSTILE_ROWS = [  # (file, the one line it must produce)
    ("processing-descendant.toml", "processing rule 1 (element 'l'): invalid predicate \"//sp\": '//' "
     "(the descendant axis) is not allowed"),
    ("processing-function.toml", "processing rule 2 (element 'note'): invalid predicate "
     "\"document('file:///etc/passwd')\": the function 'document' is not allowed (functions: contains, "
     "count, false, local-name, node, normalize-space, not, starts-with, string-length, substring, text, "
     "translate, true)"),
    ("processing-axis.toml", "processing rule 1 (element 'p'): invalid predicate \"following::p\": the axis "
     "'following' is not allowed (axes: ancestor, ancestor-or-self, attribute, child, following-sibling, "
     "parent, preceding-sibling, self)"),
    ("processing-syntax.toml", "processing rule 1 (element 'hi'): invalid predicate \"@rend='x\": "
     "unexpected ''x'"),
    ("processing-variable.toml", "processing rule 1 (element 'hi'): invalid predicate \"@rend=$x\": "
     "variables is not allowed"),
    ("processing-prefix.toml", "processing rule 1 (element 'hi'): invalid predicate \"parent::ex:w\": the "
     "prefix 'ex' is unknown (tei:, xml:)"),
    ("processing-behaviour.toml", "processing rule 1 (element 'hi'): behaviour 'span' must be family.macro "
     "(a macro of edition/theme/templates/tei/<family>.html.j2)"),
    ("processing-key.toml", "processing rule 1: unknown key 'predicat' (keys: element, predicate, "
     "behaviour, block, phrasing, output, params, text, editorial)"),
    ("processing-text.toml", "processing rule 1 (element 'hi'): text 'omit' must be one of passage, apart, "
     "alternative, reference"),
    ("processing-long.toml", "processing rule 1 (element 'hi'): the predicate has 600 characters, over the "
     "limit processing_predicate_chars=500 (raise it with --limit processing_predicate_chars=N)"),
]


@pytest.mark.parametrize(("name", "message"), HOSTILE_ROWS)
def test_invalid_rows_are_refused_with_one_line_naming_the_row(name: str, message: str) -> None:
    path = HOSTILE / name
    with pytest.raises(EditionError) as refused:
        processing_model(load_config(path))
    assert refused.value.message == message
    assert refused.value.location.line == row_line(path, message)


def row_line(path: Path, message: str) -> int:
    """The line of the row a message names (``processing rule N``)."""
    number = int(re.match(r"processing rule (\d+)", message).group(1))
    lines = [i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if text.startswith("[[processing.rule]]")]
    return lines[number - 1]


def test_every_default_row_names_a_macro_of_the_package_templates(renderer: Renderer) -> None:
    renderer.check_macros(every=True)


def test_a_missing_macro_is_refused_with_the_row(tmp_path: Path) -> None:
    settings = tmp_path / "edition.toml"
    settings.write_text('[[processing.rule]]\nelement = "l"\nbehaviour = "verse.nothing"\n', encoding="utf-8")
    with pytest.raises(EditionError) as refused:
        Renderer(THEME / "templates", processing_model(load_config(settings)))
    assert str(refused.value) == (f"{settings}:1:1: error: processing rule 1 (element 'l'): the behaviour "
                                  "verse.nothing does not exist (no macro 'nothing' in tei/verse.html.j2)")


# ---- Through `edition build`: a project made of real documents ------------------------------------

BUILT = ("tei-publisher/kipling.xml", "tei-publisher/graves6.xml", "ceteicean/meros.xml",
         "tei-publisher/testsimple.xml")


def make_project(root: Path, documents: tuple[str, ...], settings: str = "") -> Path:
    """A project folder holding ``documents`` as the articles of a volume, the package's styles, and
    ``settings`` as its edition.toml (no profile: any TEI)."""
    (root / "tei").mkdir(parents=True)
    shutil.copytree(THEME, root / "styles")
    includes = ""
    for name in documents:
        shutil.copy(REAL / name, root / "tei" / Path(name).name)
        includes += f'<xi:include href="{Path(name).name}"/>'
    (root / "tei" / "volume.xml").write_text(
        f'<teiCorpus xmlns="{TEI_NS}" xmlns:xi="http://www.w3.org/2001/XInclude"><teiHeader><fileDesc>'
        "<titleStmt><title type='main'>Real documents</title></titleStmt><publicationStmt><publisher>"
        "tests</publisher><date>2026</date></publicationStmt><sourceDesc><p>tests/data/tei</p></sourceDesc>"
        f"</fileDesc></teiHeader>{includes}</teiCorpus>", encoding="utf-8")
    (root / "edition.toml").write_text(settings, encoding="utf-8")
    return root


def run_edition(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / ".venv" / "bin" / "edition"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def real_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    root = make_project(tmp_path_factory.mktemp("real"), BUILT)
    return root, run_edition("build", "-j", "2", cwd=root)


def test_build_of_real_documents_reports_elements_without_a_row(real_build) -> None:
    _, done = real_build
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    warnings = [line for line in done.stderr.splitlines() if "no row in the processing model" in line]
    assert warnings == [  # meros.xml's list of persons and places in its back matter, once each
        "edition: warning: <listPerson> has no row in the processing model: its content is printed as plain "
        "text (1 time)",
        "edition: warning: <listPlace> has no row in the processing model: its content is printed as plain "
        "text (1 time)",
        "edition: warning: <occupation> has no row in the processing model: its content is printed as plain "
        "text (6 times)",
        "edition: warning: <person> has no row in the processing model: its content is printed as plain "
        "text (12 times)",
        "edition: warning: <place> has no row in the processing model: its content is printed as plain "
        "text (27 times)",
    ]


@pytest.mark.parametrize("name", BUILT)
def test_build_of_real_documents_prints_every_word(real_build, name: str) -> None:
    root, done = real_build
    assert done.returncode == 0, done.stderr
    pdf = subprocess.run(["pdftotext", "-enc", "UTF-8", str(root / "output" / "edition.pdf"), "-"],
                         check=True, capture_output=True, text=True).stdout
    pdf = re.sub(r"(\w)[-\u2010\u00ad]\n(\w)", r"\1\2", pdf)  # words hyphenated at the end of a line
    pdf = re.sub(r"(?<=[\u3000-\u9fff])\n(?=[\u3000-\u9fff])", "", pdf)  # Japanese wraps anywhere
    document = REAL / name
    share, missing = coverage(text_of(document), pdf)
    assert share >= 0.995, f"PDF: {share:.4%}; missing {Counter(missing).most_common(10)}"
    page = (root / "output" / "html" / f"{note_owner(document)}.html").read_text(encoding="utf-8")
    share, missing = coverage(text_of(document), html_text(page))
    assert share >= 0.995, f"site: {share:.4%}; missing {Counter(missing).most_common(10)}"


def test_a_project_row_overrides_a_default_row_in_a_build(tmp_path: Path) -> None:
    root = make_project(tmp_path, ("tei-publisher/kipling.xml",),
                        '[[processing.rule]]\nelement = "l"\noutput = "screen"\nbehaviour = "inline.span"\n')
    done = run_edition("build", "--html", cwd=root)
    assert done.returncode == 0, done.stderr
    page = (root / "output" / "html" / "kipling.html").read_text(encoding="utf-8")
    assert '<span class="l"> If you can keep your head' in page and 'class="l block"' not in page


def test_build_refuses_an_invalid_predicate_with_one_line(tmp_path: Path) -> None:
    root = make_project(tmp_path, ("tei-publisher/kipling.xml",),
                        (HOSTILE / "processing-descendant.toml").read_text(encoding="utf-8"))
    done = run_edition("build", "--html", cwd=root)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"edition.toml:{row_line(HOSTILE / 'processing-descendant.toml', HOSTILE_ROWS[0][1])}:1: error: "
        + HOSTILE_ROWS[0][1]]
    assert not (root / "output" / "html").exists()


CHOICES = """<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:lang="en"><teiHeader><fileDesc>
<titleStmt><title>Choices</title></titleStmt><publicationStmt><p>Test.</p></publicationStmt>
<sourceDesc><p>Test.</p></sourceDesc></fileDesc></teiHeader><text><body>
<p>A <choice><sic>teh</sic><corr>the</corr></choice> letter from <rs ref="#p1">the General</rs>
and <name ref="#p2">Ada</name>, <choice><abbr>Gen.</abbr><expan>General</expan></choice>.</p>
</body></text></TEI>"""


def test_choice_pairs_and_names_come_from_the_table(tmp_path: Path) -> None:
    """The pairs a choice shows and the names that point into the registers are the processing
    table's rows (choice_with; inline.name), so a project's row changes them."""
    document = tmp_path / "choices.xml"
    document.write_text(CHOICES, encoding="utf-8")
    pairs = {(pair.original, pair.edited) for pair in default_model().choice_pairs()}
    assert pairs == {("sic", "corr"), ("orig", "reg"), ("abbr", "expan")}
    html, _ = rendered(document, Renderer(THEME / "templates"), "screen")
    assert 'class="choice correction"' in html and 'class="choice expansion"' in html
    assert "[In the source: teh]" in html_text(html) and "[Abbreviation: Gen.]" in html_text(html)
    settings = tmp_path / "edition.toml"
    settings.write_text('[[processing.rule]]\nelement = "corr"\nbehaviour = "critical.plain"\n'
                        'editorial = true\nparams = { choice_with = "sic", choice_kind = "emendation", '
                        'choice_label = "Source" }\n', encoding="utf-8")
    own, _ = rendered(document, Renderer(THEME / "templates", processing_model(load_config(settings))),
                      "screen")
    assert 'class="choice emendation"' in own and "[Source: teh]" in html_text(own)
    mentions = article_model(read_xml(document).getroot(), document).mentions.values()
    assert sorted((mention.ref, mention.text) for mention in mentions) == [("p1", "the General"),
                                                                           ("p2", "Ada")]
