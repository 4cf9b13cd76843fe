"""Reads of targeted aid. Requests: the operator's region (ngo_aid.view), plus the requests the actor
referred themselves or from their organisation. Reports: aggregates (ngo_aid.reports)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet, Sum

from vyzov.accounts.access import NotInScope, Perm, allows, grants_with, has_perm, scope
from vyzov.accounts.models import ScopeLevel, User
from vyzov.cases.models import Family

from .models import (
    AidForm,
    AidRequest,
    AidRequestLine,
    FundIncome,
    IncomeSource,
    Operator,
    Outcome,
    RequestStatus,
)


def _referred(actor: User) -> Q:
    """Requests the actor referred, or that came from an organisation where they refer families."""
    organizations = [
        g.organization_id
        for g in grants_with(actor, Perm.NGO_AID_REFER)
        if g.level == ScopeLevel.ORGANIZATION
    ]
    return Q(referred_by=actor.pk) | Q(referring_organization__in=organizations)


def request_list(*, actor: User, filters: dict[str, Any] | None = None) -> QuerySet[AidRequest]:
    filters = filters or {}
    visible = scope(actor, AidRequest.objects.all(), Perm.NGO_AID_VIEW).values("pk")
    qs = AidRequest.objects.filter(Q(pk__in=visible) | _referred(actor))
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("operator"):
        qs = qs.filter(operator=filters["operator"])
    return (
        qs.select_related("operator__organization", "family__municipality", "subject")
        .annotate(requested=Sum("lines__amount"))
        .order_by("-created_at", "-id")
    )


def request_get(*, actor: User, pk: int | str) -> AidRequest:
    try:
        return request_list(actor=actor).prefetch_related("lines__form", "payments", "children").get(pk=pk)
    except (AidRequest.DoesNotExist, ValueError, TypeError):
        raise NotInScope() from None


def operator_list(*, actor: User) -> QuerySet[Operator]:
    return scope(actor, Operator.objects.select_related("organization", "subject", "fund"), Perm.NGO_AID_VIEW)


def request_creator(*, actor: User) -> bool:
    """Whether the actor may create a request at all (operator staff) or refer a family."""
    return has_perm(actor, Perm.NGO_AID_EDIT) or has_perm(actor, Perm.NGO_AID_REFER)


def request_families(*, actor: User) -> QuerySet[Family]:
    """The families the actor may make an aid request for: those the actor refers (ngo_aid.refer over
    the register) and every family of the region of an operator the actor works for."""
    subjects = [
        operator.subject_id
        for operator in operator_list(actor=actor)
        if allows(actor, Perm.NGO_AID_EDIT, operator)
    ]
    referred = scope(actor, Family.objects.all(), Perm.NGO_AID_REFER)
    if not subjects:
        return referred
    return Family.objects.filter(Q(pk__in=referred.values("pk")) | Q(subject__in=subjects))


def family_for_request(*, actor: User, pk: int | str) -> Family | None:
    """The family a request is made for, resolved through the policy (request_families). A family
    outside them is answered exactly like a missing one (None)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return request_families(actor=actor).filter(pk=pk).first()


def operator_for_family(*, actor: User, family: Family) -> Operator | None:
    """The one rule for where a new request for `family` goes: an active operator of the family's region,
    the actor's own (one they work for) first, else the region's active operator; None if it has none."""
    active = Operator.objects.filter(subject=family.subject_id, is_active=True).select_related(
        "organization", "subject"
    )
    own = operator_list(actor=actor).filter(subject=family.subject_id, is_active=True)
    return active.filter(pk__in=own.values("pk")).order_by("pk").first() or active.order_by("pk").first()


@dataclass
class OperatorReport:
    operator: Operator | None
    date_from: dt.date
    date_to: dt.date
    families: int
    children: int
    approved: Decimal
    paid: Decimal
    by_form: list[tuple[str, Decimal, int]]
    incomes_by_source: list[tuple[str, Decimal]]
    outcomes: list[tuple[str, int]]
    # Large families («многодетные»: three or more children, as the request records them); 002 says
    # most families the operators helped were large.
    large_families: int = 0
    # Families of the requests marked «многодетная» in the register (cases.Family.is_large).
    large_families_marked: int = 0
    # (operator, subject name, families, children, approved) — the Fund reports on its 14 operators.
    by_operator: list[tuple[str, str, int, int, Decimal]] = field(default_factory=list)


