"""Pickers: a record is linked by typing part of its name, and the suggestions come only from the
actor's scope — names only for roles that may see personal data (and then the read is audited); the
form still resolves the submitted id through the policy. Choices of people fit the role."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import centre, login, make_org, make_user, queries_for, subject, town
from vyzov.accounts.access import Perm
from vyzov.accounts.models import Role, ScopeLevel
from vyzov.accounts.selectors import users_who_can
from vyzov.cases.forms import RouteForm
from vyzov.cases.models import Child
from vyzov.cases.tests.factories import letters, make_child, make_family
from vyzov.consilium import services as consilium_services
from vyzov.consilium.forms import ActionForm
from vyzov.consilium.models import ActionItem, AgendaItem, Level
from vyzov.core.models import AuditEntry
from vyzov.ngo_aid.models import Operator
from vyzov.support.forms import CaseOpenForm
from vyzov.support.models import FamilyCase, Service, Specialist

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def pick(client, kind, context, q, **params):
    return client.get(reverse("core:pick", args=[kind]), {"for": context, "q": q, **params})


def choices(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def families(db):
    return {
        "barnaul": make_family(centre("22"), title="Семья Ивановых"),
        "biysk": make_family(town("22", "Бийск"), title="Семья Ивановых-Бийских"),
        "perm": make_family(centre("59"), title="Семья Ивановых-Пермских"),
    }


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
    Specialist.objects.create(service=barnaul_service, user=user, full_name="Анна Сервисова")
    return user


# ---- lookups answer from the scope -------------------------------------------------------------


def test_curator_finds_a_family_of_the_region_by_part_of_its_name(client, curator_altai, families):
    login(client, curator_altai)
    text = choices(pick(client, "families", "child_form", "иванов"))
    assert "Семья Ивановых" in text
    assert f'data-picker-choice="{families["barnaul"].pk}"' in text
    assert "Барнаул" in text  # the distinguishing detail
    assert "Бийск" in text
    # Another region's family is never offered, neither by name nor by its number.
    assert "Пермских" not in text
    assert f'data-picker-choice="{families["perm"].pk}"' not in text
    number = choices(pick(client, "families", "child_form", str(families["perm"].pk)))
    assert "data-picker-choice" not in number
    assert "Ничего не найдено" in number


def test_curator_of_perm_gets_only_the_perm_family(client, curator_perm, families):
    login(client, curator_perm)
    text = choices(pick(client, "families", "child_form", "иванов"))
    assert f'data-picker-choice="{families["perm"].pk}"' in text
    assert f'data-picker-choice="{families["barnaul"].pk}"' not in text


def test_support_intake_offers_only_families_of_the_service_territory(
    client, service_specialist, barnaul_service, families
):
    login(client, service_specialist)
    text = choices(pick(client, "families", "support_case_open", "иван", service=barnaul_service.pk))
    assert f'data-picker-choice="{families["barnaul"].pk}"' in text
    assert f'data-picker-choice="{families["biysk"].pk}"' not in text  # outside the service's town
    assert f'data-picker-choice="{families["perm"].pk}"' not in text


def test_support_intake_lookup_for_a_service_the_user_does_not_manage_is_empty(
    client, curator_perm, barnaul_service, families
):
    login(client, curator_perm)
    text = choices(pick(client, "families", "support_case_open", "иван", service=barnaul_service.pk))
    assert "data-picker-choice" not in text


def test_aid_request_lookup_offers_the_operator_region_only(client, ngo_irkutsk, families):
    irkutsk_family = make_family(centre("38"), title="Семья Ивановых-Иркутских")
    Operator.objects.create(
        organization=make_org("НКО Иркутск", kind="ngo", municipality=centre("38")), subject=subject("38")
    )
    login(client, ngo_irkutsk)
    text = choices(pick(client, "families", "aid_request", "иванов"))
    assert f'data-picker-choice="{irkutsk_family.pk}"' in text
    assert f'data-picker-choice="{families["barnaul"].pk}"' not in text


def test_role_without_personal_data_finds_by_number_only_and_sees_no_name(client, fed_analyst, families):
    child = make_child(centre("22"), last_name="Скрытов")
    login(client, fed_analyst)
    assert "data-picker-choice" not in choices(pick(client, "children", "register", "скрытов"))
    text = choices(pick(client, "children", "register", str(child.pk)))
    assert f'data-picker-choice="{child.pk}"' in text
    assert f"Ребёнок № {child.pk}" in text
    assert "Скрытов" not in text and "2015" not in text
    assert not AuditEntry.objects.filter(details__kind="picker").exists()


def test_named_suggestions_are_audited_once(client, curator_altai, families):
    child = make_child(centre("22"), last_name="Видимов", birth_date=dt.date(2014, 6, 2))
    login(client, curator_altai)
    text = choices(pick(client, "children", "register", "видимов"))
    assert "Видимов Иван Петрович" in text and "02.06.2014" in text
    row = AuditEntry.objects.get(details__kind="picker")
    assert row.actor == curator_altai
    assert row.details["count"] == 1
    assert row.subject_id == subject("22").pk
    assert row.details["ids"] == [child.pk]


def test_short_queries_and_unknown_pickers(client, curator_altai, families):
    login(client, curator_altai)
    assert "data-picker-choice" not in choices(pick(client, "families", "child_form", "и"))
    assert pick(client, "families", "no_such_form", "иванов").status_code == 404
    assert pick(client, "no_such_kind", "child_form", "иванов").status_code == 404
    client.logout()
    assert pick(client, "families", "child_form", "иванов").status_code == 302


def test_lookup_returns_at_most_twenty_in_bounded_queries(client, curator_altai):
    for n in range(25):
        make_family(centre("22"), title=f"Семья Многих{letters(n + 1)}")
    login(client, curator_altai)
    url = reverse("core:pick", args=["families"])
    count = queries_for(client, url, **{"for": "child_form", "q": "многих"})
    assert count <= 12
    text = choices(pick(client, "families", "child_form", "многих"))
    assert text.count("data-picker-choice=") == 20


# ---- the forms accept the picked id and refuse an out-of-scope one like a missing one ----------


def test_support_intake_opens_a_case_for_the_picked_family(
    client, service_specialist, barnaul_service, families
):
    login(client, service_specialist)
    page = client.get(reverse("support:case_open", args=[barnaul_service.pk])).content.decode()
    assert "hx-get=" in page and "support_case_open" in page and "Номер семьи в реестре" not in page
    specialist = barnaul_service.specialists.get()
    response = client.post(
        reverse("support:case_open", args=[barnaul_service.pk]),
        {
            "family_number": families["barnaul"].pk,
            "family_number__search": "Семья Ивановых",
            "specialist": specialist.pk,
            "referral": "guardianship",
            "reason": "Долги",
            "intake_date": "2025-01-10",
            "children_count": 1,
        },
    )
    assert response.status_code == 302
    assert FamilyCase.objects.filter(family=families["barnaul"]).exists()


def _meeting(fed_admin):
    consilium = consilium_services.consilium_create(
        actor=fed_admin,
        data={"title": "Региональный консилиум", "level": Level.REGIONAL, "subject": subject("22")},
    )
    return consilium_services.meeting_create(actor=fed_admin, consilium=consilium, date=TODAY)


def test_agenda_takes_a_picked_child_and_refuses_another_region_like_a_missing_one(
    client, fed_admin, curator_altai
):
    meeting = _meeting(fed_admin)
    ours = make_child(centre("22"), last_name="Повесткин")
    theirs = make_child(centre("59"), last_name="Чужаков")
    login(client, curator_altai)
    url = reverse("consilium:agenda_add", args=[meeting.pk])
    client.post(url, {"child": ours.pk, "child__search": "Повесткин Иван", "reason": "Срок"}, follow=True)
    assert AgendaItem.objects.filter(meeting=meeting, child=ours).exists()

    def answer(pk):
        response = client.post(url, {"child": pk, "reason": "Срок"}, follow=True)
        return [str(m) for m in response.context["messages"]]

    assert answer(theirs.pk) == answer(987_654)
    assert not AgendaItem.objects.filter(meeting=meeting, child=theirs).exists()


def test_child_form_links_a_picked_family_and_refuses_another_region(client, curator_altai, families):
    login(client, curator_altai)
    page = client.get(reverse("cases:child_create")).content.decode()
    assert "/pick/families/?for=child_form" in page

    def create(family_pk, last_name):
        return client.post(
            reverse("cases:child_create"),
            {
                "last_name": last_name,
                "first_name": "Иван",
                "birth_date": "2015-03-01",
                "sex": "m",
                "legal_status": "has_parents",
                "has_living_parents": "on",
                "subject": subject("22").pk,
                "municipality": centre("22").pk,
                "family": family_pk,
            },
        )

    assert create(families["barnaul"].pk, "Связанов").status_code == 302
    assert Child.objects.get(last_name="Связанов").family == families["barnaul"]
    refused, missing = create(families["perm"].pk, "Чужесемьев"), create(987_654, "Чужесемьев")
    assert refused.status_code == missing.status_code == 200
    assert "Семья с таким номером не найдена в вашем регионе." in refused.content.decode()
    assert not Child.objects.filter(last_name="Чужесемьев").exists()


# ---- choices of people fit the role -------------------------------------------------------------


@pytest.fixture
def people_altai(curator_altai, municipal_barnaul, staff_barnaul_home, analyst_sfo):
    participant = make_user(
        "participant_barnaul",
        Role.CONTEST_PARTICIPANT,
        level=ScopeLevel.MUNICIPALITY,
        municipality=centre("22"),
    )
    analyst = make_user("analyst_altai", Role.ANALYST, level=ScopeLevel.SUBJECT, subject=subject("22"))
    municipal_biysk = make_user(
        "municipal_biysk",
        Role.MUNICIPAL_SPECIALIST,
        level=ScopeLevel.MUNICIPALITY,
        municipality=town("22", "Бийск"),
    )
    return {
        "participant": participant,
        "analyst": analyst,
        "municipal_biysk": municipal_biysk,
    }


def test_route_curators_are_people_who_can_work_on_the_child(
    curator_altai, municipal_barnaul, expert_samara, fed_admin, people_altai
):
    child = make_child(centre("22"))
    offered = set(RouteForm(child=child).fields["responsible"].queryset)
    assert {curator_altai, municipal_barnaul} <= offered
    assert people_altai["participant"] not in offered
    assert people_altai["analyst"] not in offered
    assert people_altai["municipal_biysk"] not in offered  # another town's specialist cannot edit him
    assert expert_samara not in offered and fed_admin not in offered


def test_action_executors_exclude_contest_people_and_analysts(
    curator_altai, municipal_barnaul, staff_barnaul_home, expert_samara, people_altai, curator_perm
):
    offered = set(ActionForm(subject=subject("22")).fields["executor"].queryset)
    assert {curator_altai, municipal_barnaul, staff_barnaul_home, people_altai["municipal_biysk"]} <= offered
    assert people_altai["participant"] not in offered
    assert people_altai["analyst"] not in offered
    assert expert_samara not in offered and curator_perm not in offered


def test_users_who_can_is_empty_without_a_territory(curator_altai):
    assert not users_who_can(perm=Perm.CASES_EDIT).exists()


# ---- the current specialist is preselected -------------------------------------------------------


def test_new_support_case_preselects_the_specialist_himself(service_specialist, barnaul_service):
    Specialist.objects.create(service=barnaul_service, full_name="Борис Другой")
    own = Specialist.objects.get(user=service_specialist)
    form = CaseOpenForm(service=barnaul_service, actor=service_specialist)
    assert form["specialist"].value() == own.pk
    assert CaseOpenForm(service=barnaul_service)["specialist"].value() is None


def test_route_form_preselects_the_curator_when_nobody_is_responsible(curator_altai, people_altai):
    child = make_child(centre("22"))
    assert RouteForm(child=child, actor=curator_altai)["responsible"].value() == curator_altai.pk
    participant = people_altai["participant"]
    assert RouteForm(child=child, actor=participant)["responsible"].value() is None


# ---- lists show names where the role may see them ------------------------------------------------


def test_support_case_list_names_the_family_for_caseworkers_only(
    client, service_specialist, barnaul_service, families, fed_analyst
):
    FamilyCase.objects.create(
        service=barnaul_service,
        family=families["barnaul"],
        specialist=barnaul_service.specialists.get(),
        referral="guardianship",
        reason="Долги",
        intake_date=TODAY,
        children_count=1,
    )
    login(client, service_specialist)
    text = client.get(reverse("support:case_list")).content.decode()
    assert "Семья Ивановых" in text
    assert (
        AuditEntry.objects.filter(details__kind="support_cases_list", actor=service_specialist).count() == 1
    )
    login(client, fed_analyst)
    text = client.get(reverse("support:case_list")).content.decode()
    assert "Семья Ивановых" not in text and f"Семья № {families['barnaul'].pk}" in text
    assert not AuditEntry.objects.filter(details__kind="support_cases_list", actor=fed_analyst).exists()


def test_action_items_name_the_child_where_allowed(
    client, curator_altai, fed_analyst, fed_admin, home_barnaul
):
    meeting = _meeting(fed_admin)
    child = make_child(centre("22"), last_name="Порученцев")
    ActionItem.objects.create(
        origin=meeting.consilium,
        subject=subject("22"),
        child=child,
        what="Обследовать условия",
        organization=home_barnaul,
        deadline=TODAY + dt.timedelta(days=5),
    )
    item = ActionItem.objects.get()
    login(client, curator_altai)
    assert "Порученцев Иван Петрович" in client.get(reverse("consilium:action_list")).content.decode()
    card = client.get(reverse("consilium:action_item", args=[item.pk])).content.decode()
    assert "Порученцев Иван Петрович" in card and reverse("cases:child_detail", args=[child.pk]) in card
    assert AuditEntry.objects.filter(details__kind="consilium_action_item", actor=curator_altai).count() == 1
    login(client, fed_analyst)
    text = client.get(reverse("consilium:action_list")).content.decode()
    assert "Порученцев" not in text and f"Ребёнок № {child.pk}" in text
    card = client.get(reverse("consilium:action_item", args=[item.pk])).content.decode()
    assert "Порученцев" not in card and f"Ребёнок № {child.pk}" in card


def test_duplicate_warning_names_the_child_with_birth_date(client, curator_altai):
    existing = make_child(centre("22"), last_name="Двойников", birth_date=dt.date(2016, 5, 5))
    login(client, curator_altai)
    response = client.post(
        reverse("cases:child_create"),
        {
            "last_name": "Двойников",
            "first_name": existing.first_name,
            "middle_name": existing.middle_name,
            "birth_date": "2016-05-05",
            "sex": "m",
            "legal_status": "has_parents",
            "has_living_parents": "on",
            "subject": subject("22").pk,
            "municipality": centre("22").pk,
        },
    )
    text = response.content.decode()
    assert "Возможные дубли" in text
    assert "Двойников Иван Петрович, 05.05.2016 г. р." in text
    assert f"Ребёнок № {existing.pk}" not in text


def test_aid_requests_name_the_family_for_the_operator_with_one_row(client, curator_altai):
    from vyzov.ngo_aid import reference
    from vyzov.ngo_aid.models import AidForm
    from vyzov.ngo_aid.tests.test_ngo_aid import new_request, operator_for

    reference.load_forms()
    forms = {form.code: form for form in AidForm.objects.all()}
    operator = operator_for("38")
    user = make_user("operator_irkutsk", Role.NGO_OPERATOR, level=ScopeLevel.SUBJECT, subject=subject("38"))
    family = make_family(centre("38"), title="Семья Помощевых")
    aid = new_request(user, operator, family, forms)
    login(client, user)
    text = client.get(reverse("ngo_aid:request_list")).content.decode()
    assert "Семья Помощевых" in text
    assert AuditEntry.objects.filter(details__kind="aid_requests_list", actor=user).count() == 1
    text = client.get(reverse("ngo_aid:request_detail", args=[aid.pk])).content.decode()
    assert "Семья Помощевых" in text
    assert AuditEntry.objects.filter(details__kind="aid_request", actor=user).count() == 1
    # Another region's curator gets neither the request nor the name.
    login(client, curator_altai)
    assert client.get(reverse("ngo_aid:request_detail", args=[aid.pk])).status_code == 404
    assert "Помощевых" not in client.get(reverse("ngo_aid:request_list")).content.decode()
