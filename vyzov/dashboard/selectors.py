"""Reads of the dashboard: the user's notifications, and the home page's work queue (composed from
the domain apps' selectors, each already scoped by the access policy)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Model, Q, QuerySet, Window
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from vyzov.accounts.access import Perm, has_perm
from vyzov.accounts.models import User
from vyzov.accounts.privacy import sees_personal
from vyzov.accounts.selectors import audit_entry_list, user_count_for_territory
from vyzov.alerts import selectors as alert_selectors
from vyzov.cases import selectors as case_selectors
from vyzov.consilium import selectors as consilium_selectors
from vyzov.contests import selectors as contest_selectors
from vyzov.core.models import AuditAction
from vyzov.monitoring import selectors as monitoring_selectors
from vyzov.monitoring.models import QuarterReport
from vyzov.ngo_aid import selectors as ngo_aid_selectors
from vyzov.support import selectors as support_selectors
from vyzov.territories import selectors as territory_selectors

from .models import Notification

AID_SUBMITTED, AID_RETURNED = "submitted", "returned"  # ngo_aid RequestStatus values (filters of its list)


def notification_list(*, actor: User, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=actor)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def notification_get(*, actor: User, pk: int | str) -> Notification:
    """Only one's own notification; another user's id is a 404."""
    notification = Notification.objects.filter(recipient=actor, pk=pk).first()
    if notification is None:
        raise Http404("Уведомление не найдено.")
    return notification


def unread_count(*, actor: User) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).count()


# ---- the home page: what is waiting for this user --------------------------------------------

QUEUE_LIMIT = 20


@dataclass
class QueueItem:
    title: str
    url: str
    due: dt.date | None = None
    due_label: str = "срок"
    note: str = ""
    overdue: bool = False
    # The child or family the title names (only where the actor may see its personal data): the view
    # records the read (one audit row per response, see dashboard.views.home).
    person: Model | None = None


@dataclass
class QueueSection:
    key: str
    title: str
    items: list[QueueItem]
    total: int
    all_url: str = ""
    empty: str = ""

    @property
    def more(self) -> int:
        return self.total - len(self.items)

    @property
    def overdue_count(self) -> int:
        return sum(1 for item in self.items if item.overdue)

    @property
    def urgency(self) -> tuple[int, dt.date]:
        """Sections with overdue work first, then by their nearest date."""
        first = min((item.due for item in self.items if item.due), default=dt.date.max)
        return (0 if self.overdue_count else 1, first)


def _section(
    key: str,
    title: str,
    queryset: QuerySet[Any],
    to_item: Callable[[Any], QueueItem],
    all_url: str = "",
    limit: int = QUEUE_LIMIT,
) -> QueueSection | None:
    """One query per section: the first `limit` rows with the total count computed by a window."""
    rows = list(queryset.annotate(queue_total=Window(Count("pk")))[:limit])
    if not rows:
        return None
    return QueueSection(
        key=key, title=title, items=[to_item(row) for row in rows], total=rows[0].queue_total, all_url=all_url
    )


def _date(value: dt.date | dt.datetime | None) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date()
    return value


def _named_family(actor: User, record: Any) -> Any:
    """The family of a support case or an aid request, if the actor may see it by name."""
    return record.family if sees_personal(actor, record) else None


def _family_label(actor: User, record: Any, number: str, *, prefix: bool = False) -> str:
    """«Семья Ивановых» (or «Заявка № 5: Семья Ивановых») where the actor may see the family's name,
    the record's number otherwise."""
    family = _named_family(actor, record)
    if family is None:
        return number
    return f"{number}: {family.title}" if prefix else family.title


