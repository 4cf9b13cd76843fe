"""The mixed load of `make loadtest` (scripts/loadtest.py runs it headless against gunicorn).

Three kinds of simulated people, weighted roughly as the programme's users are: regional curators
(the register of their region, child cards, the region's page, the consilium agenda, route changes),
the federal team (national list, cards anywhere, name search, the API, contest ranking) and analysts
(situational centre). Each logs in through the real login form as a demo account and keeps its
session. Ids (children, meeting, contest, surnames) come from LOADTEST_TARGETS, a JSON file written by
scripts/loadtest.py from the load database.

Every request is named with one of PAGES: bench/load.json reports each name separately.
"""

from __future__ import annotations

import json
import os
import random
import re

import gevent
from locust import HttpUser, between, task

DEMO_PASSWORD = "vyzov-demo-2026"  # noqa: S105 — the demo accounts' password (vyzov/demo/accounts.py)

# name → what it is; the names Locust reports and the keys of bench/load.json "pages".
PAGES = {
    "login": "вход через форму (GET формы + POST), один раз на пользователя",
    "children list, national": "реестр детей, вся страна, страница 1",
    "children list, subject": "реестр детей, фильтр по субъекту",
    "child card": "карточка ребёнка",
    "search": "поиск по фамилии",
    "situational centre": "ситуационный центр, обзор страны",
    "region page": "ситуационный центр, страница региона",
    "regions ranking": "рейтинг регионов",
    "API children list": "API: список детей",
    "consilium agenda": "заседание консилиума с повесткой",
    "contest ranking": "рейтинг конкурса",
    "route form": "форма изменения маршрута ребёнка",
    "route change": "запись: изменение маршрута (POST)",
}

# The measurement starts when every simulated user has logged in (fifty logins at once — each a
# deliberately slow password hash — would otherwise fill a short run) and lasts LOADTEST_DURATION seconds;
# the login requests themselves are then dropped from the figures.
_logged_in = 0


def _all_logged_in(environment) -> None:
    environment.runner.stats.reset_all()
    if marker := os.environ.get("LOADTEST_MARKER"):
        with open(marker, "w") as handle:  # scripts/loadtest.py counts CPU time from here
            handle.write("measuring\n")
    duration = float(os.environ.get("LOADTEST_DURATION", "0"))
    if duration:
        gevent.spawn_later(duration, environment.runner.quit)


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_VERSION = re.compile(r'name="version" value="(\d+)"')


def targets() -> dict:
    path = os.environ.get("LOADTEST_TARGETS", "var/loadtest/targets.json")
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


class DemoUser(HttpUser):
    abstract = True
    username = ""
    wait_time = between(0.1, 0.4)

    def on_start(self) -> None:
        self.targets = targets()
        form = self.client.get("/accounts/login/", name="login")
        token = _CSRF.search(form.text)
        with self.client.post(
            "/accounts/login/",
            data={
                "username": self.username,
                "password": DEMO_PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"вход {self.username}: HTTP {response.status_code}")
        global _logged_in
        _logged_in += 1
        runner = getattr(getattr(self, "environment", None), "runner", None)
        if runner is not None and _logged_in == runner.target_user_count:
            _all_logged_in(self.environment)

    def page(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


class RegionalCurator(DemoUser):
    """A regional curator of Altai Krai: the region's register, cards, the region page, the agenda."""

    weight = 5
    username = "curator_altai"

    @task(6)
    def children_list(self) -> None:
        self.page(
            f"/register/children/?subject={self.targets['curator_subject_code']}", "children list, subject"
        )

    @task(8)
    def child_card(self) -> None:
        self.page(f"/register/children/{random.choice(self.targets['curator_children'])}/", "child card")

    @task(3)
    def region_page(self) -> None:
        self.page(f"/monitoring/regions/{self.targets['curator_subject_code']}/", "region page")

    @task(1)
    def agenda(self) -> None:
        if self.targets.get("meeting"):
            self.page(f"/consilium/meetings/{self.targets['meeting']}/", "consilium agenda")

    @task(1)
    def route_change(self) -> None:
        """A write: the route form, then the change (the version read from the form)."""
        child = random.choice(self.targets["curator_children"])
        url = f"/register/children/{child}/route/"
        form = self.client.get(url, name="route form")
        token, version = _CSRF.search(form.text), _VERSION.search(form.text)
        if not (token and version):
            return
        goal = random.choice(self.targets["route_goals"])
        with self.client.post(
            url,
            data={
                "csrfmiddlewaretoken": token.group(1),
                "goal": goal,
                "reason": "Нагрузочный тест: плановый пересмотр",
                "version": version.group(1),
            },
            headers={"Referer": f"{self.host}{url}"},
            name="route change",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"HTTP {response.status_code}")


class FederalTeam(DemoUser):
    """The Foundation's administrator: national register, any card, name search, API, contests."""

    weight = 3
    username = "fed_admin"

    @task(4)
    def national_list(self) -> None:
        self.page("/register/children/", "children list, national")

    @task(6)
    def child_card(self) -> None:
        self.page(f"/register/children/{random.choice(self.targets['children'])}/", "child card")

    @task(3)
    def search(self) -> None:
        self.page(f"/search/?q={random.choice(self.targets['surnames'])}", "search")

    @task(3)
    def api_children(self) -> None:
        self.page("/api/v1/children/", "API children list")

    @task(1)
    def contest_ranking(self) -> None:
        if self.targets.get("contest"):
            self.page(f"/contests/{self.targets['contest']}/ranking/", "contest ranking")


class Analyst(DemoUser):
    """The federal analyst: the situational centre."""

    weight = 2
    username = "fed_analyst"

    @task(4)
    def overview(self) -> None:
        self.page("/monitoring/", "situational centre")

    @task(4)
    def region_page(self) -> None:
        self.page(f"/monitoring/regions/{random.choice(self.targets['subject_codes'])}/", "region page")

    @task(2)
    def ranking(self) -> None:
        self.page("/monitoring/ranking/", "regions ranking")
