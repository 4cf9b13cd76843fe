"""Reads of the contests: who sees which application, the results of a contest (experts' totals
combined by the contest's rule, jury and bonuses, disagreement flags), the ranking with ties and the
results report in the structure of the Fund's reports. Each is a fixed number of queries."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from vyzov.accounts.access import NotInScope, Perm, has_perm, scope_condition
from vyzov.accounts.models import User

from . import ranking as rules
from .models import (
    SECTION_ORDER,
    Application,
    ApplicationStatus,
    AssignmentRole,
    Award,
    AwardKind,
    BonusAward,
    BonusItem,
    Category,
    CommissionDecision,
    CommissionMember,
    Contest,
    ContestEvent,
    ContestOrganisation,
    ContestRegulation,
    ContestStatus,
    Criterion,
    ExpertAssignment,
    JuryScore,
    MediaPublication,
    MemberRole,
    OrganisationRole,
    ReportSection,
    Score,
    SectionKind,
)


def manages_contests(actor: User) -> bool:
    """The federal team for the whole country: sets contests up, sees every application and the
    ranking before publication. A district-level grant manages only its territory's applications."""
    return scope_condition(actor, Application, Perm.CONTESTS_MANAGE) == Q()


CONTEST_PERMS = (Perm.CONTESTS_MANAGE, Perm.CONTESTS_PARTICIPATE, Perm.CONTESTS_SCORE)


def contests_visible(*, actor: User) -> QuerySet[Contest]:
    """The one rule for which contests a person sees (pages and API): the federal team every contest,
    drafts included; anyone else with a contest role only those past preparation; others none."""
    if manages_contests(actor):
        return Contest.objects.all()
    if any(has_perm(actor, perm) for perm in CONTEST_PERMS):
        return Contest.objects.exclude(status=ContestStatus.DRAFT)
    return Contest.objects.none()


def contest_get(*, actor: User, pk: int | str) -> Contest:
    """A contest the actor sees (contests_visible); a draft of someone else's preparation is a 404."""
    try:
        return contests_visible(actor=actor).get(pk=pk)
    except (Contest.DoesNotExist, ValueError, TypeError):
        raise NotInScope() from None


def application_scope(actor: User, queryset: QuerySet[Application] | None = None) -> QuerySet[Application]:
    """The applications an actor may open: the federal team — all; a municipality — its own; an expert —
    those assigned to them, never one from their own subject (conflict of interest)."""
    queryset = queryset if queryset is not None else Application.objects.all()
    condition = None
    for perm in (Perm.CONTESTS_MANAGE, Perm.CONTESTS_PARTICIPATE):
        part = scope_condition(actor, Application, perm)
        if part == Q():  # the whole country: `Q() | x` would narrow it to x
            return queryset
        if part is not None:
            condition = part if condition is None else condition | part
    if (
        has_perm(actor, Perm.CONTESTS_SCORE) and actor.home_subject_id
    ):  # no subject, no conflict check: nothing
        assigned = Q(Exists(ExpertAssignment.objects.filter(application=OuterRef("pk"), expert=actor)))
        assigned &= ~Q(subject_id=actor.home_subject_id)
        condition = assigned if condition is None else condition | assigned
    if condition is None:
        return queryset.none()
    return queryset.filter(condition)


def application_get(*, actor: User, pk: int | str) -> Application:
    try:
        return application_scope(
            actor, Application.objects.select_related("contest", "category", "subject", "municipality")
        ).get(pk=pk)
    except (Application.DoesNotExist, ValueError, TypeError):
        raise NotInScope() from None


def assignment_get(*, actor: User, application: Application) -> ExpertAssignment:
    assignment = ExpertAssignment.objects.filter(application=application, expert=actor).first()
    if assignment is None:
        raise NotInScope()
    return assignment


def hides_municipality(actor: User, contest: Contest) -> bool:
    """Blind review: experts see neither the municipality nor the subject."""
    return (
        contest.blind and not has_perm(actor, Perm.CONTESTS_MANAGE) and has_perm(actor, Perm.CONTESTS_SCORE)
    )


