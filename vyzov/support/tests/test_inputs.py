# ruff: noqa: F811 — the fixtures of test_support are imported by name
"""One field list per support entity (vyzov/support/inputs.py): the service and the page's form accept
the same fields, and a field the list does not name never reaches the model."""

import datetime as dt

import pytest
from django.utils import timezone

from vyzov.support import api, forms, inputs, services
from vyzov.support.models import Assessment, Contact, FamilyCase

from .test_support import barnaul_service, open_case, specialist_of  # noqa: F401

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_the_forms_ask_for_the_fields_of_the_lists():
    assert forms.CaseOpenForm._meta.fields == ["specialist", *inputs.CASE_FIELDS]
    assert forms.AssessmentForm._meta.fields == inputs.ASSESSMENT_FIELDS
    assert forms.StepForm._meta.fields == inputs.STEP_FIELDS
    assert forms.ContactForm._meta.fields == inputs.CONTACT_FORM_FIELDS
    assert forms.ClubSessionForm._meta.fields == inputs.CLUB_SESSION_FIELDS
    assert forms.SpecialistForm._meta.fields == inputs.SPECIALIST_FORM_FIELDS
    assert forms.SpecialistEditForm._meta.fields == inputs.SPECIALIST_FIELDS


def test_the_api_shows_every_field_of_a_specialist():
    assert set(inputs.SPECIALIST_FIELDS) <= set(api.SpecialistOutput().fields)


def test_anna_cannot_slip_a_status_into_a_new_case(barnaul_service):
    anna, anna_user = specialist_of(barnaul_service, "anna")
    case = open_case(anna_user, barnaul_service, anna, status="closed", outcome="returned", version=7)
    case = FamilyCase.objects.get(pk=case.pk)
    assert (case.status, case.outcome) == ("open", "")


def test_anna_cannot_move_an_assessment_to_another_case(barnaul_service):
    anna, anna_user = specialist_of(barnaul_service, "anna")
    case = open_case(anna_user, barnaul_service, anna)
    other = open_case(anna_user, barnaul_service, anna)
    assessment = services.assessment_add(
        actor=anna_user,
        case=case,
        data={"date": TODAY, "needs": ["housing"], "risk_level": "high", "case": other},  # type: ignore[typeddict-unknown-key]
    )
    assert Assessment.objects.get(pk=assessment.pk).case_id == case.pk
    assert FamilyCase.objects.get(pk=case.pk).risk_level == "high"


def test_anna_records_a_contact_with_only_its_fields(barnaul_service):
    anna, anna_user = specialist_of(barnaul_service, "anna")
    case = open_case(anna_user, barnaul_service, anna)
    contact = services.contact_add(
        actor=anna_user,
        case=case,
        data={  # type: ignore[typeddict-unknown-key]
            "date": TODAY - dt.timedelta(days=1),
            "kind": "visit",
            "note": "Дома чисто",
            "specialist": anna,
            "created_by": None,
        },
    )
    contact = Contact.objects.get(pk=contact.pk)
    assert contact.created_by == anna_user and contact.note == "Дома чисто"


def test_anna_changes_only_the_specialist_fields_given(barnaul_service):
    anna, anna_user = specialist_of(barnaul_service, "anna")
    anna.position = "педагог-психолог"
    anna.save()
    services.specialist_update(
        actor=anna_user,
        specialist=anna,
        data={"full_name": "Анна Петрова", "service": None},  # type: ignore[typeddict-unknown-key]
    )
    anna.refresh_from_db()
    assert (anna.full_name, anna.position, anna.service_id) == (
        "Анна Петрова",
        "педагог-психолог",
        barnaul_service.pk,
    )
