"""Long work as background jobs (issue 24), on a phone: from the people list, start the batch of contact cards
(the button says how many cards and pages before the click), wait on the job's page, and receive the PDF.

The demo server runs jobs inside the request that queues them (tests/browser/conftest.py), so the page is
reached with the file made; the page while a file is being made is tested in tests/core/test_file_jobs.py.
"""

import re

import pytest

from tests.browser.conftest import check, require_htmx

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}


def test_start_the_card_batch_and_receive_the_pdf_from_the_progress_page(new_page, demo_url):
    page = new_page("jn_village", **PHONE)
    # The cards of the people of one name, as a worker would print them before a round of visits. Not the whole
    # list: the ledger import's journey adds 16,000 people to this village's demo, past the cap of 2,000 cards.
    assert page.goto(f"{demo_url}/people/?status=active").status == 200
    name = page.locator("main tbody tr td a").first.inner_text()
    assert page.goto(f"{demo_url}/people/?status=active&q={name}").status == 200
    require_htmx(page)
    start = page.get_by_test_id("cards-start")
    # the count, before the click: the buttons load it after the list (a second request; slow beside a busy CI)
    start.filter(has_text=re.compile(r"打印联系卡：\d+ 张，约 \d+ 页")).wait_for(timeout=30_000)
    problems = check(page, "cards-offer", PHONE["width"])
    count = int(re.search(r"(\d+) 张", start.inner_text()).group(1))
    assert 0 < count <= int(page.get_by_test_id("result-count").inner_text())  # people on the books, of the list
    with page.expect_navigation():
        start.click()
    assert re.search(r"/files/\d+/$", page.url), page.url
    download_button = page.get_by_test_id("file-job-download")
    download_button.wait_for(timeout=60_000)  # the page polls until the file is made
    assert page.get_by_test_id("file-job-state").inner_text() == "已生成"
    assert re.fullmatch(r"下载（[\d.]+\s*(KB|MB|字节|bytes)）", download_button.inner_text().strip()), \
        download_button.inner_text()
    assert f"文件共含 {count} 条记录" in page.inner_text("main")
    problems += check(page, "cards-job", PHONE["width"])
    with page.expect_download() as downloaded:
        download_button.click()
    download = downloaded.value
    assert download.suggested_filename.endswith(".pdf") and "_服务联系卡_" in download.suggested_filename
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert not problems, "\n".join(problems)
