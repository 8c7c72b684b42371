"""Chinese by default: the browser's Accept-Language is not followed; only the footer's language switch (its
cookie) turns the pages English, and a cookie naming a language we do not offer is ignored."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def html_lang(response) -> str:
    page = response.content.decode()
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("path", ["/accounts/login/", "/mailbox/"])
def test_an_english_browser_gets_chinese(db, path):
    response = Client().get(path, **ENGLISH_BROWSER)
    assert response.status_code == 200
    assert html_lang(response) == "zh-hans" and response["Content-Language"] == "zh-hans"
    assert "Cookie" in response["Vary"]


def test_the_language_switch_turns_english_on_and_back(db):
    client = Client()
    switched = client.post(reverse("set_language"), {"language": "en", "next": "/mailbox/"}, **ENGLISH_BROWSER)
    assert switched.status_code == 302 and client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    # the choice holds whatever the browser asks for
    assert html_lang(client.get("/mailbox/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")) == "en"

    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/mailbox/"})
    assert html_lang(client.get("/mailbox/", **ENGLISH_BROWSER)) == "zh-hans"


def test_a_signed_in_persons_choice_of_english_holds(cast, client_for):
    client = client_for(cast.village_worker)
    assert html_lang(client.get("/", **ENGLISH_BROWSER)) == "zh-hans"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert html_lang(page) == "en" and "Workbench" in page.content.decode()


@pytest.mark.parametrize("cookie", ["fr", "xx-forged", ""])
def test_a_cookie_naming_no_language_we_offer_leaves_chinese(db, cookie):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    assert html_lang(client.get("/accounts/login/", **ENGLISH_BROWSER)) == "zh-hans"
