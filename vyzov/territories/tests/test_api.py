"""The territories API: same scope as the pages, token auth, validation in Russian."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import centre, make_org, subject
from vyzov.core.models import AuditEntry
from vyzov.territories.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def as_user(api, user):
    api.force_authenticate(user)
    return api


def test_curator_altai_gets_404_for_perm_organization_by_api(api, curator_altai, home_barnaul, home_perm):
    as_user(api, curator_altai)
    assert api.get(f"/api/v1/organizations/{home_barnaul.pk}/").status_code == 200
    assert api.get(f"/api/v1/organizations/{home_perm.pk}/").status_code == 404
    ids = [row["id"] for row in api.get("/api/v1/organizations/").json()["results"]]
    assert home_barnaul.pk in ids and home_perm.pk not in ids


def test_subjects_and_municipalities_are_scoped(api, municipal_barnaul, curator_altai):
    as_user(api, curator_altai)
    assert [row["code"] for row in api.get("/api/v1/subjects/").json()["results"]] == ["22"]
    assert api.get("/api/v1/subjects/59/").status_code == 404
    as_user(api, municipal_barnaul)
    assert api.get("/api/v1/subjects/").json()["count"] == 0
    names = [row["name"] for row in api.get("/api/v1/municipalities/").json()["results"]]
    assert names == ["Барнаул"]


def test_federal_analyst_lists_all_subjects_with_filters(api, fed_analyst):
    as_user(api, fed_analyst)
    assert api.get("/api/v1/subjects/").json()["count"] == 89
    pilot = api.get("/api/v1/subjects/", {"is_pilot": "true", "page_size": 100}).json()
    assert pilot["count"] == 14
    assert api.get("/api/v1/subjects/", {"district": "СФО"}).json()["count"] == 10
    assert api.get("/api/v1/municipalities/", {"subject": "22", "q": "бийск"}).json()["count"] == 1


def test_expert_has_no_api_territory_rows(api, expert_samara, home_barnaul):
    as_user(api, expert_samara)
    assert api.get("/api/v1/organizations/").json()["count"] == 0
    assert api.get(f"/api/v1/organizations/{home_barnaul.pk}/").status_code == 404


def test_anonymous_is_refused(api, home_barnaul):
    assert api.get("/api/v1/organizations/").status_code in (401, 403)
    assert api.get("/api/schema/").status_code in (401, 403)


def test_token_authentication_works_and_is_scoped(api, curator_altai, home_barnaul, home_perm):
    token = Token.objects.create(user=curator_altai)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get(f"/api/v1/organizations/{home_barnaul.pk}/").status_code == 200
    assert api.get(f"/api/v1/organizations/{home_perm.pk}/").status_code == 404


def test_curator_creates_organization_by_api(api, curator_altai):
    as_user(api, curator_altai)
    response = api.post(
        "/api/v1/organizations/",
        {"name": "НКО «Тест»", "kind": "ngo", "subject": "22", "municipality": centre("22").pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    organization = Organization.objects.get(name="НКО «Тест»")
    assert AuditEntry.objects.filter(object_id=str(organization.pk), action="create").count() == 1


def test_api_refuses_another_regions_ids(api, curator_altai):
    as_user(api, curator_altai)
    response = api.post(
        "/api/v1/organizations/",
        {"name": "НКО «Чужая»", "kind": "ngo", "subject": "59", "municipality": centre("59").pk},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert "subject" in body and "municipality" in body
    assert not Organization.objects.filter(name="НКО «Чужая»").exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "", "kind": "ngo", "subject": "22"}, "name"),
        ({"name": "X" * 301, "kind": "ngo", "subject": "22"}, "name"),
        ({"name": "X", "kind": "rocket", "subject": "22"}, "kind"),
        ({"name": "X", "kind": "ngo", "subject": "22", "capacity": -1}, "capacity"),
        ({"name": "X", "kind": "ngo", "subject": "22", "capacity": "много"}, "capacity"),
        ({"name": "X", "kind": "ngo", "subject": "22", "inn": "12"}, "inn"),
        ({"name": "X", "kind": "ngo"}, "subject"),
    ],
)
def test_api_bad_input_is_400_with_message_and_writes_nothing(api, curator_altai, payload, field):
    as_user(api, curator_altai)
    count = Organization.objects.count()
    response = api.post("/api/v1/organizations/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Organization.objects.count() == count


def test_inn_error_is_in_russian(api, curator_altai):
    as_user(api, curator_altai)
    response = api.post(
        "/api/v1/organizations/", {"name": "X", "kind": "ngo", "subject": "22", "inn": "12"}, format="json"
    )
    assert "ИНН" in response.json()["inn"][0]


def test_api_update_needs_current_version(api, curator_altai, home_barnaul):
    as_user(api, curator_altai)
    url = f"/api/v1/organizations/{home_barnaul.pk}/"
    assert api.patch(url, {"name": "Без версии"}, format="json").status_code == 400
    assert api.patch(url, {"name": "Новое имя", "version": 1}, format="json").status_code == 200
    stale = api.patch(url, {"name": "Устаревшая правка", "version": 1}, format="json")
    assert stale.status_code == 400
    assert "изменил другой пользователь" in str(stale.json())
    home_barnaul.refresh_from_db()
    assert home_barnaul.name == "Новое имя"


def test_api_update_outside_scope_is_404(api, curator_altai, home_perm):
    as_user(api, curator_altai)
    assert api.patch(f"/api/v1/organizations/{home_perm.pk}/", {"name": "X", "version": 1}).status_code == 404


def test_staff_cannot_write_by_api(api, staff_barnaul_home, home_barnaul):
    as_user(api, staff_barnaul_home)
    response = api.patch(
        f"/api/v1/organizations/{home_barnaul.pk}/", {"name": "X", "version": 1}, format="json"
    )
    assert response.status_code == 403
    response = api.post(
        "/api/v1/organizations/", {"name": "X", "kind": "ngo", "subject": "22"}, format="json"
    )
    assert response.status_code == 400  # the subject is not among the places they may manage


def test_api_list_is_paginated_and_query_count_constant(api, fed_admin, django_assert_max_num_queries):
    as_user(api, fed_admin)
    for number in range(70):
        make_org(f"Организация {number}", municipality=centre("22"))
    with django_assert_max_num_queries(5):
        body = api.get("/api/v1/organizations/").json()
    assert len(body["results"]) == 50 and body["next"]


def test_schema_and_docs_are_served(api, fed_admin):
    as_user(api, fed_admin)
    assert api.get("/api/schema/").status_code == 200
    docs = api.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()


def test_subject_helper_sanity():
    assert subject("22").name == "Алтайский край"
