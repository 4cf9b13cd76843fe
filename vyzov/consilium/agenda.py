"""The agenda rule: which children (and which families at risk, before any placement) a consilium should
review. One function each, used by the meeting's proposed agenda, the reports (review coverage) and the
benchmark."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q, QuerySet

from vyzov.cases.models import (
    Child,
    Family,
    FamilySocialStatus,
    ParentalRights,
    PlacementKind,
    SocialStatusKind,
)

from .models import (
    LEVEL_ORDER,
    ActionItem,
    ActionStatus,
    AgendaReason,
    Consilium,
    Decision,
    FamilyReview,
    Level,
)

STAY_MONTHS = 6
REVIEW_MONTHS = 6
TEMPORARY_ENDING_DAYS = 30


def months_before(day: dt.date, months: int) -> dt.date:
    """The same calendar day `months` earlier (the last day of the month when it does not exist)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def children_in_territory(consilium: Consilium) -> QuerySet[Child]:
    """Children in institutions that this consilium looks after, by its level."""
    qs = Child.objects.filter(merged_into__isnull=True, current_organization__isnull=False)
    if consilium.level == Level.INSTITUTION:
        return qs.filter(current_organization=consilium.organization_id)
    if consilium.level == Level.MUNICIPAL:
        return qs.filter(municipality=consilium.municipality_id)
    return qs.filter(subject=consilium.subject_id)


def _lower_levels(consilium: Consilium) -> Q:
    """Decisions taken below this consilium in its own territory."""
    below = Q(review__meeting__consilium__subject=consilium.subject_id) & Q(
        review__meeting__consilium__level__in=[
            level for level, order in LEVEL_ORDER.items() if order < LEVEL_ORDER[consilium.level]
        ]
    )
    if consilium.level == Level.MUNICIPAL:
        below &= Q(review__meeting__consilium__organization__municipality=consilium.municipality_id)
    return below


def needs_review_q(as_of: dt.date) -> Q:
    """A child in an institution is due for review: never reviewed, or the last review is older than
    6 months. Also used by the reports to count coverage."""
    return Q(case__last_review_date__isnull=True) | Q(
        case__last_review_date__lt=months_before(as_of, REVIEW_MONTHS)
    )


def agenda_candidates(consilium: Consilium, *, as_of: dt.date) -> dict[int, list[str]]:
    """{child id: [reasons]} for the children the consilium should review on `as_of`.

    A stay counts as «over 6 months» when the child was placed before the same day six months earlier;
    a review is due when the last one was before that day. Escalations come from decisions of the
    levels below that asked to pass the case up and that this consilium has not reviewed since.
    """
    children = children_in_territory(consilium)
    reasons: dict[int, list[str]] = defaultdict(list)
    six_months_ago = months_before(as_of, STAY_MONTHS)

    for pk in children.filter(placed_since__lt=six_months_ago).values_list("pk", flat=True):
        reasons[pk].append(AgendaReason.LONG_STAY)
    for pk in children.filter(case__last_review_date__isnull=True).values_list("pk", flat=True):
        reasons[pk].append(AgendaReason.NEVER_REVIEWED)
    for pk in children.filter(case__last_review_date__lt=months_before(as_of, REVIEW_MONTHS)).values_list(
        "pk", flat=True
    ):
        reasons[pk].append(AgendaReason.REVIEW_DUE)
    ending = children.filter(
        placements__end_date__isnull=True,
        placements__kind=PlacementKind.TEMPORARY_PARENTS_REQUEST,
        placements__planned_end_date__lte=as_of + dt.timedelta(days=TEMPORARY_ENDING_DAYS),
    )
    for pk in ending.values_list("pk", flat=True).distinct():
        reasons[pk].append(AgendaReason.TEMPORARY_ENDING)
    suits = children.filter(family__members__parental_rights=ParentalRights.SUIT_PENDING)
    for pk in suits.values_list("pk", flat=True).distinct():
        reasons[pk].append(AgendaReason.PARENTAL_SUIT)
    overdue = (
        ActionItem.objects.filter(child__in=children.values("pk"), deadline__lt=as_of)
        .exclude(status=ActionStatus.DONE)
        .values_list("child_id", flat=True)
        .distinct()
    )
    for pk in overdue:
        reasons[pk].append(AgendaReason.OVERDUE_ACTIONS)
    if consilium.level != Level.INSTITUTION:
        escalated = Decision.objects.filter(
            _lower_levels(consilium), escalate=True, review__child__in=children.values("pk")
        )
        for pk, decided_on in escalated.values_list("review__child_id", "review__meeting__date"):
            reviewed_here_since = Decision.objects.filter(
                review__child_id=pk,
                review__meeting__consilium=consilium,
                review__meeting__date__gte=decided_on,
            ).exists()
            if not reviewed_here_since:
                reasons[pk].append(AgendaReason.ESCALATED)
    return dict(reasons)


