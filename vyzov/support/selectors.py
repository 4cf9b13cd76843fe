"""Reads of family support, scoped by the access policy; reports count every closed case once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Min, Q, QuerySet
from django.utils import timezone

from vyzov.accounts.access import Perm, get_in_scope, scope
from vyzov.accounts.models import User
from vyzov.cases.models import Family
from vyzov.core.text import normalize_for_search
from vyzov.monitoring.programme_figures import DocumentFigure, document_figure, reference_figures

from .models import (
    CaseOutcome,
    CaseStatus,
    ChildOutcome,
    ChildOutcomeKind,
    Club,
    FamilyCase,
    MethodDocument,
    Service,
    ServiceKind,
    ServiceLevel,
    Specialist,
    StepStatus,
    SupervisionSession,
)


def service_list(*, actor: User) -> QuerySet[Service]:
    return (
        scope(
            actor,
            Service.objects.select_related(
                "organization__subject", "organization__municipality", "coordinator__organization"
            ),
            Perm.SUPPORT_VIEW,
        )
        .annotate(
            specialist_count=Count("specialists", filter=Q(specialists__is_active=True), distinct=True),
            open_cases=Count("cases", filter=Q(cases__status=CaseStatus.OPEN), distinct=True),
        )
        .order_by("organization__subject__name", "organization__name")
    )


def service_get(*, actor: User, pk: int | str) -> Service:
    return get_in_scope(
        actor,
        Service.objects.select_related("organization__subject", "coordinator__organization"),
        Perm.SUPPORT_VIEW,
        pk=pk,
    )


def coordinated_services(*, actor: User, service: Service) -> QuerySet[Service]:
    """The territorial and institution-level services the regional service coordinates (those in scope)."""
    return (
        scope(actor, service.coordinated.all(), Perm.SUPPORT_VIEW)
        .select_related("organization__municipality")
        .order_by("level", "organization__name")
    )


def coordinator_choices(*, actor: User, service: Service) -> QuerySet[Service]:
    """The services that may coordinate this one: regional «Дети в семье» services of its subject."""
    return (
        scope(actor, Service.objects.all(), Perm.SUPPORT_VIEW)
        .filter(
            level=ServiceLevel.REGIONAL,
            kind=ServiceKind.FAMILY_SERVICE,
            organization__subject=service.organization.subject_id,
        )
        .exclude(pk=service.pk)
        .select_related("organization")
        .order_by("organization__name")
    )


def service_staff(*, actor: User, service: Service) -> QuerySet[Specialist]:
    """The service's staff (the inactive last), with the clubs each leads."""
    return (
        scope(actor, Specialist.objects.filter(service=service), Perm.SUPPORT_VIEW)
        .annotate(clubs_led=Count("led_clubs", distinct=True))
        .order_by("-is_active", "kind", "full_name")
    )


def service_families(*, service: Service) -> QuerySet[Family]:
    """The families a service may take on: those of the municipalities it serves (or of its
    organisation's municipality; a regional service without either — its whole region)."""
    families = Family.objects.filter(subject=service.organization.subject_id)
    served = list(service.municipalities.values_list("pk", flat=True))
    if served:
        return families.filter(municipality__in=served)
    if service.organization.municipality_id:
        return families.filter(municipality=service.organization.municipality_id)
    return families


def family_for_case_open(*, actor: User, service: Service, number: str) -> Family | None:
    """The family named by its register number on the intake form, resolved through the policy: the actor
    must manage cases of this service and the family must lie in the service's territory. A family outside
    it is answered exactly like a missing one (None)."""
    if not scope(actor, Service.objects.filter(pk=service.pk), Perm.SUPPORT_MANAGE).exists():
        return None
    try:
        return service_families(service=service).get(pk=number)
    except (Family.DoesNotExist, ValueError, TypeError):
        return None


def _with_flags(qs: QuerySet[FamilyCase], today: dt.date) -> QuerySet[FamilyCase]:
    return qs.annotate(
        overdue_steps=Count(
            "steps", filter=Q(steps__status=StepStatus.PLANNED, steps__due_date__lt=today), distinct=True
        ),
    )


def caseload(*, actor: User, specialist: Specialist) -> QuerySet[FamilyCase]:
    """The specialist's open cases with overdue reviews and steps flagged (one query)."""
    today = timezone.localdate()
    qs = scope(
        actor, FamilyCase.objects.filter(specialist=specialist, status=CaseStatus.OPEN), Perm.SUPPORT_VIEW
    )
    return _with_flags(
        qs.select_related("family__municipality", "service__organization__subject"), today
    ).order_by("next_review_date", "id")


