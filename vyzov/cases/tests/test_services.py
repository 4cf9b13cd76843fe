"""Register services: validation rules, placements, routes, duplicates and merging."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import centre, make_org, town
from vyzov.accounts.access import ActionNotAllowed, NotInScope
from vyzov.cases import services
from vyzov.cases.models import Child, Event, EventKind, Placement, PlacementOutcome, RouteGoal
from vyzov.cases.selectors import duplicate_candidates, duplicate_groups
from vyzov.core.models import AuditAction, AuditEntry

from .factories import admin, child_data, make_child, make_family, place

pytestmark = pytest.mark.django_db


def counts():
    return Child.objects.count(), Placement.objects.count(), Event.objects.count(), AuditEntry.objects.count()


def test_curator_registers_a_child_with_case_event_and_audit(curator_altai):
    child = services.child_create(actor=curator_altai, data=child_data(centre("22")))
    assert child.case.goal == RouteGoal.UNDETERMINED and child.case.opened_on == timezone.localdate()
    assert list(child.events.values_list("kind", flat=True)) == [EventKind.REGISTERED]
    row = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="cases.child")
    assert row.subject.code == "22" and row.actor == curator_altai


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"snils": "112-233-445 96"}, "snils"),
        ({"snils": "12345"}, "snils"),
        ({"birth_certificate": "4-MU 12"}, "birth_certificate"),
        ({"birth_date": dt.date.today() + dt.timedelta(days=1)}, "birth_date"),
        ({"last_name": ""}, "last_name"),
        ({"last_name": "Я" * 101}, "last_name"),
        ({"legal_status": "orphan", "has_living_parents": True}, "has_living_parents"),
        ({"sex": "x"}, "sex"),
    ],
)
def test_each_rule_refuses_bad_child_and_writes_nothing(curator_altai, overrides, field):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        services.child_create(actor=curator_altai, data=child_data(centre("22"), **overrides))
    assert field in caught.value.message_dict
    assert re.search("[а-яё]", " ".join(caught.value.message_dict[field]), re.IGNORECASE)
    assert counts() == before


def test_municipality_of_another_subject_is_refused(curator_altai):
    with pytest.raises((ValidationError, NotInScope)):
        services.child_create(
            actor=curator_altai, data={**child_data(centre("22")), "municipality": centre("59")}
        )


def test_curator_cannot_register_a_child_in_another_region(curator_altai):
    before = counts()
    with pytest.raises(NotInScope):
        services.child_create(actor=curator_altai, data=child_data(centre("59")))
    assert counts() == before


def test_analyst_and_federal_analyst_cannot_register(analyst, fed_analyst):
    with pytest.raises(NotInScope):
        services.child_create(actor=analyst, data=child_data(centre("22")))
    with pytest.raises(ActionNotAllowed):
        services.child_create(actor=fed_analyst, data=child_data(centre("22")))


def test_placement_rules(curator_altai, home_barnaul, home_biysk, home_perm):
    child = make_child(centre("22"), birth_date=dt.date(2016, 5, 1))
    with pytest.raises(ValidationError, match="раньше даты рождения"):
        place(child, home_barnaul, start=dt.date(2016, 4, 30))
    with pytest.raises(ValidationError, match="в будущем"):
        place(child, home_barnaul, start=timezone.localdate() + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="другом субъекте"):
        place(child, home_perm)
    assert not child.placements.exists()
    place(child, home_barnaul, start=dt.date(2024, 1, 1))
    child.refresh_from_db()
    assert child.current_organization == home_barnaul and child.placed_since == dt.date(2024, 1, 1)
    with pytest.raises(ValidationError, match="незакрытое помещение"):
        place(child, home_biysk, start=dt.date(2024, 6, 1))
    assert child.placements.count() == 1


def test_placement_in_a_non_residential_organization_is_refused(curator_altai, ministry_altai):
    child = make_child(centre("22"))
    with pytest.raises(ValidationError, match="Помещать можно только"):
        place(child, ministry_altai)


def test_closing_placement_checks_dates_and_records_outcome(curator_altai, home_barnaul):
    child = make_child(centre("22"))
    placement = place(child, home_barnaul, start=dt.date(2025, 1, 10))
    with pytest.raises(ValidationError, match="раньше даты помещения"):
        services.placement_close(
            actor=curator_altai,
            placement=placement,
            end_date=dt.date(2025, 1, 9),
            outcome=PlacementOutcome.RETURNED_HOME,
        )
    placement.refresh_from_db()
    assert placement.end_date is None
    services.placement_close(
        actor=curator_altai,
        placement=placement,
        end_date=dt.date(2025, 6, 1),
        outcome=PlacementOutcome.RETURNED_HOME,
    )
    child.refresh_from_db()
    assert child.current_organization is None and child.placed_since is None
    assert child.events.filter(kind=EventKind.RETURN_HOME).count() == 1
    with pytest.raises(ValidationError, match="уже закрыто"):
        services.placement_close(
            actor=curator_altai,
            placement=placement,
            end_date=dt.date(2025, 6, 2),
            outcome=PlacementOutcome.OTHER,
        )


def test_new_placement_cannot_start_before_previous_ended(curator_altai, home_barnaul, home_biysk):
    child = make_child(centre("22"))
    first = place(child, home_barnaul, start=dt.date(2024, 1, 1))
    services.placement_close(
        actor=curator_altai,
        placement=first,
        end_date=dt.date(2024, 6, 1),
        outcome=PlacementOutcome.ANOTHER_ORGANIZATION,
    )
    with pytest.raises(ValidationError, match="раньше выбытия"):
        place(child, home_biysk, start=dt.date(2024, 5, 1))
    place(child, home_biysk, start=dt.date(2024, 6, 1))
    assert child.placements.count() == 2


def test_database_refuses_a_second_open_placement_even_bypassing_the_service(home_barnaul, home_biysk):
    from django.db import IntegrityError, transaction

    child = make_child(centre("22"))
    place(child, home_barnaul)
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.create(
            child=child, organization=home_biysk, kind="other", start_date=dt.date(2025, 2, 1), basis="обход"
        )


def test_route_change_needs_a_reason_and_is_in_the_timeline(curator_altai):
    child = make_child(centre("22"))
    with pytest.raises(ValidationError, match="причину"):
        services.route_change(
            actor=curator_altai,
            child=child,
            goal=RouteGoal.RETURN_HOME,
            reason=" ",
            expected_version=child.case.version,
        )
    with pytest.raises(ValidationError, match="уже прошла"):
        services.route_change(
            actor=curator_altai,
            child=child,
            goal=RouteGoal.RETURN_HOME,
            reason="Мама готова",
            next_review_date=dt.date(2020, 1, 1),
            expected_version=child.case.version,
        )
    services.route_change(
        actor=curator_altai, child=child, goal=RouteGoal.RETURN_HOME, reason="Мама готова", expected_version=1
    )
    child.case.refresh_from_db()
    assert child.case.goal == RouteGoal.RETURN_HOME
    event = child.events.get(kind=EventKind.ROUTE_CHANGE)
    assert "Мама готова" in event.title
    stale = services.route_change
    with pytest.raises(ValidationError, match="изменил другой пользователь"):
        stale(
            actor=curator_altai,
            child=child,
            goal=RouteGoal.SUBSTITUTE_FAMILY,
            reason="иначе",
            expected_version=1,
        )


def test_duplicates_are_found_by_snils_certificate_and_normalised_name():
    base = make_child(
        centre("22"),
        last_name="Ёжиков",
        first_name="Пётр",
        middle_name="Ильич",
        birth_date=dt.date(2014, 2, 2),
        birth_certificate="II-АБ 111111",
    )
    by_snils = duplicate_candidates(snils=base.snils)
    by_certificate = duplicate_candidates(birth_certificate="II-АБ 111111")
    by_name = duplicate_candidates(
        last_name="  ежиков ", first_name="ПЁТР", middle_name="ильич", birth_date=dt.date(2014, 2, 2)
    )
    assert list(by_snils) == list(by_certificate) == list(by_name) == [base]
    assert not duplicate_candidates(
        last_name="Ежиков", first_name="Петр", middle_name="Ильич", birth_date=dt.date(2014, 2, 3)
    ).exists()


def test_create_stops_at_a_likely_duplicate_until_confirmed(curator_altai):
    make_child(
        centre("22"), last_name="Сидоров", first_name="Олег", middle_name="", birth_date=dt.date(2012, 1, 1)
    )
    data = child_data(
        centre("22"), last_name="СИДОРОВ", first_name="олег", middle_name="", birth_date=dt.date(2012, 1, 1)
    )
    before = counts()
    with pytest.raises(services.DuplicateSuspected) as caught:
        services.child_create(actor=curator_altai, data=data)
    assert len(caught.value.candidates) == 1
    assert counts() == before
    services.child_create(actor=curator_altai, data=data, confirm_not_duplicate=True)
    assert Child.objects.count() == before[0] + 1


def test_merge_keeps_every_placement_and_event_and_is_audited(curator_altai, home_barnaul, home_biysk):
    keep = make_child(
        centre("22"), snils="", last_name="Петров", first_name="Иван", birth_date=dt.date(2013, 3, 3)
    )
    duplicate = make_child(
        centre("22"), last_name="Петров", first_name="Иван", birth_date=dt.date(2013, 3, 3)
    )
    first = place(keep, home_barnaul, start=dt.date(2023, 1, 1))
    services.placement_close(
        actor=curator_altai,
        placement=first,
        end_date=dt.date(2023, 5, 1),
        outcome=PlacementOutcome.RETURNED_HOME,
    )
    place(duplicate, home_biysk, start=dt.date(2024, 1, 1))
    events_total = Event.objects.filter(child__in=[keep, duplicate]).count()
    duplicate_snils = duplicate.snils

    services.child_merge(actor=curator_altai, keep=keep, duplicate=duplicate)

    keep.refresh_from_db()
    duplicate.refresh_from_db()
    assert keep.placements.count() == 2
    assert keep.events.count() == events_total + 1  # + the merge event
    assert keep.current_organization == home_biysk and keep.snils == duplicate_snils
    assert duplicate.merged_into == keep and not duplicate.placements.exists()
    assert AuditEntry.objects.filter(action=AuditAction.MERGE).count() == 2
    assert duplicate not in list(
        duplicate_candidates(last_name="Петров", first_name="Иван", birth_date=dt.date(2013, 3, 3))
    )


def test_merge_refuses_two_open_placements(curator_altai, home_barnaul, home_biysk):
    keep, duplicate = make_child(centre("22")), make_child(centre("22"))
    place(keep, home_barnaul)
    place(duplicate, home_biysk)
    with pytest.raises(ValidationError, match="обеих записей"):
        services.child_merge(actor=curator_altai, keep=keep, duplicate=duplicate)
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_merge_across_regions_or_by_a_municipal_specialist_is_refused(curator_altai, municipal_barnaul):
    altai, perm = make_child(centre("22")), make_child(centre("59"))
    with pytest.raises(NotInScope):
        services.child_merge(actor=curator_altai, keep=altai, duplicate=perm)
    other = make_child(centre("22"))
    with pytest.raises(ActionNotAllowed):
        services.child_merge(actor=municipal_barnaul, keep=altai, duplicate=other)


def test_duplicate_groups_are_scoped(curator_altai, curator_perm):
    for municipality in (centre("22"), centre("22"), centre("59"), centre("59")):
        make_child(
            municipality, snils="", last_name="Двойников", first_name="Антон", birth_date=dt.date(2011, 1, 1)
        )
    groups = duplicate_groups(actor=curator_altai)
    assert len(groups) == 1 and {c.subject.code for c in groups[0].children} == {"22"}


def test_family_status_rules(curator_altai):
    family = make_family(centre("22"))
    with pytest.raises(ValidationError, match="раньше даты начала"):
        services.family_status_add(
            actor=curator_altai,
            family=family,
            data={
                "kind": "sop",
                "start_date": dt.date(2025, 3, 1),
                "end_date": dt.date(2025, 2, 1),
                "basis": "КДН",
            },
        )
    with pytest.raises(ValidationError, match="в будущем"):
        services.family_status_add(
            actor=curator_altai,
            family=family,
            data={"kind": "sop", "start_date": timezone.localdate() + dt.timedelta(days=3), "basis": "КДН"},
        )
    services.family_status_add(
        actor=curator_altai,
        family=family,
        data={"kind": "sop", "start_date": dt.date(2025, 3, 1), "basis": "Постановление КДНиЗП № 1"},
    )
    with pytest.raises(ValidationError, match="уже есть действующий"):
        services.family_status_add(
            actor=curator_altai,
            family=family,
            data={"kind": "sop", "start_date": dt.date(2025, 4, 1), "basis": "ещё"},
        )
    assert family.statuses.count() == 1


def test_child_may_move_between_municipalities_of_own_region_only(curator_altai):
    child = make_child(centre("22"))
    services.child_update(
        actor=curator_altai,
        child=child,
        data={"municipality": town("22", "Бийск")},
        expected_version=child.version,
    )
    child.refresh_from_db()
    assert child.municipality == town("22", "Бийск")
    with pytest.raises((NotInScope, ValidationError)):
        services.child_update(
            actor=curator_altai,
            child=child,
            data={"municipality": centre("59")},
            expected_version=child.version,
        )


def test_helpers_sanity():
    assert admin().grants.get().role == "federal_admin"
    assert make_org("Новый центр", municipality=centre("22")).subject.code == "22"
