"""The home page as a work queue: what is waiting for this user, the most urgent first, one click
from its page, only within the user's scope, with a bounded number of queries for every role."""

import datetime as dt

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from conftest import centre, login, make_org, make_user, subject, town
from vyzov.accounts.models import Role, ScopeLevel
from vyzov.cases.models import Case
from vyzov.cases.tests.factories import make_child, place
from vyzov.consilium import services as consilium_services
from vyzov.consilium.models import ActionItem, Level
from vyzov.core.models import AuditEntry
from vyzov.dashboard import views
from vyzov.dashboard.selectors import QUEUE_LIMIT, work_queue

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def regional(fed_admin):
    return consilium_services.consilium_create(
        actor=fed_admin,
        data={"title": "Региональный консилиум", "level": Level.REGIONAL, "subject": subject("22")},
    )


def item(consilium, organization, *, executor=None, days=5, what="Поручение", code="22"):
    return ActionItem.objects.create(
        origin=consilium,
        subject=subject(code),
        what=what,
        organization=organization,
        executor=executor,
        deadline=TODAY + dt.timedelta(days=days),
    )


def queue(client, user):
    login(client, user)
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 200
    return {section.key: section for section in response.context["sections"]}, response.content.decode()


def test_home_is_served_by_the_dashboard_and_the_old_name_still_points_there():
    assert reverse("core:home") == reverse("dashboard:home") == "/"
    assert resolve("/").func is views.home


def test_municipal_specialist_sees_their_items_overdue_first_and_not_a_colleagues(
    regional, home_barnaul, municipal_barnaul, client
):
    later = item(regional, home_barnaul, executor=municipal_barnaul, days=10, what="Позже")
    overdue = item(regional, home_barnaul, executor=municipal_barnaul, days=-3, what="Просрочено давно")
    soon = item(regional, home_barnaul, executor=municipal_barnaul, days=1, what="Завтра")
    colleague = make_user(
        "colleague_biysk",
        Role.MUNICIPAL_SPECIALIST,
        level=ScopeLevel.MUNICIPALITY,
        municipality=town("22", "Бийск"),
    )
    item(regional, home_barnaul, executor=colleague, what="Чужое")
    done = item(regional, home_barnaul, executor=municipal_barnaul, what="Сделано")
    ActionItem.objects.filter(pk=done.pk).update(status="done")

    sections, html = queue(client, municipal_barnaul)
    items = sections["action_items"].items
    assert [i.title for i in items] == ["Просрочено давно", "Завтра", "Позже"]
    assert items[0].overdue and not items[1].overdue
    assert items[0].url == reverse("consilium:action_item", args=[overdue.pk])
    assert f'href="{reverse("consilium:action_item", args=[soon.pk])}"' in html
    assert "Чужое" not in html and "Сделано" not in html
    assert next(iter(sections)) == "action_items"  # the section with overdue work comes first
    assert later.pk


def test_institution_staff_see_items_given_to_their_organisation(
    regional, home_barnaul, staff_barnaul_home, client
):
    item(regional, home_barnaul, what="Для учреждения")
    item(regional, make_org("Другой дом", municipality=centre("22")), what="Для другого")
    sections, _ = queue(client, staff_barnaul_home)
    assert [i.title for i in sections["action_items"].items] == ["Для учреждения"]


def test_curator_sees_overdue_reviews_and_meetings_of_the_region_only(
    regional, fed_admin, curator_altai, home_barnaul, home_perm, client
):
    altai = make_child(centre("22"))
    place(altai, home_barnaul)
    perm = make_child(centre("59"))
    place(perm, home_perm)
    on_time = make_child(centre("22"))
    place(on_time, home_barnaul)
    Case.objects.filter(child__in=[altai, perm]).update(next_review_date=TODAY - dt.timedelta(days=3))
    Case.objects.filter(child=on_time).update(next_review_date=TODAY + dt.timedelta(days=30))
    meeting = consilium_services.meeting_create(
        actor=fed_admin, consilium=regional, date=TODAY + dt.timedelta(days=7), place="Барнаул"
    )
    sections, html = queue(client, curator_altai)
    reviews = sections["overdue_reviews"]
    assert [i.url for i in reviews.items] == [reverse("cases:child_detail", args=[altai.pk])]
    assert reviews.items[0].overdue and reviews.total == 1
    assert [i.url for i in sections["meetings"].items] == [
        reverse("consilium:meeting_detail", args=[meeting.pk])
    ]
    # The curator may see the region's children's personal data: the queue names them, and the read
    # is recorded (one row for the response, with the children shown).
    assert reviews.items[0].title == altai.full_name and altai.full_name in html
    row = AuditEntry.objects.filter(details__kind="home_queue_children").get()
    assert (
        row.actor == curator_altai and row.details["ids"] == [altai.pk] and row.subject_id == altai.subject_id
    )


