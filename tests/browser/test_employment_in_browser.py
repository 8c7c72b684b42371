"""Employment 就业创业 in a browser: the county's worker opens a posting, reads its seekers ranked with the score
explained part by part and refers the best one; at today's fair a guest's invitation is opened on a phone (as the
QR code would open it) and checked in, and a second scan changes nothing; the 就业创业台账, the statistics and the
module's lists read on a phone and an office PC, without overflow or axe violations.

The demo is served by a subprocess with its own database (conftest.py): the postings, seekers and fairs are the
demo's, reached through the pages as the staff would reach them."""

import pytest

from tests.browser.conftest import check

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}


def test_a_posting_ranks_its_seekers_with_the_score_explained_and_one_is_referred(new_page, demo_url):
    problems = []
    county = new_page("jn_county")
    assert county.goto(f"{demo_url}/employment/postings/?status=open").status == 200
    problems += check(county, "employment-postings", 1366)
    with county.expect_navigation():
        county.locator("main table a[href^='/employment/postings/']").first.click()
    posting_url = county.url
    assert county.goto(posting_url + "matches/").status == 200
    rows = county.locator("main tr[data-seeker]")
    assert rows.count() > 0, county.inner_text("main")
    scores = [int(rows.nth(i).get_attribute("data-score")) for i in range(rows.count())]
    assert scores == sorted(scores, reverse=True), "best first"
    problems += check(county, "employment-matches", 1366)
    row = county.locator("main tr[data-seeker]:has([data-testid=refer])").first  # the demo referred some already
    first = row.get_attribute("data-seeker")
    with county.expect_navigation():
        row.locator("[data-testid=refer]").click()
    assert county.locator(f"main tr[data-seeker='{first}']").inner_text().strip(), "back on the ranking"
    assert county.locator(f"main tr[data-seeker='{first}'] [data-testid=refer]").count() == 0, "referred once"
    phone = new_page("jn_county", **PHONE)
    phone.goto(posting_url + "matches/")
    problems += check(phone, "employment-matches", PHONE["width"])
    assert not problems, "\n".join(problems)


def test_a_guest_is_checked_in_at_todays_fair_on_a_phone_once(new_page, demo_url):
    problems = []
    door = new_page("jn_county", **PHONE)
    assert door.goto(f"{demo_url}/employment/fairs/").status == 200
    problems += check(door, "employment-fairs", PHONE["width"])
    with door.expect_navigation():
        door.locator("main a[href^='/employment/fairs/']").filter(has_text="春风行动").first.click()
    fair_url = door.url
    door.goto(fair_url + "invitations/")
    links = [door.locator("[data-testid=check-in-url]").nth(i).get_attribute("href")
             for i in range(door.locator("[data-testid=check-in-url]").count())]
    assert links, "today's fair has invited guests"
    for link in links:  # the first guest not yet through the door (the demo checked a few in)
        door.goto(f"{demo_url}{link}" if link.startswith("/") else link)
        if door.locator("[data-testid=confirm-form] .text-warning").count() == 0:  # no "already checked in at"
            break
    name = door.locator("[data-testid=scanned-name]").inner_text()
    problems += check(door, "employment-check-in", PHONE["width"])
    with door.expect_navigation():
        door.locator("[data-testid=confirm-form] button[type=submit]").click()
    outcome = door.locator("[data-testid=check-in-outcome]")
    assert outcome.get_attribute("data-fresh") == "1", outcome.inner_text()
    problems += check(door, "employment-check-in-done", PHONE["width"])
    door.goto(f"{demo_url}{link}" if link.startswith("/") else link)  # scanned a second time
    with door.expect_navigation():
        door.locator("[data-testid=confirm-form] button[type=submit]").click()
    assert door.locator("[data-testid=check-in-outcome]").get_attribute("data-fresh") == "0"
    assert door.locator("[data-testid=recent]").inner_text().count(name[0]) >= 1
    assert not problems, "\n".join(problems)


def test_the_ledger_the_statistics_and_the_lists_read_well(new_page, demo_url):
    problems = []
    desk = new_page("jn_county")
    assert desk.goto(f"{demo_url}/employment/ledger/").status == 200
    assert desk.locator("main table tbody tr").count() > 0
    problems += check(desk, "employment-ledger", 1366)
    desk.goto(f"{demo_url}/employment/statistics/")
    problems += check(desk, "employment-statistics", 1366)
    village = new_page("jn_village", **PHONE)
    for name, path in (("seekers", "seekers/"), ("ledger", "ledger/"), ("referrals", "referrals/"),
                       ("courses", "courses/"), ("businesses", "businesses/"), ("statistics", "statistics/")):
        assert village.goto(f"{demo_url}/employment/{path}").status == 200, path
        problems += check(village, f"employment-{name}", PHONE["width"])
    with village.expect_navigation():
        village.locator("main a[href^='/employment/seekers/']").filter(has_not_text="导出").first.click()
    problems += check(village, "employment-seeker", PHONE["width"])
    assert not problems, "\n".join(problems)