def specialist_for(*, user: User) -> Specialist | None:
    return (
        Specialist.objects.filter(user=user, is_active=True).select_related("service__organization").first()
    )


def case_list(*, actor: User, filters: dict[str, Any] | None = None) -> QuerySet[FamilyCase]:
    filters = filters or {}
    today = timezone.localdate()
    qs = scope(
        actor,
        FamilyCase.objects.select_related(
            "service__organization__subject", "specialist", "family__municipality"
        ),
        Perm.SUPPORT_VIEW,
    )
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("overdue"):
        qs = qs.filter(
            Q(next_review_date__lt=today) | Q(steps__status=StepStatus.PLANNED, steps__due_date__lt=today),
            status=CaseStatus.OPEN,
        ).distinct()
    return _with_flags(qs, today).order_by("-intake_date", "-id")


def case_get(*, actor: User, pk: int | str) -> FamilyCase:
    return get_in_scope(
        actor,
        FamilyCase.objects.select_related(
            "service__organization__subject", "family__municipality", "specialist"
        ),
        Perm.SUPPORT_VIEW,
        pk=pk,
    )


def club_list(*, actor: User) -> QuerySet[Club]:
    return scope(actor, Club.objects.select_related("service__organization"), Perm.SUPPORT_VIEW).annotate(
        family_count=Count("families", distinct=True), session_count=Count("sessions", distinct=True)
    )


def supervision_hours(*, actor: User, service: Service) -> list[tuple[Specialist, float]]:
    totals: dict[int, float] = {}
    for session in scope(
        actor, SupervisionSession.objects.filter(service=service), Perm.SUPPORT_VIEW
    ).prefetch_related("participants"):
        for participant in session.participants.all():
            totals[participant.pk] = totals.get(participant.pk, 0) + float(session.hours)
    specialists = {s.pk: s for s in Specialist.objects.filter(pk__in=totals)}
    return sorted(((specialists[pk], total) for pk, total in totals.items()), key=lambda row: -row[1])


def library(*, actor: User, query: str = "") -> QuerySet[MethodDocument]:
    qs = scope(actor, MethodDocument.objects.select_related("subject"), Perm.SUPPORT_VIEW)
    if query:
        qs = qs.filter(search_text__contains=normalize_for_search(query))
    return qs


@dataclass
class RegionRow:
    subject_name: str
    services: int
    specialists: int
    families: int


@dataclass
class SupportReport:
    date_from: dt.date
    date_to: dt.date
    families_in_work: int
    children_in_families: int
    outcomes: dict[str, int]
    returned_home: int
    separations_prevented: int
    caseload: list[tuple[str, str, int]]
    average_days_to_close: float | None
    regions: list[RegionRow]


def report(
    *, actor: User, date_from: dt.date, date_to: dt.date, service: Service | None = None
) -> SupportReport:
    """Families in work during the period, their children, outcomes of cases closed in the period (each
    closed case once, by its current outcome — a reopened and re-closed case is one case), case-load per
    specialist, average time to closure, and the per-region table of services/specialists/families."""
    cases = scope(actor, FamilyCase.objects.all(), Perm.SUPPORT_VIEW)
    if service is not None:
        cases = cases.filter(service=service)
    in_work = cases.filter(intake_date__lte=date_to).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=date_from)
    )
    closed = cases.filter(status=CaseStatus.CLOSED, closed_on__range=(date_from, date_to))
    labels = dict(CaseOutcome.choices)
    outcomes = {
        labels[row["outcome"]]: row["n"]
        for row in closed.values("outcome").annotate(n=Count("id")).order_by("-n")
    }
    by_outcome = dict(closed.values_list("outcome").annotate(n=Count("id")).order_by())
    duration = closed.annotate(
        days=ExpressionWrapper(F("closed_on") - F("intake_date"), output_field=DurationField())
    ).aggregate(avg=Avg("days"))["avg"]
    caseload_rows = [
        (row["specialist__full_name"], row["service__organization__name"], row["n"])
        for row in cases.filter(status=CaseStatus.OPEN)
        .values("specialist__full_name", "service__organization__name")
        .annotate(n=Count("id"))
        .order_by("-n")[:200]
    ]
    services = scope(actor, Service.objects.all(), Perm.SUPPORT_VIEW)
    regions = [
        RegionRow(
            row["organization__subject__name"], row["services"], row["specialists_count"], row["families"]
        )
        for row in services.values("organization__subject__name")
        .annotate(
            services=Count("id", distinct=True),
            specialists_count=Count("specialists", filter=Q(specialists__is_active=True), distinct=True),
            families=Count("cases", filter=Q(cases__status=CaseStatus.OPEN), distinct=True),
        )
        .order_by("organization__subject__name")
    ]
    return SupportReport(
        date_from=date_from,
        date_to=date_to,
        families_in_work=in_work.values("family").distinct().count(),
        children_in_families=sum(in_work.values_list("children_count", flat=True)),
        outcomes=outcomes,
        returned_home=by_outcome.get(CaseOutcome.RETURNED_HOME, 0),
        separations_prevented=by_outcome.get(CaseOutcome.SEPARATION_PREVENTED, 0),
        caseload=caseload_rows,
        average_days_to_close=duration.days if duration is not None else None,
        regions=regions,
    )