# ---- families at risk, before placement ---------------------------------------------------------

RECENT_STATUS_DAYS = 30


def families_in_territory(consilium: Consilium) -> QuerySet[Family]:
    """Families of the register this consilium may hear before placement: of its municipality or its
    region. A consilium of an institution hears the children placed there, not families."""
    if consilium.level == Level.INSTITUTION:
        return Family.objects.none()
    if consilium.level == Level.MUNICIPAL:
        return Family.objects.filter(municipality=consilium.municipality_id)
    return Family.objects.filter(subject=consilium.subject_id)


def family_has_child_in_institution_q() -> Q:
    return Q(
        pk__in=Child.objects.filter(
            merged_into__isnull=True, current_organization__isnull=False, family__isnull=False
        ).values("family_id")
    )


def family_agenda_candidates(consilium: Consilium, *, as_of: dt.date) -> dict[int, list[str]]:
    """{family id: [reasons]}: families at risk with no child in an institution that this consilium
    should hear before any placement.

    The register holds one honest «at risk» signal: a СОП or ТЖС status (set by a checked alert or by
    the specialist). A family is proposed when such a status began in the last RECENT_STATUS_DAYS days,
    is still open on `as_of`, and this consilium has not heard the family since the status began; and
    when a lower level asked to pass its review of the family up and this consilium has not heard the
    family since.
    """
    families = families_in_territory(consilium).exclude(family_has_child_in_institution_q())
    reasons: dict[int, list[str]] = defaultdict(list)
    recent = (
        FamilySocialStatus.objects.filter(
            family__in=families.values("pk"),
            kind__in=[SocialStatusKind.SOP, SocialStatusKind.TZHS],
            start_date__gte=as_of - dt.timedelta(days=RECENT_STATUS_DAYS),
            start_date__lte=as_of,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=as_of))
        .values_list("family_id", "start_date")
        .order_by("family_id", "start_date")
    )
    first_start: dict[int, dt.date] = {}
    for family_id, start in recent:
        first_start.setdefault(family_id, start)
    heard = _heard_here(consilium, list(first_start))
    for family_id, start in first_start.items():
        if not any(day >= start for day in heard.get(family_id, [])):
            reasons[family_id].append(AgendaReason.FAMILY_AT_RISK)
    for family_id in _escalated_families(consilium, families):
        if AgendaReason.ESCALATED not in reasons[family_id]:
            reasons[family_id].append(AgendaReason.ESCALATED)
    return dict(reasons)


def _escalated_families(consilium: Consilium, families: QuerySet[Family]) -> set[int]:
    """Families whose review at a lower level of this region asked to pass the case up, not heard here
    since."""
    below = Q(meeting__consilium__subject=consilium.subject_id) & Q(
        meeting__consilium__level__in=[
            level for level, order in LEVEL_ORDER.items() if order < LEVEL_ORDER[consilium.level]
        ]
    )
    escalated = list(
        FamilyReview.objects.filter(below, escalate=True, family__in=families.values("pk")).values_list(
            "family_id", "meeting__date"
        )
    )
    heard = _heard_here(consilium, [family_id for family_id, _ in escalated])
    return {
        family_id
        for family_id, decided_on in escalated
        if not any(day >= decided_on for day in heard.get(family_id, []))
    }


def _heard_here(consilium: Consilium, family_ids: list[int]) -> dict[int, list[dt.date]]:
    heard: dict[int, list[dt.date]] = defaultdict(list)
    for family_id, day in FamilyReview.objects.filter(
        meeting__consilium=consilium, family_id__in=family_ids
    ).values_list("family_id", "meeting__date"):
        heard[family_id].append(day)
    return heard