def work_queue(*, actor: User, today: dt.date | None = None) -> list[QueueSection]:
    """Everything waiting for the actor, a section per kind of work, the most urgent first.

    Every section comes from the owning app's selector (already scoped by the access policy) and
    costs one query. Children and families are named where the actor may see their personal data
    (the item's `person`, whose read the view records), by number otherwise.
    """
    today = today or timezone.localdate()
    sections: list[QueueSection | None] = []

    def add(*args: Any, **kwargs: Any) -> None:
        sections.append(_section(*args, **kwargs))

    add(
        "action_items",
        "Поручения",
        consilium_selectors.action_items_waiting(actor=actor),
        lambda item: QueueItem(
            title=item.what[:160],
            url=reverse("consilium:action_item", args=[item.pk]),
            due=item.deadline,
            note=str(item.organization),
            overdue=item.deadline < today,
        ),
        all_url=reverse("consilium:my_items"),
    )
    # The responsible person of a check is chosen among those who read the register (cases.view_child).
    if has_perm(actor, Perm.CASES_VIEW):
        add(
            "alert_checks",
            "Сигналы о детях в опасности: проверка просрочена",
            alert_selectors.overdue_checks_for(actor=actor, today=today),
            lambda alert: QueueItem(
                title=f"{alert} от {alert.received_on:%d.%m.%Y}: {alert.get_source_display()}",
                url=reverse("alerts:alert_detail", args=[alert.pk]),
                due=alert.check_item.deadline,
                due_label="срок проверки",
                note=alert.municipality.name,
                overdue=True,
            ),
            all_url=reverse("alerts:alert_list") + "?overdue=on&mine=on",
        )
    if has_perm(actor, Perm.CASES_VIEW):
        add(
            "overdue_reviews",
            "Дети с просроченным пересмотром маршрута",
            case_selectors.child_list(actor=actor, filters={"overdue_review": True}, today=today).order_by(
                "case__next_review_date", "id"
            ),
            lambda child: QueueItem(
                title=child.full_name if child.personal else f"Ребёнок № {child.pk}",
                person=child if child.personal else None,
                url=reverse("cases:child_detail", args=[child.pk]),
                due=child.case.next_review_date,
                due_label="пересмотр",
                note=str(child.current_organization or child.municipality or ""),
                overdue=True,
            ),
            all_url=reverse("cases:child_list") + "?overdue_review=on",
        )
    if has_perm(actor, Perm.CONSILIUM_VIEW):
        add(
            "meetings",
            "Заседания консилиумов: подготовить",
            consilium_selectors.meetings_to_prepare(actor=actor, today=today),
            lambda meeting: QueueItem(
                title=f"{meeting}: {meeting.consilium}",
                url=reverse("consilium:meeting_detail", args=[meeting.pk]),
                due=meeting.date,
                due_label="дата",
                note=meeting.place,
            ),
            all_url=reverse("consilium:consilium_list"),
        )
    if has_perm(actor, Perm.SUPPORT_VIEW):
        add(
            "support_cases",
            "Сопровождение семей: просрочены шаги плана",
            support_selectors.cases_with_overdue_steps(actor=actor, today=today),
            lambda case: QueueItem(
                title=f"{_family_label(actor, case, f'Случай № {case.pk}')}: просрочено шагов — {case.overdue_steps}",
                person=_named_family(actor, case),
                url=reverse("support:case_detail", args=[case.pk]),
                due=case.first_overdue,
                note=str(case.service),
                overdue=True,
            ),
            all_url=reverse("support:case_list") + "?overdue=on",
        )
    if has_perm(actor, Perm.NGO_AID_APPROVE):
        add(
            "aid_to_decide",
            "Заявки на помощь: принять решение",
            ngo_aid_selectors.request_list(actor=actor, filters={"status": AID_SUBMITTED}).order_by(
                "created_at", "id"
            ),
            lambda request: QueueItem(
                title=_family_label(actor, request, f"Заявка № {request.pk}", prefix=True),
                person=_named_family(actor, request),
                url=reverse("ngo_aid:request_detail", args=[request.pk]),
                due=_date(request.created_at),
                due_label="поступила",
                note=str(request.operator),
            ),
            all_url=reverse("ngo_aid:request_list") + f"?status={AID_SUBMITTED}",
        )
    elif has_perm(actor, Perm.NGO_AID_REFER):
        add(
            "aid_returned",
            "Заявки на помощь: возвращены на доработку",
            ngo_aid_selectors.request_list(actor=actor, filters={"status": AID_RETURNED}).order_by(
                "decided_at", "id"
            ),
            lambda request: QueueItem(
                title=_family_label(actor, request, f"Заявка № {request.pk}", prefix=True),
                person=_named_family(actor, request),
                url=reverse("ngo_aid:request_detail", args=[request.pk]),
                due=_date(request.decided_at),
                due_label="возвращена",
                note=request.decision_note[:160],
            ),
            all_url=reverse("ngo_aid:request_list") + f"?status={AID_RETURNED}",
        )
    if has_perm(actor, Perm.MONITORING_APPROVE):
        add(
            "reports_to_accept",
            "Квартальные отчёты: принять",
            monitoring_selectors.reports_to_accept(actor=actor),
            lambda report: QueueItem(
                title=f"{report.subject.name}: отчёт на {report.as_of:%d.%m.%Y}",
                url=_report_url(report),
                due=_date(report.submitted_at),
                due_label="направлен",
            ),
            all_url=reverse("monitoring:report_list") + "?status=submitted",
        )
    elif has_perm(actor, Perm.MONITORING_EDIT):
        add(
            "reports_to_submit",
            "Квартальные отчёты: заполнить и направить",
            monitoring_selectors.reports_to_submit(actor=actor),
            lambda report: QueueItem(
                title=f"{report.subject.name}: отчёт на {report.as_of:%d.%m.%Y} — {report.get_status_display()}",
                url=_report_url(report),
                due=report.as_of,
                due_label="отчётная дата",
                note=report.review_comment[:160],
            ),
            all_url=reverse("monitoring:report_list"),
        )
    if has_perm(actor, Perm.CONTESTS_SCORE):
        add(
            "to_score",
            "Заявки конкурса: оценить",
            contest_selectors.expert_assignments(actor=actor).filter(submitted_at__isnull=True),
            lambda assignment: QueueItem(
                title=f"Заявка № {assignment.application_id}: {assignment.application.contest}",
                url=reverse("contests:score", args=[assignment.application_id]),
                due=_date(assignment.assigned_at),
                due_label="назначена",
                note=assignment.rereview_reason[:160],
            ),
        )
    if has_perm(actor, Perm.CONTESTS_PARTICIPATE):
        add(
            "to_submit",
            "Заявки конкурса: подать до срока",
            contest_selectors.applications_to_submit(actor=actor),
            lambda application: QueueItem(
                title=f"{application.contest}: заявка № {application.pk} — {application.get_status_display()}",
                url=reverse("contests:application_detail", args=[application.pk]),
                due=application.due,
                due_label="подать до",
                overdue=bool(application.due and application.due < today),
            ),
        )
    return sorted((s for s in sections if s is not None), key=lambda s: s.urgency)


