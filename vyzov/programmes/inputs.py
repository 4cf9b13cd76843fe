"""What the regional programmes' writing services accept: one TypedDict per entity and the field list made
from it, shared by the service and the page's form (checked by a test). What the policy resolves first —
the direction, the group, the assignment, the child or family of the register, the organisations — is
passed apart; a key outside the list never reaches the model."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from vyzov.core.inputs import fields_of

if TYPE_CHECKING:
    from vyzov.monitoring.models import Indicator

    from .models import WorkingGroupMeeting


class IndicatorData(TypedDict, total=False):
    """A programme's indicator (its direction and its yearly targets apart)."""

    name: str
    unit: str
    better: str
    baseline: Decimal
    monitoring_indicator: Indicator | None


class MeasureData(TypedDict, total=False):
    title: str
    responsible: str
    deadline: dt.date
    budget: Decimal | None


class WorkingGroupDocumentData(TypedDict, total=False):
    """A document of the МРГ's register (its file apart)."""

    kind: str
    title: str
    number: str
    date: dt.date | None
    approval_way: str
    approved_by: str
    status: str
    meeting: WorkingGroupMeeting | None


class CuratorVisitData(TypedDict, total=False):
    date: dt.date
    family_description: str
    with_guardianship: bool
    with_kdn: bool
    purpose: str
    result: str


class CuratorReceptionData(TypedDict, total=False):
    date: dt.date
    place: str
    people: int
    questions: str
    follow_up: str


class ControlCaseData(TypedDict, total=False):
    taken_on: dt.date
    description: str
    reason: str


class InspectionData(TypedDict, total=False):
    kind: str
    period_note: str
    date_from: dt.date
    date_to: dt.date
    findings: str
    recommendations: str


INDICATOR_FIELDS = fields_of(IndicatorData)
MEASURE_FIELDS = fields_of(MeasureData)
DOCUMENT_FIELDS = fields_of(WorkingGroupDocumentData)
VISIT_FIELDS = fields_of(CuratorVisitData)
RECEPTION_FIELDS = fields_of(CuratorReceptionData)
CONTROL_FIELDS = fields_of(ControlCaseData)
INSPECTION_FIELDS = fields_of(InspectionData)
