"""The service network pages as a county director sees them, on a phone and on an office PC."""

import pytest

from tests.browser.conftest import SCREENSHOT_DIR, inject_axe, require_htmx
from tests.browser.test_statistics_in_browser import STICKY_AND_SCROLLING

pytestmark = pytest.mark.browser

GUQUAN = "古泉社区退役军人服务站"


def guquan_url(page, demo_url) -> str:
    page.goto(f"{demo_url}/stations/?q=古泉社区")
    return demo_url + page.get_by_role("link", name=GUQUAN, exact=True).get_attribute("href")


def axe_violations(page) -> list[str]:
    inject_axe(page)
    found = page.evaluate("""async () => (await axe.run()).violations.map(
        v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes[0].target.join(' ')}`)""")
    return found


def no_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1366, 768)])
def test_station_and_statistics_pages_look_finished(new_page, demo_url, width, height):
    page = new_page("jn_county", width=width, height=height)
    station = guquan_url(page, demo_url)
    problems = []
    for name, url in [
        ("station-profile", f"{station}profile"),
        ("station-checklist", f"{station}checklist"),
        ("station-staff", f"{station}staff"),
        ("network-stats", f"{demo_url}/network/stats/"),
        ("network-stats-street", f"{demo_url}/network/stats/?region=320115003000"),
        ("training-gaps", f"{demo_url}/network/training/"),
    ]:
        assert page.goto(url).status == 200, url
        page.wait_for_timeout(300)  # let ECharts draw
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-{width}.png"), full_page=True)
        if not no_overflow(page):
            problems.append(f"{name}: horizontal overflow")
        problems += [f"{name}: {v}" for v in axe_violations(page)]
    assert not problems, "\n".join(problems)


def test_checklist_shows_evidence_and_the_statistics_drill_down(new_page, demo_url):
    page = new_page("jn_county")
    station = guquan_url(page, demo_url)
    page.goto(f"{station}checklist")
    evidence = page.locator("a[href*='/evidence/']").first
    assert evidence.count() == 1
    assert page.request.get(demo_url + evidence.get_attribute("href")).status == 200

    page.goto(f"{demo_url}/network/stats/")
    with page.expect_navigation():
        page.get_by_role("link", name="汤山街道", exact=True).first.click()
    assert "region=320115003" in page.url
    assert page.get_by_text("古泉社区", exact=False).first.is_visible()


def test_the_village_worker_ticks_a_display_item_with_a_photo(new_page, demo_url, tmp_path):
    from tests.factories import small_png

    photo = tmp_path / "wall.png"
    photo.write_bytes(small_png())
    page = new_page("jn_village")
    station = guquan_url(page, demo_url)
    page.goto(f"{station}checklist")
    require_htmx(page)
    rows = page.locator("form[action*='/checklist/']")
    without_photo = rows.filter(has_not=page.locator("a[href*='/evidence/']"))
    assert without_photo.count() > 0, "the demo leaves 古泉社区 some items without a photo"
    action = without_photo.first.get_attribute("action")
    row = page.locator(f"form[action='{action}']")
    row.locator("input[type=checkbox]").check()
    row.locator("input[type=file]").set_input_files(str(photo))
    with page.expect_response(lambda response: response.request.method == "POST"):  # the save, not a guess
        row.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    page.goto(f"{station}checklist")
    assert page.locator(f"form[action='{action}'] a[href*='/evidence/']").count() == 1


def test_network_dashboard_links_on_a_phone(new_page, demo_url):
    """At 360 px a township's villages: the page does not overflow (the table scrolls in its box, its region column
    staying), and the township's 未达标 opens the list of exactly those stations."""
    page = new_page("jn_county", width=360, height=740)
    assert page.goto(f"{demo_url}/network/stats/?region=320115003000").status == 200
    sticky = page.evaluate(STICKY_AND_SCROLLING, "table.table-sticky-first")
    assert sticky["stayed"] and sticky["onTop"]
    page.screenshot(path=str(SCREENSHOT_DIR / "network-dashboard-links-360.png"), full_page=True)
    problems = [] if no_overflow(page) else ["network-dashboard-links: horizontal overflow"]
    problems += [f"network-dashboard-links: {v}" for v in axe_violations(page)]
    below = page.locator("tr[data-code='320115003000'] a[data-count='below_standard']")  # the township's total
    shown = int(below.inner_text())
    with page.expect_navigation():
        below.click()
    assert "below_standard=yes" in page.url
    assert int(page.locator("[data-testid=result-count]").inner_text()) == shown
    assert not problems, "\n".join(problems)
