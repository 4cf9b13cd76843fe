"""Amounts in messages and the audit log's object names read as Russian text, not code."""

from decimal import Decimal

import pytest

from vyzov.core.models import AuditEntry
from vyzov.core.numbers import format_rub


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("1234567.50"), "1\u202f234\u202f567,50\u00a0₽"),
        (Decimal("15000"), "15\u202f000\u00a0₽"),
        (Decimal("999.99"), "999,99\u00a0₽"),
        (0, "0\u00a0₽"),
        (Decimal("-2500"), "−2\u202f500\u00a0₽"),
    ],
)
def test_format_rub_groups_thousands_with_narrow_spaces(amount, text):
    assert format_rub(amount) == text


def test_audit_entry_names_the_object_type_in_russian():
    assert AuditEntry(object_type="accounts.user").object_type_display == "пользователь"
    assert AuditEntry(object_type="no_such.model").object_type_display == "no_such.model"
