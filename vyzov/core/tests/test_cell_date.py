"""`core.xlsx.cell_date`: the one reading of a date cell for both importers (the register's list of
children and the monitoring figures), with the same Russian message for what is not a date."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from vyzov.core.xlsx import DATE_MESSAGE, cell_date


@pytest.mark.parametrize(
    "value",
    [
        dt.date(2025, 10, 1),
        dt.datetime(2025, 10, 1, 0, 0),
        "01.10.2025",
        " 01.10.2025 ",
        "2025-10-01",
        "01/10/2025",
    ],
)
def test_dates_typed_or_stored_by_excel_are_read(value):
    assert cell_date(value) == dt.date(2025, 10, 1)


@pytest.mark.parametrize("value", [None, "", "31.02.2025", "1 октября", 45931.0, "01.10.25"])
def test_what_is_not_a_date_is_named_in_russian(value):
    with pytest.raises(ValidationError) as caught:
        cell_date(value)
    assert caught.value.messages == [DATE_MESSAGE] == ["Дата записывается как ДД.ММ.ГГГГ."]


def test_an_importer_may_read_fewer_formats():
    assert cell_date("01.10.2025", formats=("%d.%m.%Y",)) == dt.date(2025, 10, 1)
    with pytest.raises(ValidationError):
        cell_date("01/10/2025", formats=("%d.%m.%Y", "%Y-%m-%d"))
