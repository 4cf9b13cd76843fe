# ruff: noqa: F811 — the fixtures of test_support are imported by name
"""The service's staff (002, п. 5): specialisations (psychologist, lawyer, methodist, case manager, the
head, 004's specialist for the birth family, supervisor) and the qualifications 002 asks of club leaders
(psychologists with profile education who took the course) and of regional supervisors."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import login
from vyzov.accounts.access import NotInScope
from vyzov.support import services
from vyzov.support.models import SUPERVISION_CENTRE, Club, Specialist

from .test_support import barnaul_service, biysk_service, open_case, specialist_of  # noqa: F401

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
COURSE_DAY = TODAY - dt.timedelta(days=100)


def psychologist(service, actor, name="Светлова Ирина Павловна", **extra):
    data = {
        "full_name": name,
        "position": "педагог-психолог",
        "kind": "psychologist",
        "profile_education": True,
    }
    data.update(extra)
    return services.specialist_add(actor=actor, service=service, data=data)


def test_anna_adds_a_qualified_psychologist_on_the_service_page(barnaul_service, client):
    _anna, anna = specialist_of(barnaul_service, "anna")
    login(client, anna)
    response = client.post(
        reverse("support:specialist_add", args=[barnaul_service.pk]),
        {
            "specialist-full_name": "Светлова Ирина Павловна",
            "specialist-position": "педагог-психолог",
            "specialist-kind": "psychologist",
            "specialist-profile_education": "on",
            "specialist-club_course_on": COURSE_DAY.strftime("%d.%m.%Y"),
        },
    )
    assert response.status_code == 302
    irina = Specialist.objects.get(full_name="Светлова Ирина Павловна")
    assert irina.qualified_club_leader and irina.created_by == anna
    page = client.get(reverse("support:service_detail", args=[barnaul_service.pk])).content.decode()
    assert "психолог" in page and "курсы лидеров клубов" in page


def test_a_lawyer_is_no_club_leader_and_the_form_keeps_what_was_typed(barnaul_service, client):
    _anna, anna = specialist_of(barnaul_service, "anna")
    login(client, anna)
    response = client.post(
        reverse("support:specialist_add", args=[barnaul_service.pk]),
        {
            "specialist-full_name": "Юрьев Олег Петрович",
            "specialist-kind": "lawyer",
            "specialist-club_course_on": COURSE_DAY.strftime("%d.%m.%Y"),
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Лидеры клубов — психологи" in body and "Юрьев Олег Петрович" in body
    assert not Specialist.objects.filter(full_name="Юрьев Олег Петрович").exists()


def test_a_supervisor_trained_without_a_named_trainer_was_trained_by_the_centre(barnaul_service):
    _anna, anna = specialist_of(barnaul_service, "anna")
    supervisor = services.specialist_add(
        actor=anna,
        service=barnaul_service,
        data={
            "full_name": "Супрунова Анна Олеговна",
            "kind": "supervisor",
            "supervisor_trained_on": COURSE_DAY,
        },
    )
    assert supervisor.supervisor_trained_by == SUPERVISION_CENTRE
    with pytest.raises(ValidationError, match="в будущем"):
        services.specialist_update(
            actor=anna, specialist=supervisor, data={"supervisor_trained_on": TODAY + dt.timedelta(days=1)}
        )
    with pytest.raises(ValidationError, match="когда окончена подготовка"):
        services.specialist_add(
            actor=anna,
            service=barnaul_service,
            data={
                "full_name": "Иванова Ольга",
                "kind": "supervisor",
                "supervisor_trained_by": "Учебный центр",
            },
        )


def test_the_club_leader_must_be_a_qualified_psychologist_of_the_service(
    barnaul_service, biysk_service, client
):
    _anna, anna = specialist_of(barnaul_service, "anna")
    club = services.club_create(
        actor=anna, service=barnaul_service, title="Клуб «Устойчивая семья»", families=[]
    )
    untrained = psychologist(barnaul_service, anna, name="Петрова Мария")
    login(client, anna)
    url = reverse("support:club_leader_set", args=[club.pk])
    response = client.post(url, {"leader": untrained.pk})
    assert response.status_code == 400
    assert "прошедший курсы повышения квалификации" in response.content.decode()
    _boris, boris = specialist_of(biysk_service, "boris")
    elsewhere = psychologist(biysk_service, boris, name="Бийская Вера", club_course_on=COURSE_DAY)
    with pytest.raises(ValidationError, match="специалист этой службы"):
        services.club_leader_set(actor=anna, club=club, leader=elsewhere)
    assert client.post(url, {"leader": elsewhere.pk}).status_code == 400  # not offered: not in the choices
    trained = psychologist(barnaul_service, anna, club_course_on=COURSE_DAY)
    assert client.post(url, {"leader": trained.pk}).status_code == 302
    assert Club.objects.get(pk=club.pk).leader == trained
    page = client.get(reverse("support:club_detail", args=[club.pk])).content.decode()
    assert "Лидер клуба: Светлова Ирина Павловна — психолог с профильным образованием" in page
    # The leader cannot lose the qualification while leading the club.
    with pytest.raises(ValidationError, match="Лидер клуба"):
        services.specialist_update(actor=anna, specialist=trained, data={"profile_education": False})


def test_a_specialist_with_open_cases_is_not_let_go(barnaul_service, client):
    anna_record, anna = specialist_of(barnaul_service, "anna")
    open_case(anna, barnaul_service, anna_record)
    login(client, anna)
    response = client.post(
        reverse("support:specialist_edit", args=[anna_record.pk]),
        {"full_name": "anna", "kind": "case_manager"},  # is_active unticked
    )
    assert response.status_code == 400
    assert "есть открытые сопровождения" in response.content.decode()
    assert Specialist.objects.get(pk=anna_record.pk).is_active
    response = client.post(
        reverse("support:specialist_edit", args=[anna_record.pk]),
        {
            "full_name": "anna",
            "kind": "case_manager",
            "is_active": "on",
            "position": "специалист по ведению случая",
        },
    )
    assert response.status_code == 302
    assert Specialist.objects.get(pk=anna_record.pk).kind == "case_manager"


def test_another_service_and_another_region_get_404(barnaul_service, biysk_service, curator_perm, client):
    anna_record, _anna = specialist_of(barnaul_service, "anna")
    _boris, boris = specialist_of(biysk_service, "boris")
    with pytest.raises(NotInScope):
        services.specialist_update(actor=curator_perm, specialist=anna_record, data={"kind": "lawyer"})
    for user in (boris, curator_perm):
        login(client, user)
        assert client.get(reverse("support:specialist_edit", args=[anna_record.pk])).status_code == 404
        response = client.post(
            reverse("support:specialist_add", args=[barnaul_service.pk]),
            {"specialist-full_name": "Чужой Специалист", "specialist-kind": "lawyer"},
        )
        assert response.status_code == 404
    assert not Specialist.objects.filter(full_name="Чужой Специалист").exists()


def test_the_curator_edits_staff_of_the_region(barnaul_service, curator_altai, client):
    anna_record, _anna = specialist_of(barnaul_service, "anna")
    login(client, curator_altai)
    assert client.get(reverse("support:specialist_edit", args=[anna_record.pk])).status_code == 200
    services.specialist_update(actor=curator_altai, specialist=anna_record, data={"kind": "methodist"})
    assert Specialist.objects.get(pk=anna_record.pk).get_kind_display() == "методист"


def test_the_api_lists_staff_with_qualifications_in_scope(barnaul_service, curator_altai, curator_perm):
    _anna, anna = specialist_of(barnaul_service, "anna")
    psychologist(barnaul_service, anna, club_course_on=COURSE_DAY)
    api = APIClient()
    api.force_authenticate(curator_altai)
    rows = api.get(f"/api/v1/support/specialists/?service={barnaul_service.pk}").json()["results"]
    irina = next(row for row in rows if row["full_name"] == "Светлова Ирина Павловна")
    assert irina["kind"] == "psychologist" and irina["qualified_club_leader"] is True
    api.force_authenticate(curator_perm)
    assert api.get("/api/v1/support/specialists/").json()["count"] == 0
