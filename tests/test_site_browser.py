"""The reading site in a real browser: Debian's Chromium driven by Playwright, on the built site opened
from disk (file://, no server). Popups for notes and citations by mouse, keyboard and touch, register
links, the Turkish-aware search, a phone-sized screen, then the Nu HTML Checker and axe-core on every
kind of page. Nothing here skips: without Chromium, Java or the npm checkers the tests fail and say
what `make` should have installed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from edition.render.search import search_fold

from .conftest import ARTICLES, ROOT, require

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def open_page(browser, site: Path, name: str, viewport: dict = DESKTOP, **options):
    """A fresh page on ``site/name`` that fails the test on any script error."""
    context = browser.new_context(viewport=viewport, **options)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    path, rest = re.fullmatch(r"([^?#]*)(.*)", name).groups()  # keep ?query and #fragment as they are
    page.goto((site / path).as_uri() + rest)
    page.script_errors = errors
    return page


@pytest.fixture
def desktop(browser, site: Path) -> Iterator:
    pages = []

    def make(name: str, **options):
        pages.append(open_page(browser, site, name, **options))
        return pages[-1]

    yield make
    for page in pages:
        assert page.script_errors == [], page.script_errors
        page.context.close()


def popup_box(page) -> dict:
    popup = page.locator("#popup")
    assert popup.is_visible()
    return popup.bounding_box()


def note_text(page, call) -> str:
    note_id = call.get_attribute("href")[1:]
    return " ".join(page.locator(f"[id='{note_id}'] .note-text").inner_text().split())


def test_note_call_opens_its_note_in_a_popup_and_escape_closes_it(desktop) -> None:
    page = desktop("a000.html")
    call = page.locator(".body a.note-call.footnote").nth(2)
    expected = note_text(page, call)
    call.click()
    popup = page.locator("#popup")
    assert popup.is_visible()
    assert popup.get_attribute("role") == "dialog"
    assert " ".join(popup.locator(".popup-body").inner_text().split()) == expected
    assert popup.locator(".popup-title").inner_text().startswith("Dipnot ")
    assert call.get_attribute("aria-expanded") == "true"
    assert page.url.endswith("a000.html"), "the click opened the popup instead of jumping"
    page.keyboard.press("Escape")
    assert popup.is_hidden()
    assert call.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.id") == call.get_attribute("id")


def test_keyboard_focus_opens_the_popup_and_tab_enters_it(desktop) -> None:
    page = desktop("a000.html")
    for _ in range(60):  # from the top of the page: the site's links, then the article's
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('a.note-call')"):
            break
    assert page.evaluate("document.activeElement.matches('a.note-call')"), "no note call reached by Tab"
    call_id = page.evaluate("document.activeElement.id")
    # The first call in document order (the title's): Tab skipped none.
    assert call_id == page.evaluate("document.querySelector('a.note-call').id")
    call = page.locator(f"[id='{call_id}']")
    assert page.locator("#popup").is_visible()
    assert " ".join(page.locator("#popup .popup-body").inner_text().split()) == note_text(page, call)
    page.keyboard.press("Tab")  # into the popup, right after its call in the tab order
    assert page.evaluate("document.getElementById('popup').contains(document.activeElement)")
    page.keyboard.press("Escape")
    assert page.locator("#popup").is_hidden()
    assert page.evaluate("document.activeElement.id") == call_id


def test_popup_stays_open_when_pressed_inside_and_its_text_can_be_copied(browser, site: Path) -> None:
    """A click in a note's popup, a tap in a reference's, and a drag that selects the reference: the
    popup stays open, and the selection is the reference's text."""
    for viewport, touch in ((DESKTOP, False), (PHONE, True)):
        page = open_page(browser, site, "a001.html", viewport, has_touch=touch, is_mobile=touch)
        for trigger in (page.locator(".body a.note-call").nth(1), page.locator(".body a.citation").first):
            trigger.scroll_into_view_if_needed()
            trigger.tap() if touch else trigger.click()
            body = page.locator("#popup .popup-body")
            assert body.is_visible()
            box = body.bounding_box()
            if touch:
                page.touchscreen.tap(box["x"] + 4, box["y"] + 4)
            else:
                page.mouse.click(box["x"] + 4, box["y"] + 4)
            assert page.locator("#popup").is_visible(), "a press inside the popup closed it"
            if not touch:  # select the popup's text with the mouse, from its first letter to its last
                page.mouse.move(box["x"] + 1, box["y"] + 2)
                page.mouse.down()
                page.mouse.move(box["x"] + box["width"] - 1, box["y"] + box["height"] - 2, steps=5)
                page.mouse.up()
                assert page.locator("#popup").is_visible(), "selecting in the popup closed it"
                selected = " ".join(page.evaluate("String(window.getSelection())").split())
                assert len(selected) > 10 and selected in " ".join(body.inner_text().split())
            page.keyboard.press("Escape")
            assert page.locator("#popup").is_hidden()
        assert page.script_errors == []
        page.context.close()


