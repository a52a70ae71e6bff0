"""Building the bundled volume gives a PDF and an HTML site a reader can use."""

from __future__ import annotations

import re
import subprocess
from itertools import pairwise
from pathlib import Path

from lxml import html as lxml_html
from pikepdf import Array, Dictionary, Name, NameTree, NumberTree, Pdf, parse_content_stream
from pypdf import PdfReader

from edition.check.fidelity import authorial_text
from edition.project import THEME
from edition.tei.load import NS, load_article

from .conftest import ARTICLES, ROOT


def article_words(article_id: str) -> set[str]:
    text = load_article(ROOT / "tei" / f"{article_id}.xml").find("tei:text", NS)
    return set(re.findall(r"[^\W\d_]+", authorial_text(text)))


def test_pdf_holds_the_words_of_every_article(pdf_text: str) -> None:
    flat = " ".join(re.sub(r"[-‐]\n", "", pdf_text).split())
    for article_id in ARTICLES:
        text = load_article(ROOT / "tei" / f"{article_id}.xml").find("tei:text/tei:body", NS)
        paragraph = text.find(".//tei:p", NS)
        words = paragraph.xpath("string(.)", namespaces=NS)
        for note in paragraph.iterfind(".//tei:note", NS):  # notes print elsewhere
            words = words.replace(note.xpath("string(.)"), " ", 1)
        first_words = words.split()[:5]
        # Editorial note calls (letters) may follow a word, after a thin space (print.css).
        pattern = r"\s*(?:[a-z]{1,2}\s*)?".join(re.escape(w) for w in first_words)
        assert re.search(pattern, flat), (article_id, first_words)


def test_pdf_hyphenates_turkish_at_line_ends(pdf_text: str) -> None:
    words = set().union(*(article_words(a) for a in ARTICLES))
    lines = pdf_text.splitlines()
    breaks = []
    for line, following in pairwise(lines):
        start = re.search(r"([^\W\d_]+)[-‐]$", line)
        rest = re.match(r"([^\W\d_]+)", following)
        if start and rest and rest.group(1)[0].islower():
            breaks.append((start.group(1), rest.group(1)))
    joined = [a + b for a, b in breaks if a + b in words]
    # Dozens of Turkish words broken by the hyphenator, each a word of the edition once rejoined.
    assert len(joined) >= 20, breaks[:20]
    assert not [a + b for a, b in breaks if "’" in b[:1]], "break before an apostrophe"


def test_every_font_is_embedded_and_subset(built: Path) -> None:
    listing = subprocess.run(["pdffonts", str(built / "edition.pdf")], check=True,
                             capture_output=True, text=True).stdout.splitlines()[2:]
    assert listing, "no fonts listed"
    for row in listing:
        columns = row.split()
        name, emb, sub = columns[0], columns[-5], columns[-4]
        assert (emb, sub) == ("yes", "yes"), row
        assert "Libertine" in name or "Biolinum" in name, row


def test_pdf_is_tagged_with_title_and_language(built: Path) -> None:
    info = subprocess.run(["pdfinfo", str(built / "edition.pdf")], check=True,
                          capture_output=True, text=True).stdout
    assert re.search(r"^Tagged:\s+yes", info, re.M)
    assert re.search(r"^Title:\s+Millî Mücadele", info, re.M)
    catalog = PdfReader(built / "edition.pdf").trailer["/Root"]
    assert catalog["/Lang"] == "tr"
    assert catalog["/MarkInfo"]["/Marked"]


def test_pdf_has_bookmarks_for_articles_and_sections(built: Path) -> None:
    outline = PdfReader(built / "edition.pdf").outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert "İçindekiler" in titles
    assert any(t.startswith("[Mustafa Kemal Paşa – Albay Budienni") for t in titles)
    assert any(isinstance(item, list) for item in outline), "sections nest under their article"