def queue_people(sections: list[QueueSection]) -> dict[str, list[Model]]:
    """The children and the families the queue names, for the audit row of the response."""
    people: dict[str, list[Model]] = {"children": [], "families": []}
    for section in sections:
        for item in section.items:
            if item.person is not None:
                key = "children" if item.person._meta.model_name == "child" else "families"
                if item.person not in people[key]:
                    people[key].append(item.person)
    return people


def _report_url(report: QuarterReport) -> str:
    return report.get_absolute_url()  # the report of its data set


def home_summary(*, actor: User) -> dict[str, Any]:
    """The figures of the actor's scope (the former home page's counters), for one summary line."""
    summary: dict[str, Any] = {}
    if has_perm(actor, Perm.TERRITORIES_VIEW):
        summary.update(
            subject_count=territory_selectors.subject_list(actor=actor).count(),
            municipality_count=territory_selectors.municipality_list(actor=actor).count(),
            organization_count=territory_selectors.organization_list(
                actor=actor, filters={"is_active": True}
            ).count(),
        )
    if has_perm(actor, Perm.CASES_VIEW):
        children = case_selectors.child_list(actor=actor).order_by()
        summary.update(
            children.aggregate(
                children_total=Count("pk"),
                children_placed=Count("pk", filter=Q(current_organization__isnull=False)),
            )
        )
    if has_perm(actor, Perm.USERS_MANAGE):
        summary["user_count"] = user_count_for_territory(actor=actor)
    if has_perm(actor, Perm.AUDIT_VIEW):
        since = timezone.now() - dt.timedelta(days=1)
        summary.update(
            audit_entry_list(actor=actor)
            .filter(at__gte=since)
            .order_by()
            .aggregate(
                audit_day_count=Count("pk"),
                failed_login_day_count=Count("pk", filter=Q(action=AuditAction.LOGIN_FAILED)),
            )
        )
    return summary
