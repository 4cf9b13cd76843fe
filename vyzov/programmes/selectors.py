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
from vyzov.cases.models import FAMILY_PLACEMENT_OUTCOMES, Child, Placement, PlacementOutcome
from vyzov.consilium.models import ActionItem, ActionStatus, Consilium
from vyzov.consilium.models import Level as ConsiliumLevel
from vyzov.consilium.models import Member as ConsiliumMember
from vyzov.consilium.selectors import coverage as consilium_coverage
from vyzov.core.text import normalize_for_search
from vyzov.monitoring.completeness import SubjectLine, subject_completeness
from vyzov.monitoring.models import Indicator, RollUp, RollUpLevel
from vyzov.monitoring.programme_figures import (
    DocumentFigure,
    demo_in_use,
    document_figure,
    reference_figures,
    region_figures,
)
from vyzov.monitoring.progress import LAGGING, NO_DATA, Progress, progress
from vyzov.monitoring.reference import MAIN_INDICATOR
from vyzov.monitoring.selectors import subject_rows
from vyzov.ngo_aid.models import COMMITTED_STATUSES, AidRequest, Operator
from vyzov.support.models import CaseStatus, Service
from vyzov.territories.models import Subject

from .models import (
    ControlOutcome,
    CuratorAssignment,
    CuratorReception,
    CuratorVisit,
    Direction,
    IndicatorDirection,
    Inspection,
    InstitutionPlan,
    PersonalControlCase,
    ProgrammeIndicator,
    RegionalProgramme,
    StrategicSession,
    WorkingGroup,
    WorkingGroupDecision,
    WorkingGroupDocument,
    WorkingGroupMember,
    WorkingGroupSeat,
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
    field_work: FieldWorkResults | None = None  # the curators' field work, counted from the rows
    mrg_checklist: list[SeatCheck] = field(default_factory=list)  # who must sit on the МРГ and does not

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
    result.field_work = field_work_results(subject=subject)
    result.mrg_checklist = working_group_checklist(
        subject=subject, group=WorkingGroup.objects.filter(subject=subject).first(), curator=result.curator
    )
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


# ---- the curator's field work and its results ----------------------------------------------------


@dataclass
class FieldWorkResults:
    """What the curator's field work led to, counted from the rows. Children placed in families are read
    from the register's routes (the placement's outcome after the case was taken on control) for children
    and families of the register; for cases described in words, from the outcome the curator recorded."""

    visits: int = 0
    visits_with_guardianship: int = 0
    visits_with_kdn: int = 0
    receptions: int = 0
    people_received: int = 0
    control_open: int = 0
    control_closed: int = 0
    home_register: int = 0
    substitute_register: int = 0
    home_recorded: int = 0
    substitute_recorded: int = 0

    @property
    def home(self) -> int:
        return self.home_register + self.home_recorded

    @property
    def substitute(self) -> int:
        return self.substitute_register + self.substitute_recorded

    @property
    def placed(self) -> int:
        return self.home + self.substitute


def _earliest(into: dict[int, dt.date], key: int, day: dt.date) -> None:
    into[key] = min(day, into.get(key, day))


def _children_taken_on(controls: QuerySet[PersonalControlCase]) -> dict[int, dt.date]:
    """Each child of the register under control (directly, or as a child of a family under control) and
    the day its case was first taken on control."""
    taken: dict[int, dt.date] = {}
    family_taken: dict[int, dt.date] = {}
    for child_id, family_id, taken_on in controls.filter(
        Q(child__isnull=False) | Q(family__isnull=False)
    ).values_list("child_id", "family_id", "taken_on"):
        if child_id is not None:
            _earliest(taken, child_id, taken_on)
        elif family_id is not None:
            _earliest(family_taken, family_id, taken_on)
    if family_taken:
        for child_id, family_id in Child.objects.filter(
            family_id__in=list(family_taken), merged_into__isnull=True
        ).values_list("pk", "family_id"):
            if family_id is not None:
                _earliest(taken, child_id, family_taken[family_id])
    return taken


def _register_placed(controls: QuerySet[PersonalControlCase]) -> tuple[int, int]:
    """Children of the register under the curator's control who left an institution for their birth family
    or a substitute family on or after the day the case was taken on control (the last such exit counts)."""
    taken = _children_taken_on(controls)
    if not taken:
        return 0, 0
    last: dict[int, str] = {}
    for child_id, outcome, end_date in (
        Placement.objects.filter(
            child_id__in=list(taken),
            end_date__isnull=False,
            outcome__in=[PlacementOutcome.RETURNED_HOME, *FAMILY_PLACEMENT_OUTCOMES],
        )
        .order_by("end_date", "id")
        .values_list("child_id", "outcome", "end_date")
    ):
        if end_date is not None and end_date >= taken[child_id]:
            last[child_id] = outcome
    home = sum(1 for outcome in last.values() if outcome == PlacementOutcome.RETURNED_HOME)
    return home, len(last) - home


def field_work_results(
    *, subject: Subject | None = None, assignment: CuratorAssignment | None = None
) -> FieldWorkResults:
    """The results of one curator (`assignment`), of every curator of a region (`subject`) or of the
    whole country (neither: aggregates only) — five queries."""
    if assignment is not None:
        where = Q(assignment=assignment)
    elif subject is not None:
        where = Q(assignment__subject=subject)
    else:
        where = Q()
    visits = CuratorVisit.objects.filter(where).aggregate(
        total=Count("id"),
        guardianship=Count("id", filter=Q(with_guardianship=True)),
        kdn=Count("id", filter=Q(with_kdn=True)),
    )
    receptions = CuratorReception.objects.filter(where).aggregate(total=Count("id"), people=Sum("people"))
    controls = PersonalControlCase.objects.filter(where)
    counts = controls.aggregate(
        open=Count("id", filter=Q(closed_on__isnull=True)),
        closed=Count("id", filter=Q(closed_on__isnull=False)),
        home=Count(
            "id",
            filter=Q(child__isnull=True, family__isnull=True, outcome=ControlOutcome.RETURNED_HOME),
        ),
        substitute=Count(
            "id",
            filter=Q(child__isnull=True, family__isnull=True, outcome=ControlOutcome.SUBSTITUTE_FAMILY),
        ),
    )
    home_register, substitute_register = _register_placed(controls)
    return FieldWorkResults(
        visits=visits["total"],
        visits_with_guardianship=visits["guardianship"],
        visits_with_kdn=visits["kdn"],
        receptions=receptions["total"],
        people_received=receptions["people"] or 0,
        control_open=counts["open"],
        control_closed=counts["closed"],
        home_register=home_register,
        substitute_register=substitute_register,
        home_recorded=counts["home"],
        substitute_recorded=counts["substitute"],
    )


def field_work_results_for(*, assignments: list[CuratorAssignment]) -> dict[int, FieldWorkResults]:
    """The results of several curators (an API page): three grouped queries, then the register's routes
    for the curators whose cases on control link the register (one to three queries each)."""
    ids = [assignment.pk for assignment in assignments]
    results = {pk: FieldWorkResults() for pk in ids}
    for visit_row in (
        CuratorVisit.objects.filter(assignment_id__in=ids)
        .values("assignment_id")
        .annotate(
            total=Count("id"),
            guardianship=Count("id", filter=Q(with_guardianship=True)),
            kdn=Count("id", filter=Q(with_kdn=True)),
        )
    ):
        result = results[visit_row["assignment_id"]]
        result.visits, result.visits_with_guardianship = visit_row["total"], visit_row["guardianship"]
        result.visits_with_kdn = visit_row["kdn"]
    for reception_row in (
        CuratorReception.objects.filter(assignment_id__in=ids)
        .values("assignment_id")
        .annotate(total=Count("id"), people=Sum("people"))
    ):
        result = results[reception_row["assignment_id"]]
        result.receptions, result.people_received = reception_row["total"], reception_row["people"] or 0
    described = Q(child__isnull=True, family__isnull=True)
    for control_row in (
        PersonalControlCase.objects.filter(assignment_id__in=ids)
        .values("assignment_id")
        .annotate(
            open=Count("id", filter=Q(closed_on__isnull=True)),
            closed=Count("id", filter=Q(closed_on__isnull=False)),
            linked=Count("id", filter=~described),
            home=Count("id", filter=described & Q(outcome=ControlOutcome.RETURNED_HOME)),
            substitute=Count("id", filter=described & Q(outcome=ControlOutcome.SUBSTITUTE_FAMILY)),
        )
    ):
        result = results[control_row["assignment_id"]]
        result.control_open, result.control_closed = control_row["open"], control_row["closed"]
        result.home_recorded, result.substitute_recorded = control_row["home"], control_row["substitute"]
        if control_row["linked"]:
            result.home_register, result.substitute_register = _register_placed(
                PersonalControlCase.objects.filter(assignment_id=control_row["assignment_id"])
            )
    return results


# 002, «Региональный куратор…»: > 5 500 children placed in families (4 310 home, 1 200 substitute) and
# 2 161 cases on support — rows of vyzov_indicators.csv.
CURATOR_FIGURES = (11, 12, 13, 14)


def curator_document_figures(*, computed: FieldWorkResults | None = None) -> list[DocumentFigure]:
    """The brochure's figures of the curators' results, each beside what the system counts over all
    regions (`computed`), labelled as the programme document's."""
    figures = reference_figures(*CURATOR_FIGURES)
    values = (
        {
            11: computed.placed,
            12: computed.home,
            13: computed.substitute,
            14: computed.control_open,
        }
        if computed is not None
        else {}
    )
    return [
        document_figure(figures[seed_id], computed=str(values[seed_id]) if seed_id in values else "")
        for seed_id in CURATOR_FIGURES
        if seed_id in figures
    ]


@dataclass
class FieldWork:
    visits: list[CuratorVisit]
    receptions: list[CuratorReception]
    control_cases: list[PersonalControlCase]


def field_work(*, assignment: CuratorAssignment, limit: int = 50) -> FieldWork:
    """The curator's journal: the latest visits and receptions; cases on control, open ones first."""
    return FieldWork(
        visits=list(assignment.visits.select_related("family")[:limit]),
        receptions=list(assignment.receptions.all()[:limit]),
        control_cases=list(assignment.control_cases.select_related("child", "family")[:limit]),
    )


def control_case_get(*, actor: User, pk: int | str) -> PersonalControlCase:
    return get_in_scope(
        actor,
        PersonalControlCase.objects.select_related("assignment__subject"),
        Perm.PROGRAMMES_VIEW,
        pk=pk,
    )


# ---- who must sit on the МРГ ----------------------------------------------------------------------


@dataclass
class SeatCheck:
    seat: str
    label: str
    person: str = ""
    missing: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing


def _names(values: list[str]) -> set[str]:
    return {normalize_for_search(value) for value in values if value}


def _regional_consilium_names(subject: Subject) -> set[str] | None:
    """The names of the regional consilium's members (None: the region has no regional consilium)."""
    consilium = (
        Consilium.objects.filter(subject=subject, level=ConsiliumLevel.REGIONAL, is_active=True)
        .order_by("id")
        .first()
    )
    if consilium is None:
        return None
    members = ConsiliumMember.objects.filter(consilium=consilium, is_active=True).select_related("user")
    return _names([member.display_name for member in members])


def _curator_seat(members: list[WorkingGroupMember], curator: CuratorAssignment | None) -> SeatCheck:
    check = SeatCheck(seat=WorkingGroupSeat.CURATOR, label=WorkingGroupSeat.CURATOR.label)
    seated = [member for member in members if member.seat == WorkingGroupSeat.CURATOR]
    if curator is None:
        check.missing.append("куратор региона не назначен")
    elif not seated:  # the curator may sit on the МРГ without the mark: found by name
        seated = [member for member in members if _names([member.person]) == _names([curator.full_name])]
    if not seated:
        check.missing.append("нет в составе МРГ")
        return check
    check.person = seated[0].person
    if curator is not None and _names([check.person]) != _names([curator.full_name]):
        check.missing.append(f"в МРГ отмечен(а) {check.person}, а куратором назначен(а) {curator.full_name}")
    return check


def _head_seat(
    members: list[WorkingGroupMember], seat: WorkingGroupSeat, in_consilium: set[str] | None
) -> SeatCheck:
    """The NGO operator's head or the regional service's head: on the МРГ and the regional consilium."""
    check = SeatCheck(seat=seat, label=seat.label)
    seated = [member for member in members if member.seat == seat]
    if not seated:
        check.missing.append("нет в составе МРГ")
        return check
    check.person = seated[0].person
    if in_consilium is None:
        check.missing.append("региональный консилиум не создан")
    elif not _names([check.person]) & in_consilium:
        check.missing.append("нет в составе регионального консилиума")
    return check


def working_group_checklist(
    *, subject: Subject, group: WorkingGroup | None, curator: CuratorAssignment | None = None
) -> list[SeatCheck]:
    """002: the curator is a member of the МРГ; the NGO operator's head and the head of the regional
    «Дети в семье» service are members of the МРГ and of the regional consilium. What is missing, in words;
    saving is never blocked by it. At most six queries."""
    members = list(group.members.all()) if group is not None else []
    if curator is None:
        curator = CuratorAssignment.objects.filter(subject=subject).order_by("-since", "-id").first()
    in_consilium = _regional_consilium_names(subject)
    ngo = _head_seat(members, WorkingGroupSeat.NGO_HEAD, in_consilium)
    if not Operator.objects.filter(subject=subject, is_active=True).exists():
        ngo.missing.insert(0, "НКО-оператор в регионе не назначен")
    return [
        _curator_seat(members, curator),
        ngo,
        _head_seat(members, WorkingGroupSeat.SERVICE_HEAD, in_consilium),
    ]
