"""The probe: a curator of one region asks for every object of another region by its id — every detail
page and every API detail endpoint — and gets exactly what a missing id gets (0 leaks). The same
objects are reachable for the curator of their own region (the probe is not vacuous)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import centre, login, make_org, subject
from vyzov.cases.models import FamilyMember, ImportJob, RouteGoal
from vyzov.cases.tests.factories import make_child, make_family, place
from vyzov.consilium import services as consilium
from vyzov.consilium.models import ActionItem, Level
from vyzov.contests.tests.test_contests import accepted_application, make_contest
from vyzov.ngo_aid.models import AidRequest, Fund, Operator
from vyzov.programmes.models import RegionalProgramme
from vyzov.support.models import Club, FamilyCase, Service, Specialist

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
MISSING = 9_999_999


@pytest.fixture
def perm_objects(fed_admin, home_perm, curator_perm):
    """One object of every kind in the Perm region."""
    child = make_child(centre("59"), last_name="Пермякова")
    placement = place(child, home_perm, start=TODAY - dt.timedelta(days=300))
    family = make_family(centre("59"), title="Семья Савиных")
    member = FamilyMember.objects.create(
        family=family, relation="mother", last_name="Савина", first_name="Анна"
    )
    job = ImportJob.objects.create(
        subject=subject("59"), file="imports/x.xlsx", original_name="x.xlsx", created_by=curator_perm
    )
    regional = consilium.consilium_create(
        actor=fed_admin, data={"title": "Консилиум Пермь", "level": Level.REGIONAL, "subject": subject("59")}
    )
    meeting = consilium.meeting_create(actor=fed_admin, consilium=regional, date=TODAY - dt.timedelta(days=1))
    review = consilium.review_save(
        actor=fed_admin, meeting=meeting, child=child, data={}, expected_version=None
    )
    consilium.decision_make(
        actor=fed_admin,
        review=review,
        route_goal=RouteGoal.RETURN_HOME,
        reasons="Мать готова",
        next_review_date=TODAY + dt.timedelta(days=30),
        escalate=False,
        actions=[{"what": "Навестить", "organization": home_perm, "executor": None, "deadline": TODAY}],
    )
    service = Service.objects.create(
        organization=make_org("Служба Пермь", kind="family_service", municipality=centre("59"))
    )
    specialist = Specialist.objects.create(service=service, full_name="Анна")
    family_case = FamilyCase.objects.create(
        service=service,
        family=family,
        specialist=specialist,
        referral="guardianship",
        reason="Долги",
        intake_date=TODAY,
        children_count=1,
    )
    club = Club.objects.create(service=service, title="Клуб")
    operator = Operator.objects.create(
        organization=make_org("НКО Пермь", kind="ngo", subject_=subject("59")), subject=subject("59")
    )
    fund = Fund.objects.create(operator=operator)
    aid = AidRequest.objects.create(
        operator=operator,
        subject=subject("59"),
        family=family,
        children_count=1,
        channel="curator",
        justification="x",
    )
    programme = RegionalProgramme.objects.create(
        subject=subject("59"), title="Программа Пермь", start_year=2025, end_year=2026
    )
    contest = make_contest(fed_admin)
    application = accepted_application(fed_admin, contest, centre("59"))
    return {
        "child": child,
        "placement": placement,
        "family": family,
        "member": member,
        "job": job,
        "consilium": regional,
        "meeting": meeting,
        "review": review,
        "item": ActionItem.objects.get(),
        "service": service,
        "specialist": specialist,
        "family_case": family_case,
        "club": club,
        "fund": fund,
        "aid": aid,
        "programme": programme,
        "contest": contest,
        "application": application,
        "user": curator_perm,
    }


def page_urls(o) -> list[tuple[str, tuple, tuple]]:
    """(url name, args of the other region's object, args of a missing one)."""
    m = MISSING
    return [
        ("cases:child_detail", (o["child"].pk,), (m,)),
        ("cases:child_update", (o["child"].pk,), (m,)),
        ("cases:placement_create", (o["child"].pk,), (m,)),
        ("cases:route_change", (o["child"].pk,), (m,)),
        ("cases:placement_close", (o["placement"].pk,), (m,)),
        ("cases:family_detail", (o["family"].pk,), (m,)),
        ("cases:family_update", (o["family"].pk,), (m,)),
        ("cases:import_detail", (o["job"].pk,), (m,)),
        ("cases:import_report", (o["job"].pk,), (m,)),
        ("consilium:consilium_detail", (o["consilium"].pk,), (m,)),
        ("consilium:meeting_create", (o["consilium"].pk,), (m,)),
        ("consilium:meeting_detail", (o["meeting"].pk,), (m,)),
        ("consilium:meeting_protocol", (o["meeting"].pk,), (m,)),
        ("consilium:review", (o["meeting"].pk, o["child"].pk), (m, m)),
        ("consilium:action_item", (o["item"].pk,), (m,)),
        ("support:case_detail", (o["family_case"].pk,), (m,)),
        ("support:service_detail", (o["service"].pk,), (m,)),
        ("support:case_open", (o["service"].pk,), (m,)),
        ("support:caseload", (o["specialist"].pk,), (m,)),
        ("support:club_detail", (o["club"].pk,), (m,)),
        ("ngo_aid:request_detail", (o["aid"].pk,), (m,)),
        ("ngo_aid:fund_detail", (o["fund"].operator_id,), (m,)),
        ("programmes:programme_detail", (o["programme"].pk,), (m,)),
        ("contests:application_detail", (o["application"].pk,), (m,)),
        ("contests:score", (o["application"].pk,), (m,)),
        ("accounts:user_detail", (o["user"].pk,), (m,)),
        ("accounts:user_update", (o["user"].pk,), (m,)),
    ]


def api_urls(o) -> list[tuple[str, str]]:
    pairs = [
        ("children", o["child"].pk),
        ("children/{}/timeline", o["child"].pk),
        ("families", o["family"].pk),
        ("placements", o["placement"].pk),
        ("cases", o["child"].case.pk),
        ("consilia", o["consilium"].pk),
        ("consilium/meetings", o["meeting"].pk),
        ("consilium/reviews", o["review"].pk),
        ("action-items", o["item"].pk),
        ("aid/requests", o["aid"].pk),
        ("support/services", o["service"].pk),
        ("support/family-cases", o["family_case"].pk),
        ("support/clubs", o["club"].pk),
        ("programmes/programmes", o["programme"].pk),
        ("contests/applications", o["application"].pk),
    ]
    urls = []
    for path, pk in pairs:
        pattern = path if "{}" in path else path + "/{}"
        urls.append((f"/api/v1/{pattern.format(pk)}/", f"/api/v1/{pattern.format(MISSING)}/"))
    return urls


def _normalised(response) -> str:
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", text)


def test_curator_of_another_region_finds_nothing(perm_objects, curator_altai, client):
    login(client, curator_altai)
    leaks, statuses = [], []
    for name, args, missing_args in page_urls(perm_objects):
        theirs = client.get(reverse(name, args=args))
        missing = client.get(reverse(name, args=missing_args))
        # Identical to a missing id; and never a success (a POST-only view answers 405 to both, a page
        # the role may not open at all answers 403 to both).
        if (theirs.status_code, _normalised(theirs)) != (missing.status_code, _normalised(missing)) or (
            theirs.status_code < 400
        ):
            leaks.append((name, theirs.status_code, missing.status_code))
        statuses.append(theirs.status_code)
    api = APIClient()
    api.force_authenticate(curator_altai)
    for theirs_url, missing_url in api_urls(perm_objects):
        theirs, missing = api.get(theirs_url), api.get(missing_url)
        if theirs.status_code != 404 or theirs.content != missing.content:
            leaks.append((theirs_url, theirs.status_code, missing.status_code))
    assert leaks == [], leaks
    assert statuses.count(404) >= len(statuses) - 2  # all but the POST-only and contest-scoring pages
    # Nothing of Perm's data appears in the lists either.
    for url in (
        "/api/v1/children/",
        "/api/v1/families/",
        "/api/v1/aid/requests/",
        "/api/v1/support/family-cases/",
    ):
        assert api.get(url).json()["results"] == [], url


def test_the_probe_is_not_vacuous_the_own_curator_reaches_the_register_objects(
    perm_objects, curator_perm, client
):
    login(client, curator_perm)
    for name, args, _missing in page_urls(perm_objects)[:8]:
        if name in ("cases:placement_close",):
            continue
        assert client.get(reverse(name, args=args)).status_code == 200, name
    api = APIClient()
    api.force_authenticate(curator_perm)
    for theirs_url, _missing in api_urls(perm_objects)[:9]:
        assert api.get(theirs_url).status_code == 200, theirs_url
