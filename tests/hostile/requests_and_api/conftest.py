"""Data for the hostile-input suites: the demo's contests, monitoring, consilia, aid, programmes and
practices, a few children and families, and the demo accounts of every role — built once for the
package and committed, so that every list and card returns rows; removed again at the end."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from vyzov.accounts.models import User

ROLES = (
    "fed_admin",
    "fed_analyst",
    "curator_altai",
    "specialist_perm",
    "municipal_barnaul",
    "staff_altai_home",
    "service_altai",
    "ngo_irkutsk",
    "participant_chelyabinsk",
    "expert_samara",
    "analyst",
)


def _build() -> dict[str, int]:
    from vyzov.cases.tests.factories import make_child, make_family, place
    from vyzov.demo import accounts as accounts_demo
    from vyzov.demo import consilium as consilium_demo
    from vyzov.demo import contests as contests_demo
    from vyzov.demo import monitoring as monitoring_demo
    from vyzov.demo import ngo_aid as ngo_aid_demo
    from vyzov.demo import programmes as programmes_demo
    from vyzov.demo import territories as territories_demo
    from vyzov.monitoring.reference import load_all as load_monitoring_reference
    from vyzov.territories.models import Municipality, Organization, OrganizationKind, Subject
    from vyzov.territories.reference import load_territories

    if Subject.objects.count() != 89:  # a transactional test before this package flushed them
        load_territories()
    territories_demo.load()
    barnaul = Municipality.objects.get(subject__code="22", is_regional_centre=True)
    perm = Municipality.objects.get(subject__code="59", is_regional_centre=True)
    home = Organization.objects.filter(
        subject__code="22", kind=OrganizationKind.ORPHAN_INSTITUTION, municipality=barnaul
    ).first()
    family = make_family(barnaul, title="Семья Вымышленных")
    make_family(perm, title="Семья Придуманных")
    children = [make_child(barnaul, family=family), make_child(barnaul), make_child(perm)]
    if home:
        place(children[0], home, start=dt.date(2025, 1, 10))
    accounts_demo.load()
    load_monitoring_reference()
    monitoring_demo.load()
    consilium_demo.load()
    ngo_aid_demo.load()
    programmes_demo.load()
    contests_demo.load()
    return {"family": family.pk, "child": children[0].pk}


@pytest.fixture(scope="package")
def hostile_data(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ids = _build()
    yield ids
    with django_db_blocker.unblock():
        from vyzov.territories.reference import load_territories

        call_command("flush", interactive=False, verbosity=0)
        load_territories()


@pytest.fixture
def people(hostile_data, db) -> dict[str, User]:
    return {user.username: user for user in User.objects.filter(username__in=ROLES)}