# The brochure's figures of the children the services helped in 2025 (vyzov_indicators.csv, 002, п. 5).
SEED_RETURNED_HOME, SEED_KEPT_IN_FAMILY = 37, 38
SEED_ROWS = {
    ChildOutcomeKind.RETURNED_HOME: SEED_RETURNED_HOME,
    ChildOutcomeKind.KEPT_IN_FAMILY: SEED_KEPT_IN_FAMILY,
}


@dataclass
class ChildOutcomeRow:
    label: str
    counts: list[int]
    total: int


@dataclass
class ChildOutcomeReport:
    """Children by outcome — by region and by the service's level — of outcomes dated in the period."""

    date_from: dt.date
    date_to: dt.date
    outcomes: list[tuple[str, str]]
    totals: dict[str, int]
    regions: list[ChildOutcomeRow]
    levels: list[ChildOutcomeRow]
    documents: list[tuple[str, DocumentFigure]]


def _outcome_rows(rows: Any, key: str, labels: dict[str, str] | None = None) -> list[ChildOutcomeRow]:
    """One row per group (in the order of `labels`, else by name), one column per outcome."""
    grouped: dict[str, dict[str, int]] = {}
    for row in rows:
        grouped.setdefault(row[key], {})[row["outcome"]] = row["n"]
    order = list(labels) if labels else sorted(grouped)
    result = []
    for name in order:
        if name not in grouped:
            continue
        values = [grouped[name].get(code, 0) for code in ChildOutcomeKind.values]
        result.append(ChildOutcomeRow((labels or {}).get(name, name), values, sum(values)))
    return result


def child_outcome_report(*, actor: User, date_from: dt.date, date_to: dt.date) -> ChildOutcomeReport:
    """Counted in children (each child of a family once, by its recorded outcome), as the brochure counts
    «почти 8 тысяч детей вернулись … почти 9 тысячам детей удалось избежать попадания в учреждение»; the
    brochure's figures are returned beside, as programme-document figures."""
    outcomes = scope(actor, ChildOutcome.objects.all(), Perm.SUPPORT_VIEW).filter(
        date__range=(date_from, date_to)
    )
    totals = dict(outcomes.values_list("outcome").annotate(n=Count("id")).order_by())
    by_region = outcomes.values("case__service__organization__subject__name", "outcome").annotate(
        n=Count("id")
    )
    by_level = outcomes.values("case__service__level", "outcome").annotate(n=Count("id"))
    figures = reference_figures(*SEED_ROWS.values())
    labels = dict(ChildOutcomeKind.choices)
    documents = [
        (labels[code], document_figure(figures[seed_id], computed=str(totals.get(code, 0))))
        for code, seed_id in SEED_ROWS.items()
        if seed_id in figures
    ]
    return ChildOutcomeReport(
        date_from=date_from,
        date_to=date_to,
        outcomes=list(ChildOutcomeKind.choices),
        totals={code: totals.get(code, 0) for code in ChildOutcomeKind.values},
        regions=_outcome_rows(by_region.order_by(), "case__service__organization__subject__name"),
        levels=_outcome_rows(by_level.order_by(), "case__service__level", dict(ServiceLevel.choices)),
        documents=documents,
    )


def cases_with_overdue_steps(*, actor: User, today: dt.date | None = None) -> QuerySet[FamilyCase]:
    """Open cases in the actor's scope with a planned step past its date; the oldest overdue first."""
    today = today or timezone.localdate()
    overdue = Q(steps__status=StepStatus.PLANNED, steps__due_date__lt=today)
    qs = scope(actor, FamilyCase.objects.filter(status=CaseStatus.OPEN), Perm.SUPPORT_VIEW)
    return (
        qs.annotate(
            overdue_steps=Count("steps", filter=overdue, distinct=True),
            first_overdue=Min("steps__due_date", filter=overdue),
        )
        .filter(overdue_steps__gt=0)
        .select_related("service", "family__municipality")
        .order_by("first_overdue", "id")
    )
