"""Each role's home page lists the work waiting for it, one click from its page, in the browser as the
demo users: the curator's overdue review and meeting to prepare, the service specialist's case with an
overdue plan step, the NGO operator's request to decide, the regional specialist's quarterly report,
the contest participant's application to submit before the deadline. (The municipal specialist's
action item and the expert's application are walked through in test_home_and_notifications.py and
test_walkthroughs.py.) No console error, no serious axe violation."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import centre, subject
from vyzov.accounts.models import User
from vyzov.cases.models import Case
from vyzov.cases.tests.factories import make_child, make_family, place
from vyzov.territories.models import Organization

from .conftest import assert_accessible, console_errors, screenshot
from .test_roles import sign_in

pytestmark = pytest.mark.browser
TODAY = timezone.localdate()


def curator_work():
    """A child of the region whose route review is overdue, and a meeting of the regional consilium."""
    from vyzov.consilium import services as consilium_services
    from vyzov.consilium.models import Level

    admin = User.objects.get(username="fed_admin")
    home = Organization.objects.filter(
        subject__code="22", kind="orphan_institution", municipality__is_regional_centre=True
    ).first()
    child = make_child(
        centre("22"), last_name="Снегирёва", first_name="Алина", birth_date=dt.date(2013, 3, 3)
    )
    place(child, home, start=TODAY - dt.timedelta(days=200))
    Case.objects.filter(child=child).update(next_review_date=TODAY - dt.timedelta(days=4))
    consilium = consilium_services.consilium_create(
        actor=admin,
        data={
            "title": "Региональный консилиум Алтайского края",
            "level": Level.REGIONAL,
            "subject": subject("22"),
        },
    )
    meeting = consilium_services.meeting_create(
        actor=admin, consilium=consilium, date=TODAY + dt.timedelta(days=5), place="Барнаул"
    )
    return [
        ("overdue_reviews", "Снегирёва Алина", rf"/register/children/{child.pk}/$"),
        ("meetings", str(meeting), rf"/consilium/meetings/{meeting.pk}/$"),
    ]


def service_work():
    """A case of the specialist's service with a plan step overdue by two days."""
    from vyzov.support.models import PlanStep, Service, Specialist
    from vyzov.support.tests.test_support import open_case

    user = User.objects.get(username="service_altai")
    service = Service.objects.create(organization=user.grants.get().organization)
    specialist = Specialist.objects.create(service=service, user=user, full_name=user.full_name)
    family = make_family(centre("22"), title="Семья Щегловых")
    case = open_case(user, service, specialist, family=family)
    PlanStep.objects.create(
        case=case, goal="Ребёнок ходит в школу", action="Встреча в школе", responsible=specialist,
        due_date=TODAY - dt.timedelta(days=2),
    )  # fmt: skip
    return [("support_cases", "Семья Щегловых: просрочено шагов — 1", rf"/support/cases/{case.pk}/$")]


def operator_work():
    """A family's aid request submitted to the region's operator, waiting for a decision."""
    from vyzov.cases.models import SocialStatusKind
    from vyzov.ngo_aid import reference
    from vyzov.ngo_aid import services as aid_services
    from vyzov.ngo_aid.models import AidForm, Operator
    from vyzov.ngo_aid.tests.test_ngo_aid import new_request
    from vyzov.territories.reference import read_csv

    reference.load_forms()
    reference.ensure_operators(pilot_rows=read_csv("vyzov_pilot_regions.csv"))
    user = User.objects.get(username="ngo_irkutsk")
    family = make_family(centre("38"), title="Семья Клестовых")
    family.statuses.create(kind=SocialStatusKind.SOP, start_date=dt.date(2025, 1, 1), basis="Решение КДН")
    forms = {form.code: form for form in AidForm.objects.all()}
    request = new_request(user, Operator.objects.get(subject__code="38"), family, forms)
    aid_services.aid_request_submit(actor=user, request=request, crisis_confirmed=True, result_confirmed=True)
    return [("aid_to_decide", "Семья Клестовых", rf"/aid/{request.pk}/$")]


def specialist_work():
    """The region's quarterly report, started and not yet sent."""
    from vyzov.monitoring import reference
    from vyzov.monitoring import services as monitoring_services

    reference.load_all()
    user = User.objects.get(username="specialist_perm")
    as_of = dt.date(2025, 10, 1)
    monitoring_services.report_for(actor=user, subject=subject("59"), as_of=as_of, create=True)
    return [
        (
            "reports_to_submit",
            "Пермский край: отчёт на 01.10.2025",
            rf"/monitoring/regions/59/reports/{as_of.isoformat()}/$",
        )
    ]


def participant_work():
    """The municipality's application to an open contest, still a draft."""
    from vyzov.contests import services as contest_services
    from vyzov.contests.tests.test_contests import make_contest

    admin, user = User.objects.get(username="fed_admin"), User.objects.get(username="participant_chelyabinsk")
    contest = make_contest(admin)
    application = contest_services.application_create(
        actor=user, contest=contest, municipality=user.grants.get().municipality
    )
    return [("to_submit", f"заявка № {application.pk}", rf"/contests/applications/{application.pk}/$")]


WORK = {
    "curator_altai": curator_work,
    "service_altai": service_work,
    "ngo_irkutsk": operator_work,
    "specialist_perm": specialist_work,
    "participant_chelyabinsk": participant_work,
}


@pytest.mark.parametrize("username", list(WORK))
def test_each_roles_home_lists_its_waiting_work_one_click_away(page, live_server, demo, username):
    expected = WORK[username]()
    errors = console_errors(page)
    sign_in(page, live_server, username)
    expect(page.locator("[data-queue-empty]")).to_have_count(0)
    for key, text, _ in expected:
        expect(page.locator(f"[data-queue='{key}']").get_by_role("link", name=text)).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"home-queue-{username}")
    for key, text, url in expected:
        page.goto(f"{live_server.url}/")
        page.locator(f"[data-queue='{key}']").get_by_role("link", name=text).first.click()
        page.wait_for_url(re.compile(url))
        assert page.get_by_role("heading", level=1).inner_text()  # the page opened, not an error
    assert errors == []