LARGE_FAMILY_CHILDREN = 3


def default_report_period(*, actor: User, today: dt.date) -> tuple[dt.date, dt.date]:
    """The year of the most recent approval the actor may report on (this year if none): a report page
    opened without dates shows the latest period with data, not an empty current year."""
    operators = scope(actor, Operator.objects.all(), Perm.NGO_AID_REPORTS)
    latest = AidRequest.objects.filter(
        operator__in=operators,
        status__in=[RequestStatus.APPROVED, RequestStatus.PAID, RequestStatus.REPORTED],
        decided_at__isnull=False,
    ).aggregate(latest=Max("decided_at"))["latest"]
    year = min(latest.year, today.year) if latest else today.year
    return dt.date(year, 1, 1), today if year == today.year else dt.date(year, 12, 31)


def report(
    *, actor: User, date_from: dt.date, date_to: dt.date, operator: Operator | None = None
) -> OperatorReport:
    """Families, children, sums by form of aid and by source of money, outcomes — for approvals made in
    the period. Only aggregates: no family is named."""
    operators = scope(actor, Operator.objects.all(), Perm.NGO_AID_REPORTS)
    if operator is not None:
        operators = operators.filter(pk=operator.pk)
    requests = AidRequest.objects.filter(
        operator__in=operators,
        status__in=[RequestStatus.APPROVED, RequestStatus.PAID, RequestStatus.REPORTED],
        decided_at__date__range=(date_from, date_to),
    )
    totals = requests.aggregate(families=Count("family", distinct=True), approved=Sum("approved_amount"))
    # A family helped twice counts its children once.
    totals["children"] = sum(
        requests.values("family").annotate(n=Max("children_count")).values_list("n", flat=True)
    )
    paid = requests.aggregate(total=Sum("payments__amount"))["total"] or Decimal(0)
    forms = dict(AidForm.objects.values_list("pk", "title"))
    by_form = [
        (forms[row["form"]], row["total"] or Decimal(0), row["n"])
        for row in AidRequestLine.objects.filter(request__in=requests)
        .values("form")
        .annotate(total=Sum("amount"), n=Count("request", distinct=True))
        .order_by("-total")
    ]
    sources = dict(IncomeSource.choices)
    incomes = [
        (sources[row["source"]], row["total"])
        for row in FundIncome.objects.filter(
            fund__operator__in=operators, received_on__range=(date_from, date_to)
        )
        .values("source")
        .annotate(total=Sum("amount"))
        .order_by("-total")
    ]
    labels = dict(Outcome.choices)
    outcomes = [
        (labels[row["outcome"]], row["n"])
        for row in requests.exclude(outcome="").values("outcome").annotate(n=Count("id")).order_by("-n")
    ]
    children_by_family = dict(
        requests.values("family").annotate(n=Max("children_count")).values_list("family", "n")
    )
    per_operator: dict[int, dict[str, Any]] = {}
    for row in requests.values("operator", "family").annotate(
        n=Max("children_count"), approved=Sum("approved_amount")
    ):
        entry = per_operator.setdefault(
            row["operator"], {"families": 0, "children": 0, "approved": Decimal(0)}
        )
        entry["families"] += 1
        entry["children"] += row["n"] or 0
        entry["approved"] += row["approved"] or Decimal(0)
    names = {
        pk: (name, subject)
        for pk, name, subject in operators.filter(pk__in=per_operator).values_list(
            "pk", "organization__name", "subject__name"
        )
    }
    # A row smaller than the threshold is left out for roles without personal data (as in monitoring).
    hide_small = not has_perm(actor, Perm.CASES_VIEW_PERSONAL)
    by_operator = sorted(
        (
            (names[pk][0], names[pk][1], entry["families"], entry["children"], entry["approved"])
            for pk, entry in per_operator.items()
            if not (hide_small and entry["families"] < settings.VYZOV_SMALL_CELL_THRESHOLD)
        ),
        key=lambda row: row[1],
    )
    return OperatorReport(
        operator,
        date_from,
        date_to,
        totals["families"] or 0,
        totals["children"] or 0,
        totals["approved"] or Decimal(0),
        paid,
        by_form,
        incomes,
        outcomes,
        large_families=sum(1 for n in children_by_family.values() if (n or 0) >= LARGE_FAMILY_CHILDREN),
        large_families_marked=requests.filter(family__is_large=True).values("family").distinct().count(),
        by_operator=by_operator,
    )
