"""Service levels (002, п. 5): regional, territorial, institution; the regional service coordinates the
territorial ones of its subject — set by the curator, refused from a service itself and from another
region; mobile brigades, the supervision centre for families with addictions and the regional
supervision service are kinds of unit."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import centre, login, queries_for, town
from vyzov.accounts.access import ActionNotAllowed, NotInScope
from vyzov.core.models import AuditEntry
from vyzov.support import services
from vyzov.support.models import Service, ServiceKind, ServiceLevel

from .test_support import service_in, specialist_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def altai_regional(db):
    service = service_in(centre("22"), "Краевая служба «Дети в семье»")
    service.level = ServiceLevel.REGIONAL
    service.save()
    return service


@pytest.fixture
def biysk_service(db):
    return service_in(town("22", "Бийск"), "Служба Бийск")


@pytest.fixture
def perm_regional(db):
    service = service_in(centre("59"), "Краевая служба Пермь")
    service.level = ServiceLevel.REGIONAL
    service.save()
    return service


def structure(kind="family_service", level="territorial", coordinator=""):
    return {"structure-kind": kind, "structure-level": level, "structure-coordinator": coordinator}


def test_curator_altai_puts_biysk_under_the_regional_service(
    altai_regional, biysk_service, curator_altai, client
):
    login(client, curator_altai)
    url = reverse("support:service_structure_set", args=[biysk_service.pk])
    response = client.post(url, structure(coordinator=altai_regional.pk))
    assert response.status_code == 302
    biysk_service.refresh_from_db()
    assert (biysk_service.level, biysk_service.coordinator) == ("territorial", altai_regional)
    assert AuditEntry.objects.filter(object_id=str(biysk_service.pk), action="update").exists()
    page = client.get(reverse("support:service_detail", args=[altai_regional.pk])).content.decode()
    assert "Служба Бийск" in page and "Координирует службы" in page
    page = client.get(reverse("support:home")).content.decode()
    assert "координирует: Краевая служба" in page


def test_curator_altai_marks_an_institution_level_service(altai_regional, biysk_service, curator_altai):
    services.service_structure_set(
        actor=curator_altai,
        service=biysk_service,
        kind="family_service",
        level="institution",
        coordinator=altai_regional,
    )
    assert Service.objects.get(pk=biysk_service.pk).get_level_display() == "на уровне учреждения"


def test_a_coordinator_must_be_regional_and_of_the_same_subject(
    altai_regional, biysk_service, perm_regional, fed_admin
):
    barnaul_territorial = service_in(centre("22"), "Служба Барнаул")
    with pytest.raises(ValidationError, match="Координирует только региональная служба"):
        services.service_structure_set(
            actor=fed_admin,
            service=biysk_service,
            kind="family_service",
            level="territorial",
            coordinator=barnaul_territorial,
        )
    with pytest.raises(ValidationError, match="из того же субъекта"):
        services.service_structure_set(
            actor=fed_admin,
            service=biysk_service,
            kind="family_service",
            level="territorial",
            coordinator=perm_regional,
        )
    with pytest.raises(ValidationError, match="Региональную службу никто не координирует"):
        services.service_structure_set(
            actor=fed_admin,
            service=biysk_service,
            kind="family_service",
            level="regional",
            coordinator=altai_regional,
        )
    assert Service.objects.get(pk=biysk_service.pk).coordinator is None


def test_a_coordinating_service_cannot_stop_being_regional(altai_regional, biysk_service, curator_altai):
    services.service_structure_set(
        actor=curator_altai,
        service=biysk_service,
        kind="family_service",
        level="territorial",
        coordinator=altai_regional,
    )
    with pytest.raises(ValidationError, match="координирует другие службы"):
        services.service_structure_set(
            actor=curator_altai,
            service=altai_regional,
            kind="family_service",
            level="territorial",
            coordinator=None,
        )


def test_the_supervision_service_and_the_addiction_centre_are_regional(biysk_service, curator_altai):
    for kind in (ServiceKind.SUPERVISION_SERVICE, ServiceKind.ADDICTION_SUPERVISION):
        with pytest.raises(ValidationError, match="региональная"):
            services.service_structure_set(
                actor=curator_altai, service=biysk_service, kind=kind, level="territorial", coordinator=None
            )
    services.service_structure_set(
        actor=curator_altai,
        service=biysk_service,
        kind=ServiceKind.MOBILE_BRIGADE,
        level="territorial",
        coordinator=None,
    )
    assert Service.objects.get(pk=biysk_service.pk).kind == "mobile_brigade"


def test_a_coordinator_from_another_region_is_not_offered_and_refused_on_the_page(
    biysk_service, perm_regional, curator_altai, client
):
    login(client, curator_altai)
    page = client.get(reverse("support:service_detail", args=[biysk_service.pk])).content.decode()
    assert "Краевая служба Пермь" not in page
    response = client.post(
        reverse("support:service_structure_set", args=[biysk_service.pk]),
        structure(kind="mobile_brigade", coordinator=perm_regional.pk),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Выберите корректный вариант" in body
    assert 'value="mobile_brigade" selected' in body  # what was chosen stays chosen
    assert Service.objects.get(pk=biysk_service.pk).coordinator is None


def test_a_service_specialist_cannot_set_their_own_level(altai_regional, biysk_service, client):
    _, boris = specialist_of(biysk_service, "boris")
    with pytest.raises(ActionNotAllowed):
        services.service_structure_set(
            actor=boris, service=biysk_service, kind="family_service", level="regional", coordinator=None
        )
    login(client, boris)
    page = client.get(reverse("support:service_detail", args=[biysk_service.pk])).content.decode()
    assert "Вид, уровень и координация" not in page
    response = client.post(
        reverse("support:service_structure_set", args=[biysk_service.pk]), structure(level="regional")
    )
    assert response.status_code == 403
    assert Service.objects.get(pk=biysk_service.pk).level == "territorial"


def test_curator_perm_gets_404_for_an_altai_service(biysk_service, curator_perm, client):
    with pytest.raises(NotInScope):
        services.service_structure_set(
            actor=curator_perm,
            service=biysk_service,
            kind="family_service",
            level="regional",
            coordinator=None,
        )
    login(client, curator_perm)
    url = reverse("support:service_structure_set", args=[biysk_service.pk])
    assert client.post(url, structure(level="regional")).status_code == 404
    assert client.get(reverse("support:service_detail", args=[biysk_service.pk])).status_code == 404


def test_the_regional_service_page_has_a_bounded_number_of_queries(altai_regional, curator_altai, client):
    login(client, curator_altai)
    url = reverse("support:service_detail", args=[altai_regional.pk])
    few = queries_for(client, url)
    for n in range(6):
        other = service_in(centre("22"), f"Служба № {n}")
        services.service_structure_set(
            actor=curator_altai,
            service=other,
            kind="family_service",
            level="territorial",
            coordinator=altai_regional,
        )
        specialist_of(other, f"spec{n}")
        specialist_of(altai_regional, f"head{n}")
    assert queries_for(client, url) == few <= 30


def test_the_api_gives_kind_level_and_coordinator_in_scope(
    altai_regional, biysk_service, curator_altai, curator_perm
):
    services.service_structure_set(
        actor=curator_altai,
        service=biysk_service,
        kind="family_service",
        level="territorial",
        coordinator=altai_regional,
    )
    api = APIClient()
    api.force_authenticate(curator_altai)
    rows = {row["id"]: row for row in api.get("/api/v1/support/services/").json()["results"]}
    assert rows[biysk_service.pk]["level"] == "territorial"
    assert rows[biysk_service.pk]["coordinator"] == altai_regional.pk
    assert rows[altai_regional.pk]["kind"] == "family_service"
    api.force_authenticate(curator_perm)
    assert api.get("/api/v1/support/services/").json()["count"] == 0
