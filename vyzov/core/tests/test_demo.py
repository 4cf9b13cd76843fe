"""`make run` loads the demo twice without duplicating anything, and refuses production."""

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from vyzov.accounts.models import Grant, Role, User
from vyzov.territories.models import FederalDistrict, Municipality, Organization, Subject

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=True)
def test_demo_loads_every_role_and_is_idempotent():
    call_command("load_demo")
    counts = [
        User.objects.count(),
        Grant.objects.count(),
        Organization.objects.count(),
        Municipality.objects.count(),
    ]
    call_command("load_demo")
    assert [
        User.objects.count(),
        Grant.objects.count(),
        Organization.objects.count(),
        Municipality.objects.count(),
    ] == counts
    assert set(Grant.objects.values_list("role", flat=True)) == set(Role.values)
    assert FederalDistrict.objects.count() == 8
    assert Subject.objects.count() == 89 and Subject.objects.filter(is_pilot=True).count() == 14


@override_settings(DEBUG=False)
def test_demo_refuses_production():
    with pytest.raises(CommandError, match="не загружаются"):
        call_command("load_demo")
    assert not User.objects.exists()


def test_every_pilot_region_has_its_ngo_operator_from_the_seed():
    from vyzov.territories import demo

    demo.load()
    assert Organization.objects.filter(kind="ngo").count() == 14
    assert Organization.objects.filter(name__contains="Добрые сердца.56", subject__code="56").exists()
