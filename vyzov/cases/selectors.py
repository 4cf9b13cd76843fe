"""Reads of the register, already scoped by the access policy, with a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from vyzov.accounts.access import Perm, allows, get_in_scope, has_perm, scope, scope_condition
from vyzov.accounts.models import User
from vyzov.core.keyset import keys_of, ordering

from .models import (
    Case,
    CaseStatus,
    Child,
    CrossRegionDuplicate,
    Event,
    Family,
    ImportJob,
    Placement,
    name_key,
)

SORTS = {
    "name": ("last_name", "first_name", "id"),
    "-name": ("-last_name", "-first_name", "-id"),
    "birth_date": ("birth_date", "id"),
    "-birth_date": ("-birth_date", "-id"),
    "placed_since": ("placed_since", "id"),
    "-placed_since": ("-placed_since", "-id"),
    # The child's copy of the case's date (index child_next_review_order); no date comes last.
    "next_review": ("next_review_date", "id"),
    "id": ("id",),
}

M = TypeVar("M", bound=Model)


def _years_ago(years: int, today: dt.date) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _months_ago(months: int, today: dt.date) -> dt.date:
    month_index = today.year * 12 + today.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(today.day, 28 if month + 1 == 2 else 30 if month + 1 in (4, 6, 9, 11) else 31)
    return dt.date(year, month + 1, day)


def with_personal_flag(actor: User, queryset: QuerySet[M]) -> QuerySet[M]:
    """Annotate `personal`: whether the actor may see this child's (or family's) personal data.

    Computed from the row's own columns by the policy's condition: no subquery, no extra query.
    """
    condition = scope_condition(actor, queryset.model, Perm.CASES_VIEW_PERSONAL)
    flag: Value | ExpressionWrapper[Q]
    if condition is None:
        flag = Value(False, output_field=BooleanField())
    elif not condition:  # Q(): everything
        flag = Value(True, output_field=BooleanField())
    else:
        flag = ExpressionWrapper(condition, output_field=BooleanField())
    return cast(QuerySet[M], queryset.annotate(personal=flag))


def child_list(
    *, actor: User, filters: dict[str, Any] | None = None, today: dt.date | None = None
) -> QuerySet[Child]:
    """Children of the register in the actor's scope, filtered and sorted.

    Name search is applied only for actors allowed to see personal data: others must not be able
    to find a child by name.
    """
    filters = filters or {}
    today = today or timezone.localdate()
    qs = scope(actor, Child.objects.filter(merged_into__isnull=True), Perm.CASES_VIEW)
    if filters.get("subject"):
        qs = qs.filter(subject=filters["subject"])
    if filters.get("municipality"):
        qs = qs.filter(municipality=filters["municipality"])
    if filters.get("organization"):
        qs = qs.filter(current_organization=filters["organization"])
    if filters.get("placed") == "yes":
        qs = qs.filter(current_organization__isnull=False)
    elif filters.get("placed") == "no":
        qs = qs.filter(current_organization__isnull=True)
    if filters.get("age_min") is not None:
        qs = qs.filter(birth_date__lte=_years_ago(filters["age_min"], today))
    if filters.get("age_max") is not None:
        qs = qs.filter(birth_date__gt=_years_ago(filters["age_max"] + 1, today))
    if filters.get("legal_status"):
        qs = qs.filter(legal_status=filters["legal_status"])
    if filters.get("has_living_parents") in (True, False):
        qs = qs.filter(has_living_parents=filters["has_living_parents"])
    if filters.get("months_in_institution") is not None:
        qs = qs.filter(placed_since__lte=_months_ago(filters["months_in_institution"], today))
    if filters.get("goal"):
        qs = qs.filter(case__goal=filters["goal"])
    if filters.get("overdue_review"):
        qs = qs.filter(overdue_review_q(today))
    if filters.get("q") and has_perm(actor, Perm.CASES_VIEW_PERSONAL):
        needle = name_key(filters["q"], "", "")
        qs = scope(actor, qs, Perm.CASES_VIEW_PERSONAL).filter(search_name__startswith=needle)
    qs = qs.select_related("subject", "municipality", "current_organization", "case")
    return with_personal_flag(actor, qs).order_by(*ordering(keys_of(sort_order(filters.get("sort")))))


def sort_order(sort: str | None) -> tuple[str, ...]:
    """The list's order for a sort choice (NULL last ascending, first descending: core.keyset)."""
    return SORTS.get(sort or "name", SORTS["name"])


