"""Register API: same scope and validation as the pages; personal fields only with permission."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from conftest import centre, town
from vyzov.cases.models import Child, Placement
from vyzov.core.models import AuditAction, AuditEntry

from .factories import make_child, make_family, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def as_user(api, user):
    api.force_authenticate(user)
    return api


def test_another_regions_child_is_404_by_api(api, curator_altai):
    perm_child = make_child(centre("59"))
    own = make_child(centre("22"))
    as_user(api, curator_altai)
    assert api.get(f"/api/v1/children/{perm_child.pk}/").status_code == 404
    assert api.get(f"/api/v1/children/{own.pk}/").status_code == 200
    ids = [row["id"] for row in api.get("/api/v1/children/").json()["results"]]
    assert own.pk in ids and perm_child.pk not in ids
    assert (
        api.patch(f"/api/v1/children/{perm_child.pk}/", {"first_name": "X", "version": 1}).status_code == 404
    )


def test_personal_fields_only_with_permission_and_reads_are_audited(api, curator_altai, fed_analyst):
    child = make_child(centre("22"), last_name="Апишин")
    as_user(api, fed_analyst)
    body = api.get(f"/api/v1/children/{child.pk}/").json()
    assert "last_name" not in body and "snils" not in body and body["age"] >= 0
    listing = api.get("/api/v1/children/").json()["results"]
    assert all("last_name" not in row for row in listing)
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW_PERSONAL).exists()
    as_user(api, curator_altai)
    body = api.get(f"/api/v1/children/{child.pk}/").json()
    assert body["last_name"] == "Апишин" and body["snils"] == child.snils
    assert AuditEntry.objects.filter(action=AuditAction.VIEW_PERSONAL, object_id=str(child.pk)).count() == 1


def test_municipal_specialist_api_scope(api, municipal_barnaul):
    own, other = make_child(centre("22")), make_child(town("22", "Бийск"))
    as_user(api, municipal_barnaul)
    ids = {row["id"] for row in api.get("/api/v1/children/").json()["results"]}
    assert ids == {own.pk}
    assert api.get(f"/api/v1/children/{other.pk}/").status_code == 404


def test_api_create_validates_like_the_pages(api, curator_altai):
    as_user(api, curator_altai)
    payload = {
        "last_name": "Апиев",
        "first_name": "Иван",
        "birth_date": "2015-01-01",
        "sex": "m",
        "legal_status": "has_parents",
        "municipality": centre("22").pk,
        "snils": "112-233-445 96",
    }
    response = api.post("/api/v1/children/", payload, format="json")
    assert response.status_code == 400 and "контрольная сумма" in str(response.json()["snils"])
    future = {**payload, "snils": "", "birth_date": (dt.date.today() + dt.timedelta(days=2)).isoformat()}
    assert "в будущем" in str(api.post("/api/v1/children/", future, format="json").json())
    foreign = {**payload, "snils": "", "municipality": centre("59").pk}
    assert "municipality" in api.post("/api/v1/children/", foreign, format="json").json()
    assert not Child.objects.filter(last_name="Апиев").exists()
    ok = api.post("/api/v1/children/", {**payload, "snils": "11223344595"}, format="json")
    assert ok.status_code == 201 and ok.json()["snils"] == "112-233-445 95"


def test_api_create_reports_duplicates_with_409(api, curator_altai):
    existing = make_child(centre("22"), last_name="Дублев", first_name="Иван", birth_date=dt.date(2015, 1, 1))
    as_user(api, curator_altai)
    payload = {
        "last_name": "дублев",
        "first_name": "ИВАН",
        "middle_name": existing.middle_name,
        "birth_date": "2015-01-01",
        "sex": "m",
        "legal_status": "has_parents",
        "municipality": centre("22").pk,
    }
    response = api.post("/api/v1/children/", payload, format="json")
    assert response.status_code == 409 and response.json()["duplicates"] == [existing.pk]
    confirmed = api.post("/api/v1/children/", {**payload, "confirm_not_duplicate": True}, format="json")
    assert confirmed.status_code == 201


def test_api_placements_and_route(api, curator_altai, home_barnaul, home_perm):
    child = make_child(centre("22"))
    as_user(api, curator_altai)
    foreign = api.post(
        "/api/v1/placements/",
        {
            "child": child.pk,
            "organization": home_perm.pk,
            "kind": "removal",
            "start_date": "2025-01-01",
            "basis": "Акт",
        },
        format="json",
    )
    assert foreign.status_code == 400
    created = api.post(
        "/api/v1/placements/",
        {
            "child": child.pk,
            "organization": home_barnaul.pk,
            "kind": "removal",
            "start_date": "2025-01-01",
            "basis": "Акт",
        },
        format="json",
    )
    assert created.status_code == 201
    second = api.post(
        "/api/v1/placements/",
        {
            "child": child.pk,
            "organization": home_barnaul.pk,
            "kind": "removal",
            "start_date": "2025-02-01",
            "basis": "Акт",
        },
        format="json",
    )
    assert second.status_code == 400 and "незакрытое" in str(second.json())
    close = api.post(
        f"/api/v1/placements/{created.json()['id']}/close/",
        {"end_date": "2025-03-01", "outcome": "returned_home"},
        format="json",
    )
    assert close.status_code == 200 and Placement.objects.get().outcome == "returned_home"
    case_id = child.case.pk
    no_reason = api.post(
        f"/api/v1/cases/{case_id}/route/", {"goal": "return_home", "reason": "", "version": 1}, format="json"
    )
    assert no_reason.status_code == 400
    ok = api.post(
        f"/api/v1/cases/{case_id}/route/",
        {"goal": "return_home", "reason": "Дома", "version": 1},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["goal"] == "return_home"


def test_api_families_scope_and_personal(api, curator_altai, curator_perm, fed_analyst):
    family = make_family(centre("22"), title="Семья Апиных")
    as_user(api, curator_perm)
    assert api.get(f"/api/v1/families/{family.pk}/").status_code == 404
    as_user(api, fed_analyst)
    assert "title" not in api.get(f"/api/v1/families/{family.pk}/").json()
    as_user(api, curator_altai)
    assert api.get(f"/api/v1/families/{family.pk}/").json()["title"] == "Семья Апиных"


def test_api_child_list_query_count_is_constant(
    api, curator_altai, home_barnaul, django_assert_max_num_queries
):
    as_user(api, curator_altai)
    for _ in range(30):
        place(make_child(centre("22")), home_barnaul) if _ == 0 else make_child(centre("22"))
    with django_assert_max_num_queries(6):
        assert len(api.get("/api/v1/children/").json()["results"]) == 30


def test_api_bad_query_parameters_give_400(api, curator_altai):
    as_user(api, curator_altai)
    assert api.get("/api/v1/children/", {"age_min": "много"}).status_code == 400
    assert api.get("/api/v1/children/", {"subject": "59"}).json()["results"] == []


def test_a_large_family_is_marked_and_read_back_by_api(api, curator_altai):
    as_user(api, curator_altai)
    municipality = centre("22")
    created = api.post(
        "/api/v1/families/",
        {"title": "Семья Осиповых", "municipality": municipality.pk, "is_large": True},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["is_large"] is True
    assert api.get(f"/api/v1/families/{created.json()['id']}/").json()["is_large"] is True
