"""The workbench 工作台 and a petition's workflow picture, as their people see them on a phone and a PC:
the village worker lands on the workbench and opens a count, the county director and the read-only
leader see the same work, and a petition under review (复查) shows where it stands and who may answer."""

from urllib.parse import urlparse

import pytest

from tests.browser.conftest import SCREENSHOT_DIR, inject_axe, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 768}


def look(page, name: str) -> list[str]:
    """Screenshot the page as <name>.png; report horizontal overflow and axe-core's violations. The
    workflow picture may scroll sideways inside its own scroller: that does not widen the page."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)
    problems = []
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll_width > inner_width + 1:
        problems.append(f"{name}: horizontal overflow ({scroll_width} > {inner_width})")
    inject_axe(page)
    problems += [f"{name}: {v}" for v in page.evaluate(
        "async () => (await axe.run()).violations.map(v => `${v.id}: ${v.help} — ${v.nodes[0].target}`)")]
    return problems


def workbench_items(page) -> dict[str, int]:
    """The workbench's cards: {item key: the count it shows}."""
    return {key: int(count) for key, count in page.evaluate("""[...document.querySelectorAll('a.workbench-item')]
        .map(a => [a.dataset.item, a.querySelector('.workbench-count').dataset.count])""")}


def list_size(page) -> int:
    """How many rows the list on the page holds: its table rows, page after page. Where the list also
    states its total (the people and station lists), the total must say the same."""
    total = page.locator("[data-testid=result-count]")
    stated = int(total.inner_text()) if total.count() else None
    rows = 0
    while True:
        rows += page.locator("main table tbody tr").count()
        following = page.locator("main .pagination").get_by_role("link", name="下一页")
        if not following.count():
            break
        with page.expect_navigation():
            following.click()
    assert stated in (None, rows), f"{page.url} states {stated} rows but holds {rows}"
    return rows


def test_a_village_worker_lands_on_the_workbench_and_opens_a_count(new_page, demo_url):
    page = new_page(width=PHONE["width"], height=PHONE["height"])
    sign_in(page, demo_url, "jn_village")
    assert urlparse(page.url).path == "/", f"the first screen after sign-in is {page.url}"
    assert page.locator("h1").inner_text().startswith("工作台")
    cards = page.locator("a.workbench-item")
    assert cards.count() and all(card.is_visible() for card in cards.all())
    assert cards.first.bounding_box()["y"] < PHONE["height"], "the first card is below the first screen"
    problems = look(page, "workbench-jn_village-phone")

    waiting = {key: n for key, n in workbench_items(page).items() if n}
    assert waiting, "the demo village has nothing waiting: nothing to open"
    key, count = next(iter(waiting.items()))
    with page.expect_navigation():
        page.locator(f"a.workbench-item[data-item={key}]").click()
    assert urlparse(page.url).path != "/"
    assert list_size(page) == count, f"{key}: the workbench counts {count}, its list {page.url} holds otherwise"
    assert not problems, "\n".join(problems)


def test_the_county_and_its_read_only_leader_see_the_same_work(new_page, demo_url):
    problems, items = [], {}
    for user in ("jn_county", "jn_leader"):
        page = new_page(user, width=DESKTOP["width"], height=DESKTOP["height"])
        assert page.goto(f"{demo_url}/").status == 200
        assert page.locator("a.workbench-item").first.is_visible()
        items[user] = workbench_items(page)
        problems += look(page, f"workbench-{user}-desktop")
        if user == "jn_leader":  # a leader may look, not act: nothing on the page writes
            assert not page.locator("main form[method=post], main button, main .btn-primary").count()
    county, leader = items["jn_county"], items["jn_leader"]
    # the leader imports no ledger and confirms no grid worker's proposal: the editors' work to act on
    assert "imports" in county and "imports" not in leader and "status_proposals" not in leader
    assert leader == {key: n for key, n in county.items() if key not in ("imports", "status_proposals")}

    # The transfers waiting for the county: the director decides them there, the leader only reads them.
    assert county["transfers"], "the demo county has no transfer waiting"
    for user, decides in (("jn_county", True), ("jn_leader", False)):
        page = new_page(user, width=DESKTOP["width"], height=DESKTOP["height"])
        page.goto(f"{demo_url}/")
        with page.expect_navigation():
            page.locator("a.workbench-item[data-item=transfers]").click()
        assert bool(page.locator("main form[method=post]").count()) is decides, user
        assert list_size(page) == county["transfers"], user
    assert not problems, "\n".join(problems)


def a_petition_under_review(page, demo_url) -> str:
    """The address of a petition under 复查: one of the demo's, else a replied one whose petitioner asks
    for the review now, through the petition's step form as the county would record it."""
    page.goto(f"{demo_url}/petitions/?state=review")
    link = page.locator("main table a[href^='/petitions/']")
    if link.count():
        return demo_url + link.first.get_attribute("href")
    page.goto(f"{demo_url}/petitions/?state=replied")
    for href in [a.get_attribute("href") for a in page.locator("main table a[href^='/petitions/']").all()]:
        page.goto(demo_url + href)
        if not page.locator("#id_action option[value=request_review]").count():
            continue
        page.select_option("#id_action", "request_review")
        page.fill("#id_note", "信访人对处理意见不服，请求复查。")
        with page.expect_navigation():
            page.locator("form[data-step-form] button[type=submit]").click()
        if page.locator("[data-testid=workflow] g[data-current=yes][data-state=review]").count():
            return demo_url + href  # else its 30 days for asking have passed: the form said so
    pytest.fail("the demo has no petition under review, nor a replied one whose review may still be asked")


def test_a_petition_under_review_shows_where_it_stands(new_page, demo_url):
    page = new_page("jn_county", width=PHONE["width"], height=PHONE["height"])
    petition = a_petition_under_review(page, demo_url)
    problems = []
    for size, (width, height) in (("phone", PHONE.values()), ("desktop", DESKTOP.values())):
        page.set_viewport_size({"width": width, "height": height})
        assert page.goto(petition).status == 200
        figure = page.locator("[data-testid=workflow] figure.workflow")
        assert figure.is_visible() and figure.locator("svg[role=img] > title").count() == 1
        current = figure.locator("g[data-current=yes]")
        assert current.count() == 1 and current.get_attribute("data-state") == "review"
        assert "复查中" in current.text_content()
        problems += look(page, f"petition-review-workflow-{size}")

    # The level directly above the street station that answered (the county centre) answers the review
    # (信访工作条例 Art. 35): its step is drawn open, and offered in the form.
    county = new_page("jn_county", width=DESKTOP["width"], height=DESKTOP["height"])
    assert county.goto(petition).status == 200
    assert county.locator("[data-testid=workflow] path[data-open-step=yes]").count()
    labels = county.evaluate("""[...document.querySelectorAll('[data-testid=workflow] path[data-open-step=yes]')]
        .map(p => p.nextElementSibling?.tagName === 'text' ? p.nextElementSibling.textContent : '')""")
    assert "复查答复" in labels  # the label drawn beside the open arrow
    assert county.locator("#id_action option[value=review_reply]").count() == 1
    assert not problems, "\n".join(problems)
