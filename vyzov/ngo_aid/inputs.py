"""What the NGO aid services accept: one TypedDict per entity and the field list made from it, shared by
the service, the page's form and the API's input serializer (checked by a test)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from vyzov.core.inputs import fields_of

if TYPE_CHECKING:
    from .models import AidForm


class AidRequestData(TypedDict, total=False):
    """The request's own fields; the family is chosen at creation and stays."""

    children_count: int
    channel: str
    justification: str


class AidRequestLineData(TypedDict, total=False):
    """One form of aid asked for: an amount in roubles, or aid in kind."""

    form: AidForm
    amount: Decimal | str | None
    in_kind: str


class IncomeData(TypedDict, total=False):
    source: str
    amount: Decimal
    received_on: dt.date
    document: str


class OperatorAppointmentData(TypedDict, total=False):
    """The operator's appointment: the date, 004's criteria of the choice (Operator.CRITERIA), the
    reasoning and the operator's roles (Operator.ROLES); a criterion is yes, no or not assessed."""

    appointed_on: dt.date | None
    criterion_presidential_grants: bool | None
    criterion_property_staff: bool | None
    criterion_reputation: bool | None
    criterion_cooperation: bool | None
    criterion_family_help: bool | None
    selection_note: str
    role_fund_manager: bool
    role_leading_operator: bool
    role_resource_ngo: bool


REQUEST_FIELDS = fields_of(AidRequestData)
LINE_FIELDS = fields_of(AidRequestLineData)
INCOME_FIELDS = fields_of(IncomeData)
APPOINTMENT_FIELDS = fields_of(OperatorAppointmentData)