def test_a_role_without_personal_data_sees_children_by_number_and_no_read_is_recorded(
    fed_analyst, home_barnaul, client
):
    child = make_child(centre("22"))
    place(child, home_barnaul)
    Case.objects.filter(child=child).update(next_review_date=TODAY - dt.timedelta(days=3))
    sections, html = queue(client, fed_analyst)
    assert [i.title for i in sections["overdue_reviews"].items] == [f"Ребёнок № {child.pk}"]
    assert child.last_name not in html and child.first_name not in html
    assert not AuditEntry.objects.filter(details__kind__startswith="home_queue").exists()


def test_queue_is_limited_with_a_link_to_all(regional, home_barnaul, municipal_barnaul, client):
    for number in range(QUEUE_LIMIT + 3):
        item(regional, home_barnaul, executor=municipal_barnaul, days=number)
    sections, html = queue(client, municipal_barnaul)
    section = sections["action_items"]
    assert len(section.items) == QUEUE_LIMIT and section.total == QUEUE_LIMIT + 3
    assert f"все {QUEUE_LIMIT + 3} →" in html


def test_expert_sees_assigned_applications_and_participant_their_drafts(fed_admin, client):
    from vyzov.contests import services as contest_services
    from vyzov.contests.tests.test_contests import (
        accepted_application,
        expert_from,
        make_contest,
        participant_of,
    )

    contest = make_contest(fed_admin)
    application = accepted_application(fed_admin, contest, centre("74"))
    expert = expert_from("63", "expert_samara_home")
    contest_services.expert_assign(actor=fed_admin, application=application, expert=expert)
    sections, html = queue(client, expert)
    assert [i.url for i in sections["to_score"].items] == [reverse("contests:score", args=[application.pk])]

    perm_participant = participant_of(centre("59"))
    draft = contest_services.application_create(
        actor=perm_participant, contest=contest, municipality=centre("59")
    )
    sections, html = queue(client, perm_participant)
    (waiting,) = sections["to_submit"].items
    assert waiting.url == reverse("contests:application_detail", args=[draft.pk])
    assert waiting.due == contest.submission_deadline and "подать до" in html
    other = participant_of(centre("22"))
    sections, _ = queue(client, other)
    assert "to_submit" not in sections


def test_operator_sees_requests_to_decide_and_specialist_reports_to_submit(
    specialist_perm, fed_analyst, client
):
    from vyzov.monitoring import reference
    from vyzov.monitoring import services as monitoring_services
    from vyzov.monitoring.tests.test_monitoring import Q4_2025

    reference.load_all()
    report = monitoring_services.report_for(
        actor=specialist_perm, subject=subject("59"), as_of=Q4_2025, create=True
    )
    sections, _ = queue(client, specialist_perm)
    assert [i.url for i in sections["reports_to_submit"].items] == [
        reverse("monitoring:report_edit", args=["59", Q4_2025.isoformat()])
    ]
    sections, _ = queue(client, fed_analyst)
    assert "reports_to_accept" not in sections
    type(report).objects.filter(pk=report.pk).update(status="submitted", submitted_at=timezone.now())
    sections, _ = queue(client, fed_analyst)
    assert len(sections["reports_to_accept"].items) == 1