def test_editorial_note_popup_on_hover_is_the_editors(desktop) -> None:
    page = desktop("a000.html")
    call = page.locator(".body a.note-call.editorial-note").first
    call.hover()
    page.wait_for_selector("#popup:not([hidden])")
    popup = page.locator("#popup")
    assert "popup-editorial" in popup.get_attribute("class")
    assert popup.locator(".popup-title").inner_text().startswith("Editör notu ")
    color = "selector => getComputedStyle(document.querySelector(selector)).color"
    # In the editors' colour, as their notes at the end of the article, not the authors' black.
    assert page.evaluate(color, "#popup .popup-body") == page.evaluate(color, ".note-list .editorial-note")
    assert page.evaluate(color, "#popup .popup-body") != page.evaluate(color, ".note-list .footnote")
    page.mouse.move(0, 0)
    page.wait_for_selector("#popup", state="hidden")


def test_citation_popup_shows_the_reference_and_leads_to_every_citation(desktop) -> None:
    page = desktop("a001.html")
    citation = page.locator(".body a.citation").first
    key = citation.get_attribute("data-keys").split()[0]  # the work the link leads to
    citation_id = citation.get_attribute("id")
    citation.click()
    popup = page.locator("#popup")
    assert popup.is_visible() and popup.locator(".popup-title").inner_text() == "Kaynak"
    reference = popup.locator(".popup-reference").first.inner_text()
    link = popup.locator(f".popup-links a[href='bibliography.html#bib-{key}']")
    link.click()  # second click: the entry and every place the work is cited
    page.wait_for_url(f"**/bibliography.html#bib-{key}")
    entry = page.locator(f"[id='bib-{key}']")
    assert " ".join(reference.split()) in " ".join(entry.locator(".csl-entry").inner_text().split())
    assert entry.locator(f"a.back-ref[href='a001.html#{citation_id}']").count() == 1
    assert page.evaluate("document.querySelector(':target').id") == f"bib-{key}"


def test_register_link_lands_on_the_occurrence(desktop) -> None:
    page = desktop("persons.html#per-havza-envoy")
    mention = page.locator("[id='per-havza-envoy'] a.mention").nth(3)
    target = mention.get_attribute("href")
    mention.click()
    page.wait_for_url(f"**/{target}")
    anchor = target.split("#")[1]
    landed = page.locator(f"[id='{anchor}']")
    assert page.evaluate("document.querySelector(':target').id") == anchor
    box = landed.bounding_box()
    assert 0 <= box["y"] < DESKTOP["height"], "the occurrence is scrolled into view"
    assert landed.get_attribute("role") == "link"  # the name landed on leads back to the entry
    landed.click()
    page.wait_for_url("**/persons.html#per-havza-envoy")


