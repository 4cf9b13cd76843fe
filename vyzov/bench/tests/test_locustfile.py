"""The load test's scenario (vyzov/bench/locustfile.py) without any load: it imports, every request it
makes carries one of the PAGES names, every name is used, and every URL is a page of the project.

Locust patches the standard library (gevent) when imported, so the scenario is walked in a subprocess
that prints what each task would request.
"""

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from django.urls import resolve

ROOT = Path(__file__).resolve().parents[3]

WALK = r"""
import contextlib, json, sys
from vyzov.bench import locustfile as lf

requests = []

class Response:
    def __init__(self, status_code):
        self.status_code = status_code
    text = '<input name="csrfmiddlewaretoken" value="t"><input name="version" value="3">'
    def failure(self, message):
        requests.append(("FAILURE", message))

class Client:
    def get(self, url, name=None, **kwargs):
        requests.append(("GET", url, name))
        return contextlib.nullcontext(Response(200)) if kwargs.get("catch_response") else Response(200)
    def post(self, url, data=None, name=None, **kwargs):
        requests.append(("POST", url, name, sorted(data or {})))
        return contextlib.nullcontext(Response(302))

targets = {
    "children": [11], "curator_children": [12], "curator_subject_code": "22", "surnames": ["Иванов"],
    "subject_codes": ["22"], "route_goals": ["return_home"], "meeting": 13, "contest": 14,
}
users = []
for cls in (lf.RegionalCurator, lf.FederalTeam, lf.Analyst):
    fake = type("Fake", (), {})()
    fake.client, fake.host, fake.targets, fake.username = Client(), "http://127.0.0.1:1", targets, cls.username
    fake.page = lambda url, name, fake=fake: lf.DemoUser.page(fake, url, name)
    lf.targets = lambda: targets
    lf.DemoUser.on_start(fake)
    for task in cls.tasks:
        task(fake)
    users.append({"class": cls.__name__, "username": cls.username, "weight": cls.weight})
print(json.dumps({"requests": requests, "pages": list(lf.PAGES), "users": users, "password": lf.DEMO_PASSWORD}))
"""


def walk() -> dict:
    done = subprocess.run(
        [sys.executable, "-c", WALK], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_every_request_is_a_named_page_of_the_project_and_every_name_is_used():
    found = walk()
    requests = found["requests"]
    assert not [r for r in requests if r[0] == "FAILURE"]
    names = {r[2] for r in requests}
    assert names == set(found["pages"]), names ^ set(found["pages"])
    for request in requests:
        path = urlsplit(request[1]).path
        match = resolve(path)  # raises Resolver404 for a URL the project does not have
        assert match.func is not None, path
    views = {resolve(urlsplit(r[1]).path).view_name for r in requests}
    assert {
        "accounts:login",
        "cases:child_list",
        "cases:child_detail",
        "dashboard:search",
        "monitoring:overview",
        "monitoring:region",
        "consilium:meeting_detail",
        "contests:ranking",
        "cases:route_change",
        "child-list",
    } <= views
    # the one write posts what the route form asks for
    write = next(r for r in requests if r[0] == "POST" and r[2] == "route change")
    assert write[3] == ["csrfmiddlewaretoken", "goal", "reason", "version"]


def test_the_scenario_logs_in_as_demo_accounts_with_their_password():
    from vyzov.demo import accounts

    found = walk()
    assert found["password"] == accounts.DEMO_PASSWORD
    source = Path(accounts.__file__).read_text(encoding="utf-8")
    for user in found["users"]:
        assert (
            f'DemoAccount(\n                "{user["username"]}"' in source
            or f'DemoAccount("{user["username"]}"' in source
        )
    logins = [r for r in found["requests"] if r[0] == "POST" and r[2] == "login"]
    assert len(logins) == len(found["users"])
    assert all(r[3] == ["csrfmiddlewaretoken", "password", "username"] for r in logins)
