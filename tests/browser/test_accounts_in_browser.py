"""Access changes as the people who make them see them: one security administrator proposes a new
account, a second approves it from the workbench; a village worker makes an API token and revokes it."""

import pytest

from tests.browser.test_workbench_in_browser import DESKTOP, PHONE, look, workbench_items

pytestmark = pytest.mark.browser


def test_a_new_account_waits_for_the_second_security_administrator(new_page, demo_url):
    proposer = new_page("sec_admin", width=PHONE["width"], height=PHONE["height"])
    proposer.goto(f"{demo_url}/accounts/users/new")
    proposer.fill("#id_username", "gq_helper")
    proposer.fill("#id_full_name", "陈晓")
    proposer.fill("#id_org_unit", "320115003004")
    proposer.get_by_label("站点工作人员").check()
    proposer.fill("#id_password", "Guquan#2026x")
    with proposer.expect_navigation():
        proposer.get_by_role("button", name="保存").click()
    assert "第二名安全管理员批准其角色后即可登录" in proposer.inner_text("main")
    proposer.goto(f"{demo_url}/accounts/changes/")
    row = proposer.locator("main tbody tr", has_text="陈晓")
    assert row.get_by_role("button", name="撤回").count() == 1 and row.get_by_role("button", name="批准").count() == 0
    problems = look(proposer, "account-changes-phone")

    second = new_page("sec_admin2", width=DESKTOP["width"], height=DESKTOP["height"])
    second.goto(f"{demo_url}/")
    assert workbench_items(second)["awaiting_approval"] >= 1
    with second.expect_navigation():
        second.locator("a.workbench-item[data-item=awaiting_approval]").click()
    row = second.locator("main tbody tr", has_text="陈晓")
    with second.expect_navigation():
        row.get_by_role("button", name="批准").click()
    assert "已批准并生效" in second.locator("main tbody tr", has_text="陈晓").inner_text()
    problems += look(second, "account-changes-desktop")
    assert not problems, "\n".join(problems)


def test_a_village_worker_makes_an_api_token_and_revokes_it(new_page, demo_url):
    page = new_page("jn_village", width=PHONE["width"], height=PHONE["height"])
    page.goto(f"{demo_url}/accounts/tokens/")
    page.fill("#id_name", "台账同步")
    page.fill("#id_purpose", "社区台账脚本每晚同步")
    with page.expect_navigation():
        page.get_by_role("button", name="生成令牌").click()
    assert page.locator("[data-testid=new-token]").inner_text().startswith("rj_")
    problems = look(page, "api-tokens-phone")
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmation before a destructive action
    with page.expect_navigation():
        page.locator("main tr", has_text="台账同步").get_by_role("button", name="吊销").click()
    assert "已吊销" in page.locator("main tr", has_text="台账同步").inner_text()
    assert not problems, "\n".join(problems)
