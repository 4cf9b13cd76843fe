"""Leak 2 (duplicates): a likely duplicate in another region is announced without its number or a count,
and recorded for the federal team, who resolve it on their own page."""

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import centre, login
from vyzov.cases.models import CrossRegionDuplicate, DuplicateStatus, ImportJob
from vyzov.cases.selectors import CROSS_REGION_DUPLICATE
from vyzov.cases.tests.factories import make_child
from vyzov.cases.tests.test_import import row, upload, xlsx
from vyzov.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def payload(other, **extra):
    return {
        "last_name": other.last_name,
        "first_name": other.first_name,
        "middle_name": other.middle_name,
        "birth_date": other.birth_date.isoformat(),
        "sex": "m",
        "legal_status": "has_parents",
        "municipality": centre("22").pk,
        **extra,
    }


@pytest.fixture
def perm_child(db):
    return make_child(centre("59"), last_name="Дублёв", first_name="Иван", birth_date=dt.date(2015, 2, 3))


def test_api_tells_a_curator_only_that_a_duplicate_exists_in_another_region(perm_child, curator_altai):
    api = APIClient()
    api.force_authenticate(curator_altai)
    response = api.post("/api/v1/children/", payload(perm_child), format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["duplicates"] == []
    assert body["notices"] == [CROSS_REGION_DUPLICATE]
    assert "duplicates_elsewhere" not in body
    assert str(perm_child.pk) not in response.content.decode().replace(str(centre("22").pk), "")
    recorded = CrossRegionDuplicate.objects.get()
    assert (recorded.other_child, recorded.subject.code, recorded.child) == (perm_child, "22", None)
    assert recorded.reason == "ФИО и дата рождения"
    assert recorded.detected_by == curator_altai
    # Asking again does not pile up the same open record.
    api.post("/api/v1/children/", payload(perm_child), format="json")
    assert CrossRegionDuplicate.objects.count() == 1


def test_a_duplicate_in_the_own_region_is_still_listed_by_number(curator_altai):
    own = make_child(centre("22"), last_name="Свойский", first_name="Иван", birth_date=dt.date(2015, 2, 3))
    api = APIClient()
    api.force_authenticate(curator_altai)
    response = api.post("/api/v1/children/", payload(own), format="json")
    assert response.status_code == 409
    assert response.json()["duplicates"] == [own.pk]
    assert response.json()["notices"] == []
    assert not CrossRegionDuplicate.objects.exists()


def test_confirmed_child_is_recorded_against_the_other_region(perm_child, curator_altai):
    api = APIClient()
    api.force_authenticate(curator_altai)
    response = api.post("/api/v1/children/", payload(perm_child, confirm_not_duplicate=True), format="json")
    assert response.status_code == 201
    recorded = CrossRegionDuplicate.objects.get()
    assert recorded.child_id == response.json()["id"] and recorded.other_child == perm_child


def test_child_form_page_shows_no_number_of_another_region(perm_child, curator_altai, client):
    login(client, curator_altai)
    data = payload(perm_child, subject=centre("22").subject_id)
    data["birth_date"] = perm_child.birth_date.strftime("%d.%m.%Y")
    response = client.post(reverse("cases:child_create"), data)
    text = response.content.decode()
    assert response.status_code == 200
    assert CROSS_REGION_DUPLICATE in text
    assert reverse("cases:child_detail", args=[perm_child.pk]) not in text
    assert f"№ {perm_child.pk}" not in text
    assert "Ещё совпадений" not in text
    assert CrossRegionDuplicate.objects.filter(other_child=perm_child).exists()


def test_import_reports_a_cross_region_duplicate_without_its_number(client, curator_altai, home_barnaul):
    values = row(0, home_barnaul)
    other = make_child(centre("59"), snils=values[5])
    login(client, curator_altai)
    upload(client, xlsx([values, row(1, home_barnaul)]))
    job = ImportJob.objects.get()
    messages = [message for _row, _column, message in job.errors]
    assert len(messages) == 1
    assert messages[0].startswith(CROSS_REGION_DUPLICATE)
    assert str(other.pk) not in messages[0]
    recorded = CrossRegionDuplicate.objects.get()
    assert (recorded.import_job, recorded.row_number, recorded.other_child) == (job, 2, other)
    assert recorded.reason == "СНИЛС"


def test_federal_admin_resolves_cross_region_duplicates(perm_child, curator_altai, fed_admin, client):
    duplicate = CrossRegionDuplicate.objects.create(
        subject=centre("22").subject, other_child=perm_child, reason="СНИЛС", detected_by=curator_altai
    )
    login(client, fed_admin)
    page = client.get(reverse("cases:cross_region_duplicate_list"))
    assert page.status_code == 200 and perm_child.full_name in page.content.decode()
    empty = client.post(reverse("cases:cross_region_duplicate_resolve", args=[duplicate.pk]), {})
    assert empty.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == DuplicateStatus.OPEN
    client.post(
        reverse("cases:cross_region_duplicate_resolve", args=[duplicate.pk]),
        {"resolution": "Разные дети: сверено с Пермским краем"},
    )
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.resolved_by) == (DuplicateStatus.RESOLVED, fed_admin)
    assert AuditEntry.objects.filter(
        action="status_change", object_type__icontains="crossregionduplicate"
    ).exists()
    assert (
        perm_child.full_name not in client.get(reverse("cases:cross_region_duplicate_list")).content.decode()
    )


@pytest.mark.parametrize("who", ["curator_altai", "curator_perm", "fed_analyst"])
def test_nobody_below_the_federal_admin_sees_the_cross_region_queue(who, perm_child, client, request):
    duplicate = CrossRegionDuplicate.objects.create(
        subject=centre("22").subject, other_child=perm_child, reason="СНИЛС"
    )
    login(client, request.getfixturevalue(who))
    assert client.get(reverse("cases:cross_region_duplicate_list")).status_code == 403
    response = client.post(
        reverse("cases:cross_region_duplicate_resolve", args=[duplicate.pk]), {"resolution": "x"}
    )
    assert response.status_code == 404
    duplicate.refresh_from_db()
    assert duplicate.status == DuplicateStatus.OPEN
