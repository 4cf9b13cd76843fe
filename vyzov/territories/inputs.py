"""What the territories' writing services accept: the organisation's fields as a TypedDict, and the one
field list made from it (service, form, API input and output)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from vyzov.core.inputs import fields_of

if TYPE_CHECKING:
    from .models import Municipality, Subject


class OrganizationData(TypedDict, total=False):
    name: str
    short_name: str
    kind: str
    subject: Subject
    municipality: Municipality | None
    address: str
    capacity: int | None
    inn: str
    phone: str
    email: str
    website: str
    is_active: bool


ORGANIZATION_FIELDS = fields_of(OrganizationData)
