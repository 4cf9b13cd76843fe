"""The curator's field work (002): visits to families with the guardianship body and the КДНиЗП, personal
reception of citizens, cases taken «на личный контроль» — and their results, counted from the rows: children
returned home or placed in a substitute family read from the register's routes where the child is in the
register. Who may write it, who may read the journal (personal data) and who sees only the results."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import centre, login, make_org, queries_for
from vyzov.cases import services as case_services
from vyzov.cases.models import PlacementOutcome
from vyzov.cases.tests.factories import letters, make_child, make_family, place
from vyzov.core.models import AuditEntry
from vyzov.monitoring.reference import load_reference_figures
from vyzov.programmes import selectors, services
from vyzov.programmes.models import (
    ControlOutcome,
    CuratorReception,
    CuratorVisit,
    PersonalControlCase,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def altai_curator_assignment(curator_altai, fed_admin):
    from conftest import subject

    return services.curator_assign(
        actor=fed_admin,
        subject=subject("22"),
        full_name="Иванова Мария Петровна",
        position="советник губернатора",
        since=dt.date(2025, 1, 1),
        curator=curator_altai,
    )


@pytest.fixture
def home_barnaul_org(db):
    return make_org("Центр содействия семейному воспитанию, Барнаул", municipality=centre("22"))


def post(client, name, data, code="22"):
    return client.post(reverse(f"programmes:{name}", args=[code]), data)


def test_curator_altai_records_a_visit_a_reception_and_a_case_on_control_from_the_page(
    altai_curator_assignment, curator_altai, client
):
    family = make_family(centre("22"), title="Семья Соколовых")
    child = make_child(centre("22"), family=family)
    login(client, curator_altai)
    day = (TODAY - dt.timedelta(days=3)).strftime("%d.%m.%Y")  # dd.mm.yyyy works
    response = post(
        client,
        "curator_visit_add",
        {
            "date": day,
            "family_number": family.pk,
            "with_guardianship": "on",
            "with_kdn": "on",
            "purpose": "Оценка ситуации в семье",
            "result": "Семья готова принять ребёнка",
        },
    )
    assert response.status_code == 302
    visit = CuratorVisit.objects.get()
    assert (visit.family, visit.with_guardianship, visit.with_kdn) == (family, True, True)
    response = post(
        client,
        "curator_reception_add",
        {"date": day, "place": "Барнаул, приёмная", "people": "4", "questions": "Жильё, пособия"},
    )
    assert response.status_code == 302
    assert CuratorReception.objects.get().people == 4
    response = post(
        client,
        "control_case_take",
        {"taken_on": day, "child_number": child.pk, "reason": "Помещён по заявлению матери"},
    )
    assert response.status_code == 302
    control = PersonalControlCase.objects.get()
    assert (control.child, control.family) == (child, family)  # the family follows the child
    page = client.get(reverse("programmes:curator", args=["22"])).content.decode()
    assert "Оценка ситуации в семье" in page and "Жильё, пособия" in page
    assert f'action="{reverse("programmes:control_case_close", args=[control.pk])}"' in page
    # The journal carries personal data: its read is recorded.
    assert AuditEntry.objects.filter(details__kind="curator_field_work", actor=curator_altai).exists()


def test_results_come_from_the_registers_routes_and_from_the_recorded_outcome_of_described_cases(
    altai_curator_assignment, curator_altai, home_barnaul_org
):
    assignment = altai_curator_assignment
    taken = TODAY - dt.timedelta(days=60)
    family = make_family(centre("22"), title="Семья Орловых")
    returned = make_child(centre("22"), family=family)
    sibling = make_child(centre("22"), family=family)
    fostered = make_child(centre("22"))
    left_before = make_child(centre("22"))
    for child in (returned, sibling, fostered, left_before):
        place(child, home_barnaul_org, start=TODAY - dt.timedelta(days=200))
    # A family on control: both its children count when they go home.
    services.control_case_take(
        actor=curator_altai, assignment=assignment, data={"taken_on": taken, "reason": "Семья"}, family=family
    )
    services.control_case_take(
        actor=curator_altai,
        assignment=assignment,
        data={"taken_on": taken, "reason": "Опека"},
        child=fostered,
    )
    services.control_case_take(
        actor=curator_altai,
        assignment=assignment,
        data={"taken_on": taken, "reason": "Ранее"},
        child=left_before,
    )
    described = services.control_case_take(
        actor=curator_altai,
        assignment=assignment,
        data={"taken_on": taken, "reason": "Нет в реестре", "description": "Мальчик 5 лет, Бийск"},
    )

    def close(child, outcome, end_date):
        case_services.placement_close(
            actor=curator_altai, placement=child.placements.get(), end_date=end_date, outcome=outcome
        )

    close(returned, PlacementOutcome.RETURNED_HOME, TODAY - dt.timedelta(days=10))
    close(sibling, PlacementOutcome.RETURNED_HOME, TODAY - dt.timedelta(days=9))
    close(fostered, PlacementOutcome.FOSTER_FAMILY, TODAY - dt.timedelta(days=5))
    close(left_before, PlacementOutcome.RETURNED_HOME, taken - dt.timedelta(days=1))  # before control
    services.control_case_close(
        actor=curator_altai,
        control=described,
        closed_on=TODAY,
        outcome=ControlOutcome.SUBSTITUTE_FAMILY,
        outcome_note="Передан под опеку бабушке",
    )
    results = selectors.field_work_results(subject=assignment.subject, assignment=assignment)
    assert (results.home_register, results.substitute_register) == (2, 1)
    assert (results.home_recorded, results.substitute_recorded) == (0, 1)
    assert (results.placed, results.control_open, results.control_closed) == (4, 3, 1)
    assert selectors.field_work_results(subject=assignment.subject).placed == 4


def test_the_page_shows_the_brochures_figures_labelled_as_the_programmes_beside_the_systems(
    altai_curator_assignment, fed_analyst, client
):
    load_reference_figures()
    login(client, fed_analyst)
    page = client.get(reverse("programmes:curator", args=["22"])).content.decode()
    assert "По материалам программы" in page
    assert "4 310" in page and "2 161" in page and "1 200" in page


def test_bad_input_is_refused_in_russian_and_keeps_what_was_typed(
    altai_curator_assignment, curator_altai, client
):
    login(client, curator_altai)
    future = (TODAY + dt.timedelta(days=2)).isoformat()
    response = post(client, "curator_visit_add", {"date": future, "purpose": "Знакомство с семьёй"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "не может быть в будущем" in html and "Знакомство с семьёй" in html
    response = post(
        client, "curator_visit_add", {"date": TODAY.isoformat(), "purpose": "Знакомство с семьёй"}
    )
    assert response.status_code == 400
    assert "Укажите семью из реестра или опишите" in response.content.decode()
    response = post(
        client, "curator_reception_add", {"date": TODAY.isoformat(), "place": "Приёмная", "people": "0"}
    )
    assert response.status_code == 400 and "Приёмная" in response.content.decode()
    control = services.control_case_take(
        actor=curator_altai,
        assignment=altai_curator_assignment,
        data={"taken_on": TODAY, "reason": "Причина", "description": "Девочка 3 лет"},
    )
    client.post(
        reverse("programmes:control_case_close", args=[control.pk]),
        {"closed_on": (TODAY - dt.timedelta(days=1)).isoformat(), "outcome": "returned_home"},
    )
    control.refresh_from_db()
    assert control.closed_on is None  # earlier than taken: refused
    assert not CuratorVisit.objects.exists() and not CuratorReception.objects.exists()


def test_another_regions_people_get_404_and_a_family_outside_the_register_is_not_found(
    altai_curator_assignment, curator_altai, curator_perm, client
):
    perm_family = make_family(centre("59"), title="Семья Пермяковых")
    login(client, curator_perm)
    data = {"date": TODAY.isoformat(), "family_description": "Семья", "purpose": "Цель"}
    for name in ("curator_visit_add", "curator_reception_add", "control_case_take", "curator_report_add"):
        assert post(client, name, data).status_code == 404
    control = services.control_case_take(
        actor=curator_altai,
        assignment=altai_curator_assignment,
        data={"taken_on": TODAY, "reason": "Причина", "description": "Мальчик"},
    )
    response = client.post(
        reverse("programmes:control_case_close", args=[control.pk]),
        {"closed_on": TODAY.isoformat(), "outcome": "other"},
    )
    assert response.status_code == 404
    login(client, curator_altai)
    response = post(
        client,
        "curator_visit_add",
        {"date": TODAY.isoformat(), "family_number": perm_family.pk, "purpose": "Цель"},
    )
    assert response.status_code == 400
    assert "не найдена в вашем реестре" in response.content.decode()
    assert not CuratorVisit.objects.exists()


def test_federal_analyst_sees_the_results_but_not_the_journal_and_cannot_write(
    altai_curator_assignment, curator_altai, fed_analyst, client
):
    services.curator_visit_add(
        actor=curator_altai,
        assignment=altai_curator_assignment,
        data={"date": TODAY, "family_description": "Семья Кротовых, ул. Мира 5", "purpose": "Знакомство"},
    )
    login(client, fed_analyst)
    page = client.get(reverse("programmes:curator", args=["22"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-result="visits">1 (0 / 0)' in html
    assert "Кротовых" not in html and "ул. Мира" not in html
    assert not AuditEntry.objects.filter(details__kind="curator_field_work").exists()
    response = post(client, "curator_visit_add", {"date": TODAY.isoformat(), "purpose": "Цель"})
    assert response.status_code == 403
    assert CuratorVisit.objects.count() == 1


def test_region_without_a_curator_has_nothing_to_record_field_work_against(curator_altai, client):
    login(client, curator_altai)
    response = post(client, "curator_visit_add", {"date": TODAY.isoformat(), "purpose": "Цель"})
    assert response.status_code == 404


def test_the_api_gives_each_curators_results_in_counts_only_and_only_in_scope(
    altai_curator_assignment, curator_altai, curator_perm, client
):
    services.curator_visit_add(
        actor=curator_altai,
        assignment=altai_curator_assignment,
        data={
            "date": TODAY,
            "family_description": "Семья Кротовых",
            "purpose": "Знакомство",
            "with_kdn": True,
        },
    )
    control = services.control_case_take(
        actor=curator_altai,
        assignment=altai_curator_assignment,
        data={"taken_on": TODAY, "reason": "Причина", "description": "Девочка 3 лет"},
    )
    services.control_case_close(
        actor=curator_altai, control=control, closed_on=TODAY, outcome="returned_home", outcome_note=""
    )
    login(client, curator_altai)
    body = client.get("/api/v1/programmes/curators/", {"subject": "22"}).json()
    (row,) = body["results"]
    assert row["full_name"] == "Иванова Мария Петровна"
    assert row["results"]["visits"] == 1 and row["results"]["visits_with_kdn"] == 1
    assert row["results"]["returned_home"] == 1 and row["results"]["control_closed"] == 1
    assert "Кротовых" not in str(body)
    login(client, curator_perm)
    assert client.get("/api/v1/programmes/curators/").json()["results"] == []
    url = f"/api/v1/programmes/curators/{altai_curator_assignment.pk}/"
    assert client.get(url).status_code == 404


def test_the_curator_page_query_count_does_not_grow_with_the_journal(
    altai_curator_assignment, curator_altai, client
):
    login(client, curator_altai)
    url = reverse("programmes:curator", args=["22"])
    family = make_family(centre("22"), title="Семья Лебедевых")
    services.curator_visit_add(
        actor=curator_altai,
        assignment=altai_curator_assignment,
        data={"date": TODAY, "purpose": "Знакомство"},
        family=family,
    )
    services.control_case_take(
        actor=curator_altai,
        assignment=altai_curator_assignment,
        data={"taken_on": TODAY, "reason": "Причина"},
        child=make_child(centre("22"), family=family),
    )
    before = queries_for(client, url)
    for number in range(4):
        services.curator_visit_add(
            actor=curator_altai,
            assignment=altai_curator_assignment,
            data={"date": TODAY, "purpose": f"Выезд {number}"},
            family=make_family(centre("22"), title=f"Семья {letters(number)}ых"),
        )
        services.control_case_take(
            actor=curator_altai,
            assignment=altai_curator_assignment,
            data={"taken_on": TODAY, "reason": "Причина"},
            child=make_child(centre("22")),
        )
        services.curator_reception_add(
            actor=curator_altai,
            assignment=altai_curator_assignment,
            data={"date": TODAY, "place": "Приёмная", "people": 2, "questions": "Вопросы"},
        )
    assert queries_for(client, url) == before
