"""Issue 15: amounts in titles and messages (the audit log shows these) with thousands separators."""

import datetime as dt
from decimal import Decimal

from vyzov.ngo_aid.models import AidForm, AidRequestLine, FundIncome, IncomeSource, Payment


def test_amounts_are_written_with_group_separators():
    assert str(FundIncome(source=IncomeSource.GRANT, amount=Decimal("500000"))).endswith(
        "500\u202f000\u00a0₽"
    )
    assert (
        str(Payment(amount=Decimal("38500.50"), paid_on=dt.date(2026, 3, 2)))
        == "38\u202f500,50\u00a0₽ 02.03.2026"
    )
    form = AidForm(title="Оплата коммунальных услуг")
    assert (
        str(AidRequestLine(form=form, amount=Decimal("21000")))
        == "Оплата коммунальных услуг: 21\u202f000\u00a0₽"
    )
    assert str(AidRequestLine(form=form, in_kind="продукты")) == "Оплата коммунальных услуг: продукты"
