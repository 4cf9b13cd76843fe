"""What the family-support services accept: one TypedDict per entity and the field list made from it,
shared by the service (`given(data, FIELDS)`) and the page's form (checked by a test). Every key is
optional: an update passes only what it changes, and a key outside the list never reaches the model."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from vyzov.core.inputs import fields_of

if TYPE_CHECKING:
    from vyzov.ngo_aid.models import AidRequest
    from vyzov.territories.models import Organization

    from .models import Specialist, SupervisionFormat


class CaseData(TypedDict, total=False):
    """A case's intake; the service, family and specialist are chosen apart (resolved by the policy)."""

    referral: str
    reason: str
    intake_date: dt.date
    children_count: int


class AssessmentData(TypedDict, total=False):
    date: dt.date
    needs: list[str]
    resources: str
    risk_level: str
    notes: str


class StepData(TypedDict, total=False):
    goal: str
    action: str
    responsible: Specialist | None
    partner: Organization | None
    due_date: dt.date


class ContactData(TypedDict, total=False):
    date: dt.date
    kind: str
    note: str
    specialist: Specialist
    aid_request: AidRequest | None  # a contact about an NGO aid request of the same family


class SpecialistData(TypedDict, total=False):
    full_name: str
    position: str
    kind: str
    profile_education: bool
    club_course_on: dt.date | None
    supervisor_trained_on: dt.date | None
    supervisor_trained_by: str
    is_active: bool


class ClubSessionData(TypedDict, total=False):
    date: dt.date
    topic: str
    facilitator: str
    families_attended: int
    children_attended: int


class SupervisionData(TypedDict, total=False):
    """A supervision session; its participants and cases are given apart."""

    format: SupervisionFormat
    date: dt.date
    supervisor: str
    hours: Decimal | float | int
    recommendations: str


class MethodEventData(TypedDict, total=False):
    organization: Organization
    kind: str
    date: dt.date
    title: str
    participants: int
    description: str


CASE_FIELDS = fields_of(CaseData)
ASSESSMENT_FIELDS = fields_of(AssessmentData)
STEP_FIELDS = fields_of(StepData)
CONTACT_FIELDS = fields_of(ContactData)
CONTACT_FORM_FIELDS = [name for name in CONTACT_FIELDS if name != "aid_request"]
SPECIALIST_FIELDS = fields_of(SpecialistData)
SPECIALIST_FORM_FIELDS = [name for name in SPECIALIST_FIELDS if name != "is_active"]
CLUB_SESSION_FIELDS = fields_of(ClubSessionData)
SUPERVISION_FIELDS = fields_of(SupervisionData)
METHOD_EVENT_FIELDS = fields_of(MethodEventData)
