"""Family support: access of specialists, transfers, outcomes counted once, bad input, clubs,
supervision, query counts, the seed table."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import centre, login, make_org, make_user, queries_for, subject, town
from vyzov.accounts.access import ActionNotAllowed, NotInScope
from vyzov.accounts.models import Role, ScopeLevel, User
from vyzov.cases.tests.factories import make_family
from vyzov.core.models import AuditAction, AuditEntry
from vyzov.demo import support as demo
from vyzov.support import selectors, services
from vyzov.support.models import CaseStatus, Club, FamilyCase, Service, Specialist, SupervisionFormat

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def service_in(municipality, name):
    return Service.objects.create(
        organization=make_org(name, kind="family_service", municipality=municipality)
    )


@pytest.fixture
def barnaul_service(db):
    return service_in(centre("22"), "Служба Барнаул")


@pytest.fixture
def biysk_service(db):
    return service_in(town("22", "Бийск"), "Служба Бийск")


def specialist_of(service, username):
    user = make_user(
        username, Role.SERVICE_SPECIALIST, level=ScopeLevel.ORGANIZATION, organization=service.organization
    )
    return Specialist.objects.create(service=service, user=user, full_name=username), user


def open_case(actor, service, specialist, family=None, **data):
    defaults = {
        "referral": "guardianship",
        "reason": "Долги, угроза изъятия",
        "intake_date": TODAY - dt.timedelta(days=30),
        "children_count": 2,
    }
    defaults.update(data)
    return services.case_open(
        actor=actor,
        service=service,
        family=family or make_family(service.organization.municipality),
        specialist=specialist,
        data=defaults,
    )


def test_specialist_sees_only_their_services_cases(barnaul_service, biysk_service, client):
    anna, anna_user = specialist_of(barnaul_service, "anna")
    boris, boris_user = specialist_of(biysk_service, "boris")
    ours = open_case(anna_user, barnaul_service, anna)
    theirs = open_case(boris_user, biysk_service, boris)
    login(client, anna_user)
    assert client.get(reverse("support:case_detail", args=[ours.pk])).status_code == 200
    assert client.get(reverse("support:case_detail", args=[theirs.pk])).status_code == 404
    with pytest.raises(NotInScope):
        services.contact_add(
            actor=anna_user,
            case=theirs,
            data={"date": TODAY, "kind": "call", "note": "x", "specialist": boris},
        )


def test_curator_sees_every_service_of_the_region(
    barnaul_service, biysk_service, curator_altai, curator_perm
):
    anna, anna_user = specialist_of(barnaul_service, "anna")
    case = open_case(anna_user, barnaul_service, anna)
    assert selectors.case_get(actor=curator_altai, pk=case.pk) == case
    with pytest.raises(NotInScope):
        selectors.case_get(actor=curator_perm, pk=case.pk)


def test_transfer_moves_access_and_the_previous_specialist_keeps_no_personal_data(
    barnaul_service, biysk_service, client
):
    anna, anna_user = specialist_of(barnaul_service, "anna")
    boris, boris_user = specialist_of(biysk_service, "boris")
    family = make_family(centre("22"), title="Семья Передаваемых")
    case = open_case(anna_user, barnaul_service, anna, family=family)
    with pytest.raises(ValidationError, match="причину"):
        services.case_transfer(actor=anna_user, case=case, to_specialist=boris, reason="")
    services.case_transfer(actor=anna_user, case=case, to_specialist=boris, reason="Семья переехала в Бийск")
    login(client, anna_user)
    assert client.get(reverse("support:case_detail", args=[case.pk])).status_code == 404
    assert "Передаваемых" not in client.get(reverse("support:home")).content.decode()
    login(client, boris_user)
    page = client.get(reverse("support:case_detail", args=[case.pk]))
    assert page.status_code == 200 and "Семья Передаваемых" in page.content.decode()


def test_transfer_to_another_region_is_refused(barnaul_service):
    anna, anna_user = specialist_of(barnaul_service, "anna")
    perm_service = service_in(centre("59"), "Служба Пермь")
    stranger = Specialist.objects.create(service=perm_service, full_name="Чужой")
    case = open_case(anna_user, barnaul_service, anna)
    with pytest.raises(ValidationError, match="своего региона"):
        services.case_transfer(actor=anna_user, case=case, to_specialist=stranger, reason="x")


def test_outcomes_count_every_closed_case_exactly_once(barnaul_service, curator_altai):
    anna, anna_user = specialist_of(barnaul_service, "anna")
    first = open_case(anna_user, barnaul_service, anna)
    second = open_case(anna_user, barnaul_service, anna)
    services.case_close(actor=anna_user, case=first, outcome="separation_prevented", closed_on=TODAY)
    services.case_reopen(actor=anna_user, case=first, reason="Снова долги")
    services.case_close(actor=anna_user, case=first, outcome="returned_home", closed_on=TODAY)
    services.case_close(actor=anna_user, case=second, outcome="separation_prevented", closed_on=TODAY)
    report = selectors.report(actor=curator_altai, date_from=TODAY - dt.timedelta(days=365), date_to=TODAY)
    assert (report.returned_home, report.separations_prevented) == (1, 1)
    assert sum(report.outcomes.values()) == 2
    assert report.average_days_to_close == 30
    statuses = list(
        AuditEntry.objects.filter(object_id=str(first.pk), action=AuditAction.STATUS_CHANGE).values_list(
            "details__status", flat=True
        )
    )
    assert statuses == ["closed", "reopened", "closed"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ("review_before_intake", "раньше даты приёма"),
        ("step_without_responsible", "ответственный"),
        ("step_by_foreign_specialist", "работать в этой службе"),
        ("close_before_intake", "раньше даты приёма"),
        ("intake_in_future", "в будущем"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(barnaul_service, biysk_service, call, message):
    anna, anna_user = specialist_of(barnaul_service, "anna")
    boris, _ = specialist_of(biysk_service, "boris")
    if call == "intake_in_future":
        with pytest.raises(ValidationError, match=message):
            open_case(anna_user, barnaul_service, anna, intake_date=TODAY + dt.timedelta(days=1))
        assert not FamilyCase.objects.exists()
        return
    case = open_case(anna_user, barnaul_service, anna)
    before_steps = case.steps.count()
    with pytest.raises(ValidationError, match=message):
        if call == "review_before_intake":
            services.review_set(
                actor=anna_user, case=case, next_review_date=case.intake_date - dt.timedelta(days=1)
            )
        elif call == "step_without_responsible":
            services.step_add(
                actor=anna_user,
                case=case,
                data={"goal": "Жильё", "action": "Найти жильё", "responsible": None, "due_date": TODAY},
            )
        elif call == "step_by_foreign_specialist":
            services.step_add(
                actor=anna_user,
                case=case,
                data={"goal": "Жильё", "action": "Найти жильё", "responsible": boris, "due_date": TODAY},
            )
        else:
            services.case_close(
                actor=anna_user, case=case, outcome="other", closed_on=case.intake_date - dt.timedelta(days=1)
            )
    case.refresh_from_db()
    assert (
        case.steps.count() == before_steps
        and case.status == CaseStatus.OPEN
        and case.next_review_date is None
    )


def test_club_attendance_cannot_exceed_its_families(barnaul_service):
    _anna, anna_user = specialist_of(barnaul_service, "anna")
    club = services.club_create(
        actor=anna_user,
        service=barnaul_service,
        title="Клуб",
        families=[make_family(centre("22")) for _ in range(3)],
    )
    with pytest.raises(ValidationError, match="больше семей, чем в клубе"):
        services.club_session_add(
            actor=anna_user,
            club=club,
            data={"date": TODAY, "topic": "Тема", "facilitator": "Психолог", "families_attended": 4},
        )
    services.club_session_add(
        actor=anna_user,
        club=club,
        data={
            "date": TODAY,
            "topic": "Тема",
            "facilitator": "Психолог",
            "families_attended": 3,
            "children_attended": 5,
        },
    )
    assert club.sessions.count() == 1


def test_supervision_counts_hours_per_specialist(barnaul_service, biysk_service, curator_altai):
    demo.load_formats()
    anna, anna_user = specialist_of(barnaul_service, "anna")
    boris, _ = specialist_of(biysk_service, "boris")
    case = open_case(anna_user, barnaul_service, anna)
    group = SupervisionFormat.objects.first()
    with pytest.raises(ValidationError, match="специалисты этой службы"):
        services.supervision_add(
            actor=anna_user,
            service=barnaul_service,
            participants=[boris],
            cases=[],
            data={"format": group, "date": TODAY, "supervisor": "С", "hours": 2},
        )
    for hours in (2, 1.5):
        services.supervision_add(
            actor=anna_user,
            service=barnaul_service,
            participants=[anna],
            cases=[case],
            data={"format": group, "date": TODAY, "supervisor": "С", "hours": hours},
        )
    assert selectors.supervision_hours(actor=curator_altai, service=barnaul_service) == [(anna, 3.5)]
    assert SupervisionFormat.objects.count() == 8


def test_roles_without_support_cannot_manage(barnaul_service, municipal_barnaul, analyst):
    anna, anna_user = specialist_of(barnaul_service, "anna")
    case = open_case(anna_user, barnaul_service, anna)
    with pytest.raises((NotInScope, ActionNotAllowed)):
        services.case_close(actor=municipal_barnaul, case=case, outcome="other", closed_on=TODAY)
    with pytest.raises(NotInScope):
        selectors.case_get(actor=analyst, pk=case.pk)


def test_caseload_and_case_page_query_counts_are_constant(barnaul_service, client):
    anna, anna_user = specialist_of(barnaul_service, "anna")
    login(client, anna_user)
    case = open_case(anna_user, barnaul_service, anna)
    url = reverse("support:caseload", args=[anna.pk])
    few = queries_for(client, url)
    for _ in range(20):
        open_case(anna_user, barnaul_service, anna)
    assert queries_for(client, url) == few <= 12
    case_url = reverse("support:case_detail", args=[case.pk])
    small = queries_for(client, case_url)
    for n in range(5):
        services.step_add(
            actor=anna_user,
            case=case,
            data={"goal": "Цель", "action": f"Шаг {n}", "responsible": anna, "due_date": TODAY},
        )
        services.contact_add(
            actor=anna_user,
            case=case,
            data={"date": TODAY, "kind": "visit", "note": "Визит", "specialist": anna},
        )
    assert queries_for(client, case_url) == small <= 24


def test_demo_reproduces_the_brochure_table(db):
    from django.core.management import call_command
    from django.test import override_settings

    from vyzov.demo import territories as territories_demo

    with override_settings(DEBUG=True):
        territories_demo.load()
        call_command("load_demo", register_scale=0.01)
    # The demo's own administrator: load_demo refuses a database that already holds other users.
    fed_admin = User.objects.get(username="fed_admin")
    report = selectors.report(actor=fed_admin, date_from=TODAY - dt.timedelta(days=600), date_to=TODAY)
    rows = {row.subject_name: row for row in report.regions}
    assert (
        rows["Алтайский край"].services,
        rows["Алтайский край"].specialists,
        rows["Алтайский край"].families,
    ) == (30, 62, 430)
    assert sum(row.services for row in rows.values()) == 407
    assert sum(row.specialists for row in rows.values()) == 2916
    assert sum(row.families for row in rows.values()) == 24708
    assert subject("22")
    # 002, п. 5: one regional service per region coordinates the others; Красноярский край (004) has its
    # mobile brigade, supervision centre for families with addictions and regional supervision service.
    for service in Service.objects.filter(level="regional", kind="family_service"):
        assert not service.coordinator_id
    assert Service.objects.filter(level="regional", kind="family_service").count() == 14
    assert not Service.objects.filter(level__in=["territorial", "institution"], coordinator=None).exists()
    krasnoyarsk = Service.objects.filter(organization__subject__code="24")
    assert set(krasnoyarsk.values_list("kind", flat=True)) == {
        "family_service",
        "mobile_brigade",
        "addiction_supervision",
        "supervision_service",
    }
    assert Specialist.objects.filter(
        service__in=krasnoyarsk, kind="supervisor", supervisor_trained_on__isnull=False
    ).exists()
    assert all(club.leader.qualified_club_leader for club in Club.objects.select_related("leader"))
    children = selectors.child_outcome_report(
        actor=fed_admin, date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31)
    )
    assert len(children.regions) == 14 and children.totals["returned_home"] > 0


def test_api_is_scoped_and_has_no_personal_data(barnaul_service, biysk_service, curator_perm):
    from rest_framework.test import APIClient

    anna, anna_user = specialist_of(barnaul_service, "anna")
    open_case(anna_user, barnaul_service, anna)
    api = APIClient()
    api.force_authenticate(anna_user)
    body = api.get("/api/v1/support/family-cases/").json()
    assert body["count"] == 1 and "title" not in body["results"][0]
    api.force_authenticate(curator_perm)
    assert api.get("/api/v1/support/family-cases/").json()["count"] == 0
