"""The petition pages on a phone and a PC: the petition with its deadline strip, files and legal aid,
the county's dashboard, the warnings, the lawyer pool, and the supervision mailbox from both sides."""

import pytest

from tests.browser.conftest import check, require_htmx

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1366, 768)])
def test_petition_pages(new_page, demo_url, width, height):
    page = new_page("jn_county", width=width, height=height)
    problems = []
    assert page.goto(f"{demo_url}/petitions/?state=taken_on").status == 200
    detail = demo_url + page.locator("table a[href^='/petitions/']").first.get_attribute("href")
    for name, url in (("petition-list", f"{demo_url}/petitions/"), ("petition", detail),
                      ("petition-dashboard", f"{demo_url}/petitions/dashboard"),
                      ("petition-notices", f"{demo_url}/petitions/notices/"),
                      ("lawyers", f"{demo_url}/petitions/lawyers/"),
                      ("mailbox-inbox", f"{demo_url}/mailbox/inbox/")):
        assert page.goto(url).status == 200, url
        if name == "petition":
            assert page.locator("[data-testid=deadline-strip]").is_visible()
            assert page.locator("[data-testid=legal-aid]").is_visible()
            # the step form shows only what the chosen step reads
            assert not page.locator("#id_reply_text").is_visible()
            page.select_option("#id_action", "reply")
            assert page.locator("#id_reply_text").is_visible() and not page.locator("#id_days").is_visible()
        problems += check(page, name, width)
    assert not problems, "\n".join(problems)


def test_a_reply_is_printed_and_a_file_attached(new_page, demo_url, tmp_path):
    page = new_page("jn_county")
    page.goto(f"{demo_url}/petitions/?state=replied")
    page.locator("table a[href^='/petitions/']").first.click()
    link = page.locator("a[href*='/documents/']").last
    pdf = page.request.get(demo_url + link.get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    scan = tmp_path / "答复签收单.pdf"
    scan.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.select_option("#id_kind", "reply")
    page.set_input_files("#id_file", str(scan))
    with page.expect_navigation():
        page.locator("[data-testid=attachments] button[type=submit]").last.click()
    assert page.locator("[data-testid=attachments]").get_by_role("link", name="答复签收单.pdf").is_visible()


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1366, 768)])
def test_the_public_mailbox_without_an_account(new_page, demo_url, width, height):
    page = new_page(width=width, height=height)
    problems = []
    assert page.goto(f"{demo_url}/mailbox/").status == 200
    require_htmx(page)
    problems += check(page, "mailbox-form", width)
    page.fill("#id_station", "320115003004")
    page.select_option("#id_topic", "efficiency")
    page.locator("input[name=rating][value=fairly]").check()
    page.fill("#id_content", "办理优待证要跑两趟，希望一次办好。")
    with page.expect_navigation():
        page.locator("main form button[type=submit], form button[type=submit]").first.click()
    receipt = page.locator("[data-testid=receipt]").inner_text()
    assert "江宁区" in page.inner_text("body")  # answered by the district centre
    problems += check(page, "mailbox-receipt", width)
    page.goto(f"{demo_url}/mailbox/answer")
    page.fill("#id_receipt", receipt)
    with page.expect_navigation():
        page.locator("form button[type=submit]").first.click()
    assert "跑两趟" in page.locator("[data-testid=feedback]").inner_text()
    problems += check(page, "mailbox-answer", width)
    assert not problems, "\n".join(problems)


def test_the_mailbox_keeps_the_picked_stations_name_in_the_box(new_page, demo_url):
    """A suggestion clicked on a phone: the station's name stays in the box (its code only in the hidden input),
    and stays there after a pause, when the old datalist had put the code in and searched it again."""
    page = new_page(width=360, height=740)
    assert page.goto(f"{demo_url}/mailbox/").status == 200
    require_htmx(page)
    box = page.locator("#id_station")
    box.press_sequentially("古泉", delay=50)
    option = page.locator("#id_station_options [role=option][data-value='320115003004']").first
    name = option.get_attribute("data-label")
    option.click()
    page.wait_for_timeout(600)  # longer than the box's 300 ms pause before it asks again
    assert box.input_value() == name and "古泉" in name
    assert page.locator("input[name=station]").input_value() == "320115003004"
    assert page.locator("#id_station_options").is_hidden()
    problems = check(page, "mailbox-station-picked", 360)
    assert not problems, "\n".join(problems)


def test_the_second_factor_page(new_page, demo_url):
    """A director signs in: password, then the authenticator code (its page checked like the others)."""
    from tests.browser.conftest import DEMO_PASSWORD, totp_code

    page = new_page(width=360, height=740)
    page.goto(f"{demo_url}/accounts/login/")
    page.fill("#id_username", "nj_city")
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    assert "/accounts/otp/" in page.url
    problems = check(page, "otp-verify", 360)
    page.fill("#id_token", totp_code("nj_city"))
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    assert "/accounts/otp/" not in page.url and page.goto(f"{demo_url}/mailbox/inbox/").status == 200
    assert not problems, "\n".join(problems)


def test_the_desk_a_backlog_case_and_a_petitioner_from_the_dossiers(new_page, demo_url):
    """A director's desk filtered to 已逾期 (PC), a 积案 with its 包案 leader, and the new-petition form on a
    phone with the petitioner picked from the dossiers."""
    page = new_page("jn_county")
    assert page.goto(f"{demo_url}/petitions/?due=overdue&order=due").status == 200
    rows = page.locator("table tbody tr")
    assert rows.count() > 0 and page.locator("table .badge-bad").count() > 0  # every row is marked overdue
    problems = check(page, "petition-desk-overdue", 1366)
    assert page.goto(f"{demo_url}/petitions/backlog/").status == 200
    page.locator("table a[href*='/backlog/']").first.click()
    page.wait_for_load_state()
    assert "/backlog/" in page.url and page.locator("main").inner_text().count("包案") >= 1
    problems += check(page, "backlog-case", 1366)
    for name, url in (("meetings", "/petitions/outreach/"), ("mediations", "/petitions/mediation/")):
        assert page.goto(demo_url + url).status == 200
        problems += check(page, name, 1366)

    phone = new_page("jn_village", width=360, height=740)
    phone.goto(f"{demo_url}/people/")  # a name on file in the village, as the worker would know it
    known = phone.locator("#person-results tbody a[href^='/people/']").first.inner_text().strip()
    assert phone.goto(f"{demo_url}/petitions/new").status == 200
    require_htmx(phone)
    picker = phone.locator("[data-testid=petitioner-picker] input[type=search]")
    picker.fill(known)
    option = phone.locator("#petitioner-options button").first
    option.wait_for()
    chosen_name = option.locator("strong").inner_text()
    option.click()
    phone.locator("#chosen-petitioners li").first.wait_for()
    assert chosen_name in phone.locator("#chosen-petitioners").inner_text()
    problems += check(phone, "petition-new-picker", 360)
    assert not problems, "\n".join(problems)
