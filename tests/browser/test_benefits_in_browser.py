"""Benefits 优抚待遇 in a browser: the demo's batch of this month is checked on its page (exceptions listed),
prepared by the 经办, checked by the 复核 and approved by the director — three people — and its bank file taken;
the person re-assessed this year shows the back-pay with its explanation; the village worker's queue of proposals
and the 落实台账 and standards read on a phone and an office PC, without overflow or axe violations.

The demo is served by a subprocess with its own database (conftest.py): the batch and the people are the demo's,
reached through the pages as the staff would reach them."""

import pytest

from tests.browser.conftest import check

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}


def take(page, action: str, note: str = "") -> None:
    """Take one step from the batch's step form (accepting the confirmation it asks for)."""
    form = page.locator("[data-testid=step-form]")
    if note:
        form.locator("textarea[name=note]").fill(note)
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        form.locator(f"[data-testid=step-{action}]").click()
    assert page.locator("[data-testid=step-errors]").count() == 0, page.inner_text("main")


def test_this_months_batch_is_checked_and_approved_by_three_people(new_page, demo_url):
    problems = []
    preparer = new_page("jn_benefits_preparer")
    assert preparer.goto(f"{demo_url}/benefits/batches/?state=draft").status == 200
    problems += check(preparer, "benefit-batches", 1366)
    with preparer.expect_navigation():
        preparer.locator("[data-testid=batches] a[href^='/benefits/batches/']").first.click()
    batch_url = preparer.url
    assert preparer.locator("[data-testid=state]").get_attribute("data-state") == "draft"
    assert preparer.locator("[data-testid=exceptions] tbody tr").count() > 0, "the demo's batch has exceptions"
    assert preparer.locator("[data-testid=reconcile]").get_attribute("data-ok") == "1"
    problems += check(preparer, "benefit-batch-check", 1366)
    take(preparer, "prepare")
    assert preparer.locator("[data-testid=step-check]").count() == 0, "the preparer does not check"

    checker = new_page("jn_benefits_checker", **PHONE)
    checker.goto(batch_url)
    problems += check(checker, "benefit-batch-check", PHONE["width"])
    take(checker, "check")

    director = new_page("jn_county")
    director.goto(batch_url)
    take(director, "approve")
    assert director.locator("[data-testid=state]").get_attribute("data-state") == "approved"
    form = director.locator("[data-testid=bank-file-form]")
    with director.expect_download() as download:
        form.locator("button[type=submit]").click()
    assert download.value.suggested_filename.endswith((".csv", ".txt", ".xlsx"))
    assert not problems, "\n".join(problems)


def test_back_pay_is_explained_on_the_persons_page(new_page, demo_url):
    problems = []
    county = new_page("jn_county", **PHONE)
    county.goto(f"{demo_url}/benefits/batches/")  # this month's, newest first: the re-assessment's back-pay is in it
    with county.expect_navigation():
        county.locator("[data-testid=batches] a[href^='/benefits/batches/']").first.click()
    assert county.goto(county.url + "?line=back_pay").status == 200
    person = county.locator("[data-testid=payments] a[href^='/benefits/people/']").first.get_attribute("href")
    response = county.goto(f"{demo_url}{person}")
    assert response.status == 200, (person, response.status)
    payments = county.locator("main [data-testid=payments]")
    assert "补发" in payments.inner_text() and "÷ 12" in payments.inner_text(), payments.inner_text()
    problems += check(county, "benefit-person", PHONE["width"])
    desk = new_page("jn_county")
    desk.goto(county.url)
    problems += check(desk, "benefit-person", 1366)
    assert not problems, "\n".join(problems)


def test_the_queue_the_ledger_and_the_standards_read_well(new_page, demo_url):
    problems = []
    village = new_page("jn_village", **PHONE)
    for name, path in (("benefit-proposals", "/benefits/"), ("benefit-ledger", "/benefits/ledger/")):
        assert village.goto(f"{demo_url}{path}").status == 200, path
        problems += check(village, name, PHONE["width"])
    county = new_page("jn_county")
    for name, path in (("benefit-ledger", "/benefits/ledger/"), ("benefit-items", "/benefits/items/"),
                       ("benefit-standards", "/benefits/standards/"), ("benefit-statistics", "/benefits/statistics/"),
                       ("benefit-certifications", "/benefits/certifications/?show=suspended")):
        assert county.goto(f"{demo_url}{path}").status == 200, path
        problems += check(county, name, 1366)
    assert county.locator("main").inner_text().strip()
    assert not problems, "\n".join(problems)