def test_html_site_has_a_page_per_article(built: Path) -> None:
    site = built / "html"
    assert (site / "index.html").is_file()
    for article_id in ARTICLES:
        page = lxml_html.parse(str(site / f"{article_id}.html")).getroot()
        assert page.get("lang") == "tr"
        assert page.find(".//article").get("id") == article_id
        assert page.xpath("string(//div[@class='body'])").strip()
    # English passages keep their language for hyphenation and screen readers.
    english = lxml_html.parse(str(site / "a004.html")).getroot().xpath("//*[@lang='en']")
    assert english


def test_html_footnotes_link_both_ways(built: Path) -> None:
    page = lxml_html.parse(str(built / "html" / "a000.html")).getroot()
    calls = page.xpath("//a[contains(@class,'note-call')]")
    footnotes = [c for c in calls if "footnote" in c.get("class")]
    assert len(footnotes) == 39  # 38 numbered notes and the asterisk note
    assert all("editorial-note" in c.get("class") for c in calls if c not in footnotes)
    for call in calls:
        target = call.get("href")[1:]
        note = page.get_element_by_id(target)
        assert note.xpath(".//a[@class='note-back']")[0].get("href") == f"#{call.get('id')}"


def test_html_escapes_text(project, tmp_path: Path) -> None:
    from edition.processing.rules import project_model
    from edition.render.html import Renderer, render_site
    from edition.tei.load import load_volume
    from edition.tei.model import build_model

    volume = tmp_path / "tei" / "volume.xml"
    volume.parent.mkdir()
    volume.write_text(
        '<teiCorpus xmlns="http://www.tei-c.org/ns/1.0" xmlns:xi="http://www.w3.org/2001/XInclude">'
        "<teiHeader><fileDesc><titleStmt><title type='main'>T &lt;script&gt;</title></titleStmt>"
        "<publicationStmt><publisher>p</publisher></publicationStmt><sourceDesc><p/></sourceDesc>"
        "</fileDesc></teiHeader><xi:include href='a.xml'/></teiCorpus>", encoding="utf-8")
    (tmp_path / "tei" / "a.xml").write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="a"><teiHeader><fileDesc><titleStmt>'
        "<title>x</title></titleStmt><publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc>"
        "</fileDesc></teiHeader><text xml:lang='tr'><body><p>&lt;img src=x onerror=alert(1)&gt; a&amp;b</p>"
        "</body></text></TEI>", encoding="utf-8")
    model = build_model(load_volume(volume, tmp_path))
    pages = render_site(model, Renderer(project.template_folders, project_model(project.root)))
    assert "<img" not in pages["a.html"] and "&lt;img src=x" in pages["a.html"]
    assert "<script>" not in pages["index.html"]


def test_compiled_templates_name_their_own_files(project, tmp_path: Path, monkeypatch) -> None:
    """Two copies of the templates share the user's cache folder, yet each copy's compiled templates
    name its own files, so a template error points to the file that was rendered."""
    import shutil

    from edition.render.html import Renderer

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for copy in ("one", "two"):
        templates = shutil.copytree(THEME / "templates", tmp_path / copy)
        for _ in range(2):  # compiled, then read from the cache
            template = Renderer(templates).env.get_template("book/part.html.j2")
            assert template.root_render_func.__code__.co_filename == str(templates / "book" / "part.html.j2")
    assert len(list((tmp_path / "cache" / "edition" / "jinja").iterdir())) == 2


def test_keyword_separators_are_not_doubled(built: Path) -> None:
    """Both print the commas their sources print between keywords (the site adds none of its own
    where a keyword carries one): neither shows ", ,"."""
    for article_id in ("a000", "a001"):
        page = lxml_html.parse(str(built / "html" / f"{article_id}.html")).getroot()
        keywords = page.xpath("//section[contains(@class,'keywords')]")
        assert keywords, article_id
        items = keywords[0].xpath(".//li")
        assert len(items) >= 4
        assert [("punctuated" in li.get("class")) for li in items] == \
            [li.text_content().rstrip().endswith((",", ";", ".")) for li in items]
        assert any("punctuated" in li.get("class") for li in items), article_id
        assert not re.search(r"[,;]\s*[,;]", keywords[0].text_content()), article_id


