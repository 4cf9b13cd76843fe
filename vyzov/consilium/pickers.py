"""Pickers of the consilium: a family at risk for a meeting's agenda."""

from __future__ import annotations

from django.http import Http404

from vyzov.accounts.models import User
from vyzov.accounts.privacy import sees_personal
from vyzov.cases.pickers import family_choices
from vyzov.core.params import parse_id
from vyzov.core.pickers import Choice, register

from . import selectors


@register("families", "consilium_agenda")
def families_for_agenda(*, actor: User, query, params) -> list[Choice]:
    """Families of the meeting's territory with no child in an institution (family_agenda_families)."""
    meeting_id = parse_id(params.get("meeting"))
    if not meeting_id:
        return []
    try:
        meeting = selectors.meeting_get(actor=actor, pk=meeting_id)
    except Http404:
        return []
    families = selectors.family_agenda_families(actor=actor, meeting=meeting)
    return family_choices(actor=actor, families=families, query=query, personal=sees_personal(actor))


@register("families", "consilium_document")
def families_for_document(*, actor: User, query, params) -> list[Choice]:
    """Families an ИПР of the consilium may be made for (document_families)."""
    consilium_id = parse_id(params.get("consilium"))
    if not consilium_id:
        return []
    try:
        consilium = selectors.consilium_get(actor=actor, pk=consilium_id)
    except Http404:
        return []
    families = selectors.document_families(actor=actor, consilium=consilium)
    return family_choices(actor=actor, families=families, query=query, personal=sees_personal(actor))