def overdue_review_q(today: dt.date) -> Q:
    """The one definition of an overdue route review, for lists, reports and the consilium agenda."""
    return Q(case__status=CaseStatus.OPEN, case__next_review_date__lt=today)


def child_get(*, actor: User, pk: int | str) -> Child:
    qs = with_personal_flag(
        actor,
        Child.objects.filter(merged_into__isnull=True).select_related(
            "subject__district", "municipality", "current_organization", "family", "case__responsible"
        ),
    )
    return get_in_scope(actor, qs, Perm.CASES_VIEW, pk=pk)


def child_placements(*, child: Child) -> list[Placement]:
    return list(child.placements.select_related("organization").order_by("-start_date", "-id"))


def child_timeline(*, child: Child, limit: int = 200) -> list[Event]:
    return list(child.events.select_related("created_by").order_by("-date", "-id")[:limit])


_children_count = Coalesce(
    Subquery(
        Child.objects.filter(family=OuterRef("pk"))
        .order_by()
        .values("family")
        .annotate(n=Count("id"))
        .values("n")[:1],
        output_field=IntegerField(),
    ),
    0,
)


FAMILY_ORDER = ("title", "id")  # the index family_title_order; the list pages by key (core.keyset)


def family_list(*, actor: User, filters: dict[str, Any] | None = None) -> QuerySet[Family]:
    filters = filters or {}
    qs = scope(actor, Family.objects.all(), Perm.CASES_VIEW)
    if filters.get("municipality"):
        qs = qs.filter(municipality=filters["municipality"])
    if filters.get("q") and has_perm(actor, Perm.CASES_VIEW_PERSONAL):
        qs = scope(actor, qs, Perm.CASES_VIEW_PERSONAL).filter(
            search_name__contains=name_key(filters["q"], "", "")
        )
    # Names are shown per row: a grant with personal data in one place does not open another place's names.
    return with_personal_flag(
        actor,
        qs.select_related("subject", "municipality")
        # A correlated count per shown row, not a GROUP BY over the whole join: the page reads 50 families.
        .annotate(child_count=_children_count)
        .order_by(*FAMILY_ORDER),
    )


def family_get(*, actor: User, pk: int | str) -> Family:
    return get_in_scope(
        actor, Family.objects.select_related("subject", "municipality"), Perm.CASES_VIEW, pk=pk
    )


def family_children(*, actor: User, family: Family) -> QuerySet[Child]:
    """The family's children that the actor may see (a brother may be in another scope)."""
    qs = scope(actor, family.children.filter(merged_into__isnull=True), Perm.CASES_VIEW)
    return with_personal_flag(actor, qs.select_related("current_organization", "case")).order_by("birth_date")


def family_has_active_status(*, family: Family, kinds: set[str], day: dt.date) -> bool:
    return (
        family.statuses.filter(kind__in=kinds, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .exists()
    )


# ---- duplicates ---------------------------------------------------------------------------------


# The one rule of likely duplicates: (what matches, which columns). Used by the forms, the API,
# the import and the duplicates page.
DUPLICATE_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("СНИЛС", ("snils",)),
    ("свидетельство о рождении", ("birth_certificate",)),
    ("ФИО и дата рождения", ("search_name", "birth_date")),
)


def duplicate_keys(
    *, snils: str, birth_certificate: str, search_name: str, birth_date: dt.date | None
) -> list[tuple[str, dict[str, Any]]]:
    """For each rule that applies: (rule, lookup). An empty document matches nothing."""
    values = {
        "snils": snils,
        "birth_certificate": birth_certificate,
        "search_name": search_name,
        "birth_date": birth_date,
    }
    return [
        (reason, {name: values[name] for name in fields})
        for reason, fields in DUPLICATE_RULES
        if all(values[name] for name in fields)
    ]


def duplicate_candidates(
    *,
    snils: str = "",
    birth_certificate: str = "",
    last_name: str = "",
    first_name: str = "",
    middle_name: str = "",
    birth_date: dt.date | None = None,
    exclude_pk: int | None = None,
) -> QuerySet[Child]:
    """Children that are likely the same person (see DUPLICATE_RULES).

    Not scoped: a duplicate in another region must still be found; callers show only what the actor
    may see and say that a match exists elsewhere.
    """
    search_name = name_key(last_name, first_name, middle_name) if last_name and first_name else ""
    condition = Q(pk__in=[])
    for _reason, lookup in duplicate_keys(
        snils=snils, birth_certificate=birth_certificate, search_name=search_name, birth_date=birth_date
    ):
        condition |= Q(**lookup)
    qs = Child.objects.filter(condition, merged_into__isnull=True)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.select_related("subject", "current_organization")