def test_names_are_plain_until_a_kind_is_highlighted(browser, site: Path) -> None:
    """No name is a link nor in the tab order at first; highlighting persons marks them, makes each a
    link to its entry and lists those on screen beside the text; places stay plain."""
    for viewport in (DESKTOP, PHONE):
        page = open_page(browser, site, "a001.html", viewport)
        names = page.locator(".body .mention-name")
        assert names.count() > 500
        assert page.locator(".body a.persName, .body a.placeName, .body a.orgName").count() == 0
        assert page.locator(".body .mention-name[tabindex]").count() == 0
        persons = page.locator(".body .mention-name[data-kind='person']")
        page.locator(".name-switches input[value='person']").check()
        assert persons.count() > 100
        assert page.locator(".body .mention-name[data-kind='person']:not([role='link'])").count() == 0
        assert page.locator(".body .mention-name[data-kind='place'][role='link']").count() == 0
        first = persons.first
        first.scroll_into_view_if_needed()
        panel = page.locator(".names-in-view")
        page.wait_for_function("document.querySelectorAll('.names-in-view a').length > 0")
        assert panel.is_visible()
        listed = panel.locator("a").evaluate_all("as => as.map(a => [a.textContent, a.href])")
        assert first.inner_text().strip() in [text for text, _ in listed]
        assert len(listed) == len({href for _, href in listed})  # each entry once
        href = first.get_attribute("data-href")
        first.click()
        page.wait_for_url(f"**/{href}")
        assert page.script_errors == []
        page.context.close()


def test_search_finds_istanbul_however_it_is_typed_and_lands_on_the_paragraph(desktop) -> None:
    page = desktop("index.html")
    page.fill("#site-q", "istanbul")
    page.press("#site-q", "Enter")
    page.wait_for_selector(".result")
    counts = {}
    for query in ("istanbul", "ISTANBUL", "İstanbul", "ıstanbul"):
        page.fill("#q", query)
        page.press("#q", "Enter")
        page.wait_for_selector(".result")
        counts[query] = page.locator(".result").count()
        marks = page.locator(".result mark").all_inner_texts()
        assert marks and {search_fold(m, "tr") for m in marks} == {"istanbul"}, query
        assert "İstanbul" in marks, query
    assert len(set(counts.values())) == 1 and counts["istanbul"] > 20, counts
    status = page.locator("#search-status").inner_text()
    assert re.search(r"\d+ sonuç", status)
    result = page.locator(".result a[href^='a0'][href*='-p']", has_text="İstanbul").first
    href = result.get_attribute("href")
    result.click()
    page.wait_for_url(f"**/{href}")
    anchor = href.split("#")[1]
    paragraph = page.locator(f"[id='{anchor}']")
    assert paragraph.evaluate("el => el.tagName") == "P"
    assert page.evaluate("document.querySelector(':target').id") == anchor
    assert "İstanbul" in paragraph.inner_text()


def test_every_result_of_a_long_list_can_be_reached(desktop, search_index) -> None:
    """Past the limit, "show more" adds the next results until all are shown; each group's heading
    counts every hit of its part (the index is counted here in Python), and at the end each group
    shows as many results as its heading says."""
    word = "sovyet"
    hits = Counter(record[0] for record in search_index["records"] if word in record[4])
    total = sum(hits.values())
    assert total > 200, "the word must find more results than are shown at first"
    page = desktop(f"search.html?q={word}")
    page.wait_for_selector(".result")
    assert page.locator(".result").count() == 200
    status = page.locator("#search-status").inner_text()
    assert f"{total} sonuç (ilk 200 tanesi gösteriliyor)" in status
    more = page.locator("button.search-more")
    assert more.inner_text() == f"{min(total - 200, 200)} sonuç daha göster"
    while more.count():
        shown = page.locator(".result").count()
        more.click()
        # The keyboard goes on from the first result added.
        assert page.evaluate("document.activeElement.closest('.result') !== null")
        assert page.locator(".result a").nth(shown).evaluate("a => a === document.activeElement")
    assert page.locator(".result").count() == total
    assert page.locator("#search-status").inner_text() == f"“{word}” için {total} sonuç."
    groups = page.locator(".result-group")
    for i in range(groups.count()):
        heading = groups.nth(i).locator(".result-part").inner_text()
        title, count = re.fullmatch(r"(.*) \((\d+)\)", heading).groups()
        part = next(i for i, (_, name) in enumerate(search_index["parts"]) if name == title)
        assert int(count) == hits[part] == groups.nth(i).locator(".result").count(), heading


