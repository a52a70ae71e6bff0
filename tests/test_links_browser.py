"""The site built from hostile links (tests/data/hostile/links-*) in Debian's Chromium: every link of
every page is clicked, and every link in the popups its citations and note calls open, and no dialog
opens (no script of the data runs) and no request leaves file:// (issue 16). The only requests outside
the site are the reader's own clicks on the http(s) and mailto links the allow-list keeps, which the
test aborts too."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html as lxml_html

from .test_links import build_hostile

POPUP_LINKS = "#popup:not([hidden]) a"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_hostile(tmp_path_factory.mktemp("hostile-links-browser"), "--html") / "html"


class Watch:
    """One browser context that records every dialog and every request, and aborts any request that
    is not for a file:// URL."""

    def __init__(self, browser) -> None:
        self.context = browser.new_context()
        self.dialogs: list[str] = []
        self.requests: list[tuple[str, bool]] = []  # (url, is a top-level navigation)
        self.context.on("request", lambda r: self.requests.append((r.url, r.is_navigation_request())))
        self.context.route(lambda url: not url.startswith("file://"), lambda route: route.abort())
        self.clicks: list[str] = []
        self.popup_clicks = 0

    def open(self, url: str):
        page = self.context.new_page()
        page.on("dialog", self._dialog)
        page.goto(url)
        return page

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def click(self, page, link) -> None:
        """Click as a reader does; a link the mouse cannot reach (off screen, hidden until focused)
        gets the click event all the same."""
        from playwright.sync_api import Error as PlaywrightError

        self.clicks.append(link.get_attribute("href") or "")
        try:
            link.click(timeout=2000)
        except PlaywrightError:  # not visible, or covered: the event, as a script would send it
            link.dispatch_event("click")
        page.wait_for_timeout(150)  # a javascript: URL runs after the click returns


def click_everything(watch: Watch, url: str) -> None:
    """Click each link of the page at ``url`` on a fresh load, then each link of the popup that click
    opened (citations and note calls open one instead of leaving)."""
    page = watch.open(url)
    count = page.locator("a").count()
    for index in range(count):
        page.goto(url)
        watch.click(page, page.locator("a").nth(index))
        if not page.url.startswith(url) or page.locator(POPUP_LINKS).count() == 0:
            continue
        for inner in range(page.locator(POPUP_LINKS).count()):
            page.goto(url)
            watch.click(page, page.locator("a").nth(index))
            watch.click(page, page.locator(POPUP_LINKS).nth(inner))
            watch.popup_clicks += 1
    page.close()


def test_clicking_every_link_runs_no_script_and_stays_on_disk(browser, hostile_site: Path) -> None:
    watch = Watch(browser)
    pages = sorted(hostile_site.glob("*.html"))
    assert len(pages) >= 8
    for page in pages:
        click_everything(watch, page.as_uri())
    watch.context.close()
    # Every link of every page (those in a <template> are the popups' store), and each link of a popup
    # after a click on the link that opened it.
    anchors = sum(len(lxml_html.fromstring(page.read_bytes()).xpath("//a[not(ancestor::template)]"))
                  for page in pages)
    assert watch.popup_clicks > 0
    assert len(watch.clicks) == anchors + 2 * watch.popup_clicks
    assert watch.dialogs == []
    outside = [(url, navigation) for url, navigation in watch.requests if not url.startswith("file://")]
    kept = {href for href in watch.clicks if href.startswith(("http://", "https://", "mailto:"))}
    assert kept == {"https://example.org/ok", "https://doi.org/10.1000/182", "https://example.org/a?b=1&c=2",
                    "mailto:editors@example.org"}
    # Nothing but the reader's own clicks on those links, as navigations (aborted here).
    assert outside and all(navigation and url in kept for url, navigation in outside), outside
