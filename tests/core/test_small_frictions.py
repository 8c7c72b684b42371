"""The small frictions of issue 24: the menu says 修改密码, the site has a favicon, one breadcrumb per page, the
read-only leader's transfer tab is no to-do list and its columns read 转出站 → 转入站, printed documents write
dates the Chinese way, and the pages that once showed one msgid's wrong meaning now show the right one."""

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from rongjia.people.books import services as books
from tests.factories import VILLAGE2_CODE, person_at, unit_at


def test_the_menu_says_change_password_and_the_pages_carry_a_favicon(cast, client_for):
    page = client_for(cast.village_worker).get("/").content.decode()
    menu = page.split('id="navbar-menu"', 1)[1].split("</nav>", 1)[0]
    assert ">修改密码</a>" in menu and ">密码</a>" not in menu
    icons = re.findall(r'<link rel="icon" href="([^"]+)"', page)
    assert len(icons) == 2
    anonymous = Client()
    for href in icons:
        response = anonymous.get(href)
        assert response.status_code == 200, href
    assert b"<svg" in b"".join(anonymous.get(icons[1]).streaming_content)


def test_a_page_with_its_own_breadcrumb_shows_no_second_one(cast, client_for):
    person = person_at(cast.village_worker, name="单面包")
    page = client_for(cast.village_worker).get(reverse("people:person_detail", args=[person.pk])).content.decode()
    assert page.count('<ol class="breadcrumb') == 1
    assert page.count('data-testid="viewer-unit"') == 2  # the viewer's unit is still said, in the header
    assert person.station.name in page


@pytest.fixture
def proposed(cast):
    person = person_at(cast.village_worker, name="转移人")
    return books.transfer_propose(actor=cast.village_worker, person=person, to_station=unit_at(VILLAGE2_CODE),
                                  reason="搬家")


def test_the_read_only_leader_sees_incoming_transfers_not_a_to_do(cast, client_for, proposed):
    url = reverse("people:transfer_list") + "?direction=in"
    leader = client_for(cast.leader).get(url).content.decode()
    assert "转入记录" in leader and "转入待办" not in leader
    assert "转出站 → 转入站" in leader and "转移人" in leader
    assert 'action="' + reverse("people:transfer_decide", args=[proposed.pk, "accept"]) not in leader

    receiver = client_for(cast.village2_worker).get(url).content.decode()
    assert "转入待办" in receiver and "转出站 → 转入站" in receiver


def test_an_outsider_sees_none_of_the_transfers(cast, client_for, proposed):
    page = client_for(cast.outsider).get(reverse("people:transfer_list") + "?direction=in").content.decode()
    assert "转移人" not in page


def test_the_petition_form_labels_its_unit_and_problem_category(cast, client_for):
    page = client_for(cast.village_worker).get(reverse("petitions:petition_new")).content.decode()
    labels = re.findall(r"<label[^>]*>([^<]+)</label>", page)
    assert "登记单位" in labels and "问题类别" in labels
    assert "登记时间" not in labels and "人员类别" not in labels


def test_the_booklet_prints_dates_the_chinese_way(cast, client_for):
    person = person_at(cast.village_worker, name="印日期", birth="19750505")
    response = client_for(cast.village_worker).get(f"/people/{person.pk}/booklet.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "1975年5月5日" in text and "2020年1月1日" in text  # born, and the category's first day
    assert "1975-05-05" not in text
