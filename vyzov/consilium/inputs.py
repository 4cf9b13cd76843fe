"""What the consilia's writing services accept: one TypedDict per entity and the field list made from it,
shared by the service and the page's form (checked by a test). A key outside the list never reaches the
model; every key is optional, an update passes only what it changes."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, TypedDict

from vyzov.core.inputs import fields_of

if TYPE_CHECKING:
    from vyzov.accounts.models import User
    from vyzov.cases.models import Child, Family
    from vyzov.territories.models import Municipality, Organization, Subject


class ConsiliumData(TypedDict, total=False):
    title: str
    level: str
    region_model: int
    subject: Subject
    municipality: Municipality | None
    organization: Organization | None
    seat: str
    chair_kind: str
    chair_name: str
    schedule: str


class MemberData(TypedDict, total=False):
    user: User | None
    full_name: str
    agency: str
    role: str


class ReviewData(TypedDict, total=False):
    """The answers of a child's review (the decision is taken apart, by review_decide)."""

    placement_justified: str
    placement_comment: str
    family_measures: str
    family_measures_comment: str
    return_prospect: str
    return_measures: str
    substitute_family: str
    parental_rights: str
    parental_rights_comment: str
    services_needed: list[str]
    support_assessment: str


class FamilyReviewData(TypedDict, total=False):
    risk: str
    situation: str
    services_needed: list[str]
    measures: str
    next_review_date: dt.date | None
    escalate: bool


class DocumentData(TypedDict, total=False):
    """An algorithm or an ИПР; what it is and whom it concerns are set by the first edition and stay."""

    kind: str
    title: str
    review_date: dt.date | None
    child: Child | None
    family: Family | None


CONSILIUM_FIELDS = fields_of(ConsiliumData)
MEMBER_FIELDS = fields_of(MemberData)
REVIEW_FIELDS = fields_of(ReviewData)
FAMILY_REVIEW_FIELDS = fields_of(FamilyReviewData)
DOCUMENT_CREATE_FIELDS = fields_of(DocumentData)
DOCUMENT_FIELDS = ["title", "review_date"]  # what a draft's edit changes
