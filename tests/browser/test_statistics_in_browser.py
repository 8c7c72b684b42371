"""The statistics page on a phone and a PC: the county with its townships, a drill-down, the chart."""

import pytest

from tests.browser.conftest import wait_until
from tests.browser.test_petitions_in_browser import check

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1366, 768)])
def test_statistics_pages(new_page, demo_url, width, height):
    page = new_page("jn_county", width=width, height=height)
    assert page.goto(f"{demo_url}/statistics/").status == 200
    assert int(page.locator("[data-testid=total-1]").inner_text()) > 1_000  # the browser demo registers 2,000
    wait_until(page, "document.querySelector('[data-chart-lines] svg') !== null")  # ECharts drew the trend
    problems = check(page, "statistics-county", width)
    with page.expect_navigation():
        page.locator("table tbody th a", has_text="汤山街道").click()
    assert "region=320115003" in page.url
    assert page.locator("h1").inner_text().endswith("汤山街道")
    problems += check(page, "statistics-street", width)
    village = new_page("jn_village", width=width, height=height)
    assert village.goto(f"{demo_url}/statistics/?period=30d").status == 200
    problems += check(village, "statistics-village", width)
    assert not problems, "\n".join(problems)



STICKY_AND_SCROLLING = """(selector) => {
    // The table scrolls inside its box, not the page; scrolled right, its first column stays where it was, on top.
    const box = document.querySelector(selector).closest('.table-responsive');
    const first = box.querySelector('tbody tr > :first-child');
    first.scrollIntoView({block: 'center', behavior: 'instant'});  // not Bootstrap's smooth scrolling
    box.scrollLeft = 0;
    const before = first.getBoundingClientRect().left;
    box.scrollLeft = box.scrollWidth;
    const after = first.getBoundingClientRect();
    const seen = document.elementFromPoint(after.left + 4, after.top + after.height / 2);
    const result = {scrolls: box.scrollWidth > box.clientWidth, moved: box.scrollLeft > 0,
                    stayed: Math.abs(after.left - before) < 1, onTop: first.contains(seen)};
    box.scrollLeft = 0;
    return result;
}"""
FIRST_NONZERO = "(selector) => [...document.querySelectorAll(selector)].findIndex(a => a.innerText.trim() !== '0')"


def test_dashboard_links_on_a_phone(new_page, demo_url):
    """At 360 px the township's villages: the region column stays while the figures scroll, the page itself does not
    overflow, a village's figure opens the list with that many rows and its station link opens the station."""
    page = new_page("jn_county", width=360, height=740)
    assert page.goto(f"{demo_url}/statistics/?region=320115003").status == 200
    table = "table.table-sticky-first"
    assert page.evaluate(STICKY_AND_SCROLLING, table) == {"scrolls": True, "moved": True, "stayed": True,
                                                          "onTop": True}
    problems = check(page, "dashboard-links", 360)
    on_the_books = f"{table} tbody a[data-count='1']"  # 在册, village by village
    cell = page.locator(on_the_books).nth(page.evaluate(FIRST_NONZERO, on_the_books))
    shown = int(cell.inner_text())
    assert shown > 0
    with page.expect_navigation():
        cell.click()
    assert "/people/" in page.url and "status=active" in page.url
    assert int(page.locator("[data-testid=result-count]").inner_text()) == shown
    page.go_back()
    with page.expect_navigation():
        page.locator(f"{table} tbody a[data-link=station]").first.click()
    assert "/stations/" in page.url
    petitions = new_page("jn_county", width=360, height=740)
    assert petitions.goto(f"{demo_url}/petitions/dashboard").status == 200
    assert petitions.evaluate(STICKY_AND_SCROLLING, "table.table-sticky-first")["stayed"]
    problems += check(petitions, "petition-dashboard-links", 360)
    assert not problems, "\n".join(problems)