def test_a_typed_query_survives_back_and_its_words_are_marked_where_a_result_leads(desktop) -> None:
    for viewport in (DESKTOP, PHONE):
        page = desktop("search.html", viewport=viewport)
        page.locator("#q").press_sequentially("budienni")  # typed, no Enter
        page.wait_for_function("document.getElementById('search-status').textContent.includes('budienni')")
        count = page.locator(".result").count()
        result = page.locator(".result a[href^='a0']").first
        href = result.get_attribute("href")
        result.click()
        page.wait_for_url(f"**/{href.split('?')[0]}*")
        anchor = href.split("#")[1]
        marks = page.locator(f"[id='{anchor}'] mark.search-hit")
        assert marks.count() >= 1
        assert {search_fold(m, "tr") for m in marks.all_text_contents()} == {"budienni"}
        page.go_back()
        page.wait_for_function("document.getElementById('search-status').textContent.includes('budienni')")
        assert page.input_value("#q") == "budienni"
        assert page.locator(".result").count() == count


@pytest.fixture(scope="module")
def model(volume, project):
    """The bundled volume's document model, with edition.toml's settings (as the site is built)."""
    from edition.check.validate import project_config
    from edition.tei.model import build_model

    return build_model(volume, project_config(project.root))


def page_ids(site: Path) -> set[str]:
    """Every id the site's pages carry that looks like an identifier (a digit or a hyphen in it): the
    TEI's xml:ids (articles, paragraphs, notes, register entries) and the generated ones."""
    found = set()
    for path in site.glob("*.html"):
        found |= set(re.findall(r'\bid="([^"]*[\d-][^"]*)"', path.read_text(encoding="utf-8")))
    return found


def test_no_identifier_shows_in_the_text_a_reader_sees(browser, site: Path, model) -> None:
    """The editors' notes, the registers and the introduction name articles by number, entries by
    name and passages by article and section: no id of the volume is visible on any page."""
    ids = page_ids(site)
    assert {"a000", "per-mdivani", "a004-p20"} <= ids
    names = sorted(p.name for p in site.glob("*.html"))
    assert len(names) >= 13
    for viewport in (DESKTOP, PHONE):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        for name in names:
            page.goto((site / name).as_uri())
            words = set(re.findall(r"[\w.-]+", page.evaluate("document.body.innerText")))
            shown = {w.strip(".-") for w in words} & ids
            assert not shown, (name, sorted(shown)[:10])
        context.close()
    page = open_page(browser, site, "persons.html")
    see = page.locator(".entry-note a[href^='persons.html#per-']")  # "bkz. per-…" in the editors' notes
    assert see.count() >= 2
    for i in range(see.count()):
        target = see.nth(i).get_attribute("href").split("#")[1]
        assert see.nth(i).inner_text() == model.registers[target].name  # reads as the name, links to it
    page.context.close()


