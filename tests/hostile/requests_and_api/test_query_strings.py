"""NUL bytes and other control characters in paths, query strings, form bodies and JSON bodies are
refused with 400 and a Russian message before they reach a view or the database; dates outside the
calendar in addresses answer 404. Nothing is written by a refused request."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django.db import DataError, connection, transaction
from django.urls import reverse

from vyzov.contests.models import Contest, Criterion, ExpertAssignment, Score
from vyzov.core.middleware import ForbiddenCharactersMiddleware

from .helpers import CYRILLIC, row_counts, russian_message

pytestmark = pytest.mark.usefixtures("hostile_data")

THREE_ROLES = ("fed_admin", "curator_altai", "analyst")


def _contest_pk() -> int:
    return Contest.objects.filter(is_history=False).order_by("-year").values_list("pk", flat=True).first()


PAGES = [
    "/register/families/?q=%00",
    "/register/children/?subject=%00",
    "/register/children/?q=%00",
    "/contests/{contest}/applications/?q=%00",
    "/monitoring/reports/?status=%00",
    "/practices/?q=%00",
    "/organizations/?q=%01",
    "/register/families/%00/",
]
API = [
    "/api/v1/practices/?q=%00",
    "/api/v1/monitoring/figures/?subject=%00",
    "/api/v1/monitoring/figures/?indicator=%00",
    "/api/v1/subjects/%00/",
    "/api/v1/children/?q=%1F",
    "/api/v1/contests/applications/?contest=%00",
]


@pytest.mark.parametrize("role", THREE_ROLES)
@pytest.mark.parametrize("url", PAGES)
def test_a_page_refuses_control_characters_in_its_address(client, people, role, url):
    client.force_login(people[role])
    before = row_counts()
    response = client.get(url.format(contest=_contest_pk()))
    assert response.status_code == 400
    text = russian_message(response)
    assert "недопустимый управляющий символ" in text
    assert "Неверный запрос" in text  # the site's own error page, not a bare text
    assert row_counts() == before


@pytest.mark.parametrize("role", THREE_ROLES)
@pytest.mark.parametrize("url", API)
def test_the_api_refuses_control_characters_in_its_address(client, people, role, url):
    client.force_login(people[role])
    before = row_counts()
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "недопустимый управляющий символ" in response.json()["detail"]
    assert row_counts() == before


@pytest.mark.parametrize("url", API)
def test_the_refusal_comes_before_sign_in_too(client, db, url):
    response = client.get(url)
    assert response.status_code == 400 and CYRILLIC.search(response.json()["detail"])


def test_ordinary_text_with_line_breaks_still_passes(client, people):
    client.force_login(people["fed_admin"])
    assert client.get("/api/v1/practices/", {"q": "семья дети"}).status_code == 200
    assert client.get("/register/families/", {"q": "Вымышленных"}).status_code == 200


# ---- form bodies ---------------------------------------------------------------------------------


def _expert_assignment():
    assignment = (
        ExpertAssignment.objects.filter(
            expert__username="expert_samara",
            submitted_at__isnull=True,
            application__contest__is_history=False,
        )
        .select_related("application")
        .first()
    )
    if assignment is None:
        pytest.skip("the demo has no open assignment of expert_samara")
    return assignment


@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
@pytest.mark.parametrize("bad", ["\x00", "\x07", "a\x00b"])
def test_a_score_comment_with_a_control_character_is_refused(client, people, bad, encoding):
    assignment = _expert_assignment()
    client.force_login(people["expert_samara"])
    assert client.get(reverse("contests:score", args=[assignment.application_id])).status_code == 200
    url = reverse("contests:score_save", args=[assignment.application_id])
    application = assignment.application
    criteria = Criterion.objects.filter(
        criteria_set__contest=application.contest,
        criteria_set__settlement_type=application.category.settlement_type
        if application.category
        else "city",
    )
    assert criteria
    body = {}
    for criterion in criteria:
        body[f"points_{criterion.pk}"] = "1"
        body[f"comment_{criterion.pk}"] = f"Комментарий {bad}"
    before = row_counts()
    scores = Score.objects.filter(assignment=assignment).count()
    if encoding == "multipart":  # parsed by the view: checked the moment it is read
        response = client.post(url, body)
    else:  # what a browser sends: checked before the view
        response = client.post(url, urlencode(body), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "поле «comment_" in russian_message(response)
    assert Score.objects.filter(assignment=assignment).count() == scores
    assert row_counts() == before


def test_multiline_comments_pass_the_filter(client, people):
    assignment = _expert_assignment()
    client.force_login(people["expert_samara"])
    url = reverse("contests:score_save", args=[assignment.application_id])
    response = client.post(url, {"comment_0": "первая строка\r\nвторая\tстрока"})
    assert response.status_code != 400


# ---- JSON bodies ---------------------------------------------------------------------------------


def _aid_body(family_pk: int, form: str) -> str:
    return json.dumps(
        {
            "family": family_pk,
            "children_count": 1,
            "channel": "direct",
            "justification": "Нужна помощь",
            "lines": [{"form": form, "amount": "1000.00"}],
        },
        ensure_ascii=False,
    )


@pytest.mark.parametrize("role", ["ngo_irkutsk", "fed_admin", "curator_altai"])
@pytest.mark.parametrize("form", ["\u0000", "food\u0000", "\u001b[31m"])
def test_an_aid_request_with_a_control_character_is_refused(client, people, hostile_data, role, form):
    client.force_login(people[role])
    before = row_counts()
    response = client.post(
        "/api/v1/aid/requests/", _aid_body(hostile_data["family"], form), content_type="application/json"
    )
    assert response.status_code == 400
    assert "lines[0].form" in response.json()["detail"]
    assert "недопустимый управляющий символ" in response.json()["detail"]
    assert row_counts() == before


@pytest.mark.parametrize("role", ["analyst", "fed_analyst", "expert_samara", "participant_chelyabinsk"])
def test_roles_that_may_not_create_aid_requests_are_refused_before_the_body_is_read(
    client, people, hostile_data, role
):
    client.force_login(people[role])
    before = row_counts()
    for body in (_aid_body(hostile_data["family"], "\u0000"), "{not json", _aid_body(0, "food")):
        response = client.post("/api/v1/aid/requests/", body, content_type="application/json")
        assert response.status_code == 403, (role, response.status_code)
        assert CYRILLIC.search(response.json()["detail"])
    assert row_counts() == before


@pytest.mark.parametrize(
    ("url", "role"),
    [
        ("/api/v1/children/", "analyst"),
        ("/api/v1/families/", "fed_analyst"),
        ("/api/v1/placements/", "analyst"),
        ("/api/v1/monitoring/figures/", "fed_analyst"),
    ],
)
def test_other_creating_endpoints_check_the_role_first(client, people, url, role):
    client.force_login(people[role])
    response = client.post(url, '{"x": "\\u0000"}', content_type="application/json")
    assert response.status_code in (403, 404)


def test_a_lone_surrogate_in_json_is_refused(client, people, hostile_data):
    client.force_login(people["ngo_irkutsk"])
    before = row_counts()
    response = client.post(
        "/api/v1/aid/requests/",
        _aid_body(hostile_data["family"], "x").replace('"Нужна помощь"', '"\\ud800"'),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "justification" in response.json()["detail"]
    assert row_counts() == before


# ---- dates outside the calendar ------------------------------------------------------------------


@pytest.mark.parametrize("as_of", ["0001-01-01", "0001-04-01", "9999-10-01", "2024-02-30", "10000-01-01"])
@pytest.mark.parametrize("role", THREE_ROLES)
def test_a_report_address_with_an_impossible_date_is_not_found(client, people, as_of, role):
    client.force_login(people[role])
    before = row_counts()
    response = client.get(f"/monitoring/regions/22/reports/{as_of}/")
    assert response.status_code in (400, 404)
    assert row_counts() == before


@pytest.mark.parametrize("query", ["from=0000-01-01", "to=99999-01-01", "from=2024-13-01", "from=%00"])
def test_the_aid_report_refuses_impossible_dates(client, people, query):
    client.force_login(people["fed_admin"])
    response = client.get(f"/api/v1/aid/report/?{query}")
    assert 400 <= response.status_code < 500


# ---- the safety net: unstorable text that still reaches the database driver ----------------------


def _driver_error(value: str) -> Exception:
    from vyzov.cases.models import Family

    try:
        with transaction.atomic():
            Family.objects.filter(title=value).exists()
    except (ValueError, UnicodeEncodeError, DataError) as error:
        return error
    pytest.skip(f"{connection.vendor} stores this text")


@pytest.mark.postgres
def test_a_nul_reaching_postgresql_becomes_a_400_not_a_500(rf, people):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite stores NUL; only PostgreSQL refuses it")
    _check_safety_net(rf, people, _driver_error("a\x00b"))


def test_a_lone_surrogate_reaching_the_driver_becomes_a_400_not_a_500(rf, people):
    _check_safety_net(rf, people, _driver_error("a\ud800b"))


def _check_safety_net(rf, people, error):
    middleware = ForbiddenCharactersMiddleware(lambda request: None)
    for path, content_type in (
        ("/api/v1/families/", "application/json"),
        ("/register/families/", "text/html"),
    ):
        request = rf.post(path)
        request.user = people["fed_admin"]
        response = middleware.process_exception(request, error)
        assert response.status_code == 400
        assert response["Content-Type"].startswith(content_type)
        assert "нельзя сохранить" in russian_message(response)
    assert middleware.process_exception(rf.get("/"), ValueError("другая ошибка")) is None