def test_every_link_in_the_pdf_leads_somewhere(built: Path) -> None:
    """Links across parts were joined by name: each internal link names a destination the book has."""
    pdf = Pdf.open(built / "edition.pdf")
    destinations = set(dict(NameTree(pdf.Root.Names.Dests).items()))
    internal = 0
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", []):
            if "/Dest" in annotation:
                assert str(annotation.Dest) in destinations, str(annotation.Dest)
                internal += 1
            else:
                assert str(annotation.A.URI).startswith(("http", "mailto")), str(annotation.A.URI)
    assert internal > 1000  # citations, names, notes, contents, cross-references


def test_the_structure_tree_covers_every_page(built: Path) -> None:
    """One structure tree for the joined parts: every page and link maps to structure elements."""
    pdf = Pdf.open(built / "edition.pdf")
    root = pdf.Root.StructTreeRoot
    parent_tree = dict(NumberTree(root.ParentTree).items())
    document = root.K[0]
    assert document.S == "/Document" and len(document.K) > 100
    assert all(kid.P.objgen == document.objgen for kid in document.K)
    keys = set()
    for number, page in enumerate(pdf.pages, 1):
        if "/StructParents" in page.obj:
            key = int(page.obj.StructParents)
            assert key in parent_tree and key not in keys
            keys.add(key)
        else:  # only a blank verso inserted before a recto may have no structure: it has no content
            assert number % 2 == 0 and "/Contents" not in page.obj and "/Annots" not in page.obj, number
        for annotation in page.obj.get("/Annots", []):
            key = int(annotation.StructParent)
            assert key in parent_tree and key not in keys
            keys.add(key)
    assert int(root.ParentTreeNextKey) > max(keys)


def test_running_heads_are_artifacts_and_note_bodies_are_notes(built: Path) -> None:
    """Issue 21: a screen reader skips the running heads (drawn as pagination artifacts, every marked
    text the page holds mapped to an element of the structure tree) and finds each footnote body a
    /Note with an ID of its own, listed in the structure tree root's /IDTree."""
    pdf = Pdf.open(built / "edition.pdf")
    root = pdf.Root.StructTreeRoot
    parent_tree = dict(NumberTree(root.ParentTree).items())
    headed = 0
    for number, page in enumerate(pdf.pages, 1):
        if "/StructParents" not in page.obj:
            continue
        mapped = parent_tree[int(page.obj.StructParents)]
        for operands, operator in parse_content_stream(page):
            if str(operator) != "BDC":
                continue
            properties = operands[1]
            if str(operands[0]) == "/Artifact" and properties.get("/Type") == Name.Pagination:
                headed += 1
            elif "/MCID" in properties:
                mcid = int(properties.MCID)
                assert mcid < len(mapped) and isinstance(mapped[mcid], Dictionary), (number, mcid)
    assert headed > len(pdf.pages) // 2  # a running head on most pages (none on openings and blanks)
    notes, stack = [], [root.K[0]]
    while stack:
        element = stack.pop()
        kids = element.get("/K")
        stack.extend(kid for kid in (kids if isinstance(kids, Array) else [kids])
                     if isinstance(kid, Dictionary) and "/S" in kid)
        if element.S == "/Note":
            notes.append(element)
    ids = dict(NameTree(root.IDTree).items())
    assert len(notes) >= 43 + 176  # the authors' and the editors' notes at least (issue 21's count)
    assert sorted(str(note.ID) for note in notes) == sorted(ids)
    assert all(ids[str(note.ID)].objgen == note.objgen for note in notes)