def test_links_say_where_they_lead(browser, site: Path) -> None:
    """In a register entry or a bibliography entry, no two back-links of one article read the same,
    and each says where (section and paragraph, or the author's note); in the editors' notes, links to
    different places never read the same."""
    page = open_page(browser, site, "persons.html")
    lists = page.locator(".register-entry .occurrences > li").evaluate_all(
        "items => items.map(li => Array.from(li.querySelectorAll('a'), a => a.textContent.trim()))")
    page.goto((site / "bibliography.html").as_uri())
    lists += page.locator(".reference .occurrences > li").evaluate_all(
        "items => items.map(li => Array.from(li.querySelectorAll('a'), a => a.textContent.trim()))")
    assert len(lists) > 300
    for texts in lists:
        assert len(texts) == len(set(texts)), texts
        assert all(text and text != "—" for text in texts), texts
    page.goto((site / "persons.html").as_uri())
    envoy = page.locator("[id='per-havza-envoy'] a.mention")  # "Budienni" in the texts
    assert envoy.count() > 10 and "Budienni" in envoy.first.get_attribute("title")
    for name in ARTICLES:
        page.goto((site / f"{name}.html").as_uri())
        for links in page.locator(".note-list .editorial-note").evaluate_all(
                "ns => ns.map(n => Array.from(n.querySelectorAll('a.xref'), a => [a.textContent, a.href]))"):
            texts = {}
            for text, href in links:
                assert texts.setdefault(text, href) == href, (name, text)
    page.context.close()


COPY = """paragraph => {
    const range = document.createRange();
    range.selectNodeContents(paragraph);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    const data = new DataTransfer();
    const copy = {clipboardData: data, bubbles: true, cancelable: true};
    document.dispatchEvent(new ClipboardEvent("copy", copy));
    return [data.getData("text/plain"), selection.toString()];
}"""


def test_a_copied_paragraph_is_its_text(browser, site: Path, search_index) -> None:
    """Copying a paragraph with note calls and a corrected reading gives its words as the search index
    has them (the text as printed): no note letter glued to a word, no "[Kaynakta: …]"."""
    texts = {record[1]: record[3] for record in search_index["records"]}
    for viewport in (DESKTOP, PHONE):
        page = open_page(browser, site, "a000.html", viewport)
        paragraphs = page.locator("p[id]:has(a.note-call):has(.witness-reading)")
        assert paragraphs.count() >= 2
        for i in range(paragraphs.count()):
            paragraph = paragraphs.nth(i)
            assert "Kaynakta" in paragraph.inner_text()
            copied, selected = paragraph.evaluate(COPY)
            expected = " ".join(texts[paragraph.get_attribute("id")].split())
            assert " ".join(copied.split()) == expected
            assert " ".join(selected.split()) == expected  # the browser's own selection too
        assert page.script_errors == []
        page.context.close()


def test_an_article_page_with_its_assets_weighs_under_a_megabyte(browser, site: Path) -> None:
    """The longest article, with every file the browser loads for it (measured on disk), weighs under
    1 MB: its fonts are WOFF2 subsets, and they do draw the text (no fallback face)."""
    page = browser.new_page(viewport=DESKTOP)
    loaded: list[str] = []
    page.on("request", lambda request: loaded.append(request.url))
    page.goto((site / "a001.html").as_uri())
    page.evaluate("document.fonts.ready")
    page.keyboard.press("End")  # the whole page: every face it uses is loaded on the way
    page.evaluate("document.fonts.ready")
    files = [Path(unquote(urlsplit(url).path)) for url in set(loaded)]
    fonts = [f for f in files if "/fonts/" in f.as_posix()]
    assert fonts and all(f.suffix == ".woff2" for f in fonts), fonts
    total = sum(f.stat().st_size for f in files)
    assert total < 1_000_000, sorted((f.stat().st_size, f.name) for f in files)
    faces = page.evaluate("Array.from(document.fonts).filter(f => f.status === 'loaded').map(f => f.family)")
    assert {'"Libertine"', "Libertine"} & set(faces), faces
    assert page.evaluate("document.fonts.check('1em Libertine', 'Kazım Karabekir’in İstiklal Harbimiz')")
    page.close()


