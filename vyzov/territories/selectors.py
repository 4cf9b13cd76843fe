"""Reads of territories and organisations, already scoped by the access policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from vyzov.accounts.access import Perm, get_in_scope, scope
from vyzov.accounts.models import User
from vyzov.core.text import normalize_for_search

from .models import FederalDistrict, Municipality, Organization, OrganizationKind, Subject


def subject_list(*, actor: User) -> QuerySet[Subject]:
    return scope(actor, Subject.objects.select_related("district"), Perm.TERRITORIES_VIEW)


def subject_get(*, actor: User, code: str) -> Subject:
    return get_in_scope(actor, Subject.objects.select_related("district"), Perm.TERRITORIES_VIEW, code=code)


def municipality_list(*, actor: User, filters: dict[str, Any] | None = None) -> QuerySet[Municipality]:
    filters = filters or {}
    qs = scope(actor, Municipality.objects.select_related("subject"), Perm.TERRITORIES_VIEW)
    if filters.get("subject"):
        qs = qs.filter(subject=filters["subject"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("q"):
        qs = qs.filter(search_name__contains=normalize_for_search(filters["q"]))
    return qs.order_by("-is_regional_centre", "-population", "name")


def subjects_in_reach(*, actor: User, perm: str) -> QuerySet[Subject]:
    """The subjects where the actor may work with `perm`: those of a subject (or wider) grant and those
    of every municipality (or organisation) granted to them — the choice of «Субъект РФ» on a form
    that then narrows to a municipality."""
    municipalities = scope(actor, Municipality.objects.all(), perm)
    return Subject.objects.filter(
        Q(pk__in=scope(actor, Subject.objects.all(), perm).values("pk"))
        | Q(pk__in=municipalities.values("subject"))
    ).order_by("name")


def municipality_options(*, actor: User, perm: str, subject_id: object) -> QuerySet[Municipality]:
    """Municipalities of one subject where the actor holds `perm` (for dependent selects)."""
    try:
        subject_pk = int(subject_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return Municipality.objects.none()
    return scope(actor, Municipality.objects.filter(subject_id=subject_pk), perm).order_by(
        "-is_regional_centre", "name"
    )


def municipality_get(*, actor: User, pk: int | str) -> Municipality:
    return get_in_scope(
        actor, Municipality.objects.select_related("subject__district"), Perm.TERRITORIES_VIEW, pk=pk
    )


def organization_list(
    *, actor: User, filters: dict[str, Any] | None = None, perm: str = Perm.TERRITORIES_VIEW
) -> QuerySet[Organization]:
    filters = filters or {}
    qs = scope(actor, Organization.objects.select_related("subject", "municipality"), perm)
    if filters.get("q"):
        qs = qs.filter(search_name__contains=normalize_for_search(filters["q"]))
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("subject"):
        qs = qs.filter(subject=filters["subject"])
    if filters.get("municipality"):
        qs = qs.filter(municipality=filters["municipality"])
    if filters.get("is_active") in (True, False):
        qs = qs.filter(is_active=filters["is_active"])
    return qs.order_by("name", "id")


def organization_get(*, actor: User, pk: int | str) -> Organization:
    return get_in_scope(
        actor,
        Organization.objects.select_related("subject__district", "municipality", "created_by", "updated_by"),
        Perm.TERRITORIES_VIEW,
        pk=pk,
    )


def organization_counts_by_kind(*, actor: User, subject: Subject | None = None) -> list[dict[str, Any]]:
    qs = scope(actor, Organization.objects.filter(is_active=True), Perm.TERRITORIES_VIEW)
    if subject is not None:
        qs = qs.filter(subject=subject)
    rows = qs.values("kind").annotate(total=Count("id")).order_by("-total")
    labels = dict(OrganizationKind.choices)
    return [
        {"kind": row["kind"], "label": labels.get(row["kind"], row["kind"]), "total": row["total"]}
        for row in rows
    ]


@dataclass
class SubjectNode:
    subject: Subject
    linked: bool  # False when the actor sees only part of the subject (a municipality or organisation)
    municipality_count: int


@dataclass
class DistrictNode:
    district: FederalDistrict
    subjects: list[SubjectNode] = field(default_factory=list)


def territory_tree(*, actor: User) -> list[DistrictNode]:
    """District → subject nodes for everything the actor can see; municipalities load per subject.

    An actor with a municipality or organisation grant sees their subject as an unlinked ancestor,
    so the tree still reads top-down.
    """
    visible_subjects = subject_list(actor=actor)
    municipality_counts = dict(
        municipality_list(actor=actor)
        .order_by()  # the list's ordering would otherwise join the GROUP BY
        .values_list("subject")
        .annotate(total=Count("id"))
        .values_list("subject", "total")
    )
    organization_subjects = (
        scope(actor, Organization.objects.all(), Perm.TERRITORIES_VIEW).values("subject").distinct()
    )
    subjects = (
        Subject.objects.select_related("district")
        .filter(
            Q(pk__in=visible_subjects.values("pk"))
            | Q(pk__in=list(municipality_counts))
            | Q(pk__in=organization_subjects)
        )
        .order_by("district__name", "name")
    )
    linked_ids = set(visible_subjects.values_list("pk", flat=True))
    tree: dict[int, DistrictNode] = {}
    for subject in subjects:
        node = tree.setdefault(subject.district_id, DistrictNode(district=subject.district))
        node.subjects.append(
            SubjectNode(
                subject=subject,
                linked=subject.pk in linked_ids,
                municipality_count=municipality_counts.get(subject.pk, 0),
            )
        )
    return list(tree.values())
