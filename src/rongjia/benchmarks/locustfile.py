"""The load scenario of `manage.py bench --load`: station workers of the demo county signing in, then
browsing and searching their dossiers and petitions and recording petitions, with think time.

Run by locust in its own process against a server on 127.0.0.1 (never a remote host). Station
workers need no second factor, so they sign in with the password alone.
"""

import itertools
import random
import re

from locust import HttpUser, between, task

ACCOUNTS = itertools.cycle(["jn_village", "jn_village2", "jn_street"])
PASSWORD = "Rongjia#2026"
SURNAMES = "张王李刘陈杨赵黄周吴"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PERSON_LINK = re.compile(r'href="/people/(\d+)/"')
SELECTED_UNIT = re.compile(r'<select name="unit"[^>]*>.*?<option value="(\d+)" selected>', re.S)


class StationWorker(HttpUser):
    wait_time = between(1, 3)  # a person reads before the next click

    def on_start(self):
        self.username = next(ACCOUNTS)
        page = self.client.get("/accounts/login/", name="sign in (page)")
        self._post_expecting_redirect("/accounts/login/", "sign in", {
            "username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": CSRF.search(page.text).group(1)})
        self.people = []

    def _post_expecting_redirect(self, url: str, name: str, data: dict) -> None:
        """A form that comes back instead of redirecting was refused: that counts as an error."""
        with self.client.post(url, name=name, data=data, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"expected a redirect, got {response.status_code}")

    @task(5)
    def browse_people(self):
        page = self.client.get("/people/", name="/people/ (list)")
        self.people = PERSON_LINK.findall(page.text) or self.people

    @task(3)
    def search_people(self):
        self.client.get(f"/people/?q={random.choice(SURNAMES)}", name="/people/?q= (search)")

    @task(3)
    def open_dossier(self):
        if self.people:
            self.client.get(f"/people/{random.choice(self.people)}/", name="/people/<id>/ (dossier)")

    @task(2)
    def browse_petitions(self):
        self.client.get("/petitions/", name="/petitions/ (list)")

    @task(1)
    def record_petition(self):
        form = self.client.get("/petitions/new", name="/petitions/new (form)")
        unit = SELECTED_UNIT.search(form.text)
        token = CSRF.search(form.text)
        if not (unit and token):
            return
        self._post_expecting_redirect("/petitions/new", "/petitions/new (record)", {
            "csrfmiddlewaretoken": token.group(1), "unit": unit.group(1), "channel": "visit", "type": "claim",
            "category": "other", "subject": "压力测试：政策咨询", "petitioners": "测试来访人"})