def test_an_article_page_carries_its_citation_data_and_downloads(desktop, site: Path, model) -> None:
    """The head has the citation tags Zotero's connector reads (Google Scholar's names), from the
    volume's own data; the TEI and the PDF download from the page."""
    page = desktop("a001.html")
    meta = page.evaluate("""() => Array.from(document.querySelectorAll('meta[name^="citation_"]'),
                                             m => [m.name, m.content])""")
    names = [name for name, _ in meta]
    values = dict(meta)
    article = next(a for a in model.articles if a.id == "a001")
    assert values["citation_title"] == article.title
    assert [v for n, v in meta if n == "citation_author"] == [a.name for a in article.authors]
    assert values["citation_inbook_title"].startswith(model.title)
    assert values["citation_publication_date"] == model.year
    assert names.count("citation_editor") == len(model.editors)
    for link in (values["citation_pdf_url"], page.locator(".article-downloads a[type='application/pdf']")
                 .get_attribute("href")):
        assert (site / link).resolve().read_bytes()[:5] == b"%PDF-"
    tei = page.locator(".article-downloads a[download]").get_attribute("href")
    assert (site / tei).read_bytes() == article.path.read_bytes()


def test_cite_this_passage_gives_the_passage_and_its_permalink(browser, site: Path) -> None:
    for viewport in (DESKTOP, PHONE):
        page = open_page(browser, site, "a001.html", viewport)
        paragraph = page.locator(".body p[id]").nth(20)
        paragraph.evaluate("""p => { const range = document.createRange(); range.selectNodeContents(p);
                                     getSelection().removeAllRanges(); getSelection().addRange(range); }""")
        page.locator("button.cite-passage").click()
        popup = page.locator("#popup")
        assert popup.is_visible() and popup.locator(".popup-title").inner_text() == "Bu bölümü kaynak göster"
        ident = paragraph.get_attribute("id")
        cite = popup.locator(".popup-cite").inner_text()
        start = page.locator(".article-downloads").get_attribute("data-cite")
        assert cite.startswith(start) and cite.endswith(f"a001.html#{ident}")
        assert re.search(r", \d+\. paragraf\. ", cite), cite
        box = popup.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
        popup.locator(f".popup-links a[href='#{ident}']").click()
        assert page.evaluate("document.querySelector(':target').id") == ident
        assert page.script_errors == []
        page.context.close()


def test_long_pages_can_be_navigated(browser, site: Path) -> None:
    """The long article has its contents at the top and a way back up; the registers have an A–Z and
    their names are headings; the events are also in a timeline, with dates as a reader writes them."""
    for viewport in (DESKTOP, PHONE):
        page = open_page(browser, site, "a001.html", viewport)
        page.locator(".article-toc summary").click()
        toc = page.locator(".article-toc a")
        assert toc.count() >= 17
        last = toc.nth(toc.count() - 1)
        target = last.get_attribute("href")[1:]
        last.click()
        assert page.evaluate("document.querySelector(':target').id") == target
        assert page.evaluate("window.scrollY") > 10_000
        page.locator(".to-top-fixed").click()
        assert page.evaluate("window.scrollY") < 400  # main's top, under the site's header
        assert page.locator(".article-head").is_visible()
        for name in ("persons.html", "events.html"):
            page.goto((site / name).as_uri())
            letters = page.locator(".letter-nav a")
            assert letters.count() > 10
            letters.nth(3).click()
            assert page.evaluate("document.querySelector(':target').className") == "letter-head"
            entries = page.locator(".register-entry").count()
            assert page.get_by_role("heading", level=3).count() == entries
        text = page.evaluate("document.body.innerText")
        assert not re.search(r"\b\d{4}-\d{2}\b", text), re.search(r".{30}\b\d{4}-\d{2}\b.{10}", text)
        dates = page.locator(".timeline-date").all_inner_texts()
        years = [int(re.search(r"\d{4}", d).group(0)) for d in dates]
        assert len(years) > 10 and years == sorted(years)
        assert page.script_errors == []
        page.context.close()


