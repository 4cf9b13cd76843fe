"""One field list per NGO aid entity (vyzov/ngo_aid/inputs.py): the request, its lines and the fund's
income take the same fields on the page, in the API and in the service."""

import datetime as dt

import pytest

from conftest import make_org, subject
from vyzov.accounts.access import NotInScope
from vyzov.ngo_aid import api, forms, inputs, services
from vyzov.ngo_aid.models import Operator


def test_the_request_pages_and_the_api_take_the_fields_of_the_lists():
    page_fields = set(forms.RequestForm().fields) - {"family", "version"}
    assert page_fields == set(inputs.REQUEST_FIELDS)
    assert set(api.AidRequestInput().fields) - {"family", "lines"} == set(inputs.REQUEST_FIELDS)
    assert set(api.AidRequestUpdateInput().fields) - {"version", "lines"} == set(inputs.REQUEST_FIELDS)


def test_the_lines_and_the_income_take_the_fields_of_the_lists():
    assert set(forms.LineForm().fields) == set(inputs.LINE_FIELDS)
    assert set(api.LineInput().fields) == set(inputs.LINE_FIELDS)
    assert set(forms.IncomeForm().fields) == set(inputs.INCOME_FIELDS)


def test_a_blank_line_is_left_out():
    blank = forms.LineForm({"line0-form": "", "line0-amount": "", "line0-in_kind": ""}, prefix="line0")
    assert blank.is_valid()
    assert forms.line_data([blank]) == []


def test_the_appointment_takes_the_date_the_criteria_the_note_and_the_roles():
    assert forms.OperatorAppointmentForm._meta.fields == inputs.APPOINTMENT_FIELDS
    assert set(inputs.APPOINTMENT_FIELDS) == {
        "appointed_on",
        "selection_note",
        *Operator.CRITERIA,
        *Operator.ROLES,
    }


@pytest.mark.django_db
def test_fed_admin_cannot_move_an_operator_to_another_region_through_its_appointment(fed_admin):
    operator = Operator.objects.create(
        organization=make_org("НКО-оператор 38", kind="ngo", subject_=subject("38")), subject=subject("38")
    )
    data = {
        "appointed_on": dt.date(2025, 2, 1),
        "role_fund_manager": True,
        "subject": subject("22"),
        "version": 40,
    }
    services.operator_appointment_record(actor=fed_admin, operator=operator, data=data)  # type: ignore[typeddict-unknown-key]
    operator = Operator.objects.get(pk=operator.pk)
    assert operator.subject.code == "38" and operator.version == 2
    assert operator.role_fund_manager and operator.appointed_on == dt.date(2025, 2, 1)


@pytest.mark.django_db
def test_curator_altai_does_not_find_the_irkutsk_operator(curator_altai):
    operator = Operator.objects.create(
        organization=make_org("НКО-оператор 38", kind="ngo", subject_=subject("38")), subject=subject("38")
    )
    with pytest.raises(NotInScope):
        services.operator_appointment_record(
            actor=curator_altai, operator=operator, data={"appointed_on": dt.date(2025, 2, 1)}
        )
