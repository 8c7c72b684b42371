"""The petition page with its deadline strip and the county's petition dashboard, on a phone and a PC."""

import pytest

from tests.browser.conftest import AXE_JS, SCREENSHOT_DIR

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1366, 768)])
def test_petition_page_and_dashboard(new_page, demo_url, width, height):
    page = new_page("jn_county", width=width, height=height)
    problems = []
    assert page.goto(f"{demo_url}/petitions/?state=assigned").status == 200
    first = page.locator("table a[href^='/petitions/']").first
    detail = demo_url + first.get_attribute("href")
    for name, url in (("petition-list", f"{demo_url}/petitions/"), ("petition", detail),
                      ("petition-dashboard", f"{demo_url}/petitions/dashboard")):
        assert page.goto(url).status == 200, url
        if name == "petition":
            assert page.locator("[data-testid=deadline-strip]").is_visible()
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-{width}.png"), full_page=True)
        if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"):
            problems.append(f"{name}: horizontal overflow")
        page.add_script_tag(path=str(AXE_JS))
        problems += [f"{name}: {v}" for v in page.evaluate(
            "async () => (await axe.run()).violations.map(v => `${v.id}: ${v.help} — ${v.nodes[0].target}`)")]
    assert not problems, "\n".join(problems)
