"""The dossier pages as a village worker sees them, on a phone and on an office PC."""

import pytest

from tests.browser.conftest import SCREENSHOT_DIR, inject_axe

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1366, 768)])
def test_people_list_and_dossier_look_finished_and_mask_numbers(new_page, demo_url, width, height):
    page = new_page("jn_village", width=width, height=height)
    problems = []
    assert page.goto(f"{demo_url}/people/").status == 200
    first = page.locator("#person-results tbody a[href^='/people/']").first
    dossier = demo_url + first.get_attribute("href")
    pages = [("people-list", f"{demo_url}/people/"), ("person", dossier), ("person-new", f"{demo_url}/people/new"),
             ("transfers", f"{demo_url}/people/transfers/"), ("as-of", f"{demo_url}/people/as-of/?day=2025-12-31"),
             ("import", f"{demo_url}/people/import/")]
    for name, url in pages:
        assert page.goto(url).status == 200, url
        if name == "person":
            page.wait_for_selector("#timeline")  # loaded after the page, by htmx
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-{width}.png"), full_page=True)
        if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"):
            problems.append(f"{name}: horizontal overflow")
        inject_axe(page)
        problems += [f"{name}: {v}" for v in page.evaluate(
            "async () => (await axe.run()).violations.map(v => `${v.id}: ${v.help} — ${v.nodes[0].target}`)")]
        # No full ID number (18 characters, digits then a digit or X) may appear anywhere on the page.
        assert not page.evaluate(r"/\b\d{17}[\dX]\b/.test(document.body.innerText)"), f"{name} shows an ID number"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1366, 768)])
def test_an_import_with_bad_rows_holds_each_row_with_its_reason(new_page, demo_url, tmp_path, width, height):
    """The rows go in or are held one by one: the held rows are listed with their reasons, on a phone too."""
    from tests.people.ledgers import good_row, workbook_bytes

    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(workbook_bytes([  # the village worker's own village is good_row's default address
        good_row(1), good_row(2, 身份证号="320115197001011234"), good_row(3, 联系电话="1380000000"),
        good_row(4, 登记日期="2024-13-01"), good_row(5, 姓名=None)]))
    page = new_page("jn_village", width=width, height=height)
    page.goto(f"{demo_url}/people/import/")
    page.set_input_files("input[type=file]", str(ledger))
    page.get_by_role("button", name="上传并读取").click()
    page.wait_for_selector("[data-testid=mapping-form]", timeout=60_000)
    page.get_by_role("button", name="按这些列检查各行").click()
    page.wait_for_selector("[data-testid=count-held]", timeout=60_000)
    assert page.inner_text("[data-testid=count-held]").strip() == "4"
    assert page.inner_text("[data-testid=count-new]").strip() == "1"
    page.get_by_role("link", name="修改待处理行").first.click()
    page.wait_for_selector("[data-testid=held-grid]")
    held_rows = page.locator("[data-testid=held-grid] tbody tr[data-row]")
    assert held_rows.count() == 4
    text = page.inner_text("[data-testid=held-grid]")
    assert all(f"{n} 行" in text for n in (3, 4, 5, 6)), text
    assert page.locator("[data-testid=held-grid] input.is-invalid, [data-testid=row-reason]").count() >= 4  # each why
    page.screenshot(path=str(SCREENSHOT_DIR / f"import-held-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "horizontal overflow"
    inject_axe(page)
    violations = page.evaluate(
        "async () => (await axe.run()).violations.map(v => `${v.id}: ${v.help} — ${v.nodes[0].target}`)")
    assert not violations, "\n".join(violations)


def test_registering_a_person_by_picking_the_place_by_name(new_page, demo_url):
    """A street worker on a phone types part of a community's name, picks the suggestion with the keyboard and
    registers: the box keeps the place's name (its code only in the hidden input), the dossier lives there."""
    from tests.browser.conftest import check, require_htmx
    from tests.factories import valid_id_number

    page = new_page("jn_street", width=360, height=740)
    assert page.goto(f"{demo_url}/people/new").status == 200
    require_htmx(page)
    page.fill("#id_name", "王建国")
    page.fill("#id_id_number", valid_id_number("19660606", sequence=987))
    box = page.locator("#id_address_region")
    box.press_sequentially("高庄", delay=50)  # as a person types: the suggestions come after a pause
    page.wait_for_selector("#id_address_region_options [role=option][data-value]")
    assert box.get_attribute("aria-expanded") == "true"
    assert page.locator("#id_address_region_options [role=option]").all_inner_texts() == [
        "江宁区 › 汤山街道 › 高庄社区居委会"]  # only the street's own communities
    box.press("ArrowDown")
    problems = check(page, "people-register-place", 360)  # the suggestion open and chosen, on a phone
    box.press("Enter")
    assert box.input_value() == "江宁区 › 汤山街道 › 高庄社区居委会"
    assert page.locator("input[name=address_region]").input_value() == "320115003011"
    assert box.get_attribute("aria-expanded") == "false"
    page.locator("input[name=categories]").first.check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert "/people/new" not in page.url, page.inner_text("main")
    assert "高庄社区居委会" in page.inner_text("main")
    assert not problems, "\n".join(problems)


def test_on_a_phone_the_people_list_searches_by_pinyin_with_its_filters_in_a_drawer(new_page, demo_url):
    """At 360 px the filters fold into the 筛选 drawer: the search box, the count and the rows come first. A name
    typed in whole pinyin with spaces finds the person; a filter chosen in the drawer narrows the list."""
    from rongjia.people.names import name_keys
    from tests.browser.conftest import check, require_htmx

    page = new_page("jn_village", width=360, height=740)
    assert page.goto(f"{demo_url}/people/").status == 200
    require_htmx(page)
    assert page.locator("#filters-toggle").is_visible() and not page.locator("#id_status").is_visible()
    search_bottom = page.locator("#id_q").bounding_box()
    results_top = page.locator("#person-results").bounding_box()
    assert results_top["y"] - (search_bottom["y"] + search_bottom["height"]) < 60  # the count right under it
    name = page.locator("#person-results tbody a[href^='/people/']").nth(3).inner_text().strip()
    surname, pinyin = name_keys(name[0]).pinyin, name_keys(name).pinyin
    typed = f"{surname} {pinyin[len(surname):]}"  # as a phone keyboard leaves it: 高 jianjun → gao jianjun
    with page.expect_response(lambda r: "/people/?" in r.url and r.url.endswith(pinyin[len(surname):])
                              or f"{pinyin[len(surname):]}&" in r.url):
        page.locator("#id_q").press_sequentially(typed, delay=30)
    page.wait_for_function("document.querySelector('#person-results tbody a') !== null")
    found = [text.strip() for text in page.locator("#person-results tbody a[href^='/people/']").all_inner_texts()]
    assert name in found and all(name_keys(other).pinyin.startswith(pinyin) for other in found), found
    problems = check(page, "people-pinyin", 360)
    page.click("#filters-toggle")
    page.wait_for_selector("#person-filters.show")
    assert page.locator("#id_status").is_visible()
    problems += check(page, "people-drawer", 360)
    with page.expect_response(lambda r: "/people/?" in r.url and "status=active" in r.url):
        page.select_option("#id_status", "active")
    page.locator("#person-filters button[type=submit]").click()  # applies and closes the drawer
    page.wait_for_selector("#person-filters.show", state="detached")
    assert page.locator("#person-results tbody a[href^='/people/']").count() >= 1
    assert not problems, "\n".join(problems)
