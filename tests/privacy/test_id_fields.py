"""Leaks 1 and 2: every id a user types (a family on the support intake form, a family in the aid API…)
is resolved through the access policy; an id outside the actor's scope answers exactly like a missing
one and writes nothing."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import centre, login, make_org, make_user, subject, town
from vyzov.accounts.models import Role, ScopeLevel
from vyzov.cases.models import Child, Family, Placement
from vyzov.cases.tests.factories import make_child, make_family
from vyzov.ngo_aid import reference
from vyzov.ngo_aid.models import AidRequest, Fund, Operator
from vyzov.support.models import FamilyCase, Service, Specialist

pytestmark = pytest.mark.django_db
MISSING = 987_654


def _normalised(response, number) -> str:
    """The page without the per-request CSRF token and with the posted family number blanked out."""
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "", text)
    return text.replace(f'name="family_number" value="{number}"', 'name="family_number" value="N"')


# ---- the support intake form (POST /support/services/<id>/cases/new/) ------------------------------


@pytest.fixture
def barnaul_service(db):
    organization = make_org("Служба Барнаул", kind="family_service", municipality=centre("22"))
    return Service.objects.create(organization=organization)


@pytest.fixture
def service_specialist(barnaul_service):
    user = make_user(
        "service_barnaul",
        Role.SERVICE_SPECIALIST,
        level=ScopeLevel.ORGANIZATION,
        organization=barnaul_service.organization,
    )
    Specialist.objects.create(service=barnaul_service, user=user, full_name="Анна")
    return user


def _intake(client, service, family_number):
    specialist = service.specialists.get()
    return client.post(
        reverse("support:case_open", args=[service.pk]),
        {
            "family_number": family_number,
            "specialist": specialist.pk,
            "referral": "guardianship",
            "reason": "Долги",
            "intake_date": "2025-01-10",
            "children_count": 1,
        },
    )


def test_specialist_opens_a_case_for_a_family_of_the_service_territory(
    barnaul_service, service_specialist, client
):
    family = make_family(centre("22"))
    login(client, service_specialist)
    response = _intake(client, barnaul_service, family.pk)
    assert response.status_code == 302
    assert FamilyCase.objects.filter(family=family, service=barnaul_service).exists()


def test_family_outside_the_service_territory_answers_like_a_missing_one(
    barnaul_service, service_specialist, client
):
    biysk_family = make_family(town("22", "Бийск"), title="Семья Савиных")  # another municipality
    perm_family = make_family(centre("59"), title="Семья Савиных")  # another region
    login(client, service_specialist)
    missing = _intake(client, barnaul_service, MISSING)
    assert missing.status_code == 200
    assert "не найдена" in missing.content.decode()
    for family in (biysk_family, perm_family):
        response = _intake(client, barnaul_service, family.pk)
        assert response.status_code == missing.status_code
        assert _normalised(response, family.pk) == _normalised(missing, MISSING)
        assert "Савиных" not in response.content.decode()
    assert not FamilyCase.objects.exists()


# ---- POST /api/v1/aid/requests/ -----------------------------------------------------------------


@pytest.fixture
def operator_altai(db):
    reference.load_forms()
    organization = make_org("НКО-оператор 22", kind="ngo", subject_=subject("22"))
    operator = Operator.objects.create(organization=organization, subject=subject("22"))
    Fund.objects.create(operator=operator)
    return operator


def _aid(api, family_pk):
    return api.post(
        "/api/v1/aid/requests/",
        {
            "family": family_pk,
            "children_count": 1,
            "channel": "curator",
            "justification": "Долги за коммунальные услуги",
            "lines": [{"form": "utilities", "amount": "1000.00"}],
        },
        format="json",
    )


def test_curator_refers_a_family_of_their_region_by_api(operator_altai, curator_altai):
    family = make_family(centre("22"))
    api = APIClient()
    api.force_authenticate(curator_altai)
    response = _aid(api, family.pk)
    assert response.status_code == 201, response.json()
    assert AidRequest.objects.filter(family=family).count() == 1


def test_aid_api_answers_a_family_of_another_region_like_a_missing_one(operator_altai, curator_altai):
    perm_family = make_family(centre("59"))
    Operator.objects.create(
        organization=make_org("НКО-оператор 59", kind="ngo", subject_=subject("59")), subject=subject("59")
    )
    no_operator_family = make_family(centre("38"))  # a region without an operator
    api = APIClient()
    api.force_authenticate(curator_altai)
    missing = _aid(api, MISSING)
    assert missing.status_code == 404
    for family in (perm_family, no_operator_family):
        response = _aid(api, family.pk)
        assert (response.status_code, response.json()) == (missing.status_code, missing.json())
    assert not AidRequest.objects.exists()


@pytest.mark.parametrize("who", ["analyst", "fed_analyst", "expert_samara"])
def test_aid_api_refuses_users_without_the_permission_before_looking_at_the_family(
    who, operator_altai, request
):
    user = request.getfixturevalue(who)
    family = make_family(centre("22"))
    api = APIClient()
    api.force_authenticate(user)
    answers = {(r.status_code, str(r.json())) for r in (_aid(api, family.pk), _aid(api, MISSING))}
    assert len(answers) == 1
    assert answers.pop()[0] == 403
    assert not AidRequest.objects.exists()


# ---- the id fields of the register forms and API ------------------------------------------------


def test_register_id_fields_answer_out_of_scope_like_missing(curator_altai, home_barnaul, home_perm):
    """Child → family, placement → child and organisation: an id of another region is an invalid choice,
    with the same message as a missing one."""
    perm_family = make_family(centre("59"))
    perm_child = make_child(centre("59"))
    own_child = make_child(centre("22"))
    api = APIClient()
    api.force_authenticate(curator_altai)
    before = (Child.objects.count(), Placement.objects.count())

    def child_post(family):
        return api.post(
            "/api/v1/children/",
            {
                "last_name": "Проверкин",
                "first_name": "Пётр",
                "birth_date": "2016-04-02",
                "sex": "m",
                "legal_status": "has_parents",
                "municipality": centre("22").pk,
                "family": family,
            },
            format="json",
        )

    def placement_post(child, organization):
        return api.post(
            "/api/v1/placements/",
            {
                "child": child,
                "organization": organization,
                "kind": "temporary_parents_request",
                "start_date": "2025-01-10",
                "basis": "Заявление",
            },
            format="json",
        )

    def message(response, field, number):
        return str(response.json()[field]).replace(str(number), "N")

    out, missing = child_post(perm_family.pk), child_post(MISSING)
    assert out.status_code == missing.status_code == 400
    assert message(out, "family", perm_family.pk) == message(missing, "family", MISSING)
    out, missing = placement_post(perm_child.pk, home_barnaul.pk), placement_post(MISSING, home_barnaul.pk)
    assert out.status_code == missing.status_code == 400
    assert message(out, "child", perm_child.pk) == message(missing, "child", MISSING)
    out, missing = placement_post(own_child.pk, home_perm.pk), placement_post(own_child.pk, MISSING)
    assert out.status_code == missing.status_code == 400
    assert message(out, "organization", home_perm.pk) == message(missing, "organization", MISSING)
    assert (Child.objects.count(), Placement.objects.count()) == before
    assert not Family.objects.filter(children__last_name="Проверкин").exists()


# ---- page forms that take a family or a child number ---------------------------------------------


def test_aid_request_page_answers_a_family_of_another_region_like_a_missing_one(
    operator_altai, curator_altai, client
):
    perm_family = make_family(centre("59"), title="Семья Савиных")
    own_family = make_family(centre("22"))
    login(client, curator_altai)

    def post(number):
        return client.post(
            reverse("ngo_aid:request_create"),
            {
                "family": number,
                "children_count": 1,
                "channel": "curator",
                "justification": "Долги",
                "line0-form": "",
            },
        )

    missing, theirs = post(MISSING), post(perm_family.pk)
    assert missing.status_code == theirs.status_code == 200
    normalise = lambda response, number: _normalised(response, number).replace(  # noqa: E731
        f'name="family" value="{number}"', 'name="family" value="N"'
    )
    assert normalise(theirs, perm_family.pk) == normalise(missing, MISSING)
    assert "Савиных" not in theirs.content.decode()
    assert not AidRequest.objects.exists()
    allowed = post(own_family.pk)  # the own region's family passes the family check
    assert "не найдена" not in allowed.content.decode()


def test_consilium_agenda_answers_a_child_of_another_region_like_a_missing_one(
    fed_admin, curator_altai, client
):
    from vyzov.consilium import services as consilium
    from vyzov.consilium.models import AgendaItem, Level

    regional = consilium.consilium_create(
        actor=fed_admin, data={"title": "Консилиум", "level": Level.REGIONAL, "subject": subject("22")}
    )
    meeting = consilium.meeting_create(
        actor=fed_admin, consilium=regional, date=dt.date.today() + dt.timedelta(days=5)
    )
    perm_child, own_child = make_child(centre("59")), make_child(centre("22"))
    login(client, curator_altai)
    url = reverse("consilium:agenda_add", args=[meeting.pk])
    before = AgendaItem.objects.count()
    answers = []
    for number in (MISSING, perm_child.pk):
        response = client.post(url, {"child": number, "reason": "Проверка"}, follow=True)
        answers.append([str(m) for m in response.context["messages"]])
    assert answers[0] == answers[1] and "не найден" in answers[0][0]
    assert AgendaItem.objects.count() == before
    client.post(url, {"child": own_child.pk, "reason": "Проверка"})
    assert AgendaItem.objects.filter(child=own_child).exists()
