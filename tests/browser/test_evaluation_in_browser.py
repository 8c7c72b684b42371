"""The district director's star evaluation in a browser: the closed period's station that lost a star, its sheet
with the numbers behind each item and why it went down; the targets dashboard (the training gaps list is
test_network_in_browser's); a new period set up, scored and a station's stars adjusted with a reason; on an office
PC and on a phone, without overflow or axe violations."""

import pytest

from tests.browser.conftest import check

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1366, 360])
def test_a_station_down_a_star_says_why_and_the_targets_show_the_gaps(new_page, demo_url, width):
    page = new_page("jn_county", width=width)
    problems = []
    page.goto(f"{demo_url}/evaluation/")
    problems += check(page, "evaluation", width)
    page.get_by_role("link", name=f"{2026}年度街道服务站星级评价").first.click()
    assert page.locator("[data-testid=run-state]").inner_text() == "已结束"
    problems += check(page, "evaluation-run", width)
    run_url = page.url.split("?")[0]
    page.locator("a[href*='/evaluation/criteria/']").first.click()
    assert page.locator("[data-testid=items-editor]").count() == 1  # the county's own criteria: its editor
    problems += check(page, "evaluation-criteria", width)
    page.goto(run_url + "?change=down")
    page.locator("[data-testid=scores] tbody a").first.click()
    words = page.locator("[data-testid=change-words]").inner_text()
    assert "较上期下降" in words and "五有" in words
    sheet = page.locator("[data-testid=score-sheet]").inner_text()
    assert "得分依据" in sheet and "五有" in sheet
    problems += check(page, "score-sheet", width)
    page.goto(f"{demo_url}/evaluation/targets/")
    assert page.locator("[data-testid=target]").count() == 2
    assert "五星级服务中心（站）占比不低于80%" in page.inner_text("body")
    problems += check(page, "targets-dashboard", width)
    assert not problems, "\n".join(problems)


def test_a_new_period_is_scored_and_a_station_adjusted_with_a_reason(new_page, demo_url):
    page = new_page("jn_county")
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{demo_url}/evaluation/")
    form = page.locator("[data-testid=run-new]")
    form.get_by_label("评价标准").select_option(index=0)
    form.locator("input[name=title]").fill("2026年第四季度复评")
    form.locator("input[name=since]").fill("2026-10-01")
    form.locator("input[name=until]").fill("2026-11-30")
    form.get_by_role("button", name="建立评价周期").click()
    page.get_by_role("button", name="开始评分").click()
    page.wait_for_selector("[data-testid=distribution]")
    assert page.locator("[data-testid=run-state]").inner_text() == "已评分，复核中"
    page.locator("[data-testid=scores] tbody a").first.click()
    adjust = page.locator("[data-testid=adjust]")
    adjust.get_by_role("button", name="按此理由调整").click()
    assert "请填写调整理由" in page.inner_text("[data-testid=adjust]")  # refused: no reason, nothing changed
    adjust = page.locator("[data-testid=adjust]")
    adjust.locator("select[name=stars]").select_option("5")
    adjust.locator("textarea[name=reason]").fill("复评实地核查，服务台账完整")
    adjust.get_by_role("button", name="按此理由调整").click()
    assert "复评实地核查" in page.locator("[data-testid=adjustment]").inner_text()
    assert page.locator("[data-testid=score-stars] [aria-label]").get_attribute("aria-label") == "5 星"
