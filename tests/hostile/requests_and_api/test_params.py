"""Ids from query strings: one rule for every list and form; quarter arithmetic stays in the calendar."""

import datetime as dt

import pytest

from vyzov.core.params import NO_ROW, parse_id
from vyzov.monitoring.models import previous_quarter


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        (" 7 ", 7),
        ("", None),
        (None, None),
        ("abc", None),
        ("²", None),
        ("٣", None),
        ("-1", None),
        ("1e3", None),
        ("0", NO_ROW),
        ("9" * 30, NO_ROW),
        (str(2**63), NO_ROW),
        (str(2**63 - 1), 2**63 - 1),
    ],
)
def test_ids_from_query_strings_are_parsed_by_one_rule(text, expected):
    assert parse_id(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(1, 1, 1), dt.date(1, 1, 1)),
        (dt.date(1, 4, 1), dt.date(1, 1, 1)),
        (dt.date(2025, 1, 1), dt.date(2024, 10, 1)),
        (dt.date(2025, 7, 1), dt.date(2025, 4, 1)),
        (dt.date(9999, 10, 1), dt.date(9999, 7, 1)),
    ],
)
def test_previous_quarter_never_leaves_the_calendar(value, expected):
    assert previous_quarter(value) == expected
