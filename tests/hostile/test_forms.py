"""Hostile and careless input into the main forms and API endpoints of each app.

Pass = no 5xx, a Russian message on the field, row counts unchanged; «15000,50» stored as 15000.50.
Every value is built here, in code.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import centre, login, make_org, subject
from vyzov.accounts.models import User
from vyzov.cases.models import Child, Family, FamilyMember, Placement
from vyzov.cases.tests.factories import make_child, make_family

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()

HOSTILE_NAMES = {
    "zero_width_only": "\u200b\u200c\u200d",
    "rlo": "Иван\u202eов",
    "emoji_only": "😀🙂",
    "script": "<script>alert(1)</script>",
    "formula": '=HYPERLINK("http://evil.example","x")',
    "plus_formula": "+7(999)",
    "nul": "Иван\x00ов",
    "bom": "\ufeffИванов",
    "too_long": "Я" * 10_000,
}
HOSTILE_TEXTS = {
    "zero_width_only": "\u200b\u2060\ufeff",
    "rlo": "Обоснование \u202eтекст",
    "nul": "Текст\x00",
    "control": "Текст\x1bстрока",
    "too_long": "Т" * 10_000,
}
HOSTILE_DATES = ["0001-01-01", "1800-01-01", "1990-01-01", "2100-01-01", "01.01.1800", "31.02.2025"]
CYRILLIC = re.compile(r"[А-Яа-яЁё]{3,}")


MIDDLEWARE_REFUSAL = "недопустимый управляющий символ"


def _refused_whole(response) -> str | None:
    """Control characters (NUL, ESC…) are refused for the whole request, before any form, by
    core.middleware.ForbiddenCharactersMiddleware: 400 and a Russian message naming the field."""
    text = response.content.decode()
    if response.status_code == 400 and MIDDLEWARE_REFUSAL in text:
        return text
    return None


def _field_errors(response, field: str) -> list[str]:
    assert response.status_code < 500
    if (text := _refused_whole(response)) is not None:
        assert f"«{field}»" in text or field.split("-")[-1] in text
        return [MIDDLEWARE_REFUSAL]
    form = response.context["form"]
    messages = form.errors.get(field) or []
    assert messages, f"{field}: no error for a hostile value; errors={form.errors}"
    assert all(CYRILLIC.search(message) for message in messages), messages
    return messages


def _api_message(body: dict, field: str) -> str:
    """The field's errors, or the API parser's refusal of the whole body naming the field."""
    if field in body:
        return " ".join(body[field])
    assert MIDDLEWARE_REFUSAL in body["detail"] and field in body["detail"], body
    return body["detail"]


def _messages(response) -> str:
    if _refused_whole(response) is not None:
        return MIDDLEWARE_REFUSAL
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


# ---- the register: child, family, member, placement -------------------------------------------


def child_form(**overrides):
    data = {
        "last_name": "Новикова",
        "first_name": "Мария",
        "middle_name": "",
        "birth_date": "2016-04-04",
        "sex": "f",
        "snils": "",
        "birth_certificate": "",
        "legal_status": "has_parents",
        "has_living_parents": "on",
        "health_group": "",
        "subject": str(centre("22").subject_id),
        "municipality": str(centre("22").pk),
        "family": "",
        "confirm_not_duplicate": "on",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("field", ["last_name", "first_name", "middle_name"])
@pytest.mark.parametrize("case", sorted(HOSTILE_NAMES))
def test_child_create_page_refuses_hostile_names(client, curator_altai, field, case):
    login(client, curator_altai)
    before = Child.objects.count()
    response = client.post(reverse("cases:child_create"), child_form(**{field: HOSTILE_NAMES[case]}))
    _field_errors(response, field)
    assert Child.objects.count() == before


@pytest.mark.parametrize("value", HOSTILE_DATES)
def test_child_create_page_refuses_implausible_birth_dates(client, curator_altai, value):
    login(client, curator_altai)
    before = Child.objects.count()
    _field_errors(client.post(reverse("cases:child_create"), child_form(birth_date=value)), "birth_date")
    assert Child.objects.count() == before


def test_child_create_page_accepts_dd_mm_yyyy_and_normalises_the_name(client, curator_altai):
    login(client, curator_altai)
    response = client.post(
        reverse("cases:child_create"),
        child_form(last_name="  Салтыкова-Щедрина  ", first_name="Анна  Мария", birth_date="04.04.2016"),
    )
    assert response.status_code == 302, response.context["form"].errors
    child = Child.objects.get(last_name="Салтыкова-Щедрина")
    assert (child.first_name, child.birth_date) == ("Анна Мария", dt.date(2016, 4, 4))


@pytest.mark.parametrize("case", sorted(HOSTILE_TEXTS))
def test_family_create_page_refuses_hostile_titles_and_notes(client, curator_altai, case):
    login(client, curator_altai)
    before = Family.objects.count()
    data = {"title": "Семья Ивановых", "municipality": str(centre("22").pk), "address": "", "notes": ""}
    response = client.post(reverse("cases:family_create"), {**data, "title": HOSTILE_TEXTS[case]})
    _field_errors(response, "title")
    response = client.post(reverse("cases:family_create"), {**data, "notes": HOSTILE_TEXTS[case]})
    _field_errors(response, "notes")
    assert Family.objects.count() == before


@pytest.mark.parametrize("case", sorted(HOSTILE_NAMES))
def test_family_member_page_refuses_hostile_names(client, curator_altai, case):
    family = make_family(centre("22"))
    login(client, curator_altai)
    data = {
        "last_name": "Иванова",
        "first_name": "Анна",
        "middle_name": "",
        "birth_date": "",
        "relation": "mother",
        "parental_rights": "na",
        "is_alive": "on",
        "phone": "",
        "last_name_override": "",
    }
    data["last_name"] = HOSTILE_NAMES[case]
    response = client.post(reverse("cases:family_member_add", args=[family.pk]), data)
    assert response.status_code < 500
    assert FamilyMember.objects.count() == 0
    if _refused_whole(response) is None:
        text = " ".join(str(message) for message in get_messages(response.wsgi_request))
        assert "Член семьи не добавлен" in text and "амилия" in text, text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("planned_end_date", "2100-01-01"),
        ("planned_end_date", "1800-01-01"),
        ("start_date", "0001-01-01"),
        ("start_date", "1800-01-01"),
        ("start_date", "2100-01-01"),
        ("basis", "\u200b"),
        ("basis", '=HYPERLINK("x")\x00'),
        ("basis", "Б" * 10_000),
    ],
)
def test_placement_page_refuses_implausible_dates_and_hostile_text(
    client, curator_altai, home_barnaul, field, value
):
    child = make_child(centre("22"))
    login(client, curator_altai)
    data = {
        "organization": home_barnaul.pk,
        "kind": "temporary_request",
        "start_date": (TODAY - dt.timedelta(days=10)).isoformat(),
        "basis": "Заявление матери",
        "planned_end_date": "",
        field: value,
    }
    response = client.post(reverse("cases:placement_create", args=[child.pk]), data)
    _field_errors(response, field)
    assert Placement.objects.count() == 0


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.parametrize("case", sorted(HOSTILE_NAMES))
def test_child_api_refuses_hostile_names(api, curator_altai, case):
    api.force_authenticate(curator_altai)
    before = Child.objects.count()
    payload = {
        "last_name": HOSTILE_NAMES[case],
        "first_name": "Иван",
        "birth_date": "2015-01-01",
        "sex": "m",
        "legal_status": "has_parents",
        "municipality": centre("22").pk,
        "confirm_not_duplicate": True,
    }
    response = api.post("/api/v1/children/", payload, format="json")
    assert response.status_code == 400, response.content
    assert CYRILLIC.search(_api_message(response.json(), "last_name"))
    assert Child.objects.count() == before


@pytest.mark.parametrize("value", ["0001-01-01", "1800-01-01", "2100-01-01"])
def test_placement_api_refuses_implausible_dates(api, curator_altai, home_barnaul, value):
    child = make_child(centre("22"))
    api.force_authenticate(curator_altai)
    payload = {
        "child": child.pk,
        "organization": home_barnaul.pk,
        "kind": "temporary_request",
        "start_date": (TODAY - dt.timedelta(days=10)).isoformat(),
        "basis": "Заявление матери",
        "planned_end_date": value,
    }
    response = api.post("/api/v1/placements/", payload, format="json")
    assert 400 <= response.status_code < 500, response.content
    assert CYRILLIC.search(response.content.decode())
    assert Placement.objects.count() == 0


@pytest.mark.parametrize("case", sorted(HOSTILE_TEXTS))
def test_family_api_refuses_hostile_text(api, curator_altai, case):
    api.force_authenticate(curator_altai)
    before = Family.objects.count()
    response = api.post(
        "/api/v1/families/", {"title": HOSTILE_TEXTS[case], "municipality": centre("22").pk}, format="json"
    )
    assert response.status_code == 400, response.content
    assert CYRILLIC.search(_api_message(response.json(), "title"))
    assert Family.objects.count() == before


# ---- users --------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(HOSTILE_NAMES))
def test_user_create_page_refuses_hostile_full_names(client, curator_altai, case):
    login(client, curator_altai)
    before = User.objects.count()
    data = {
        "username": "new_specialist",
        "full_name": HOSTILE_NAMES[case],
        "email": "new@example.test",
        "position": "",
        "phone": "",
        "password1": "long-enough-password-1",
        "password2": "long-enough-password-1",
        "role": "municipal_specialist",
        "district": "",
        "subject": str(subject("22").pk),
        "municipality": str(centre("22").pk),
        "organization": "",
    }
    _field_errors(client.post(reverse("accounts:user_create"), data), "full_name")
    assert User.objects.count() == before


# ---- targeted aid: amounts typed the Russian way ------------------------------------------------


@pytest.fixture
def aid_setup(db, curator_altai):
    from vyzov.ngo_aid import reference
    from vyzov.ngo_aid.models import AidForm, Fund, Operator

    reference.load_forms()
    organization = make_org("НКО-оператор 22", kind="ngo", subject_=subject("22"))
    operator = Operator.objects.create(organization=organization, subject=subject("22"))
    Fund.objects.create(operator=operator)
    family = make_family(centre("22"))
    family.statuses.create(kind="sop", start_date=TODAY - dt.timedelta(days=100), basis="Постановление КДН")
    return {"family": family, "form": AidForm.objects.filter(is_active=True).first()}


def aid_form_data(setup, **line):
    data = {
        "family": str(setup["family"].pk),
        "children_count": "2",
        "channel": "consilium",
        "justification": "Долг за коммунальные услуги",
        "line0-form": str(setup["form"].pk),
        "line0-amount": "10000",
        "line0-in_kind": "",
    }
    data.update({f"line0-{key}": value for key, value in line.items()})
    return data


@pytest.mark.parametrize(
    ("typed", "stored"), [("15000,50", "15000.50"), ("15 000,50", "15000.50"), ("1,5", "1.50")]
)
def test_aid_amount_with_a_comma_is_read_as_rubles_and_kopecks(
    client, curator_altai, aid_setup, typed, stored
):
    from vyzov.ngo_aid.models import AidRequestLine

    login(client, curator_altai)
    response = client.post(reverse("ngo_aid:request_create"), aid_form_data(aid_setup, amount=typed))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert AidRequestLine.objects.get().amount == Decimal(stored)


@pytest.mark.parametrize("typed", ["1e3", "Infinity", "NaN", "-5", "15 0000"])
def test_aid_amount_exponents_and_negatives_are_refused(client, curator_altai, aid_setup, typed):
    from vyzov.ngo_aid.models import AidRequest

    login(client, curator_altai)
    response = client.post(reverse("ngo_aid:request_create"), aid_form_data(aid_setup, amount=typed))
    assert response.status_code == 200
    line_errors = response.context["lines"][0].errors
    assert "amount" in line_errors and CYRILLIC.search(str(line_errors["amount"]))
    assert AidRequest.objects.count() == 0


@pytest.mark.parametrize("case", sorted(HOSTILE_TEXTS))
def test_aid_justification_hostile_text_is_refused(client, curator_altai, aid_setup, case):
    from vyzov.ngo_aid.models import AidRequest

    login(client, curator_altai)
    data = {**aid_form_data(aid_setup), "justification": HOSTILE_TEXTS[case]}
    _field_errors(client.post(reverse("ngo_aid:request_create"), data), "justification")
    assert AidRequest.objects.count() == 0


# ---- contest scoring: values the browser can show, comments never cut ----------------------------


@pytest.fixture
def scoring(fed_admin):
    from vyzov.contests import services as contest_services
    from vyzov.contests.models import Criterion
    from vyzov.contests.tests.test_contests import accepted_application, expert_from, make_contest

    contest = make_contest(fed_admin)
    application = accepted_application(fed_admin, contest, centre("22"))
    expert = expert_from("63", "expert_from_samara")
    contest_services.expert_assign(actor=fed_admin, application=application, expert=expert)
    criteria = list(
        Criterion.objects.filter(criteria_set__contest=contest, criteria_set__settlement_type="city")
    )
    return {"application": application, "expert": expert, "criteria": criteria}


def _input_value(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
    assert 'type="number"' not in tag  # a browser cannot show «4,0» in a number input
    return re.search(r'value="([^"]*)"', tag).group(1)


def test_a_saved_score_is_shown_in_a_value_the_browser_can_parse(client, scoring):
    from vyzov.contests.models import Score

    first, second = scoring["criteria"][:2]
    login(client, scoring["expert"])
    url = reverse("contests:score", args=[scoring["application"].pk])
    response = client.post(
        reverse("contests:score_save", args=[scoring["application"].pk]),
        {f"points_{first.pk}": "4", f"points_{second.pk}": "4,5"},
    )
    assert response.status_code == 302
    assert {s.criterion_id: s.points for s in Score.objects.all()} == {
        first.pk: Decimal("4"),
        second.pk: Decimal("4.5"),
    }
    Score.objects.filter(criterion=first).update(points=Decimal("4.0"))
    page = client.get(url).content.decode()
    for criterion, expected in ((first, Decimal("4.0")), (second, Decimal("4.5"))):
        shown = _input_value(page, f"points_{criterion.pk}")
        # what is shown is read back as the same number (comma or dot)
        assert Decimal(shown.replace(",", ".")) == expected, shown


@pytest.mark.parametrize(
    ("points", "comment", "fragment"),
    [
        ("1e3", "", "не число"),
        ("Infinity", "", "не число"),
        ("NaN", "", "не число"),
        ("4", "К" * 2001, "Не больше 2000 символов"),
        ("4", "Хорошо\x00", "U+0000"),
        ("4", "\u202eхорошо", "направления текста"),
    ],
)
def test_hostile_scores_and_comments_are_refused_not_cut(client, scoring, points, comment, fragment):
    from vyzov.contests.models import Score

    first = scoring["criteria"][0]
    login(client, scoring["expert"])
    response = client.post(
        reverse("contests:score_save", args=[scoring["application"].pk]),
        {f"points_{first.pk}": points, f"comment_{first.pk}": comment},
    )
    if _refused_whole(response) is None:  # control characters: the whole request is refused (400)
        assert response.status_code == 200
        assert fragment in response.content.decode()
    assert not Score.objects.exists()


# ---- consilium: a decision is never dated at a future meeting ------------------------------------


def test_a_decision_at_a_future_meeting_is_refused(fed_admin, home_barnaul):
    from django.core.exceptions import ValidationError

    from vyzov.cases.models import RouteGoal
    from vyzov.consilium import services as consilium_services
    from vyzov.consilium.models import Decision, Level
    from vyzov.consilium.tests.test_consilium import placed_child

    regional = consilium_services.consilium_create(
        actor=fed_admin,
        data={"title": "Региональный консилиум", "level": Level.REGIONAL, "subject": subject("22")},
    )
    child = placed_child(home_barnaul, since=TODAY - dt.timedelta(days=300))
    meeting = consilium_services.meeting_create(
        actor=fed_admin, consilium=regional, date=TODAY + dt.timedelta(days=7)
    )
    review = consilium_services.review_save(
        actor=fed_admin, meeting=meeting, child=child, data={}, expected_version=None
    )
    with pytest.raises(ValidationError, match="решение принимается в день заседания"):
        consilium_services.decision_make(
            actor=fed_admin,
            review=review,
            route_goal=RouteGoal.RETURN_HOME,
            reasons="Обоснование",
            next_review_date=TODAY + dt.timedelta(days=60),
        )
    assert not Decision.objects.exists()


@pytest.mark.parametrize("as_of", ["0001-01-01", "1800-01-01", "2100-01-01"])
def test_monitoring_quarters_outside_the_range_are_refused(client, api, curator_altai, as_of):
    from vyzov.monitoring.models import Figure

    login(client, curator_altai)
    assert client.get(f"/monitoring/regions/22/reports/{as_of}/").status_code == 404
    api.force_authenticate(curator_altai)
    response = api.post(
        "/api/v1/monitoring/figures/",
        {"subject": "22", "as_of": as_of, "indicator": "children_in_institutions", "value": "15"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "as_of" in response.json() and CYRILLIC.search(" ".join(response.json()["as_of"]))
    assert Figure.objects.count() == 0


# ---- practices, programme measures ---------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(HOSTILE_TEXTS))
def test_practice_form_refuses_hostile_titles(client, curator_altai, case):
    from vyzov.practices.models import Practice

    login(client, curator_altai)
    data = {
        "title": HOSTILE_TEXTS[case],
        "subject": subject("22").pk,
        "year": 2025,
        "description": "Описание",
    }
    _field_errors(client.post(reverse("practices:practice_create"), data), "title")
    assert not Practice.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "\u200b"),
        ("title", "Мероприятие\u202e"),
        ("title", "М" * 10_000),
        ("responsible", "\x00"),
        ("budget", "1e3"),
        ("budget", "-5"),
        ("budget", "Infinity"),
        ("deadline", "1800-01-01"),
        ("deadline", "2100-01-01"),
    ],
)
def test_programme_measure_form_refuses_hostile_values(client, curator_altai, field, value):
    from vyzov.programmes.models import Measure
    from vyzov.programmes.tests.test_programmes import direction, programme_for

    programme = programme_for(curator_altai, "22", start=TODAY.year - 1, end=TODAY.year + 2)
    login(client, curator_altai)
    data = {
        "direction": direction(programme).pk,
        "title": "Школа приёмных родителей",
        "responsible": "Министерство",
        "deadline": (TODAY + dt.timedelta(days=100)).isoformat(),
        "budget": "15 000,50",
        field: value,
    }
    response = client.post(reverse("programmes:measure_add", args=[programme.pk]), data)
    # A refusal shows the programme page again with the form as typed and the reasons (400).
    assert response.status_code == 400
    text = _messages(response)
    assert CYRILLIC.search(text) and "добавлено" not in text, text
    assert Measure.objects.count() == 0


def test_programme_measure_budget_typed_with_a_comma(client, curator_altai):
    from vyzov.programmes.models import Measure
    from vyzov.programmes.tests.test_programmes import direction, programme_for

    programme = programme_for(curator_altai, "22", start=TODAY.year - 1, end=TODAY.year + 2)
    login(client, curator_altai)
    data = {
        "direction": direction(programme).pk,
        "title": "Школа приёмных родителей",
        "responsible": "Министерство",
        "deadline": (TODAY + dt.timedelta(days=100)).strftime("%d.%m.%Y"),
        "budget": "15 000,50",
    }
    response = client.post(reverse("programmes:measure_add", args=[programme.pk]), data)
    assert "Мероприятие добавлено." in _messages(response)
    assert Measure.objects.get().budget == Decimal("15000.50")


# ---- the class: every name and free-text field of every model carries the one validator ----------


def _text_fields():
    from django.apps import apps
    from django.db import models

    from vyzov.core import validators

    for model in apps.get_models():
        if not model.__module__.startswith("vyzov."):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField | models.TextField):
                kinds = {
                    validators.validate_person_name: "name",
                    validators.validate_free_text: "text",
                    validators.validate_single_line_text: "text",
                }
                found = {kind for v in field.validators for key, kind in kinds.items() if v is key}
                if found:
                    yield model, field, found.pop()


def test_every_person_name_field_of_the_models_refuses_hostile_names():
    from django.core.exceptions import ValidationError
    from django.db import models

    names = {f"{model.__name__}.{field.name}" for model, field, kind in _text_fields() if kind == "name"}
    assert {
        "Child.last_name",
        "Child.first_name",
        "Child.middle_name",
        "FamilyMember.last_name",
        "User.full_name",
        "Specialist.full_name",
        "Member.full_name",
        "CuratorAssignment.full_name",
        "WorkingGroupMember.person",
    } <= names, names
    for model, field, kind in _text_fields():
        hostile = HOSTILE_NAMES if kind == "name" else HOSTILE_TEXTS
        for case, value in hostile.items():
            if case == "too_long" and not isinstance(field, models.CharField):  # forms check TextField length
                continue
            with pytest.raises(ValidationError):
                field.clean(value, model())


# ---- the aid API: amounts as strings the Russian way, hostile justification ----------------------


def _aid_payload(setup, **overrides):
    payload = {
        "family": setup["family"].pk,
        "children_count": 2,
        "channel": "consilium",
        "justification": "Долг за коммунальные услуги",
        "lines": [{"form": setup["form"].code, "amount": "15 000,50"}],
    }
    payload.update(overrides)
    return payload


def test_aid_api_reads_a_comma_amount_as_rubles_and_kopecks(api, curator_altai, aid_setup):
    from vyzov.ngo_aid.models import AidRequestLine

    api.force_authenticate(curator_altai)
    response = api.post("/api/v1/aid/requests/", _aid_payload(aid_setup), format="json")
    assert response.status_code == 201, response.content
    assert AidRequestLine.objects.get().amount == Decimal("15000.50")


@pytest.mark.parametrize(
    "overrides",
    [
        {"justification": "\u200b\u200b"},
        {"justification": "Долг\u202e"},
        {"justification": "Д" * 10_000},
        {"justification": "Долг\x07"},
        {"lines": [{"form": "utilities", "amount": "1e3"}]},
        {"lines": [{"form": "utilities", "amount": "NaN"}]},
        {"lines": [{"form": "utilities", "amount": "1.000,50"}]},
    ],
)
def test_aid_api_refuses_hostile_values(api, curator_altai, aid_setup, overrides):
    from vyzov.ngo_aid.models import AidRequest

    api.force_authenticate(curator_altai)
    response = api.post("/api/v1/aid/requests/", _aid_payload(aid_setup, **overrides), format="json")
    assert response.status_code == 400, response.content
    assert CYRILLIC.search(response.content.decode("unicode_escape", errors="ignore")) or CYRILLIC.search(
        str(response.json())
    )
    assert AidRequest.objects.count() == 0


# ---- contest application answers (fields added to the form after __init__) ----------------------


@pytest.mark.parametrize("answer", ["\u200b", "Ответ\x00", "Ответ\u202e", "О" * 30_000])
def test_contest_application_answers_refuse_hostile_text(client, fed_admin, answer):
    from vyzov.contests import services as contest_services
    from vyzov.contests.models import Answer
    from vyzov.contests.tests.test_contests import make_contest, participant_of

    contest = make_contest(fed_admin)
    participant = participant_of(centre("22"))
    application = contest_services.application_create(
        actor=participant, contest=contest, municipality=centre("22")
    )
    task = contest.tasks.get()
    login(client, participant)
    response = client.post(
        reverse("contests:application_save", args=[application.pk]),
        {f"task_{task.pk}": answer},
    )
    _field_errors(response, f"task_{task.pk}")
    assert not Answer.objects.exclude(text="").exists()


# ---- contest calendars and curator reports: dates in a plausible range ---------------------------


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(1800, 1, 1), dt.date(2100, 1, 1)])
def test_contest_dates_outside_the_range_are_refused_naming_the_field(fed_admin, day):
    from django.core.exceptions import ValidationError

    from vyzov.contests import services as contest_services
    from vyzov.contests.models import Contest, MediaPublication, Stage
    from vyzov.contests.tests.test_contests import accepted_application, make_contest

    def refused(field, call):
        with pytest.raises(ValidationError) as caught:
            call()
        assert field in caught.value.message_dict, caught.value
        assert all(CYRILLIC.search(text) for text in caught.value.message_dict[field])

    data = {"year": 2026, "title": "Город детей – город семей", "submission_deadline": day}
    refused("submission_deadline", lambda: contest_services.contest_create(actor=fed_admin, data=data))
    assert not Contest.objects.exists()
    contest = make_contest(fed_admin)
    for field in ("date_from", "date_to"):
        dates = {"date_from": TODAY, "date_to": TODAY + dt.timedelta(days=30), field: day}
        if field == "date_from" and day > TODAY:
            dates["date_to"] = day
        stage = Stage(contest=contest, title="Приём заявок", **dates)
        refused(
            field,
            lambda stage=stage: contest_services.setup_item_add(actor=fed_admin, contest=contest, item=stage),
        )
    assert not Stage.objects.exists()
    application = accepted_application(fed_admin, contest, centre("22"))
    if day > TODAY:  # a past day is refused as «уже прошёл»; a day past the range by the range
        refused(
            "until",
            lambda: contest_services.deadline_extend(
                actor=fed_admin, application=application, until=day, reason="Просьба участника"
            ),
        )
    application.refresh_from_db()
    assert application.deadline_extended_to is None
    refused(
        "date",
        lambda: contest_services.publication_add(
            actor=fed_admin, application=application, data={"date": day, "title": "Статья"}
        ),
    )
    assert not MediaPublication.objects.exists()


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(1800, 1, 1), dt.date(2014, 12, 1)])
def test_a_curator_report_for_an_implausible_month_is_refused(curator_altai, day):
    from django.core.exceptions import ValidationError

    from vyzov.programmes import services as programme_services
    from vyzov.programmes.models import CuratorReport

    assignment = programme_services.curator_assign(
        actor=curator_altai, subject=subject("22"), full_name="Куратор", position="Советник", since=TODAY
    )
    with pytest.raises(ValidationError) as caught:
        programme_services.curator_report_add(
            actor=curator_altai, assignment=assignment, month=day, text="Отчёт"
        )
    assert "month" in caught.value.message_dict
    assert not CuratorReport.objects.exists()


# Dates the users never type: written by services from dates already checked, computed, or reference data.
SYSTEM_DATES = {
    "Event.date",  # the child's timeline: the date of the checked placement, decision or status
    "FamilyEvent.date",  # the family's timeline, likewise
    "Case.last_review_date",  # the date of the consilium's decision
    "Child.placed_since",  # copied from the current placement
    "Child.next_review_date",  # copied from Case.next_review_date (checked there) by route_change
    "RollUp.as_of",  # computed from accepted reports
    "Target.target_date",  # reference data (the programme's target year)
}


def test_every_date_a_user_types_has_a_plausible_range():
    from django.apps import apps
    from django.db import models

    unchecked = []
    for model in apps.get_models():
        if not model.__module__.startswith("vyzov."):
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.DateField) or isinstance(field, models.DateTimeField):
                continue
            if field.auto_now or field.auto_now_add:
                continue
            name = f"{model.__name__}.{field.name}"
            if name not in SYSTEM_DATES and not field.validators:
                unchecked.append(name)
    assert not unchecked, f"date fields without a range (vyzov.core.validators.DATE_RANGES): {unchecked}"


# ---- the monitoring quarter page: the number parser and text validator of core ------------------


@pytest.mark.parametrize(
    ("value", "comment", "field"),
    [
        ("1e3", "", "value_children_in_institutions"),
        ("1,5", "", "value_children_in_institutions"),
        ("-3", "", "value_children_in_institutions"),
        ("15", "Рост\u202e", "comment_children_in_institutions"),
        ("15", "\u200b", "comment_children_in_institutions"),
        ("15", "К" * 501, "comment_children_in_institutions"),
    ],
)
def test_the_quarter_page_refuses_what_the_import_refuses(client, specialist_perm, value, comment, field):
    from vyzov.monitoring import reference
    from vyzov.monitoring.models import Figure

    reference.load_all()
    login(client, specialist_perm)
    url = reverse("monitoring:report_edit", args=["59", "2025-04-01"])
    response = client.post(
        url, {"value_children_in_institutions": value, "comment_children_in_institutions": comment}
    )
    _field_errors(response, field)
    assert not Figure.objects.exists()


def test_the_quarter_page_reads_numbers_with_spaces(client, specialist_perm):
    from vyzov.monitoring import reference
    from vyzov.monitoring.models import Figure

    reference.load_all()
    login(client, specialist_perm)
    url = reverse("monitoring:report_edit", args=["59", "2025-04-01"])
    response = client.post(url, {"value_children_in_institutions": "1\u00a0500"})
    assert response.status_code == 302
    assert Figure.objects.get().value == 1500
