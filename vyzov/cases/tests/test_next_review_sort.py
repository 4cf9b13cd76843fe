"""The child's stored next review date (the list's «ближайший пересмотр» sort reads it over an index)
follows every write of the case's date."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from conftest import centre
from vyzov.cases import selectors, services
from vyzov.cases.models import Case, Child, RouteGoal

from .factories import make_child

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def stored(child: Child) -> dt.date | None:
    return Child.objects.values_list("next_review_date", flat=True).get(pk=child.pk)


def change(actor, child: Child, when: dt.date | None) -> None:
    child = Child.objects.get(pk=child.pk)
    services.route_change(
        actor=actor,
        child=child,
        goal=RouteGoal.RETURN_HOME,
        reason="План пересмотра",
        next_review_date=when,
        expected_version=child.case.version,
    )


def test_curator_changes_the_review_date_and_the_child_row_follows(curator_altai):
    child = make_child(centre("22"))
    assert stored(child) is None
    change(curator_altai, child, TODAY + dt.timedelta(days=30))
    assert stored(child) == Case.objects.get(child=child).next_review_date == TODAY + dt.timedelta(days=30)
    change(curator_altai, child, None)
    assert stored(child) is None is Case.objects.get(child=child).next_review_date


def test_merge_keeps_the_kept_childs_date_and_hides_the_duplicate(curator_altai):
    keep = make_child(centre("22"), snils="", last_name="Петров", birth_date=dt.date(2013, 3, 3))
    duplicate = make_child(centre("22"), last_name="Петров", birth_date=dt.date(2013, 3, 3))
    change(curator_altai, keep, TODAY + dt.timedelta(days=40))
    change(curator_altai, duplicate, TODAY + dt.timedelta(days=5))
    services.child_merge(actor=curator_altai, keep=keep, duplicate=duplicate)
    assert stored(keep) == Case.objects.get(child=keep).next_review_date == TODAY + dt.timedelta(days=40)
    listed = list(selectors.child_list(actor=curator_altai, filters={"sort": "next_review"}))
    assert keep in listed and duplicate not in listed


def test_sort_by_next_review_orders_by_the_case_date_nulls_last_ties_by_id(curator_altai, fed_admin):
    soon, later, tie_a, tie_b, never = (make_child(centre("22")) for _ in range(5))
    change(curator_altai, later, TODAY + dt.timedelta(days=90))
    change(curator_altai, soon, TODAY + dt.timedelta(days=3))
    change(curator_altai, tie_b, TODAY + dt.timedelta(days=10))
    change(curator_altai, tie_a, TODAY + dt.timedelta(days=10))
    order = [child.pk for child in selectors.child_list(actor=fed_admin, filters={"sort": "next_review"})]
    assert order == [soon.pk, *sorted([tie_a.pk, tie_b.pk]), later.pk, never.pk]


def test_the_migration_copies_every_case_date_to_its_child(curator_altai):
    dated, undated = make_child(centre("22")), make_child(centre("22"))
    change(curator_altai, dated, TODAY + dt.timedelta(days=20))
    Child.objects.update(next_review_date=None)
    migration = importlib.import_module("vyzov.cases.migrations.0009_child_next_review_date")
    migration.copy_from_cases(django_apps, None)
    assert stored(dated) == TODAY + dt.timedelta(days=20)
    assert stored(undated) is None
