"""The worklist as its users meet it: a village on a phone finds its tasks (the overdue one urged by the county),
reports with a photo and submits; the street accepts the work it reviews; the county reads one task's roll-up and
drills into a street; the inspection checklist. Screenshots and axe-core on each page."""

import io

import pytest
from PIL import Image

from tests.browser.conftest import check

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 768}


def _photo(tmp_path) -> str:
    path = tmp_path / "走访照片.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (120, 160, 200)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_a_village_reports_on_a_phone_and_the_county_reads_the_rollup(new_page, demo_url, tmp_path):
    problems = []
    phone = new_page("jn_village", **PHONE)
    assert phone.goto(f"{demo_url}/worklist/?show=urged").status == 200
    assert phone.locator("[data-testid=inbox] .list-group-item").count() == 1  # the county's 督办
    assert phone.goto(f"{demo_url}/worklist/").status == 200
    problems += check(phone, "worklist-inbox", 360)
    phone.locator("[data-testid=inbox] .list-group-item", has_text="走访台账").first.click()
    phone.wait_for_selector("[data-testid=report-form]")
    problems += check(phone, "worklist-report", 360)
    phone.fill("#id_f1", "9999")  # outside the field's range: refused, nothing changes
    phone.click("[data-testid=report-form] button[value='1']")
    assert "2000" in phone.inner_text(".alert-danger")
    phone.fill("#id_f1", "42")
    phone.fill("#id_note", "本季度走访完毕")
    phone.set_input_files("#id_photos", _photo(tmp_path))
    phone.click("[data-testid=report-form] button[value='1']")
    phone.wait_for_selector("[data-testid=history]")
    assert "已完成" in phone.inner_text("h3, .h3") and "本季度走访完毕" in phone.inner_text("[data-testid=history]")

    street = new_page("jn_street", **PHONE)
    assert street.goto(f"{demo_url}/worklist/review/").status == 200
    waiting = street.locator("[data-testid=review] .list-group-item")
    before = waiting.count()
    assert before > 0
    waiting.first.click()
    street.click("[data-testid=review-form] button[value=accept]")
    street.wait_for_selector("[data-testid=history]")
    assert street.goto(f"{demo_url}/worklist/review/").status == 200
    assert street.locator("[data-testid=review] .list-group-item").count() == before - 1

    county = new_page("jn_county", **DESKTOP)
    assert county.goto(f"{demo_url}/worklist/tasks/").status == 200
    county.locator("[data-testid=tasks] a", has_text="信息采集更新").first.click()
    county.wait_for_selector("[data-testid=rollup]")
    problems += check(county, "worklist-rollup-county", 1366)
    totals = county.locator("[data-testid=rollup-totals] .badge").all_inner_texts()
    assert sum(int(n) for n in totals) > 100  # every village counted once, in one bucket
    county.locator("[data-testid=rollup] tbody a").first.click()
    county.wait_for_selector("[data-testid=parts] .list-group-item")
    assert county.goto(f"{demo_url}/worklist/inspections/").status == 200
    county.locator("[data-testid=inspections] a").first.click()
    county.wait_for_selector("[data-testid=target]")
    problems += check(county, "worklist-inspection", 1366)
    assert not problems, "\n".join(problems)