def test_aid_requests_waiting_for_the_operators_decision(client):
    from vyzov.ngo_aid import reference
    from vyzov.ngo_aid import services as aid_services
    from vyzov.ngo_aid.models import AidForm
    from vyzov.ngo_aid.tests.test_ngo_aid import new_request, operator_for, sop_family

    reference.load_forms()
    forms = {form.code: form for form in AidForm.objects.all()}
    irkutsk = operator_for("38")
    operator = make_user(
        "operator_irkutsk", Role.NGO_OPERATOR, level=ScopeLevel.SUBJECT, subject=subject("38")
    )
    draft = new_request(operator, irkutsk, sop_family(), forms)
    submitted = new_request(operator, irkutsk, sop_family(), forms)
    aid_services.aid_request_submit(
        actor=operator, request=submitted, crisis_confirmed=True, result_confirmed=True
    )
    sections, html = queue(client, operator)
    assert [i.url for i in sections["aid_to_decide"].items] == [
        reverse("ngo_aid:request_detail", args=[submitted.pk])
    ]
    # The operator works with the family: the request is named with it, and the read recorded.
    assert sections["aid_to_decide"].items[0].title == f"Заявка № {submitted.pk}: {submitted.family.title}"
    assert submitted.family.title in html
    assert AuditEntry.objects.filter(details__kind="home_queue_families").get().details["ids"] == [
        submitted.family_id
    ]
    assert draft.pk
    khabarovsk_operator = make_user(
        "operator_khabarovsk", Role.NGO_OPERATOR, level=ScopeLevel.SUBJECT, subject=subject("27")
    )
    sections, _ = queue(client, khabarovsk_operator)
    assert "aid_to_decide" not in sections


def test_service_specialist_sees_cases_with_overdue_steps(client):
    from vyzov.support.models import PlanStep
    from vyzov.support.tests.test_support import open_case, service_in, specialist_of

    service = service_in(centre("22"), "Служба Барнаул")
    anna, anna_user = specialist_of(service, "anna")
    late = open_case(anna_user, service, anna)
    fine = open_case(anna_user, service, anna)
    for case, days in ((late, -2), (fine, 5)):
        PlanStep.objects.create(
            case=case, goal="Цель", action="Шаг", responsible=anna, due_date=TODAY + dt.timedelta(days=days)
        )
    sections, _ = queue(client, anna_user)
    assert [i.url for i in sections["support_cases"].items] == [
        reverse("support:case_detail", args=[late.pk])
    ]
    assert sections["support_cases"].items[0].title == f"{late.family.title}: просрочено шагов — 1"
    assert AuditEntry.objects.filter(details__kind="home_queue_families", actor=anna_user).exists()
    other = service_in(town("22", "Бийск"), "Служба Бийск")
    _, boris_user = specialist_of(other, "boris")
    sections, _ = queue(client, boris_user)
    assert "support_cases" not in sections


def test_empty_queue_says_so(expert_samara, client):
    sections, html = queue(client, expert_samara)
    assert sections == {} and "ничего не ждёт" in html


def test_work_queue_costs_one_query_per_section(
    regional, home_barnaul, municipal_barnaul, django_assert_num_queries
):
    item(regional, home_barnaul, executor=municipal_barnaul)
    from vyzov.accounts.access import grants_of

    grants_of(municipal_barnaul)  # the policy loads the grants once per request
    # action items, overdue signal checks, overdue reviews, meetings, support cases, returned aid
    # requests (a referrer)
    with django_assert_num_queries(6):
        sections = work_queue(actor=municipal_barnaul)
    assert [s.key for s in sections] == ["action_items"]


ROLE_BOUNDS = {
    "fed_admin": 24,
    "fed_analyst": 16,
    "curator_altai": 22,
    "specialist_perm": 18,
    "municipal_barnaul": 16,
    "staff_barnaul_home": 16,
    "ngo_irkutsk": 12,
    "expert_samara": 10,
    "participant_chelyabinsk": 10,
    "analyst": 12,
}


@pytest.mark.parametrize("role", ROLE_BOUNDS)
def test_home_query_count_is_bounded_for_every_role(
    role, request, regional, home_barnaul, client, django_assert_max_num_queries
):
    user = request.getfixturevalue(role)
    for number in range(30):  # more than the limit: the count stays the same
        item(regional, home_barnaul, executor=user, days=number - 5)
        child = make_child(centre("22"))
        place(child, home_barnaul)
    Case.objects.update(next_review_date=TODAY - dt.timedelta(days=1))
    login(client, user)
    client.get(reverse("dashboard:home"))
    with django_assert_max_num_queries(ROLE_BOUNDS[role]):
        response = client.get(reverse("dashboard:home"))
    assert response.status_code == 200
