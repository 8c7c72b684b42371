"""Every page of the menu, for every role of the demo, on a 360-px phone: nothing wider than the screen, nothing
axe-core finds. Pages are found by following the menu each account is shown, not listed here, so a new menu
entry is walked the day it appears.

One browser and one page per account keep it to a few minutes: a page is screenshotted (var/screenshots/) only
when it has a problem. Links that leave the site, sign out or download a file are not pages and are skipped.
"""

import re

import pytest

from rongjia.demo.seed import DEMO_ACCOUNTS
from tests.browser.conftest import BROWSER_LOCALE, SCREENSHOT_DIR, inject_axe

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
DOWNLOAD = re.compile(r"\.(xlsx|xls|csv|pdf|zip)(\?|$)|/export")


def one_account_per_role() -> list[str]:
    """The first demo account of each role, and the village worker besides (the street worker comes first for
    that role, but the village stations are where the phones are)."""
    first = {}
    for username, _name, role, _unit in DEMO_ACCOUNTS:
        first.setdefault(role, username)
    return sorted({*first.values(), "jn_village"})


ACCOUNTS = one_account_per_role()
OVERFLOW = "document.scrollingElement.scrollWidth > window.innerWidth + 1"
AXE = ("async () => (await axe.run()).violations"
       ".map(v => `${v.id} (${v.nodes.length}): ${v.help} — ${v.nodes[0].target}`)")


def menu_paths(page) -> list[str]:
    """The menu's links (dropdowns included: every <a> under the navigation), as site paths, in menu order."""
    hrefs = page.eval_on_selector_all("#navbar-menu a[href]", "links => links.map(a => a.getAttribute('href'))")
    paths = [h for h in hrefs if h.startswith("/") and not h.startswith("//") and not DOWNLOAD.search(h)]
    return list(dict.fromkeys(paths))


def problems_here(page, name: str) -> list[str]:
    found = []
    if page.evaluate(OVERFLOW):
        width = page.evaluate("document.scrollingElement.scrollWidth")
        found.append(f"{name}: horizontal overflow ({width} px wide at {PHONE['width']})")
    inject_axe(page)
    found += [f"{name}: axe {violation}" for violation in page.evaluate(AXE)]
    if found:
        page.screenshot(path=str(SCREENSHOT_DIR / f"360-{re.sub(r'[^a-z0-9]+', '-', name)}.png"), full_page=True)
    return found


@pytest.mark.parametrize("username", ACCOUNTS)
def test_every_page_of_the_menu_fits_a_phone(chromium, signed_in_state, demo_url, username):
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(locale=BROWSER_LOCALE, viewport=PHONE, storage_state=signed_in_state(username))
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        assert page.goto(f"{demo_url}/").status == 200
        page.click(".navbar-toggler")  # the menu itself, opened as a phone shows it
        page.wait_for_selector("#navbar-menu.show")
        problems = problems_here(page, f"{username} menu")
        paths = menu_paths(page)
        assert len(paths) >= 3, f"{username} sees too few menu entries to be signed in: {paths}"
        for path in paths:
            response = page.goto(demo_url + path)
            if response is None or response.status >= 400:
                problems.append(f"{username} {path}: HTTP {response.status if response else 'no response'}")
                continue
            page.wait_for_load_state("networkidle")  # the parts htmx loads after the page
            problems += problems_here(page, f"{username} {path}")
    finally:
        context.close()
    assert not problems, f"{len(problems)} problems at 360 px:\n" + "\n".join(problems)


def test_the_reveal_box_fits_a_phone(new_page, demo_url):
    """查看完整 opens a reason box inside the narrow value column of the dossier: it must not widen the page."""
    page = new_page("jn_village", **PHONE)
    page.goto(f"{demo_url}/people/")
    page.goto(demo_url + page.locator("#person-results tbody a[href^='/people/']").first.get_attribute("href"))
    page.locator("details.reveal summary").first.click()
    assert page.locator("details.reveal[open] input[name=reason]").first.is_visible()
    assert not page.evaluate(OVERFLOW), "the opened reveal box widens the page"
    assert page.locator("nav .breadcrumb").count() == 1, "one breadcrumb: the page's own"


def test_an_english_browser_gets_chinese_until_english_is_chosen(new_page, demo_url):
    page = new_page(locale="en-US")
    page.goto(f"{demo_url}/mailbox/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
