"""Assistance 帮扶援助 in a browser: a village worker registers an aid application on a phone with its documents and
recommends it, the street recommends it and the county director agrees on a PC (the 公示 starts), the application
showing where it stands and its history; the county director opens a fund, books its first income and reads the
ledger's totals, then the statistics; on a phone and an office PC, without overflow or axe violations.

The demo is served by a subprocess with its own database (conftest.py), so everything set up here goes through the
pages as its staff would do it, not through the services of tests/assistance/conftest.py."""

from decimal import Decimal

import pytest

from tests.browser.conftest import check, wait_until

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"  # the service checks a file's first bytes


def step(page, action: str, note: str) -> None:
    """Record one step from the application's step form; back on the application, the step recorded."""
    form = page.locator("[data-testid=step-form]")
    form.locator("select[name=action]").select_option(action)
    form.locator("textarea[name=note]").fill(note)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.locator("[data-testid=step-form] .invalid-feedback, [data-testid=step-form] .alert-danger").count() \
        == 0, page.inner_text("[data-testid=step-form]")


def test_an_application_goes_from_the_village_to_the_county_publicity(new_page, demo_url, tmp_path):
    problems = []
    village = new_page("jn_village", **PHONE)
    village.goto(f"{demo_url}/people/")  # a name on file in the village, as the worker would know it
    known = village.locator("#person-results tbody a[href^='/people/']").first.inner_text().strip()
    assert village.goto(f"{demo_url}/assistance/applications/new/").status == 200
    problems += check(village, "aid-application-new", PHONE["width"])
    village.fill("#find-person", known)
    with village.expect_navigation():
        village.locator("[data-testid=person-search] button[type=submit]").click()
    with village.expect_navigation():
        village.locator("[data-testid=person-search] a[data-person]").first.click()
    assert known in village.inner_text("[data-testid=chosen-person]")

    form = village.locator("[data-testid=application-form]")
    kind = form.locator("#id_kind option", has_text="临时救助").get_attribute("value")
    form.locator("#id_kind").select_option(kind)
    form.locator("#id_amount").fill("2000")
    form.locator("#id_reason").fill("房屋受灾，生活暂时困难")
    for document in ("申请书", "困难情况证明"):
        scan = tmp_path / f"{document}.pdf"
        scan.write_bytes(PDF)
        form.get_by_label(document, exact=True).set_input_files(str(scan))
    with village.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "/assistance/applications/" in village.url and village.url.rstrip("/").split("/")[-1].isdigit(), \
        village.inner_text("main")
    application_url = village.url
    assert village.locator("[data-testid=documents] a").count() == 2
    step(village, "recommend", "入户核实，情况属实")
    assert village.locator("[data-testid=not-your-turn]").is_visible()  # now the street's turn
    problems += check(village, "aid-application", PHONE["width"])
    assert village.goto(f"{demo_url}/assistance/applications/").status == 200
    problems += check(village, "aid-applications", PHONE["width"])

    street = new_page("jn_street")
    street.goto(application_url)
    step(street, "recommend", "同意上报")

    county = new_page("jn_county")
    county.goto(application_url)
    step(county, "agree", "同意公示")
    assert county.locator("[data-testid=state]").get_attribute("data-state") == "publicity"
    actions = county.locator("[data-testid=history] [data-action]").evaluate_all(
        "items => items.map(item => item.dataset.action)")
    assert sorted(actions) == ["agree", "recommend", "recommend", "register"], actions
    assert county.locator("[data-testid=workflow] svg").count() == 1
    problems += check(county, "aid-application", 1366)
    assert county.goto(f"{demo_url}/assistance/applications/").status == 200
    assert county.locator(f"a[href='{application_url.removeprefix(demo_url)}']").count() >= 1
    problems += check(county, "aid-applications", 1366)
    assert county.goto(f"{demo_url}/assistance/applications/new/").status == 200
    problems += check(county, "aid-application-new", 1366)
    assert not problems, "\n".join(problems)


def test_the_county_director_reads_a_new_funds_ledger_and_the_statistics(new_page, demo_url):
    problems = []
    page = new_page("jn_county")
    page.goto(f"{demo_url}/assistance/funds/new/")
    form = page.locator("[data-testid=fund-form]")
    form.locator("#id_name").fill("江宁区退役军人关爱基金（测试）")
    form.locator("#id_kind").select_option("care")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    fund_url = page.url
    page.locator("[data-testid=fund-income]").click()
    form = page.locator("[data-testid=fund-form]")
    form.locator("#id_amount").fill("50000")
    form.locator("#id_note").fill("区财政拨款")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.url == fund_url, page.inner_text("main")
    totals = page.locator("[data-testid=fund-totals]")
    assert totals.is_visible() and page.locator("[data-testid=fund-check]").get_attribute("data-ok") == "1"
    assert Decimal(totals.get_attribute("data-income")) == Decimal("50000")
    assert Decimal(totals.get_attribute("data-outgoings")) == 0 and totals.get_attribute("data-count") == "1"
    assert Decimal(page.locator("[data-testid=fund-balance]").get_attribute("data-balance")) == Decimal("50000")
    problems += check(page, "fund-ledger", 1366)

    phone = new_page("jn_county", **PHONE)
    for name, url in (("fund-ledger", fund_url), ("aid-statistics", f"{demo_url}/assistance/statistics/")):
        assert phone.goto(url).status == 200, url
        if name == "aid-statistics":
            wait_until(phone, "document.querySelector('[data-chart] svg, [data-chart] canvas') !== null")
        problems += check(phone, name, PHONE["width"])
    assert page.goto(f"{demo_url}/assistance/statistics/").status == 200
    assert int(page.locator("[data-testid=stats-summary] [data-figure=persons]").inner_text()) > 0
    wait_until(page, "document.querySelector('[data-chart] svg, [data-chart] canvas') !== null")
    problems += check(page, "aid-statistics", 1366)
    assert not problems, "\n".join(problems)
