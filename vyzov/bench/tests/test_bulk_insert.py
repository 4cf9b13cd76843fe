"""vyzov.core.bulk.bulk_insert (the national generator and the demo) writes the same rows as bulk_create."""

import datetime as dt

from django.forms.models import model_to_dict

from conftest import centre, subject
from vyzov.cases.models import Child, Event, EventKind, Family
from vyzov.core.bulk import bulk_insert

SKIP = {"id", "created_at", "updated_at"}


def _families(title: str) -> list[Family]:
    return [
        Family(
            subject=subject("22"), municipality=centre("22"), title=f"{title} {n}", notes="н", search_name="с"
        )
        for n in range(3)
    ]


def _children(families: list[Family], last_name: str) -> list[Child]:
    return [
        Child(
            last_name=last_name,
            first_name="Анна",
            birth_date=dt.date(2015, 3, n + 1),
            sex="F",
            legal_status="orphan",
            has_living_parents=bool(n % 2),
            health_group=None if n else 2,
            family=family,  # saved after the child was built: its key is taken at insert time
            subject=family.subject,
            municipality=family.municipality,
            placed_since=dt.date(2024, 1, 9) if n else None,
            search_name=f"{last_name.lower()} анна",
        )
        for n, family in enumerate(families)
    ]


def _rows(objs) -> list[dict]:
    model = type(objs[0])
    stored = model.objects.filter(pk__in=[obj.pk for obj in objs]).order_by("pk")
    return [{k: v for k, v in model_to_dict(obj).items() if k not in SKIP} for obj in stored]


def test_bulk_insert_writes_what_bulk_create_writes_and_sets_the_keys(db):
    by_django, by_us = _families("Семья"), _families("Семья")
    children_django, children_us = _children(by_django, "Петрова"), _children(by_us, "Петрова")
    Family.objects.bulk_create(by_django)
    bulk_insert(by_us, batch_size=2)  # two statements
    Child.objects.bulk_create(children_django)
    bulk_insert(children_us)
    assert all(family.pk and not family._state.adding for family in by_us)
    assert [child.family_id for child in children_us] == [family.pk for family in by_us]

    def without_links(rows):
        return [{k: v for k, v in row.items() if k != "family"} for row in rows]

    assert without_links(_rows(children_us)) == without_links(_rows(children_django))
    assert _rows(by_us) == _rows(by_django)
    stored = Family.objects.get(pk=by_us[0].pk)
    assert stored.created_at is not None and stored.version == 1  # auto_now_add and defaults


def test_bulk_insert_prepares_json_and_dates(db):
    family = bulk_insert(_families("Семья"))[0]
    child = bulk_insert(_children([family], "Иванова"))[0]
    events = [
        Event(child=child, kind=EventKind.REGISTERED, date=dt.date(2024, 2, 29), details={"источник": [1, 2]})
    ]
    bulk_insert(events)
    stored = Event.objects.get(pk=events[0].pk)
    assert stored.details == {"источник": [1, 2]} and stored.date == dt.date(2024, 2, 29)
    assert stored.created_at is not None
