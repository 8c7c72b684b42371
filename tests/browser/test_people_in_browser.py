"""The dossier pages as a village worker sees them, on a phone and on an office PC."""

import pytest

from tests.browser.conftest import AXE_JS, SCREENSHOT_DIR

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1366, 768)])
def test_people_list_and_dossier_look_finished_and_mask_numbers(new_page, demo_url, width, height):
    page = new_page("jn_village", width=width, height=height)
    problems = []
    assert page.goto(f"{demo_url}/people/").status == 200
    first = page.locator("#person-results tbody a[href^='/people/']").first
    dossier = demo_url + first.get_attribute("href")
    pages = [("people-list", f"{demo_url}/people/"), ("person", dossier), ("person-new", f"{demo_url}/people/new")]
    for name, url in pages:
        assert page.goto(url).status == 200, url
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-{width}.png"), full_page=True)
        if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"):
            problems.append(f"{name}: horizontal overflow")
        page.add_script_tag(path=str(AXE_JS))
        problems += [f"{name}: {v}" for v in page.evaluate(
            "async () => (await axe.run()).violations.map(v => `${v.id}: ${v.help} — ${v.nodes[0].target}`)")]
        # No full ID number (18 characters, digits then a digit or X) may appear anywhere on the page.
        assert not page.evaluate(r"/\b\d{17}[\dX]\b/.test(document.body.innerText)"), f"{name} shows an ID number"
    assert not problems, "\n".join(problems)
