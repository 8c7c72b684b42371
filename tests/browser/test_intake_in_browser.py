"""A village worker brings in the station's own 采集表 on an office PC: two 小组 sheets under a two-row
header, the columns confirmed, the normalisations accepted, one held row fixed in the grid, the commit
followed on its progress bar (run by a real worker, as deployed), and the people found in the list."""

import re
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import SCREENSHOT_DIR, inject_axe

pytestmark = pytest.mark.browser
PEOPLE_PER_GROUP = 8000  # 16,000 rows: a commit of a second or two, reporting its progress every 2,000 rows


def axe_violations(page) -> list[str]:
    inject_axe(page)
    return page.evaluate(
        "async () => (await axe.run()).violations.map(v => `${v.id}: ${v.help} — ${v.nodes[0].target}`)")


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-1366.png"), full_page=True)


def state_of(page) -> str:
    return page.inner_text("[data-testid=import-state]")


def wait_until_settled(page, *, timeout_s: float = 120) -> list[str]:
    """The progress lines seen while the job runs, until the page stops polling.

    The page polls its status fragment once a second by itself; a commit of a few seconds would show
    only one or two of its steps that way. So the same fragment, the one the page swaps in, is also
    fetched here every 100 ms with the page's own session, and the lines of both are kept in order.
    """
    url, seen = None, []

    def note(text: str) -> None:
        text = " ".join(text.split())
        if text and (not seen or seen[-1] != text):
            seen.append(text)

    for _ in range(int(timeout_s * 10)):
        # Read in one go: the poll may swap the elements out between two separate lookups, and the page
        # reloads itself when the job ends (a navigation under an evaluate: nothing read this time).
        try:
            url = url or page.evaluate("document.querySelector('#import-status[hx-get]')?.getAttribute('hx-get')")
            note(page.evaluate("document.querySelector('[data-testid=import-progress]')?.innerText || ''"))
        except PlaywrightError:
            pass
        if url:
            fragment = page.request.get(urljoin(page.url, url), headers={"HX-Request": "true"})
            found = re.search(r'data-testid="import-progress"[^>]*>(.*?)</', fragment.text(), re.S)
            if fragment.status == 200 and found:
                note(re.sub(r"<[^>]+>", " ", found.group(1)))
        if not page.locator("#import-status[hx-trigger]").count():
            return seen
        page.wait_for_timeout(100)
    raise AssertionError(f"the job did not finish; progress seen: {seen}")


def test_a_two_sheet_caijibiao_goes_in_through_the_pages(new_page, demo_url, tmp_path):
    from tests.people.messy_ledgers import caijibiao

    content, name, expected = caijibiao(n_per_group=PEOPLE_PER_GROUP)
    ledger = tmp_path / name
    ledger.write_bytes(content)
    problems = []
    page = new_page("jn_village", width=1366, height=768)
    page.on("dialog", lambda dialog: dialog.accept())  # "register these people now?"
    page.goto(f"{demo_url}/people/import/")
    page.set_input_files("input[type=file]", str(ledger))
    page.get_by_role("button", name="上传并读取").click()
    wait_until_settled(page)

    # The columns: both 小组 sheets with their joined two-row headers; the 说明 sheet listed as skipped.
    page.wait_for_selector("[data-testid=mapping-form]")
    body = page.inner_text("body")
    assert "一组" in body and "二组" in body and "说明" in body and "服役情况/入伍时间" in body
    shot(page, "intake-mapping")
    problems += [f"mapping: {v}" for v in axe_violations(page)]
    page.get_by_role("button", name="按这些列检查各行").click()
    seen_checking = wait_until_settled(page)
    assert state_of(page) == "可以导入", page.inner_text("[data-testid=import-message]")

    # The normalisations, shown as was → now and accepted as a set.
    shot(page, "intake-changes")
    changes = page.locator("[data-testid=changes]").text_content()  # folded fields included
    assert "汉族" in changes and "高中/中专" in changes and "黎平" in changes
    problems += [f"changes: {v}" for v in axe_violations(page)]
    page.get_by_role("button", name="接受这些改动").click()
    page.wait_for_selector("[data-testid=changes-accepted]")

    # One held row fixed in the grid: the 10-digit mobile.
    page.get_by_role("link", name="修改待处理行").first.click()
    bad_phone = page.locator("tr:has(input.is-invalid[name=phone])").first
    row_id = bad_phone.get_attribute("id")
    shot(page, "intake-held")
    problems += [f"held: {v}" for v in axe_violations(page)]
    bad_phone.locator("input[name=phone]").fill("13912345678")
    bad_phone.get_by_role("button", name="保存").first.click()
    page.wait_for_selector(f"#{row_id} .badge-ok")  # swapped in place by htmx: the row is fixed
    page.get_by_role("link", name="返回导入").first.click()

    # The commit, followed on the progress bar while the worker writes.
    new_people = int(page.inner_text("[data-testid=count-new]"))
    page.locator("[data-testid=commit] button[type=submit]").click()
    seen = wait_until_settled(page)
    assert state_of(page) == "已导入", page.inner_text("body")
    # The check reads and normalises every row: the long pass, whose count must be seen to move. The commit
    # writes the rows the check staged and may be over between two samples; it must at least show its stage.
    assert any(text.startswith("导入中") for text in seen), seen
    counted = [int(m.group(1).replace(",", "")) for text in seen_checking + seen
               if (m := re.search(r"已处理\s*([\d,]+)", text))]
    assert len(set(counted)) >= 2, f"the progress did not move: {seen_checking} then {seen}"
    message = page.inner_text("[data-testid=import-message]")
    assert str(new_people + 1) in message.replace(",", ""), message  # the fixed row went in too

    # The people are in the list, found by a name whose ledger spelling had alignment spaces.
    spaced = next(p for p in expected.importable() if p["status"] == "active" and p["name"] in ("黎平", "王芳"))
    page.goto(f"{demo_url}/people/?q={spaced['name']}")
    assert spaced["name"] in page.inner_text("#person-results")
    assert not problems, "\n".join(problems)
