"""Pickers of family support: the family on a service's intake form."""

from __future__ import annotations

from vyzov.accounts.access import Perm, scope
from vyzov.accounts.models import User
from vyzov.accounts.privacy import sees_personal
from vyzov.cases.pickers import family_choices
from vyzov.core.pickers import Choice, register

from .models import Service
from .selectors import service_families


@register("families", "support_case_open")
def families_for_case_open(*, actor: User, query, params) -> list[Choice]:
    """The families the intake form accepts (family_for_case_open): those of a service the actor manages."""
    try:
        service_pk = int(params.get("service", ""))
    except (TypeError, ValueError):
        return []
    service = (
        scope(actor, Service.objects.filter(pk=service_pk), Perm.SUPPORT_MANAGE)
        .select_related("organization")
        .first()
    )
    if service is None:
        return []
    return family_choices(
        actor=actor, families=service_families(service=service), query=query, personal=sees_personal(actor)
    )
