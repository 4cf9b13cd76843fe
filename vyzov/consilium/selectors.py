"""Reads of the consilium, scoped by the access policy; «Мои поручения» by assignment."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from vyzov.accounts.access import NotInScope, Perm, get_in_scope, grants_of, scope
from vyzov.accounts.models import User
from vyzov.cases.models import Child, Family, RouteGoal
from vyzov.cases.selectors import with_personal_flag
from vyzov.territories.models import Subject

from .agenda import (
    STAY_MONTHS,
    children_in_territory,
    families_in_territory,
    family_has_child_in_institution_q,
    months_before,
    needs_review_q,
)
from .models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    AgendaReason,
    Consilium,
    Decision,
    DocumentKind,
    DocumentStatus,
    FamilyAgendaItem,
    FamilyReview,
    InteragencyDocument,
    Level,
    Meeting,
    MeetingStatus,
    Member,
    Review,
)


def consilium_list(*, actor: User) -> QuerySet[Consilium]:
    return (
        scope(
            actor,
            Consilium.objects.select_related("subject", "municipality", "organization"),
            Perm.CONSILIUM_VIEW,
        )
        .annotate(meeting_count=Count("meetings"))
        .order_by("subject__name", "level")
    )


def report_subject_codes(*, actor: User) -> set[str]:
    """Codes of the subjects whose regional consilium report the actor may open (the report view's scope)."""
    return set(scope(actor, Subject.objects.all(), Perm.CONSILIUM_VIEW).values_list("code", flat=True))


def consilium_get(*, actor: User, pk: int | str) -> Consilium:
    return get_in_scope(
        actor,
        Consilium.objects.select_related("subject", "municipality", "organization"),
        Perm.CONSILIUM_VIEW,
        pk=pk,
    )


def meeting_get(*, actor: User, pk: int | str) -> Meeting:
    return get_in_scope(
        actor,
        Meeting.objects.select_related(
            "consilium__subject", "consilium__organization", "consilium__municipality"
        ),
        Perm.CONSILIUM_VIEW,
        pk=pk,
    )


AGENDA_PAGE_SIZE = 50
SECTION_ALL = "all"
SECTION_FAMILIES = "families"
SECTION_REMOVED = "removed"


@dataclass(frozen=True)
class AgendaSection:
    code: str
    label: str
    count: int


@dataclass(frozen=True)
class AgendaSummary:
    """The meeting page's head: how many children, by reason, reviewed and decided; the rows themselves
    are read a section and a page at a time (`agenda_page`)."""

    total: int
    removed: int
    reviewed: int
    decided: int
    sections: list[AgendaSection]
    families: int = 0
    families_decided: int = 0

    @property
    def children(self) -> int:
        return self.total - self.families

    def section(self, code: str) -> AgendaSection:
        return next((section for section in self.sections if section.code == code), self.sections[0])


AgendaKey = tuple[str, int]  # ("child", AgendaItem id) or ("family", FamilyAgendaItem id)
AgendaRow = tuple[AgendaKey, list[str], bool]  # (key, reasons, removed)


def _in_section(row: AgendaRow, section: str) -> bool:
    (kind, _pk), reasons, removed = row
    if section == SECTION_REMOVED:
        return removed
    if section == SECTION_FAMILIES:
        return not removed and kind == "family"
    return not removed and (section == SECTION_ALL or section in reasons)


def _summary(rows: list[AgendaRow], meeting: Meeting) -> AgendaSummary:
    counts: Counter[str] = Counter()
    total = removed = families = 0
    for (kind, _pk), reasons, is_removed in rows:
        if is_removed:
            removed += 1
            continue
        total += 1
        families += kind == "family"
        counts.update(set(reasons))
    reviews = Review.objects.filter(meeting=meeting).aggregate(
        reviewed=Count("pk"), decided=Count("decision")
    )
    sections = [AgendaSection(SECTION_ALL, "Вся повестка", total)]
    if families:
        sections.append(AgendaSection(SECTION_FAMILIES, "Семьи в риске (до помещения)", families))
    sections += [
        AgendaSection(code, label, counts[code]) for code, label in AgendaReason.choices if counts[code]
    ]
    if removed:
        sections.append(AgendaSection(SECTION_REMOVED, "Исключены из повестки", removed))
    return AgendaSummary(
        total=total,
        removed=removed,
        reviewed=reviews["reviewed"],
        decided=reviews["decided"],
        sections=sections,
        families=families,
        families_decided=FamilyReview.objects.filter(meeting=meeting).count() if families else 0,
    )


def agenda_view(
    *, actor: User, meeting: Meeting, section: str | None, page: int | str | None
) -> tuple[AgendaSummary, AgendaSection, Page[AgendaItem | FamilyAgendaItem]]:
    """The meeting page's agenda: counts per reason and of the reviews, the chosen section (an unknown
    one is the whole agenda) and one page of it (AGENDA_PAGE_SIZE rows) in the agenda's order (the
    children by surname, then id; then the families at risk), with each row's card data and review;
    personal data only where the actor may see it. One small read of (id, reasons, removed) of the whole
    agenda serves the counts and the section (the reasons are a JSON list, filtered here the same way on
    every database); only the page's rows are read in full."""
    rows: list[AgendaRow] = [
        (("child", pk), reasons, removed)
        for pk, reasons, removed in AgendaItem.objects.filter(meeting=meeting)
        .order_by("child__last_name", "child_id")
        .values_list("pk", "reasons", "removed")
    ]
    rows += [
        (("family", pk), reasons, removed)
        for pk, reasons, removed in FamilyAgendaItem.objects.filter(meeting=meeting)
        .order_by("family__title", "family_id")
        .values_list("pk", "reasons", "removed")
    ]
    summary = _summary(rows, meeting)
    chosen = summary.section(section or SECTION_ALL)
    keys = [row[0] for row in rows if _in_section(row, chosen.code)]
    key_page = Paginator(keys, AGENDA_PAGE_SIZE).get_page(page)
    items = _agenda_items(actor=actor, meeting=meeting, keys=list(key_page.object_list))
    return summary, chosen, Page(items, key_page.number, key_page.paginator)  # type: ignore[arg-type]


def _agenda_items(
    *, actor: User, meeting: Meeting, keys: list[AgendaKey]
) -> list[AgendaItem | FamilyAgendaItem]:
    children = with_personal_flag(actor, Child.objects.select_related("current_organization", "case"))
    families = with_personal_flag(actor, Family.objects.select_related("municipality"))
    child_ids = [pk for kind, pk in keys if kind == "child"]
    family_ids = [pk for kind, pk in keys if kind == "family"]
    found: dict[AgendaKey, AgendaItem | FamilyAgendaItem] = {
        ("child", item.pk): item
        for item in AgendaItem.objects.filter(meeting=meeting, pk__in=child_ids)
        .select_related("added_by")
        .prefetch_related(Prefetch("child", queryset=children))
    }
    found |= {
        ("family", item.pk): item
        for item in FamilyAgendaItem.objects.filter(meeting=meeting, pk__in=family_ids)
        .select_related("added_by")
        .prefetch_related(Prefetch("family", queryset=families))
    }
    items = [found[key] for key in keys if key in found]
    _attach_reviews(meeting, items)
    return items


def _attach_reviews(meeting: Meeting, items: list[AgendaItem | FamilyAgendaItem]) -> None:
    """Each row's review at this meeting: the child's (with the decision) or the family's. An empty id
    list runs no query (Django skips `IN ()`)."""
    _attach_child_reviews(meeting, [item for item in items if isinstance(item, AgendaItem)])
    _attach_family_reviews(meeting, [item for item in items if isinstance(item, FamilyAgendaItem)])


def _attach_child_reviews(meeting: Meeting, items: list[AgendaItem]) -> None:
    reviews = Review.objects.filter(meeting=meeting, child_id__in=[item.child_id for item in items])
    by_child = {review.child_id: review for review in reviews.select_related("decision")}
    for item in items:
        item.review = by_child.get(item.child_id)


def _attach_family_reviews(meeting: Meeting, items: list[FamilyAgendaItem]) -> None:
    reviews = FamilyReview.objects.filter(meeting=meeting, family_id__in=[item.family_id for item in items])
    by_family = {review.family_id: review for review in reviews}
    for item in items:
        item.family_review = by_family.get(item.family_id)


def family_review_get(
    *, actor: User, meeting: Meeting, family_pk: int | str
) -> tuple[Family, FamilyReview | None]:
    """A family on this meeting's agenda (or heard at it) in the actor's scope, with its review if made;
    anything else is a 404."""
    family = get_in_scope(
        actor,
        with_personal_flag(actor, Family.objects.select_related("municipality")),
        Perm.CASES_VIEW,
        pk=family_pk,
    )
    review = FamilyReview.objects.filter(meeting=meeting, family=family).first()
    if review is None and not FamilyAgendaItem.objects.filter(meeting=meeting, family=family).exists():
        raise NotInScope()
    return family, review


def family_agenda_families(*, actor: User, meeting: Meeting) -> QuerySet[Family]:
    """The families the secretary may put on this meeting's agenda (the picker): the consilium's
    territory, in the actor's scope, none with a child in an institution."""
    return scope(actor, families_in_territory(meeting.consilium), Perm.CASES_VIEW).exclude(
        family_has_child_in_institution_q()
    )


def family_open_items(*, family: Family) -> QuerySet[ActionItem]:
    """The family's action items (prevention measures) — shown on its review."""
    return (
        ActionItem.objects.filter(family=family)
        .select_related("organization", "executor")
        .order_by("deadline", "id")
    )


def review_get(*, actor: User, meeting: Meeting, child_pk: int | str) -> tuple[Child, Review | None]:
    child = get_in_scope(
        actor,
        with_personal_flag(actor, Child.objects.select_related("case", "current_organization")),
        Perm.CASES_VIEW,
        pk=child_pk,
    )
    if (
        not AgendaItem.objects.filter(meeting=meeting, child=child).exists()
        and not Review.objects.filter(meeting=meeting, child=child).exists()
    ):
        raise NotInScope()
    review = Review.objects.filter(meeting=meeting, child=child).select_related("decision").first()
    return child, review


def placed_recently(*, child: Child, as_of: dt.date) -> bool:
    """Placed in the institution within the agenda's 6 months before `as_of`: the review then assesses
    the placement itself and the measures taken to keep the family (002, задача № 2)."""
    since = child.placed_since
    return (
        child.current_organization_id is not None
        and since is not None
        and since >= months_before(as_of, STAY_MONTHS)
    )


def my_action_items(*, actor: User, open_only: bool = True) -> QuerySet[ActionItem]:
    """Items assigned to the actor personally: the assignment is what gives access, not the territory."""
    qs = ActionItem.objects.filter(executor=actor).select_related("organization", "child", "subject")
    if open_only:
        qs = qs.exclude(status=ActionStatus.DONE)
    return qs.order_by("deadline", "id")


def action_items_visible(*, actor: User) -> QuerySet[ActionItem]:
    """The one rule for which action items a person sees (pages and API): those of their territory
    (consilium.view) and those assigned to them personally, wherever they are."""
    territory = scope(actor, ActionItem.objects.all(), Perm.CONSILIUM_VIEW).values("pk")
    mine = Q(executor=actor.pk) if actor.is_authenticated else Q(pk__in=[])
    return ActionItem.objects.filter(Q(pk__in=territory) | mine).select_related(
        "organization", "child", "family", "subject", "executor"
    )


def action_item_get(*, actor: User, pk: int | str) -> ActionItem:
    """An item the actor sees (action_items_visible); anything else is a 404."""
    try:
        return action_items_visible(actor=actor).get(pk=pk)
    except (ActionItem.DoesNotExist, ValueError, TypeError):
        raise NotInScope() from None


def action_item_list(*, actor: User, filters: dict[str, Any] | None = None) -> QuerySet[ActionItem]:
    filters = filters or {}
    qs = scope(
        actor,
        ActionItem.objects.select_related("organization", "executor", "subject", "child"),
        Perm.CONSILIUM_VIEW,
    )
    today = timezone.localdate()
    if filters.get("state") == "overdue":
        qs = qs.exclude(status=ActionStatus.DONE).filter(deadline__lt=today)
    elif filters.get("state") == "open":
        qs = qs.exclude(status=ActionStatus.DONE)
    elif filters.get("state") == "done":
        qs = qs.filter(status=ActionStatus.DONE)
    return qs.order_by("deadline", "id")


@dataclass
class LevelReport:
    level: str
    label: str
    meetings_held: int
    children_reviewed: int
    decisions_by_goal: dict[str, int]
    actions_done_on_time: int
    actions_done_late: int
    actions_overdue: int
    actions_open: int


@dataclass
class ConsiliumReport:
    subject_name: str
    date_from: dt.date
    date_to: dt.date
    levels: list[LevelReport]
    children_in_institutions: int
    reviewed_in_six_months: int

    @property
    def coverage_percent(self) -> float | None:
        if not self.children_in_institutions:
            return None
        return self.reviewed_in_six_months / self.children_in_institutions * 100


def consilium_report(
    *, actor: User, subject: Subject, date_from: dt.date, date_to: dt.date
) -> ConsiliumReport:
    """Per level of one region: meetings, reviews, decisions by route, action items on time vs overdue,
    and the share of children in institutions reviewed in the last 6 months (the agenda's own rule)."""
    consilia = scope(actor, Consilium.objects.filter(subject=subject), Perm.CONSILIUM_VIEW)
    today = timezone.localdate()
    levels = []
    for level, label in Level.choices:
        here = consilia.filter(level=level)
        meetings = Meeting.objects.filter(consilium__in=here, date__range=(date_from, date_to))
        decisions = Decision.objects.filter(review__meeting__in=meetings)
        items = ActionItem.objects.filter(origin_type__model="decision", origin_id__in=decisions.values("pk"))
        done = items.filter(status=ActionStatus.DONE)
        levels.append(
            LevelReport(
                level=level,
                label=label,
                meetings_held=meetings.filter(status=MeetingStatus.HELD).count(),
                children_reviewed=Review.objects.filter(meeting__in=meetings)
                .values("child")
                .distinct()
                .count(),
                decisions_by_goal={
                    RouteGoal(goal).label: count
                    for goal, count in decisions.values_list("route_goal").annotate(n=Count("id")).order_by()
                },
                actions_done_on_time=sum(
                    1 for d, dl in done.values_list("done_on", "deadline") if d and d <= dl
                ),
                actions_done_late=sum(1 for d, dl in done.values_list("done_on", "deadline") if d and d > dl),
                actions_overdue=items.exclude(status=ActionStatus.DONE).filter(deadline__lt=today).count(),
                actions_open=items.exclude(status=ActionStatus.DONE).filter(deadline__gte=today).count(),
            )
        )
    regional = Consilium(level="regional", subject=subject)
    in_institutions = scope(actor, children_in_territory(regional), Perm.CASES_VIEW)
    return ConsiliumReport(
        subject_name=subject.name,
        date_from=date_from,
        date_to=date_to,
        levels=levels,
        children_in_institutions=in_institutions.count(),
        reviewed_in_six_months=in_institutions.exclude(needs_review_q(today)).count(),
    )


def coverage(*, subject: Subject, today: dt.date | None = None) -> tuple[int, int]:
    """(children in institutions, of them reviewed in the last 6 months) — for the situational centre."""
    today = today or timezone.localdate()
    children = children_in_territory(Consilium(level="regional", subject=subject))
    return children.count(), children.exclude(needs_review_q(today)).count()


# ---- the home page's work queue ---------------------------------------------------------------


def action_items_waiting(*, actor: User) -> QuerySet[ActionItem]:
    """Open items for the actor: assigned to them, or to their organisation with nobody named;
    overdue first (by deadline)."""
    organizations = [g.organization_id for g in grants_of(actor) if g.organization_id]
    mine = Q(executor=actor.pk) | Q(executor__isnull=True, organization__in=organizations)
    return (
        ActionItem.objects.filter(mine)
        .exclude(status=ActionStatus.DONE)
        .select_related("organization")
        .order_by("deadline", "id")
    )


def meetings_to_prepare(*, actor: User, today: dt.date | None = None) -> QuerySet[Meeting]:
    """Planned meetings from today on: of consilia in the actor's scope, or where they are a member."""
    today = today or timezone.localdate()
    visible = scope(actor, Meeting.objects.all(), Perm.CONSILIUM_VIEW).values("pk")
    member = Exists(Member.objects.filter(consilium=OuterRef("consilium"), user=actor.pk, is_active=True))
    return (
        Meeting.objects.filter(Q(pk__in=visible) | Q(member), status=MeetingStatus.PLANNED, date__gte=today)
        .select_related("consilium__subject", "consilium__municipality", "consilium__organization")
        .order_by("date", "id")
    )


# ---- interagency documents ------------------------------------------------------------------------


def document_list(*, actor: User, filters: dict[str, Any] | None = None) -> QuerySet[InteragencyDocument]:
    """Algorithms and ИПР of the consilia in the actor's scope; by default the current editions (not
    those replaced by a newer one)."""
    filters = filters or {}
    qs = scope(
        actor,
        InteragencyDocument.objects.select_related("consilium__subject", "child", "family"),
        Perm.CONSILIUM_VIEW,
    )
    if filters.get("kind") in DocumentKind.values:
        qs = qs.filter(kind=filters["kind"])
    if filters.get("status") in DocumentStatus.values:
        qs = qs.filter(status=filters["status"])
    elif filters.get("status") != "all":
        qs = qs.exclude(status=DocumentStatus.REVISED)
    if consilium_id := filters.get("consilium"):
        qs = qs.filter(consilium_id=consilium_id)
    return qs.order_by("consilium__subject__name", "kind", "title", "-edition", "id")


def document_get(*, actor: User, pk: int | str) -> InteragencyDocument:
    return get_in_scope(
        actor,
        InteragencyDocument.objects.select_related("consilium__subject", "child", "family", "approved_at"),
        Perm.CONSILIUM_VIEW,
        pk=pk,
    )


def document_history(*, document: InteragencyDocument, limit: int = 50) -> list[InteragencyDocument]:
    """All editions of the document, newest first (the chain of `previous` both ways, bounded)."""
    chain = [document]
    newer = InteragencyDocument.objects.filter(previous=document).first()
    while newer is not None and len(chain) < limit:
        chain.insert(0, newer)
        newer = InteragencyDocument.objects.filter(previous=newer).first()
    older = document.previous
    while older is not None and len(chain) < limit:
        chain.append(older)
        older = older.previous
    return chain


def document_meetings(*, document: InteragencyDocument) -> QuerySet[Meeting]:
    """The consilium's meetings at which the document may be approved (held or planned, latest first)."""
    return (
        Meeting.objects.filter(consilium=document.consilium_id)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("-date")[:50]
    )


def document_families(*, actor: User, consilium: Consilium) -> QuerySet[Family]:
    """Families an ИПР of this consilium may be made for: its territory, in the actor's scope."""
    return scope(actor, families_in_territory(consilium), Perm.CASES_VIEW)


def document_children(*, actor: User, consilium: Consilium) -> QuerySet[Child]:
    """Children an ИПР of this consilium may be made for: the consilium's region, in the actor's scope."""
    return scope(
        actor, Child.objects.filter(subject=consilium.subject_id, merged_into__isnull=True), Perm.CASES_VIEW
    )