def expert_assignments(*, actor: User) -> QuerySet[ExpertAssignment]:
    applications = application_scope(actor)
    return (
        ExpertAssignment.objects.filter(expert=actor, application__in=applications)
        .select_related("application__contest", "application__category", "application__subject")
        .order_by("submitted_at", "application__contest", "application_id")
    )


# ---- results -----------------------------------------------------------------------------------


@dataclass
class Result:
    application: Application
    expert_totals: dict[int, float] = field(default_factory=dict)
    experts_assigned: int = 0
    aggregated: float | None = None
    jury: float | None = None
    bonus: Decimal = Decimal(0)
    disagreement: float = 0.0
    flagged: bool = False

    @property
    def final(self) -> Decimal | None:
        if self.aggregated is None:
            return None
        return rules.quantize(self.aggregated + (self.jury or 0) + float(self.bonus))

    @property
    def complete(self) -> bool:
        return self.experts_assigned > 0 and len(self.expert_totals) == self.experts_assigned


def results(*, contest: Contest) -> dict[int, Result]:
    """Every accepted application's result — seven queries for the whole contest."""
    applications = list(
        contest.applications.filter(status=ApplicationStatus.ACCEPTED).select_related(
            "category", "subject", "municipality"
        )
    )
    found = {application.pk: Result(application=application) for application in applications}
    maximum: dict[str | None, float] = {
        row["criteria_set__settlement_type"]: float(row["total"] or 0)
        for row in Criterion.objects.filter(criteria_set__contest=contest)
        .values("criteria_set__settlement_type")
        .annotate(total=Sum("max_points"))
    }
    for row in (
        ExpertAssignment.objects.filter(application__contest=contest, role=AssignmentRole.EXPERT)
        .values("application_id")
        .annotate(n=Count("id"))
    ):
        if row["application_id"] in found:
            found[row["application_id"]].experts_assigned = row["n"]
    by_expert: dict[int, list[float]] = defaultdict(list)
    totals = (
        Score.objects.filter(
            assignment__application__contest=contest,
            assignment__submitted_at__isnull=False,
            assignment__role=AssignmentRole.EXPERT,
        )
        .values("assignment__application_id", "assignment__expert_id")
        .annotate(total=Sum("points"))
    )
    for total in totals:
        result = found.get(total["assignment__application_id"])
        if result is not None:
            result.expert_totals[total["assignment__expert_id"]] = float(total["total"])
            by_expert[total["assignment__expert_id"]].append(float(total["total"]))
    normalisers = rules.expert_normalisers(by_expert)
    jury_item = BonusItem.objects.filter(contest=contest, scored_by_jury=True).first()
    jury: dict[int, list[float]] = defaultdict(list)
    for application_id, points in JuryScore.objects.filter(
        assignment__application__contest=contest
    ).values_list("assignment__application_id", "points"):
        jury[application_id].append(float(points))
    bonuses = dict(
        BonusAward.objects.filter(application__contest=contest)
        .values("application_id")
        .annotate(total=Sum("points"))
        .values_list("application_id", "total")
    )
    for application_id, result in found.items():
        if result.expert_totals:
            result.aggregated = rules.aggregate(
                result.expert_totals, rule=contest.aggregation, normalisers=normalisers
            )
            settlement = result.application.category.settlement_type if result.application.category else None
            result.disagreement = rules.disagreement(
                list(result.expert_totals.values()), maximum=maximum.get(settlement, 0)
            )
            result.flagged = result.disagreement > contest.discrepancy_threshold
        if jury.get(application_id):
            mean = sum(jury[application_id]) / len(jury[application_id])
            limit = float(jury_item.limit) if jury_item and jury_item.limit is not None else mean
            result.jury = min(mean, limit)
        result.bonus = bonuses.get(application_id) or Decimal(0)
    return found


@dataclass
class RankedRow:
    application: Application
    final: Decimal | None
    place: int | None
    flagged: bool
    complete: bool
    result: Result


