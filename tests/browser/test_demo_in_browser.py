"""The demo as a person sees it: headless Chromium against `manage.py runserver` (see conftest)."""

import pytest

from tests.browser.conftest import SCREENSHOT_DIR, inject_axe, open_all_streets, require_htmx, sign_in, wait_until

pytestmark = pytest.mark.browser

GUQUAN = "古泉社区退役军人服务站"  # jn_village's own station
GAOZHUANG = "高庄社区退役军人服务站"  # jn_village2's station, a neighbour jn_village must not see


def result_count(page) -> str:
    return page.locator("[data-testid=result-count]").inner_text().strip()


def test_static_assets_are_served(new_page, demo_url):
    """Styles and scripts come from WhiteNoise with DEBUG off; without them htmx and Tabler are dead."""
    page = new_page()
    failed = []
    page.on("response", lambda r: r.status >= 400 and "/static/" in r.url and failed.append(f"{r.status} {r.url}"))
    page.on("requestfailed", lambda r: failed.append(f"{r.failure} {r.url}"))  # e.g. a stylesheet sent as text/html
    page.goto(f"{demo_url}/accounts/login/", wait_until="load")
    assert not failed, "static files not served:\n" + "\n".join(failed)
    assert page.evaluate("typeof htmx") == "object"


def test_village_worker_sees_only_their_station(new_page, demo_url):
    county = new_page("jn_county")
    county.goto(f"{demo_url}/stations/?q=高庄社区")
    neighbour_url = county.get_by_role("link", name=GAOZHUANG, exact=True).get_attribute("href")
    assert county.goto(demo_url + neighbour_url).status == 200

    page = new_page()
    sign_in(page, demo_url, "jn_village")
    page.goto(f"{demo_url}/stations/")
    assert result_count(page) == "1"
    assert page.get_by_role("link", name=GUQUAN, exact=True).is_visible()
    assert page.goto(demo_url + neighbour_url).status == 404


def test_county_director_counts_by_level(new_page, demo_url):
    page = new_page("jn_county")
    page.goto(f"{demo_url}/stations/?level=street&kind=station")
    assert result_count(page) == "15"
    # The street level also holds the three 派驻站 that seed_demo places in streets.
    page.goto(f"{demo_url}/stations/?level=street")
    assert result_count(page) == "18"
    # The level filter swaps the results in by htmx.
    require_htmx(page)
    page.select_option("select#id_level", "village")
    wait_until(page, "() => document.querySelector('[data-testid=result-count]').textContent.trim() === '212'")
    assert page.locator("#station-results tbody tr").count() == 50  # the first page of 50


def test_county_director_tree_opens_every_street(new_page, demo_url):
    page = new_page("jn_county")
    open_all_streets(page, demo_url)
    assert page.locator('li.tree-node[data-level="4"][data-kind="station"]').count() == 15
    assert page.locator('li.tree-node[data-level="4"]').count() == 18  # 15 street stations + 3 派驻站
    assert page.locator('li.tree-node[data-level="5"]').count() == 212


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1366, 768)])
def test_screenshots_without_horizontal_overflow(new_page, demo_url, width, height):
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    overflowing = []
    for name, user, show in [
        ("login", None, lambda p: p.goto(f"{demo_url}/accounts/login/")),
        ("stations", "jn_county", lambda p: p.goto(f"{demo_url}/stations/")),
        ("tree", "jn_county", lambda p: open_all_streets(p, demo_url)),
    ]:
        page = new_page(user, width=width, height=height)
        show(page)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-{width}.png"), full_page=True)
        scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll_width > inner_width + 1:
            overflowing.append(f"{name}: scrollWidth {scroll_width} > innerWidth {inner_width}")
    assert not overflowing, f"horizontal overflow at {width} px: {overflowing}"


@pytest.mark.parametrize(("name", "user", "path"), [
    ("login", None, "/accounts/login/"),
    ("overview", "jn_county", "/"),
    ("stations", "jn_county", "/stations/"),
    ("tree", "jn_county", "/stations/tree/"),
    ("accounts", "sec_admin", "/accounts/users/"),
    ("roles", "sec_admin", "/accounts/roles/"),
    ("audit", "audit_admin", "/audit/"),
    ("sign-ins", "audit_admin", "/audit/sign-ins/"),
    ("regions", "sys_admin", "/reference/regions/?q=汤山"),
    ("not-found", "jn_village", "/stations/999999/"),
])
def test_no_axe_violations(new_page, demo_url, name, user, path):
    page = new_page(user)
    if path == "/stations/tree/":
        open_all_streets(page, demo_url)  # check the htmx-loaded nodes too
    else:
        page.goto(demo_url + path)
    inject_axe(page)
    violations = page.evaluate("""async () => (await axe.run()).violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, count: v.nodes.length, target: v.nodes[0].target.join(' '),
    }))""")
    report = "\n".join(f"  {v['id']} ({v['impact']}, {v['count']} nodes): {v['help']} — first: {v['target']}"
                       for v in violations)
    assert not violations, f"axe found violations on {name} ({path}):\n{report}"


def test_language_is_chinese_by_default_and_english_on_request(new_page, demo_url):
    page = new_page(locale="fr-FR")  # a language we don't offer falls back to the default
    page.goto(f"{demo_url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    page = new_page()  # a Chinese browser
    page.goto(f"{demo_url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    with page.expect_navigation():
        page.select_option("#language-select", "en")  # the footer form submits on change
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Sign in", exact=True).is_visible()
    page.reload()  # the choice sticks
    assert page.locator("html").get_attribute("lang") == "en"