# The area that takes a link's taps: its own box, or the empty box centred on it that screen.css gives
# a note call (out of the flow, so that the call stays a small superscript), where the browser sends
# a tap at its centre to the link and one at each corner to the link or to an adjacent call's box.
TAP_AREA = """links => links.map(a => {
    a.scrollIntoView({block: "center", inline: "center"});
    const box = a.getBoundingClientRect(), zone = getComputedStyle(a, "::after");
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    const hit = (dx, dy) => document.elementFromPoint(x + dx, y + dy);
    const own = [box.width, box.height, a.textContent];
    if (zone.position !== "absolute" || !a.contains(hit(0, 0))) return own;
    const w = parseFloat(zone.width), h = parseFloat(zone.height);
    const corners = [[-1, -1], [1, -1], [-1, 1], [1, 1]]
        .map(([sx, sy]) => hit(sx * (w / 2 - 1), sy * (h / 2 - 1)));
    const taps = corners.every(e => e !== null && e.closest("a.note-call, a.note-back") !== null);
    return taps ? [Math.max(box.width, w), Math.max(box.height, h), a.textContent] : own;
})"""


def test_reading_is_comfortable(browser, site: Path) -> None:
    """Text ragged right (no justification without hyphenation); note calls and back-links at least
    24 × 24 px; a note's number on the line of its first words; text size and a dark page that the
    next page keeps."""
    for viewport in (DESKTOP, PHONE):
        page = open_page(browser, site, "a000.html", viewport)
        assert page.evaluate("getComputedStyle(document.querySelector('.body p, .body .p')).textAlign") in (
            "left", "start")
        sizes = page.locator("a.note-call, a.note-back").evaluate_all(TAP_AREA)
        smallest = min(sizes, key=lambda size: min(size[:2]))  # [width, height, the call's text]
        assert len(sizes) > 50 and min(smallest[:2]) >= 24, smallest
        line = page.evaluate("""() => Array.from(document.querySelectorAll('.note-list .note'))
            .filter(n => n.querySelectorAll('.note-text > .p').length > 1)
            .map(n => [n.querySelector('.note-back').getBoundingClientRect().bottom,
                       n.querySelector('.note-text > .p').getClientRects()[0].bottom])""")
        assert line and all(abs(back - first) < 8 for back, first in line), line
        size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
        page.locator(".reading-settings [data-size='1']").click()
        assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") > size
        page.locator(".reading-settings [data-theme-toggle]").click()
        dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
        page.goto((site / "persons.html").as_uri())
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == dark != "rgb(253, 252, 248)"
        assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") > size
        assert page.locator(".reading-settings [data-theme-toggle]").get_attribute("aria-pressed") == "true"
        assert page.script_errors == []
        page.context.close()


def test_the_places_are_on_a_map_drawn_from_the_page(browser, site: Path, model) -> None:
    """The places register opens with a map of the places that have <geo>, drawn in the page on the
    vendored Natural Earth outline (no request leaves the site); each point leads to its entry."""
    located = {e.id for e in model.registers.values() if e.kind == "place" and e.geo is not None}
    assert len(located) >= 50
    for viewport in (DESKTOP, PHONE):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        outside: list[str] = []
        page.on("request", lambda request, seen=outside: seen.append(request.url)
                if not request.url.startswith("file://") else None)
        page.goto((site / "places.html").as_uri())
        assert outside == []
        points = page.locator(".place-map a")
        targets = {href[1:] for href in points.evaluate_all("as => as.map(a => a.getAttribute('href'))")}
        assert len(targets) > 40 and targets <= located
        assert len(page.locator(".map-land").get_attribute("d")) > 1000
        box = page.locator(".place-map svg").bounding_box()
        assert box["width"] <= viewport["width"]
        point = points.first
        target = point.get_attribute("href")[1:]
        point.click()
        assert page.evaluate("document.querySelector(':target').id") == target
        context.close()


