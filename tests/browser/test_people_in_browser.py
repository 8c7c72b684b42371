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
