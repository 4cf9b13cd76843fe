"""What changing a user's profile accepts: one TypedDict and the field list made from it, shared by the
service and the page's form (checked by a test). Roles and territories are grants, changed apart."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from vyzov.core.inputs import fields_of

if TYPE_CHECKING:
    from vyzov.territories.models import Subject


class UserProfileData(TypedDict, total=False):
    full_name: str
    email: str
    position: str
    phone: str
    home_subject: Subject | None


USER_PROFILE_FIELDS = fields_of(UserProfileData)
