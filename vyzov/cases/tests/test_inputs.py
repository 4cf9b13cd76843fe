"""One field list per register entity (vyzov/cases/inputs.py): the service, the page's form and the API's
input serializer accept the same fields, and a field the list does not name never reaches the model."""

import datetime as dt

import pytest

from conftest import centre
from vyzov.cases import api, forms, inputs, services
from vyzov.cases.models import Family

from .factories import make_family

pytestmark = pytest.mark.django_db


def test_the_forms_ask_for_the_fields_of_the_lists():
    assert forms.ChildForm._meta.fields == inputs.CHILD_FIELDS
    assert forms.FamilyForm._meta.fields == inputs.FAMILY_FORM_FIELDS
    assert forms.FamilyMemberForm._meta.fields == inputs.MEMBER_FIELDS
    assert forms.FamilyStatusForm._meta.fields == inputs.STATUS_FIELDS
    assert forms.PlacementForm._meta.fields == inputs.PLACEMENT_FIELDS


def test_the_api_inputs_accept_only_fields_of_the_lists():
    assert set(api.ChildInput().fields) - {"confirm_not_duplicate", "version"} <= set(inputs.CHILD_FIELDS)
    assert set(api.FamilyInput().fields) <= set(inputs.FAMILY_FIELDS)
    assert set(api.PlacementInput().fields) - {"child"} <= set(inputs.PLACEMENT_FIELDS)


def test_the_family_form_leaves_the_subject_to_the_municipality():
    assert "subject" in inputs.FAMILY_FIELDS and "subject" not in inputs.FAMILY_FORM_FIELDS


def test_curator_altai_cannot_slip_an_unlisted_field_into_a_family(curator_altai):
    data = {"municipality": centre("22"), "title": "Семья Орловых", "version": 99, "search_name": "x"}
    family = services.family_create(actor=curator_altai, data=data)  # type: ignore[typeddict-unknown-key]
    family.refresh_from_db()
    assert family.version != 99 and family.search_name != "x"
    assert family.subject.code == "22"


def test_curator_altai_changes_only_the_fields_given(curator_altai):
    family = make_family(centre("22"), title="Семья Орловых")
    family.address, family.notes = "ул. Мира, 5", "Мама работает"
    family.save()
    services.family_update(
        actor=curator_altai, family=family, data={"address": "ул. Мира, 7"}, expected_version=family.version
    )
    family = Family.objects.get(pk=family.pk)
    assert (family.address, family.notes, family.title) == ("ул. Мира, 7", "Мама работает", "Семья Орловых")


def test_a_status_ignores_what_is_not_a_status_field(curator_altai):
    family = make_family(centre("22"))
    status = services.family_status_add(
        actor=curator_altai,
        family=family,
        data={"kind": "tzhs", "start_date": dt.date(2025, 3, 1), "basis": "Заявление", "family": None},  # type: ignore[typeddict-unknown-key]
    )
    assert status.family == family
