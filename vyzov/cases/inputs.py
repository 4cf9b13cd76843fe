"""What the register's writing services accept: one TypedDict per entity and the field list made from it.

The service (`services.child_create(data=ChildData)` …), the page's form (`Meta.fields`) and the API's
input serializer (its fields, checked by a test) use the same list, so a field added to an entity is
added here once. Every key is optional: an update passes only what it changes."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, TypedDict

from vyzov.core.inputs import fields_of

if TYPE_CHECKING:
    from vyzov.territories.models import Municipality, Organization, Subject

    from .models import Family


class ChildData(TypedDict, total=False):
    last_name: str
    first_name: str
    middle_name: str
    birth_date: dt.date
    sex: str
    snils: str
    birth_certificate: str
    legal_status: str
    has_living_parents: bool
    disability: bool
    health_group: int | None
    subject: Subject
    municipality: Municipality | None
    family: Family | None


class FamilyData(TypedDict, total=False):
    title: str
    municipality: Municipality
    address: str
    is_large: bool | None
    notes: str
    subject: Subject  # taken from the municipality when not given (the form does not ask for it)


class FamilyMemberData(TypedDict, total=False):
    last_name: str
    first_name: str
    middle_name: str
    birth_date: dt.date | None
    relation: str
    parental_rights: str
    is_alive: bool
    phone: str


class FamilyStatusData(TypedDict, total=False):
    kind: str
    start_date: dt.date
    end_date: dt.date | None
    basis: str


class PlacementData(TypedDict, total=False):
    organization: Organization
    kind: str
    start_date: dt.date
    basis: str
    planned_end_date: dt.date | None


CHILD_FIELDS = fields_of(ChildData)
FAMILY_FIELDS = fields_of(FamilyData)
FAMILY_FORM_FIELDS = [name for name in FAMILY_FIELDS if name != "subject"]
MEMBER_FIELDS = fields_of(FamilyMemberData)
STATUS_FIELDS = fields_of(FamilyStatusData)
PLACEMENT_FIELDS = fields_of(PlacementData)
