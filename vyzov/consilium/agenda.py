"""The agenda rule: which children a consilium should review. One function, used by the meeting's
proposed agenda, the reports (review coverage) and the benchmark."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q, QuerySet

from vyzov.cases.models import Child, ParentalRights, PlacementKind

from .models import LEVEL_ORDER, ActionItem, ActionStatus, AgendaReason, Consilium, Decision, Level

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
