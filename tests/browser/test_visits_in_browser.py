"""Visits on a phone: a grid worker records a visit with no signal, it waits on the phone and arrives once when
the signal is back; the due list on a phone and the coverage dashboard at county level, with axe-core."""

import re
import uuid

import pytest

from tests.browser.conftest import SCREENSHOT_DIR, check, wait_until

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}


def test_a_visit_recorded_without_signal_arrives_once(new_page, demo_url):
    page = new_page("jn_grid", **PHONE)
    assert page.goto(f"{demo_url}/visits/due").status == 200
    item = page.locator("[data-testid=due-people] .list-group-item").first
    name = item.locator("strong").inner_text()
    person = re.search(r"person=(\d+)", item.locator("a.btn").get_attribute("href")).group(1)
    item.locator("a.btn").click()
    page.wait_for_selector("[data-visit-form]")
    # the service worker has kept the visit pages, for a phone that opens them without signal
    assert page.evaluate("async () => { await navigator.serviceWorker.ready; "
                         "return !!(await caches.match('/visits/new')); }")

    findings, day = f"离线走访 {uuid.uuid4().hex[:8]}", page.input_value("#id_visited_on")  # the server's today
    page.context.set_offline(True)
    page.fill("#id_findings", findings)
    canvas = page.locator("[data-visit-form] canvas")  # the person signs with a finger
    canvas.scroll_into_view_if_needed()
    pad = canvas.bounding_box()
    page.mouse.move(pad["x"] + 20, pad["y"] + 40)
    page.mouse.down()
    page.mouse.move(pad["x"] + 120, pad["y"] + 80, steps=8)
    page.mouse.up()
    assert page.locator("[data-visit-form] canvas[data-signed=yes]").count() == 1
    page.click("[data-visit-form] button[type=submit]")
    page.wait_for_selector("[data-visit-saved-offline]:not(.d-none)")
    assert page.inner_text("[data-visit-queue-count]") == "1"
    page.screenshot(path=str(SCREENSHOT_DIR / "visit-saved-offline-360.png"), full_page=True)

    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")  # as the phone does when the signal returns
    wait_until(page, "() => document.querySelector('[data-visit-queue]').classList.contains('d-none')")
    page.evaluate("() => window.dispatchEvent(new Event('online'))")  # a second sync finds nothing more to send
    assert not page.locator("[data-visit-error]").is_visible(), page.inner_text("[data-visit-error]")

    stored = page.request.get(f"{demo_url}/api/v1/visits/?person={person}&page_size=500").json()["items"]
    assert [v["findings"] for v in stored].count(findings) == 1
    assert next(v for v in stored if v["findings"] == findings)["signed"]  # the signature travelled with it
    page.goto(f"{demo_url}/visits/?since={day}&until={day}")
    assert page.locator("[data-testid=visit-row]", has_text=name).count() == 1


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1366, 768)])
def test_visit_pages(new_page, demo_url, width, height):
    problems = []
    phone = new_page("jn_grid", width=width, height=height)
    for name, url in (("visits-due", "/visits/due"), ("visit-new", "/visits/new")):
        assert phone.goto(demo_url + url).status == 200, url
        problems += check(phone, name, width)
    county = new_page("jn_county", width=width, height=height)
    for name, url in (("visits-coverage-county", "/visits/coverage/"), ("visits-campaigns", "/visits/campaigns/"),
                      ("visits-plaques", "/visits/plaques/"), ("visits-merits", "/visits/merits/"),
                      ("visits-regime", "/visits/regime/"),
                      ("visits-people-never", "/visits/coverage/people?status=never")):
        assert county.goto(demo_url + url).status == 200, url
        problems += check(county, name, width)
    assert not problems, "\n".join(problems)
