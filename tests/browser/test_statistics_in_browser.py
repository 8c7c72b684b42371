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
