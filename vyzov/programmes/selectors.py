"""Reads of regional governance and the regional passport — everything the system knows about one
subject on one page, with a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from vyzov.accounts.access import Perm, get_in_scope, scope
from vyzov.accounts.models import User
from vyzov.consilium.models import ActionItem, ActionStatus
from vyzov.consilium.selectors import coverage as consilium_coverage
from vyzov.monitoring.completeness import SubjectLine, subject_completeness
from vyzov.monitoring.models import Indicator, RollUp, RollUpLevel
from vyzov.monitoring.programme_figures import DocumentFigure, demo_in_use, region_figures
from vyzov.monitoring.progress import LAGGING, NO_DATA, Progress, progress
from vyzov.monitoring.reference import MAIN_INDICATOR
from vyzov.monitoring.selectors import subject_rows
from vyzov.ngo_aid.models import COMMITTED_STATUSES, AidRequest
from vyzov.support.models import CaseStatus, Service
from vyzov.territories.models import Subject

from .models import (
    CuratorAssignment,
    Direction,
    IndicatorDirection,
    Inspection,
    InstitutionPlan,
    ProgrammeIndicator,
    RegionalProgramme,
    StrategicSession,
    WorkingGroup,
    WorkingGroupDecision,
    WorkingGroupDocument,
)


def programme_list(*, actor: User) -> QuerySet[RegionalProgramme]:
    return scope(actor, RegionalProgramme.objects.select_related("subject"), Perm.PROGRAMMES_VIEW)


def programme_get(*, actor: User, pk: int | str) -> RegionalProgramme:
    return get_in_scope(
        actor, RegionalProgramme.objects.select_related("subject"), Perm.PROGRAMMES_VIEW, pk=pk
    )


def _baseline_date(programme: RegionalProgramme) -> dt.date:
    return dt.date(programme.start_year - 1, 12, 31)


def linked_points(
    *, programme: RegionalProgramme, indicators: list[ProgrammeIndicator]
) -> dict[int, list[tuple[dt.date, float]]]:
    """Actual values of indicators linked to monitoring, from the subject's quarterly roll-ups (one query).
    A stock («на дату») is read as is; a quarterly flow is summed from the programme's start, so «children
    returned home» becomes a running total that the yearly targets are set against."""
    linked = {
        indicator.monitoring_indicator_id: indicator
        for indicator in indicators
        if indicator.monitoring_indicator_id
    }
    series: dict[int, list[tuple[dt.date, float]]] = {}
    start = _baseline_date(programme)
    rows = (
        RollUp.objects.filter(
            level=RollUpLevel.SUBJECT, key=programme.subject.code, indicator_id__in=list(linked)
        )
        .select_related("indicator")
        .order_by("as_of")
    )
    for rollup in rows:
        indicator = linked[rollup.indicator_id]
        points = series.setdefault(indicator.pk, [])
        if rollup.indicator.is_stock:
            points.append((rollup.as_of, float(rollup.value)))
        elif rollup.as_of > start:
            points.append((rollup.as_of, (points[-1][1] if points else 0.0) + rollup.value))
    return series


def indicator_progress(
    indicator: ProgrammeIndicator, points: list[tuple[dt.date, float]] | None = None
) -> Progress:
    """Progress of a programme indicator from its baseline to the target of its last year. Works both
    ways: fewer children in institutions is better; more children returned home is better. `points`
    come from monitoring for a linked indicator; otherwise the entered actual values are used."""
    programme = indicator.direction.programme
    targets = {target.year: float(target.value) for target in indicator.targets.all()}
    final_year = max(targets) if targets else programme.end_year
    if points is None:
        points = [(actual.as_of, float(actual.value)) for actual in indicator.actuals.all()]
    baseline_date = _baseline_date(programme)
    if points and all(when != baseline_date for when, _value in points):
        # The baseline is the series' first point: the trend runs from it, so one actual value already
        # gives a forecast.
        points = [(baseline_date, float(indicator.baseline)), *points]
    return progress(
        baseline_date=_baseline_date(programme),
        baseline=float(indicator.baseline),
        target_date=dt.date(final_year, 12, 31),
        target=targets.get(final_year, float(indicator.baseline)),
        points=points,
        lower_is_better=indicator.better == IndicatorDirection.LOWER_IS_BETTER,
    )


def indicators_progress(indicators: list[ProgrammeIndicator]) -> dict[int, Progress]:
    """Progress of each indicator (targets and actuals prefetched); one roll-up query per programme."""
    by_programme: dict[int, list[ProgrammeIndicator]] = {}
    for indicator in indicators:
        by_programme.setdefault(indicator.direction.programme_id, []).append(indicator)
    result = {}
    for group in by_programme.values():
        linked = linked_points(programme=group[0].direction.programme, indicators=group)
        for indicator in group:
            result[indicator.pk] = indicator_progress(
                indicator, linked.get(indicator.pk, []) if indicator.monitoring_indicator_id else None
            )
    return result


@dataclass
class DirectionView:
    direction: Direction
    indicators: list[tuple[ProgrammeIndicator, Progress]]
    measures_done: int
    measures_total: int

    @property
    def lagging(self) -> int:
        return sum(1 for _indicator, result in self.indicators if result.status == LAGGING)


def programme_view(*, programme: RegionalProgramme) -> list[DirectionView]:
    directions = list(
        programme.directions.prefetch_related(
            Prefetch(
                "indicators", queryset=ProgrammeIndicator.objects.prefetch_related("targets", "actuals")
            ),
            "measures",
        )
    )
    results = indicators_progress([i for direction in directions for i in direction.indicators.all()])
    views = []
    for direction in directions:
        measures = list(direction.measures.all())
        views.append(
            DirectionView(
                direction=direction,
                indicators=[(indicator, results[indicator.pk]) for indicator in direction.indicators.all()],
                measures_done=sum(1 for measure in measures if measure.status == "done"),
                measures_total=len(measures),
            )
        )
    return views


def action_items_by_origin(model: type[models.Model], origin_ids: list[int]) -> dict[int, list[ActionItem]]:
    items: dict[int, list[ActionItem]] = {}
    for item in ActionItem.objects.filter(
        origin_type=ContentType.objects.get_for_model(model), origin_id__in=origin_ids
    ).select_related("organization", "executor"):
        items.setdefault(item.origin_id, []).append(item)
    return items


def working_group_documents(*, group: WorkingGroup) -> QuerySet[WorkingGroupDocument]:
    """The МРГ's register of documents: in force first (approved, revised), then drafts, then lapsed."""
    order = Case(
        When(status__in=["approved", "revised"], then=Value(0)),
        When(status="draft", then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        WorkingGroupDocument.objects.filter(group=group)
        .select_related("meeting")
        .annotate(state_order=order)
        .order_by("state_order", "kind", "-date", "-id")
    )


def meetings_with_items(*, group: WorkingGroup) -> list[Any]:
    """Meetings, newest first, each decision carrying its action items as `.items` — three queries."""
    meetings = list(group.meetings.prefetch_related("decisions"))
    items = action_items_by_origin(WorkingGroupDecision, [d.pk for m in meetings for d in m.decisions.all()])
    for meeting in meetings:
        for decision in meeting.decisions.all():
            decision.items = items.get(decision.pk, [])
    return meetings


def inspections_with_items(*, subject: Subject) -> list[Inspection]:
    inspections = list(Inspection.objects.filter(subject=subject).prefetch_related("organizations")[:20])
    items = action_items_by_origin(Inspection, [inspection.pk for inspection in inspections])
    for inspection in inspections:
        inspection.items = items.get(inspection.pk, [])
    return inspections


@dataclass
class Passport:
    subject: Subject
    monitoring: object | None
    programme: RegionalProgramme | None
    indicators_total: int = 0
    indicators_lagging: int = 0
    indicators_no_data: int = 0
    measures_done: int = 0
    measures_total: int = 0
    decisions: int = 0
    actions_done: int = 0
    actions_overdue: int = 0
    actions_open: int = 0
    children_in_institutions: int = 0
    reviewed_recently: int = 0
    services: int = 0
    specialists: int = 0
    families_on_support: int = 0
    aid_families: int = 0
    aid_approved: Decimal = Decimal(0)
    overdue_items: list[ActionItem] = field(default_factory=list)
    curator: CuratorAssignment | None = None
    strategic_sessions: int = 0
    inspections: int = 0
    institution_plans: int = 0
    reporting: SubjectLine | None = None  # completeness and timeliness of the quarterly reports
    monitoring_is_demo: bool = False
    document_figures: list[DocumentFigure] = field(default_factory=list)
    mrg_documents: list[WorkingGroupDocument] = field(default_factory=list)  # the МРГ's documents in force

    @property
    def consilium_coverage_percent(self) -> float | None:
        if not self.children_in_institutions:
            return None
        return self.reviewed_recently / self.children_in_institutions * 100


def passport(*, actor: User, code: str) -> Passport:
    """The regional passport: monitoring progress, programme indicators, МРГ decisions, consilium
    coverage, services and aid — each from its own app's rule."""
    subject = get_in_scope(actor, Subject.objects.select_related("district"), Perm.PROGRAMMES_VIEW, code=code)
    main = Indicator.objects.filter(code=MAIN_INDICATOR).first()
    row = next(iter(subject_rows(indicator=main, subject=subject)), None) if main else None
    programme = (
        RegionalProgramme.objects.filter(subject=subject)
        .select_related("subject")
        .order_by("-start_year")
        .first()
    )
    result = Passport(subject=subject, monitoring=row, programme=programme)
    result.reporting = subject_completeness(subject=subject)
    if programme:
        for view in programme_view(programme=programme):
            result.indicators_total += len(view.indicators)
            result.indicators_lagging += view.lagging
            result.indicators_no_data += sum(1 for _i, p in view.indicators if p.status == NO_DATA)
            result.measures_done += view.measures_done
            result.measures_total += view.measures_total
    decisions = WorkingGroupDecision.objects.filter(meeting__group__subject=subject)
    result.decisions = decisions.count()
    today = timezone.localdate()
    actions = ActionItem.objects.filter(
        origin_type=ContentType.objects.get_for_model(WorkingGroupDecision),
        origin_id__in=decisions.values("pk"),
    )
    counts = actions.aggregate(
        done=Count("id", filter=Q(status=ActionStatus.DONE)),
        overdue=Count("id", filter=~Q(status=ActionStatus.DONE) & Q(deadline__lt=today)),
        open=Count("id", filter=~Q(status=ActionStatus.DONE) & Q(deadline__gte=today)),
    )
    result.actions_done, result.actions_overdue, result.actions_open = (
        counts["done"],
        counts["overdue"],
        counts["open"],
    )
    result.overdue_items = list(
        actions.filter(deadline__lt=today)
        .exclude(status=ActionStatus.DONE)
        .select_related("organization")
        .order_by("deadline")[:10]
    )
    result.curator = CuratorAssignment.objects.filter(subject=subject).order_by("-since").first()
    result.strategic_sessions = StrategicSession.objects.filter(subject=subject).count()
    result.inspections = Inspection.objects.filter(subject=subject).count()
    result.mrg_documents = list(
        WorkingGroupDocument.objects.filter(
            group__subject=subject, status__in=["approved", "revised"]
        ).order_by("kind", "-date", "-id")[:50]
    )
    result.institution_plans = InstitutionPlan.objects.filter(subject=subject).count()
    result.children_in_institutions, result.reviewed_recently = consilium_coverage(subject=subject)
    services = Service.objects.filter(organization__subject=subject).aggregate(
        services=Count("id", distinct=True),
        specialists=Count("specialists", filter=Q(specialists__is_active=True), distinct=True),
        families=Count("cases", filter=Q(cases__status=CaseStatus.OPEN), distinct=True),
    )
    result.services, result.specialists, result.families_on_support = (
        services["services"],
        services["specialists"],
        services["families"],
    )
    aid = AidRequest.objects.filter(subject=subject, status__in=COMMITTED_STATUSES).aggregate(
        families=Count("family", distinct=True), approved=Sum("approved_amount")
    )
    result.aid_families, result.aid_approved = aid["families"], aid["approved"] or Decimal(0)
    result.monitoring_is_demo = demo_in_use(subject=subject)
    baseline = row.baseline if row else None
    result.document_figures = region_figures(
        subject=subject,
        computed={
            "curator_name": result.curator.full_name if result.curator else "",
            "dv_services": str(result.services),
            "dv_specialists": str(result.specialists),
            "dv_families_on_support": str(result.families_on_support),
            "seed_44": f"{baseline} на 01.07.2024" if baseline is not None else "",
            "seed_52": f"одобрено {result.aid_approved:.0f} руб." if result.aid_approved else "",
        },
    )
    return result
