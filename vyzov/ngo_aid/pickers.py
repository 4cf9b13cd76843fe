"""Pickers of NGO aid: the family of an aid request."""

from __future__ import annotations

from vyzov.accounts.models import User
from vyzov.accounts.privacy import sees_personal
from vyzov.cases.pickers import family_choices
from vyzov.core.pickers import Choice, register

from .selectors import request_families


@register("families", "aid_request")
def families_for_aid_request(*, actor: User, query, params) -> list[Choice]:
    """The families a request may be made for (family_for_request)."""
    return family_choices(
        actor=actor, families=request_families(actor=actor), query=query, personal=sees_personal(actor)
    )
