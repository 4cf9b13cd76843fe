"""One field list per NGO aid entity (vyzov/ngo_aid/inputs.py): the request, its lines and the fund's
income take the same fields on the page, in the API and in the service."""

from vyzov.ngo_aid import api, forms, inputs


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