@dataclass
class CategoryRanking:
    category: Category
    rows: list[RankedRow]


def ranking(*, contest: Contest) -> list[CategoryRanking]:
    """Per category: applications with a score get places by the contest's tie rule; the others
    follow without a place."""
    found = results(contest=contest)
    by_category: dict[int, list[Result]] = defaultdict(list)
    for result in found.values():
        if result.application.category_id:
            by_category[result.application.category_id].append(result)
    groups = []
    for category in contest.categories.all():
        members = by_category.get(category.pk, [])
        scored = {r.application.pk: r for r in members if r.final is not None}
        placed = rules.rank(
            ((pk, r.final) for pk, r in scored.items() if r.final is not None), rule=contest.tie_rule
        )
        rows = [
            RankedRow(
                scored[p.key].application,
                p.score,
                p.place,
                scored[p.key].flagged,
                scored[p.key].complete,
                scored[p.key],
            )
            for p in placed
        ]
        rows += [
            RankedRow(r.application, None, None, r.flagged, False, r)
            for r in sorted(members, key=lambda r: r.application.settlement_name)
            if r.final is None
        ]
        groups.append(CategoryRanking(category=category, rows=rows))
    return groups


RANKING_CACHE_SECONDS = 3600


def ranking_cache_key(contest: Contest) -> str:
    """The ranking's inputs are the contest row (rule, tie rule, places) and the rows whose every change
    goes through a service that bumps `results_version` (services._not_locked): both are in the key,
    read with the contest on every request, so a stale entry is never read in any process."""
    changed = contest.updated_at.timestamp() if contest.updated_at else 0
    return f"contests:ranking:{contest.pk}:{contest.results_version}:{changed}"


def ranking_cached(*, contest: Contest) -> list[CategoryRanking]:
    """`ranking` computed once per version of the contest's results (600 applications: ~100 ms of
    Python per computation), then read from the cache."""
    key = ranking_cache_key(contest)
    groups: list[CategoryRanking] | None = cache.get(key)
    if groups is None:
        groups = ranking(contest=contest)
        cache.set(key, groups, RANKING_CACHE_SECONDS)
    return groups


# ---- the results report ------------------------------------------------------------------------


@dataclass
class Report:
    contest: Contest
    participants: int
    subjects: int
    reports_received: int
    by_district: list[tuple[str, int]]
    by_category: list[tuple[Category, int, int]]
    by_subject: list[tuple[str, int]]
    leaders: list[tuple[str, int]]
    places: list[tuple[Category | None, list[Award]]]
    special: list[Award]
    media_total: int
    media_about_action: int
    media_subjects: int
    media_by_subject: list[tuple[str, int]]
    sections: list[tuple[str, list[ReportSection]]] = field(default_factory=list)


def _participants(contest: Contest) -> QuerySet[Application]:
    applications = contest.applications.all()
    return applications if contest.is_history else applications.exclude(status=ApplicationStatus.DRAFT)


def report(*, contest: Contest) -> Report:
    """The report in the structure of the Fund's 2016/2017 reports, counted from the rows."""
    rows = list(
        _participants(contest).values_list(
            "subject__name", "historical_district", "category_id", "report_received"
        )
    )
    by_subject = Counter(subject for subject, _d, _c, _r in rows)
    top = max(by_subject.values(), default=0)
    categories = list(contest.categories.all())
    participants_by_category = Counter(category for _s, _d, category, _r in rows)
    reports_by_category = Counter(category for _s, _d, category, received in rows if received)
    awards = list(Award.objects.filter(contest=contest).select_related("application__subject", "category"))
    places: dict[int | None, list[Award]] = defaultdict(list)
    for award in awards:
        if award.kind == AwardKind.PLACE:
            places[award.category_id].append(award)
    media = list(
        MediaPublication.objects.filter(contest=contest).values_list("subject__name", "about_action")
    )
    media_by_subject = Counter(subject for subject, _about in media)
    return Report(
        contest=contest,
        participants=len(rows),
        subjects=len(by_subject),
        reports_received=sum(1 for *_rest, received in rows if received),
        by_district=Counter(district for _s, district, _c, _r in rows).most_common(),
        by_category=[(c, participants_by_category[c.pk], reports_by_category[c.pk]) for c in categories],
        by_subject=sorted(by_subject.items(), key=lambda item: (-item[1], item[0])),
        leaders=sorted((s, n) for s, n in by_subject.items() if n == top and top),
        places=[
            (c, sorted(places[c.pk], key=lambda a: (a.place, a.application.settlement_name)))
            for c in categories
            if places.get(c.pk)
        ],
        special=[award for award in awards if award.kind != AwardKind.PLACE],
        media_total=len(media),
        media_about_action=sum(1 for _s, about in media if about),
        media_subjects=len(media_by_subject),
        media_by_subject=sorted(media_by_subject.items(), key=lambda item: (-item[1], item[0])),
        sections=report_sections(contest=contest),
    )


