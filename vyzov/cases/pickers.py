"""Pickers over the register: families and children, answered from the actor's scope.

A role that may see personal data finds a record by its name and sees the name with a distinguishing
detail (municipality, birth date); any other role finds it only by its register number and sees the
number and the municipality — a name typed by such a role matches nothing.
"""

from __future__ import annotations

from django.db.models import QuerySet

from vyzov.accounts.access import Perm, scope
from vyzov.accounts.models import User
from vyzov.accounts.privacy import sees_personal
from vyzov.core.pickers import Choice, query_number, register
from vyzov.core.text import normalize_for_search

from .models import Child, Family
from .selectors import with_personal_flag

LIMIT = 20


def family_choices(*, actor: User, families: QuerySet[Family], query: str, personal: bool) -> list[Choice]:
    """Families of `families` (already scoped) matching `query`: by number, and by name when `personal`."""
    number = query_number(query)
    if number is not None:
        families = families.filter(pk=number)
    elif personal:
        families = families.filter(search_name__contains=normalize_for_search(query))
    else:
        return []
    rows = families.select_related("municipality").order_by("title", "pk")[:LIMIT]
    return [
        Choice(
            pk=family.pk,
            label=family.title if personal else f"Семья № {family.pk}",
            detail=f"№ {family.pk}, {family.municipality.name}" if personal else family.municipality.name,
            personal=personal,
            subject_id=family.subject_id,
        )
        for family in rows
    ]


def child_choices(*, actor: User, children: QuerySet[Child], query: str) -> list[Choice]:
    """Children of `children` (already scoped) matching `query`; names only where the actor may see them
    (per row: a curator's personal-data grant may be narrower than the grant that lets them see)."""
    number = query_number(query)
    children = with_personal_flag(actor, children)
    if number is not None:
        children = children.filter(pk=number)
    elif sees_personal(actor):
        children = children.filter(personal=True, search_name__contains=normalize_for_search(query))
    else:
        return []
    rows = children.select_related("municipality").order_by("last_name", "first_name", "pk")[:LIMIT]
    return [child_choice(child) for child in rows]


def child_choice(child: Child) -> Choice:
    if child.personal:
        return Choice(
            pk=child.pk,
            label=" ".join(filter(None, [child.last_name, child.first_name, child.middle_name])),
            detail=f"{child.birth_date:%d.%m.%Y} г. р., {child.municipality.name}",
            personal=True,
            subject_id=child.subject_id,
        )
    return Choice(pk=child.pk, label=f"Ребёнок № {child.pk}", detail=child.municipality.name)


@register("families", "child_form")
def families_for_child_form(*, actor: User, query, params) -> list[Choice]:
    """The birth family on the child's form: families the actor may edit (the form's own queryset)."""
    families = scope(actor, Family.objects.all(), Perm.CASES_EDIT)
    return family_choices(actor=actor, families=families, query=query, personal=sees_personal(actor))


@register("children", "register")
def children_of_register(*, actor: User, query, params) -> list[Choice]:
    """Any child of the actor's register (e.g. the consilium agenda, resolved with cases.view_child)."""
    children = scope(actor, Child.objects.all(), Perm.CASES_VIEW)
    return child_choices(actor=actor, children=children, query=query)