CROSS_REGION_DUPLICATE = "Возможный дубль в другом регионе — обратитесь к федеральной команде."
HIDDEN_DUPLICATE = "Возможный дубль вне вашей зоны доступа — уточните у регионального куратора."


def duplicate_reason(child: Child, other: Child) -> str:
    """Which rule of DUPLICATE_RULES makes `other` a likely duplicate of `child` (the first that does)."""
    child.compute_derived()
    for reason, lookup in duplicate_keys(
        snils=child.snils,
        birth_certificate=child.birth_certificate,
        search_name=child.search_name,
        birth_date=child.birth_date,
    ):
        if all(getattr(other, name) == value for name, value in lookup.items()):
            return reason
    return DUPLICATE_RULES[-1][0]


@dataclass
class DuplicateSplit:
    """What the actor may be told about likely duplicates: the ones they may see are listed; of the others
    only the fact that some exist is said (never a number or a count), and those in another region are
    recorded for the federal team."""

    visible: list[Child]
    hidden_in_region: bool
    other_region: list[Child]

    @property
    def notices(self) -> list[str]:
        return [HIDDEN_DUPLICATE] * self.hidden_in_region + [CROSS_REGION_DUPLICATE] * bool(self.other_region)


def duplicates_split(*, actor: User, subject_id: int | None, candidates: list[Child]) -> DuplicateSplit:
    candidates = list({other.pk: other for other in candidates}.values())  # each child once
    visible = [other for other in candidates if allows(actor, Perm.CASES_VIEW, other)]
    for other in visible:  # named (with the birth date) only where the actor sees personal data
        other.personal = allows(actor, Perm.CASES_VIEW_PERSONAL, other)
    hidden = [other for other in candidates if other not in visible]
    return DuplicateSplit(
        visible=visible,
        hidden_in_region=any(other.subject_id == subject_id for other in hidden),
        other_region=[other for other in hidden if other.subject_id != subject_id],
    )


@dataclass
class DuplicateGroup:
    reason: str
    children: list[Child]


def duplicate_groups(*, actor: User, limit: int = 100) -> list[DuplicateGroup]:
    """Groups of likely duplicates among the children the actor may merge."""
    base = scope(actor, Child.objects.filter(merged_into__isnull=True), Perm.CASES_MERGE)
    groups: list[DuplicateGroup] = []
    seen: set[frozenset[int]] = set()
    for reason, fields in DUPLICATE_RULES:
        empty = Q()
        for name in fields:
            empty |= Q(**{f"{name}__isnull": True}) | (
                Q(**{name: ""}) if name != "birth_date" else Q(pk__in=[])
            )
        dup_keys = (
            base.exclude(empty).order_by().values(*fields).annotate(n=Count("id")).filter(n__gt=1)[:limit]
        )
        for key in dup_keys:
            members = list(
                base.filter(**{field: key[field] for field in fields}).select_related(
                    "subject", "municipality", "current_organization"
                )
            )
            ids = frozenset(child.pk for child in members)
            if ids not in seen:
                seen.add(ids)
                groups.append(DuplicateGroup(reason=f"совпадает {reason}", children=members))
    return groups[:limit]


def case_of(*, child: Child) -> Case | None:
    return getattr(child, "case", None)


def cross_region_duplicate_list(*, actor: User, status: str = "open") -> QuerySet[CrossRegionDuplicate]:
    """The federal team's list of likely duplicates across regions (nobody below the country sees it)."""
    qs = scope(
        actor,
        CrossRegionDuplicate.objects.select_related(
            "subject",
            "child__subject",
            "other_child__subject",
            "import_job",
            "detected_by",
            "resolved_by",
        ),
        Perm.CASES_MERGE,
    )
    return qs.filter(status=status) if status else qs


def sees_cross_region_duplicates(actor: User) -> bool:
    """Only the federal team (a country-wide cases.merge grant) sees the duplicates across regions."""
    return scope_condition(actor, CrossRegionDuplicate, Perm.CASES_MERGE) is not None


def cross_region_duplicate_get(*, actor: User, pk: int | str) -> CrossRegionDuplicate:
    return get_in_scope(actor, cross_region_duplicate_list(actor=actor, status=""), Perm.CASES_MERGE, pk=pk)


def import_job_list(*, actor: User) -> QuerySet[ImportJob]:
    return scope(
        actor, ImportJob.objects.select_related("subject", "created_by"), Perm.CASES_IMPORT
    ).order_by("-created_at")