def applications_to_submit(*, actor: User) -> QuerySet[Application]:
    """The participant's drafts and returned applications of contests still taking them, with the
    application's own deadline (`due`: an extension, else the contest's); the nearest deadline first."""
    if not has_perm(actor, Perm.CONTESTS_PARTICIPATE):
        return Application.objects.none()
    condition = scope_condition(actor, Application, Perm.CONTESTS_PARTICIPATE)
    qs = Application.objects.filter(condition) if condition else Application.objects.all()
    return (
        qs.filter(
            status__in=(ApplicationStatus.DRAFT, ApplicationStatus.RETURNED),
            is_history=False,
            contest__status=ContestStatus.OPEN,
        )
        .annotate(due=Coalesce("deadline_extended_to", "contest__submission_deadline"))
        .select_related("contest")
        .order_by(F("due").asc(nulls_last=True), "id")
    )


# ---- organisation of a contest ------------------------------------------------------------------


@dataclass
class Organisation:
    """Who runs the contest and how: organisers and partners, the commission and its decision, the
    regulation and the events. Five queries."""

    contest: Contest
    organisations: list[ContestOrganisation]
    commission: list[CommissionMember]
    decision: CommissionDecision | None
    regulation: ContestRegulation | None
    events: list[ContestEvent]


def organisation(*, contest: Contest) -> Organisation:
    role_order = {role: number for number, role in enumerate(MemberRole.values)}
    return Organisation(
        contest=contest,
        organisations=sorted(
            ContestOrganisation.objects.filter(contest=contest),
            key=lambda o: (OrganisationRole.values.index(o.organisation_role), o.pk),
        ),
        commission=sorted(
            CommissionMember.objects.filter(contest=contest),
            key=lambda m: (role_order[m.member_role], m.full_name, m.pk),
        ),
        decision=CommissionDecision.objects.filter(contest=contest).select_related("approved_by").first(),
        regulation=ContestRegulation.objects.filter(contest=contest).first(),
        events=list(
            ContestEvent.objects.filter(contest=contest).order_by(F("date").asc(nulls_first=True), "id")
        ),
    )


def report_sections(*, contest: Contest) -> list[tuple[str, list[ReportSection]]]:
    """The analytical sections of the results report in the reports' order, each with its items."""
    items: dict[str, list[ReportSection]] = defaultdict(list)
    for item in ReportSection.objects.filter(contest=contest).order_by("number"):
        items[item.section_kind].append(item)
    return [(SectionKind(kind).label, items[kind]) for kind in SECTION_ORDER if items.get(kind)]


def regulation_get(*, actor: User, pk: int | str) -> ContestRegulation:
    """The regulation of a contest the actor sees (a draft's is a 404 outside the federal team)."""
    try:
        regulation = ContestRegulation.objects.get(pk=pk)
    except (ContestRegulation.DoesNotExist, ValueError, TypeError):
        raise NotInScope() from None
    contest_get(actor=actor, pk=regulation.contest_id)
    return regulation