def test_search_folds_like_the_index(desktop, search_index) -> None:
    """The browser folds a query exactly as Python folded the index, for every character in it."""
    page = desktop("search.html")
    records = search_index["records"]
    characters = {c for record in records for c in record[3]} | set("İIıiÇŞĞÜÖÂÎÛçşğüöâîû’‘`–—ß")
    assert len(characters) > 100
    sample = "".join(sorted(characters))
    for lang in ("tr", "en", "az-Latn", "und"):
        folded = page.evaluate("([text, lang]) => window.editionFold(text, lang)", [sample, lang])
        assert folded == search_fold(sample, lang), lang


def test_phone_screen_has_no_sideways_scroll_and_popups_fit(browser, site: Path) -> None:
    for name in ("index.html", "a001.html", "persons.html", "bibliography.html", "search.html?q=istanbul"):
        page = open_page(browser, site, name, PHONE, has_touch=True, is_mobile=True)
        if "?" in name:
            page.wait_for_selector(".result")
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], (name, widths)
        if name == "a001.html":
            calls = page.locator(".body a.note-call")
            longest = max(range(calls.count()), key=lambda i: len(note_text(page, calls.nth(i))))
            for call in (calls.nth(longest), page.locator(".body a.citation").nth(5)):
                call.scroll_into_view_if_needed()
                call.tap()
                box = popup_box(page)
                assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
                assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
                page.locator("#popup .popup-close").tap()
                assert page.locator("#popup").is_hidden()
        assert page.script_errors == []
        page.context.close()


def test_printing_a_page_leaves_out_the_site_chrome(desktop) -> None:
    page = desktop("a000.html")
    page.emulate_media(media="print")
    assert page.locator(".site-head").is_hidden() and page.locator(".article-nav").is_hidden()
    assert page.locator(".body").is_visible() and page.locator(".notes").first.is_visible()


def test_pages_are_valid_html(site: Path) -> None:
    """The Nu HTML Checker (vnu-jar from npm, run with Java) finds no error on any page."""
    require(shutil.which("java") is not None, "java is missing: `make` installs a JRE "
                                               "(scripts/system-deps.sh)")
    require(VNU.is_file(), f"{VNU} is missing: `make` runs npm ci (package.json)")
    pages = sorted(str(p) for p in site.glob("*.html"))
    assert len(pages) >= 8 + len(ARTICLES)
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *pages],
                            capture_output=True, text=True, timeout=120)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    assert messages == [], [(m.get("url", "").rsplit("/", 1)[-1], m.get("lastLine"), m["message"])
                            for m in messages[:10]]


AXE_PAGES = ("index.html", "a000.html", "a004.html", "persons.html", "events.html", "bibliography.html",
             "sources.html", "search.html")


def axe_violations(page) -> list[tuple[str, str, int]]:
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']}))"
                               ".violations.map(v => [v.id, v.impact, v.nodes.length])")
    return [tuple(v) for v in violations if v[1] in ("serious", "critical")]


def test_pages_pass_axe(desktop) -> None:
    """axe-core finds no serious or critical accessibility problem on any kind of page, nor with a
    popup open or search results shown."""
    require(AXE.is_file(), f"{AXE} is missing: `make` runs npm ci (package.json)")
    found = {}
    for name in AXE_PAGES:
        page = desktop(name)
        if name == "search.html":
            page.fill("#q", "istanbul")
            page.press("#q", "Enter")
            page.wait_for_selector(".result")
        if name == "a000.html":
            page.locator(".body a.citation").first.click()
            assert page.locator("#popup").is_visible()
        found[name] = axe_violations(page)
        if name == "a000.html":
            page.keyboard.press("Escape")
            page.locator(".body a.note-call.editorial-note").first.click()
            found["a000.html (note popup)"] = axe_violations(page)
    assert all(not v for v in found.values()), found
