"""Every write of the consilium: set-up, meetings and agenda, reviews and decisions, action items."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from vyzov.accounts.access import Perm, allows, require
from vyzov.accounts.models import User
from vyzov.cases import services as case_services
from vyzov.cases.models import Child, EventKind, Family
from vyzov.core import signals
from vyzov.core.inputs import given
from vyzov.core.models import AuditAction
from vyzov.core.services import audit_entry_create, changed_fields, field_values, save_with_version
from vyzov.core.uploads import EMPTY_FILE_MESSAGE, replace_stored_file
from vyzov.territories.models import Municipality, Organization, Subject

from .agenda import agenda_candidates, family_agenda_candidates, family_has_child_in_institution_q
from .inputs import (
    CONSILIUM_FIELDS,
    DOCUMENT_CREATE_FIELDS,
    DOCUMENT_FIELDS,
    FAMILY_REVIEW_FIELDS,
    MEMBER_FIELDS,
    REVIEW_FIELDS,
    ConsiliumData,
    DocumentData,
    FamilyReviewData,
    MemberData,
    ReviewData,
)
from .models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    AgendaReason,
    Consilium,
    Decision,
    DocumentStatus,
    DocumentStep,
    FamilyAgendaItem,
    FamilyReview,
    InteragencyDocument,
    Level,
    Meeting,
    MeetingStatus,
    Member,
    Review,
)

ALLOWED_PROTOCOL_TYPES = {
    ".pdf": b"%PDF",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".png": b"\x89PNG",
}
MAX_PROTOCOL_BYTES = 15 * 1024 * 1024


# ---- consilia and members -----------------------------------------------------------------------


@transaction.atomic
def consilium_create(*, actor: User, data: ConsiliumData) -> Consilium:
    consilium = Consilium(**given(data, CONSILIUM_FIELDS))
    require(actor, Perm.CONSILIUM_MANAGE, consilium)
    consilium.full_clean()
    consilium.created_by = consilium.updated_by = actor
    consilium.save()
    audit_entry_create(actor=actor, action=AuditAction.CREATE, target=consilium)
    return consilium


@transaction.atomic
def member_add(*, actor: User, consilium: Consilium, data: MemberData) -> Member:
    require(actor, Perm.CONSILIUM_MANAGE, consilium)
    member = Member(consilium=consilium, **given(data, MEMBER_FIELDS))
    member.full_clean()
    member.created_by = member.updated_by = actor
    member.save()
    audit_entry_create(actor=actor, action=AuditAction.CREATE, target=member, subject_id=consilium.subject_id)
    return member


# ---- meetings and agenda ------------------------------------------------------------------------


@transaction.atomic
def meeting_create(*, actor: User, consilium: Consilium, date: dt.date, place: str = "") -> Meeting:
    """Plan a meeting and fill its agenda with the children and the families at risk the agenda rules
    propose."""
    require(actor, Perm.CONSILIUM_MANAGE, consilium)
    if not consilium.is_active:
        raise ValidationError("Консилиум не действует.")
    meeting = Meeting(consilium=consilium, date=date, place=place, created_by=actor, updated_by=actor)
    meeting.full_clean()
    meeting.save()
    proposed = agenda_candidates(consilium, as_of=date)
    families = family_agenda_candidates(consilium, as_of=date)
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, child_id=child_id, reasons=reasons)
        for child_id, reasons in proposed.items()
    )
    FamilyAgendaItem.objects.bulk_create(
        FamilyAgendaItem(meeting=meeting, family_id=family_id, reasons=reasons)
        for family_id, reasons in families.items()
    )
    audit_entry_create(
        actor=actor,
        action=AuditAction.CREATE,
        target=meeting,
        subject_id=consilium.subject_id,
        details={"agenda": len(proposed), "families": len(families)},
    )
    return meeting


def _require_planned(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError("Повестку можно менять только у запланированного заседания.")


@transaction.atomic
def agenda_add(*, actor: User, meeting: Meeting, child: Child, reason: str) -> AgendaItem:
    require(actor, Perm.CONSILIUM_MANAGE, meeting)
    _require_planned(meeting)
    if not reason.strip():
        raise ValidationError({"reason": "Укажите, почему ребёнок добавлен в повестку."})
    require(actor, Perm.CASES_VIEW, child)
    if AgendaItem.objects.filter(meeting=meeting, child=child, removed=False).exists():
        raise ValidationError("Ребёнок уже в повестке.")
    item, _ = AgendaItem.objects.update_or_create(
        meeting=meeting,
        child=child,
        defaults={
            "reasons": [AgendaReason.MANUAL],
            "note": reason.strip()[:500],
            "removed": False,
            "added_by": actor,
        },
    )
    audit_entry_create(
        actor=actor,
        action=AuditAction.UPDATE,
        target=meeting,
        details={"agenda_add": child.pk, "reason": reason.strip()[:500]},
    )
    return item


@transaction.atomic
def agenda_family_add(*, actor: User, meeting: Meeting, family: Family, reason: str) -> FamilyAgendaItem:
    """The secretary puts a family at risk on the agenda before any placement (e.g. escalated by an
    alert's check or a lower consilium): a family of the consilium's territory, no child of it in an
    institution (then the child is on the agenda)."""
    require(actor, Perm.CONSILIUM_MANAGE, meeting)
    _require_planned(meeting)
    if not reason.strip():
        raise ValidationError({"reason": "Укажите, почему семья добавлена в повестку."})
    require(actor, Perm.CASES_VIEW, family)
    consilium = meeting.consilium
    if consilium.level == Level.INSTITUTION:
        raise ValidationError("Консилиум учреждения рассматривает детей своего учреждения, а не семьи.")
    if family.subject_id != consilium.subject_id or (
        consilium.level == Level.MUNICIPAL and family.municipality_id != consilium.municipality_id
    ):
        raise ValidationError("Семья живёт вне территории этого консилиума.")
    if Family.objects.filter(family_has_child_in_institution_q(), pk=family.pk).exists():
        raise ValidationError(
            "Ребёнок из этой семьи уже в учреждении: добавьте в повестку ребёнка, а не семью."
        )
    if FamilyAgendaItem.objects.filter(meeting=meeting, family=family, removed=False).exists():
        raise ValidationError("Семья уже в повестке.")
    item, _ = FamilyAgendaItem.objects.update_or_create(
        meeting=meeting,
        family=family,
        defaults={
            "reasons": [AgendaReason.MANUAL],
            "note": reason.strip()[:500],
            "removed": False,
            "added_by": actor,
        },
    )
    audit_entry_create(
        actor=actor,
        action=AuditAction.UPDATE,
        target=meeting,
        details={"agenda_add_family": family.pk, "reason": reason.strip()[:500]},
    )
    return item


@transaction.atomic
def agenda_remove(*, actor: User, item: AgendaItem, reason: str) -> AgendaItem:
    require(actor, Perm.CONSILIUM_MANAGE, item.meeting)
    _require_planned(item.meeting)
    if not reason.strip():
        raise ValidationError({"reason": "Укажите, почему ребёнок исключён из повестки."})
    item.removed, item.note = True, reason.strip()[:500]
    item.save()
    audit_entry_create(
        actor=actor,
        action=AuditAction.UPDATE,
        target=item.meeting,
        details={"agenda_remove": item.child_id, "reason": item.note},
    )
    return item


@transaction.atomic
def family_agenda_remove(*, actor: User, item: FamilyAgendaItem, reason: str) -> FamilyAgendaItem:
    require(actor, Perm.CONSILIUM_MANAGE, item.meeting)
    _require_planned(item.meeting)
    if not reason.strip():
        raise ValidationError({"reason": "Укажите, почему семья исключена из повестки."})
    if FamilyReview.objects.filter(meeting=item.meeting, family=item.family_id).exists():
        raise ValidationError("По семье уже принято решение.")
    item.removed, item.note = True, reason.strip()[:500]
    item.save()
    audit_entry_create(
        actor=actor,
        action=AuditAction.UPDATE,
        target=item.meeting,
        details={"agenda_remove_family": item.family_id, "reason": item.note},
    )
    return item


@transaction.atomic
def meeting_set_participants(*, actor: User, meeting: Meeting, members: list[Member]) -> Meeting:
    require(actor, Perm.CONSILIUM_MANAGE, meeting)
    if any(member.consilium_id != meeting.consilium_id for member in members):
        raise ValidationError("Участники заседания — только члены этого консилиума.")
    meeting.participants.set(members)
    audit_entry_create(
        actor=actor,
        action=AuditAction.UPDATE,
        target=meeting,
        details={"participants": [member.pk for member in members]},
    )
    return meeting


@transaction.atomic
def meeting_close(*, actor: User, meeting: Meeting) -> Meeting:
    require(actor, Perm.CONSILIUM_MANAGE, meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError("Заседание уже закрыто.")
    if meeting.date > timezone.localdate():
        raise ValidationError("Нельзя отметить проведённым заседание из будущего.")
    meeting.status, meeting.updated_by = MeetingStatus.HELD, actor
    meeting.save()
    audit_entry_create(
        actor=actor, action=AuditAction.STATUS_CHANGE, target=meeting, details={"status": "held"}
    )
    return meeting


@transaction.atomic
def protocol_attach(*, actor: User, meeting: Meeting, uploaded: UploadedFile[Any]) -> Meeting:
    """Attach the signed protocol (PDF or a scan). Checked by content, not just by name."""
    require(actor, Perm.CONSILIUM_MANAGE, meeting)
    name = (uploaded.name or "").lower()
    suffix = name[name.rfind(".") :] if "." in name else ""
    if suffix not in ALLOWED_PROTOCOL_TYPES:
        raise ValidationError({"file": "Протокол — PDF, JPG или PNG."})
    if not uploaded.size:
        raise ValidationError({"file": EMPTY_FILE_MESSAGE})
    if uploaded.size > MAX_PROTOCOL_BYTES:
        raise ValidationError({"file": "Файл больше 15 МБ."})
    head = uploaded.read(8)
    uploaded.seek(0)
    if not head.startswith(ALLOWED_PROTOCOL_TYPES[suffix]):
        raise ValidationError({"file": "Содержимое файла не соответствует его расширению."})
    replace_stored_file(meeting, "signed_protocol", f"meeting-{meeting.pk}{suffix}", uploaded)
    meeting.updated_by = actor
    meeting.save()
    audit_entry_create(
        actor=actor, action=AuditAction.UPDATE, target=meeting, details={"signed_protocol": True}
    )
    return meeting


# ---- reviews and decisions ----------------------------------------------------------------------


@transaction.atomic
def review_save(
    *, actor: User, meeting: Meeting, child: Child, data: ReviewData, expected_version: int | None
) -> Review:
    """Create or change the review of a child (optimistic locking: a stale version is refused)."""
    require(actor, Perm.CONSILIUM_DECIDE, meeting)
    require(actor, Perm.CASES_VIEW, child)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("Заседание отменено.")
    review = Review.objects.filter(meeting=meeting, child=child).first()
    if review is None:
        review = Review(
            meeting=meeting,
            child=child,
            created_by=actor,
            updated_by=actor,
            **given(data, REVIEW_FIELDS),
        )
        review.full_clean()
        review.save()
        audit_entry_create(actor=actor, action=AuditAction.CREATE, target=review)
        return review
    if hasattr(review, "decision"):
        raise ValidationError("По ребёнку уже принято решение: рассмотрение закрыто.")
    original = field_values(review, REVIEW_FIELDS)
    for name, value in given(data, REVIEW_FIELDS).items():
        setattr(review, name, value)
    save_with_version(review, actor=actor, expected_version=expected_version or 0, fields=REVIEW_FIELDS)
    audit_entry_create(
        actor=actor,
        action=AuditAction.UPDATE,
        target=review,
        details={"fields": sorted(changed_fields(review, original))},
    )
    return review


@transaction.atomic
def decision_make(
    *,
    actor: User,
    review: Review,
    route_goal: str,
    reasons: str,
    next_review_date: dt.date,
    escalate: bool = False,
    actions: list[dict[str, Any]] | None = None,
) -> Decision:
    """Decide on the child's route. The case and the timeline change with it; action items are issued."""
    require(actor, Perm.CONSILIUM_DECIDE, review.meeting)
    if hasattr(review, "decision"):
        raise ValidationError("Решение по этому рассмотрению уже принято.")
    if review.meeting.date > timezone.localdate():  # a decision is dated by its meeting: never in the future
        raise ValidationError(
            f"Заседание назначено на {review.meeting.date:%d.%m.%Y}: решение принимается в день заседания или позже."
        )
    if not (reasons or "").strip():
        raise ValidationError({"reasons": "Решение принимается с обоснованием."})
    if next_review_date <= review.meeting.date:
        raise ValidationError({"next_review_date": "Следующее рассмотрение — после даты заседания."})
    decision = Decision(
        review=review,
        route_goal=route_goal,
        reasons=reasons.strip(),
        next_review_date=next_review_date,
        escalate=escalate,
        created_by=actor,
        updated_by=actor,
    )
    decision.full_clean()
    decision.save()
    child = review.child
    case = child.case
    case_services.route_change(
        actor=actor,
        child=child,
        goal=route_goal,
        reason=f"решение консилиума: {reasons.strip()}",
        responsible=case.responsible,
        next_review_date=max(next_review_date, timezone.localdate()),
        expected_version=case.version,
        event_kind=EventKind.DECISION,
    )
    type(case).objects.filter(pk=case.pk).update(last_review_date=review.meeting.date)
    case_services.event_add(
        actor=actor,
        child=child,
        kind=EventKind.REVIEW,
        date=review.meeting.date,
        title=f"Рассмотрен: {review.meeting.consilium}",
        details={"review": review.pk, "decision": decision.pk, "escalate": escalate},
    )
    for action in actions or []:
        action_item_create(
            actor=actor,
            origin=decision,
            level=review.meeting.consilium.level,
            subject=review.meeting.consilium.subject,
            child=child,
            **action,
        )
    audit_entry_create(
        actor=actor,
        action=AuditAction.CREATE,
        target=decision,
        details={"route_goal": route_goal, "escalate": escalate, "actions": len(actions or [])},
    )
    return decision


@transaction.atomic
def review_decide(
    *,
    actor: User,
    meeting: Meeting,
    child: Child,
    answers: ReviewData,
    expected_version: int | None,
    route_goal: str,
    reasons: str,
    next_review_date: dt.date,
    escalate: bool = False,
    actions: list[dict[str, Any]] | None = None,
) -> Decision:
    """Save the answers to the review questions and decide, in one transaction: the answers typed on
    the page are never lost because the decision was pressed first, and a refused decision saves
    nothing."""
    review = review_save(
        actor=actor, meeting=meeting, child=child, data=answers, expected_version=expected_version
    )
    return decision_make(
        actor=actor,
        review=review,
        route_goal=route_goal,
        reasons=reasons,
        next_review_date=next_review_date,
        escalate=escalate,
        actions=actions,
    )


# ---- families at risk: the review and the prevention decision -----------------------------------


@transaction.atomic
def family_review_decide(
    *,
    actor: User,
    meeting: Meeting,
    family: Family,
    data: FamilyReviewData,
    actions: list[dict[str, Any]] | None = None,
) -> FamilyReview:
    """Hear a family at risk on the agenda and decide the prevention measures in one step: the
    assessment, the measures, the next review; each measure with its responsible agency and deadline is
    an action item about the family. The family's timeline records the review."""
    require(actor, Perm.CONSILIUM_DECIDE, meeting)
    require(actor, Perm.CASES_VIEW, family)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("Заседание отменено.")
    if not FamilyAgendaItem.objects.filter(meeting=meeting, family=family, removed=False).exists():
        raise ValidationError("Семьи нет в повестке этого заседания.")
    if FamilyReview.objects.filter(meeting=meeting, family=family).exists():
        raise ValidationError("Решение по семье на этом заседании уже принято.")
    if meeting.date > timezone.localdate():
        raise ValidationError(
            f"Заседание назначено на {meeting.date:%d.%m.%Y}: решение принимается в день заседания или позже."
        )
    next_review = data.get("next_review_date")
    if next_review is not None and next_review <= meeting.date:
        raise ValidationError({"next_review_date": "Следующее рассмотрение — после даты заседания."})
    review = FamilyReview(
        meeting=meeting,
        family=family,
        created_by=actor,
        updated_by=actor,
        **given(data, FAMILY_REVIEW_FIELDS),
    )
    review.full_clean()
    review.save()
    consilium = meeting.consilium
    for action in actions or []:
        action_item_create(
            actor=actor,
            origin=review,
            level=consilium.level,
            subject=consilium.subject,
            family=family,
            **action,
        )
    case_services.family_event_add(
        actor=actor,
        family=family,
        date=meeting.date,
        title=f"Рассмотрена консилиумом: {consilium} — {review.get_risk_display()}",
        details={"family_review": review.pk, "escalate": review.escalate},
    )
    audit_entry_create(
        actor=actor,
        action=AuditAction.CREATE,
        target=review,
        details={"risk": review.risk, "escalate": review.escalate, "actions": len(actions or [])},
    )
    return review


# ---- action items (shared with the working group) -----------------------------------------------


@transaction.atomic
def action_item_create(
    *,
    actor: User,
    origin: models.Model,
    subject: Subject,
    what: str,
    organization: Organization,
    deadline: dt.date,
    executor: User | None = None,
    child: Child | None = None,
    family: Family | None = None,
    level: str = "",
    municipality: Municipality | None = None,
) -> ActionItem:
    """Issue an assignment. The executor must work in the organisation's territory; the deadline is
    not in the past."""
    if not (what or "").strip():
        raise ValidationError({"what": "Сформулируйте поручение."})
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": "Срок поручения уже прошёл."})
    if organization.subject_id != subject.pk:
        raise ValidationError({"organization": "Ответственная организация — из другого субъекта РФ."})
    if executor is not None and not allows(executor, Perm.TERRITORIES_VIEW, organization):
        raise ValidationError({"executor": "Исполнитель не работает на территории этой организации."})
    item = ActionItem(
        origin_type=ContentType.objects.get_for_model(origin),
        origin_id=origin.pk,
        level=level,
        subject=subject,
        municipality=municipality or organization.municipality,
        child=child,
        family=family,
        what=what.strip(),
        organization=organization,
        executor=executor,
        deadline=deadline,
        created_by=actor,
        updated_by=actor,
    )
    item.full_clean()
    item.save()
    audit_entry_create(actor=actor, action=AuditAction.CREATE, target=item)
    if executor is not None:
        signals.announce(
            signals.work_assigned,
            sender=ActionItem,
            actor=actor,
            recipients=[executor],
            title=f"Вам поручено до {deadline:%d.%m.%Y}: {item.what[:200]}",
            url=reverse("consilium:action_item", args=[item.pk]),
        )
    return item


@transaction.atomic
def action_item_update(*, actor: User, item: ActionItem, status: str, result: str = "") -> ActionItem:
    """The executor (or a manager of the territory) moves the item on; «done» needs a result."""
    if item.executor_id != actor.pk:
        require(actor, Perm.CONSILIUM_MANAGE, item)
    if status not in ActionStatus.values:
        raise ValidationError({"status": "Неизвестное состояние."})
    if item.status == ActionStatus.DONE:
        raise ValidationError("Поручение уже выполнено.")
    if status == ActionStatus.DONE and not (result or "").strip():
        raise ValidationError({"result": "Опишите результат выполнения."})
    item.status, item.result = status, (result or "").strip()
    item.done_on = timezone.localdate() if status == ActionStatus.DONE else None
    item.updated_by = actor
    item.version += 1
    item.save()
    audit_entry_create(actor=actor, action=AuditAction.STATUS_CHANGE, target=item, details={"status": status})
    return item


def action_item_close_for_origin(*, actor: User, item: ActionItem, result: str) -> ActionItem:
    """Close an item from its origin's own service (e.g. a signal's check recorded on the signal's
    page): that service has already checked the policy for the origin; an item already done stays."""
    if item.status == ActionStatus.DONE:
        return item
    item.status, item.result = ActionStatus.DONE, result.strip()
    item.done_on = timezone.localdate()
    item.updated_by = actor
    item.version += 1
    item.save()
    audit_entry_create(
        actor=actor, action=AuditAction.STATUS_CHANGE, target=item, details={"status": ActionStatus.DONE}
    )
    return item


def reminders_send(*, today: dt.date | None = None, days_ahead: int = 3) -> int:
    """E-mail each executor about their items due within `days_ahead` days or overdue (once a day)."""
    today = today or timezone.localdate()
    due = (
        ActionItem.objects.exclude(status=ActionStatus.DONE)
        .filter(
            executor__isnull=False,
            executor__is_active=True,
            deadline__lte=today + dt.timedelta(days=days_ahead),
        )
        .exclude(reminded_at__date=today)
        .select_related("executor", "organization")
        .order_by("executor_id", "deadline")
    )
    by_executor: dict[User, list[ActionItem]] = {}
    for item in due:
        if item.executor is not None:
            by_executor.setdefault(item.executor, []).append(item)
    for executor, items in by_executor.items():
        lines = [
            f"— {item.what[:200]} (срок {item.deadline:%d.%m.%Y}{', просрочено' if item.deadline < today else ''})"
            for item in items
        ]
        send_mail(
            subject=f"«Вызов»: поручения к сроку ({len(items)})",
            message="Напоминаем о поручениях консилиума и рабочей группы:\n\n"
            + "\n".join(lines)
            + "\n\nОткройте «Мои поручения» в системе «Вызов».",
            from_email=None,
            recipient_list=[executor.email],
        )
        for item in items:
            signals.announce(
                signals.deadline_due,
                sender=ActionItem,
                recipients=[executor],
                title=(
                    f"Просрочено поручение (срок {item.deadline:%d.%m.%Y}): {item.what[:200]}"
                    if item.deadline < today
                    else f"Срок поручения {item.deadline:%d.%m.%Y}: {item.what[:200]}"
                ),
                url=reverse("consilium:action_item", args=[item.pk]),
            )
    ActionItem.objects.filter(pk__in=[item.pk for items in by_executor.values() for item in items]).update(
        reminded_at=timezone.now()
    )
    return len(by_executor)


# ---- interagency documents: algorithms and ИПР ----------------------------------------------------


def _steps_write(document: InteragencyDocument, steps: list[dict[str, Any]]) -> None:
    if not steps:
        raise ValidationError("Добавьте хотя бы один шаг: ведомство, действие и срок.")
    document.steps.all().delete()
    rows = []
    for number, step in enumerate(steps, start=1):
        row = DocumentStep(
            document=document,
            number=number,
            agency=(step.get("agency") or "").strip(),
            action=(step.get("action") or "").strip(),
            term=(step.get("term") or "").strip(),
        )
        try:
            row.full_clean(exclude=["document"])
        except ValidationError as error:
            raise ValidationError(f"Шаг {number}: " + " ".join(error.messages)) from None
        rows.append(row)
    DocumentStep.objects.bulk_create(rows)


def _require_document_people(actor: User, document: InteragencyDocument) -> None:
    """An ИПР names a child or a family: only someone who sees them in the consilium's region writes it."""
    record = document.personal_record
    if record is None:
        return
    require(actor, Perm.CASES_VIEW, record)
    if record.subject_id != document.consilium.subject_id:
        raise ValidationError("Ребёнок или семья — из другого субъекта РФ.")


@transaction.atomic
def document_create(
    *, actor: User, consilium: Consilium, data: DocumentData, steps: list[dict[str, Any]]
) -> InteragencyDocument:
    """Draft an algorithm or an ИПР with its steps (first edition)."""
    require(actor, Perm.CONSILIUM_MANAGE, consilium)
    document = InteragencyDocument(
        consilium=consilium, created_by=actor, updated_by=actor, **given(data, DOCUMENT_CREATE_FIELDS)
    )
    document.full_clean()
    _require_document_people(actor, document)
    document.save()
    _steps_write(document, steps)
    audit_entry_create(
        actor=actor,
        action=AuditAction.CREATE,
        target=document,
        details={"kind": document.kind, "steps": len(steps)},
    )
    return document


@transaction.atomic
def document_update(
    *,
    actor: User,
    document: InteragencyDocument,
    data: DocumentData,
    steps: list[dict[str, Any]],
    expected_version: int,
) -> InteragencyDocument:
    """Change a draft: its title, review date and steps. An approved edition is changed only by a new
    edition (document_revise)."""
    require(actor, Perm.CONSILIUM_MANAGE, document)
    if document.status != DocumentStatus.DRAFT:
        raise ValidationError("Утверждённый документ не редактируется: создайте новую редакцию.")
    for name, value in given(data, DOCUMENT_FIELDS).items():
        setattr(document, name, value)
    save_with_version(document, actor=actor, expected_version=expected_version, fields=DOCUMENT_FIELDS)
    _steps_write(document, steps)
    audit_entry_create(actor=actor, action=AuditAction.UPDATE, target=document, details={"steps": len(steps)})
    return document


def _check_approval(document: InteragencyDocument, approved_on: dt.date, meeting: Meeting | None) -> None:
    if document.status != DocumentStatus.DRAFT:
        raise ValidationError("Утвердить можно только проект.")
    if approved_on > timezone.localdate():
        raise ValidationError({"approved_on": "Дата утверждения не может быть в будущем."})
    if meeting is not None and meeting.consilium_id != document.consilium_id:
        raise ValidationError({"meeting": "Заседание другого консилиума."})
    if meeting is not None and meeting.date > approved_on:
        raise ValidationError({"approved_on": "Дата утверждения — не раньше даты заседания."})
    if document.review_date is None or document.review_date <= approved_on:
        raise ValidationError({"review_date": "Укажите дату пересмотра документа позже даты утверждения."})
    if not document.steps.exists():
        raise ValidationError("В документе нет шагов.")


@transaction.atomic
def document_approve(
    *, actor: User, document: InteragencyDocument, approved_on: dt.date, meeting: Meeting | None = None
) -> InteragencyDocument:
    """The consilium approves a draft (at a meeting of its own, if named); the edition it replaces is
    marked as replaced. The review date is required: an approved document is revisited."""
    require(actor, Perm.CONSILIUM_DECIDE, document)
    _check_approval(document, approved_on, meeting)
    document.status, document.approved_on, document.approved_at = (
        DocumentStatus.APPROVED,
        approved_on,
        meeting,
    )
    save_with_version(
        document,
        actor=actor,
        expected_version=document.version,
        fields=["status", "approved_on", "approved_at"],
    )
    if document.previous_id:
        InteragencyDocument.objects.filter(pk=document.previous_id).update(status=DocumentStatus.REVISED)
    audit_entry_create(
        actor=actor,
        action=AuditAction.STATUS_CHANGE,
        target=document,
        details={"status": DocumentStatus.APPROVED, "meeting": meeting.pk if meeting else None},
    )
    return document


@transaction.atomic
def document_revise(*, actor: User, document: InteragencyDocument, reason: str) -> InteragencyDocument:
    """Start a new edition of an approved document: a draft with the same steps, linked to this one.
    The approved edition stays in force until the new one is approved."""
    require(actor, Perm.CONSILIUM_MANAGE, document)
    if document.status != DocumentStatus.APPROVED:
        raise ValidationError("Новая редакция создаётся из действующего (утверждённого) документа.")
    if InteragencyDocument.objects.filter(previous=document).exists():
        raise ValidationError("Новая редакция уже начата.")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Укажите, почему документ пересматривается."})
    draft = InteragencyDocument(
        consilium=document.consilium,
        kind=document.kind,
        title=document.title,
        child=document.child,
        family=document.family,
        edition=document.edition + 1,
        previous=document,
        review_date=None,
        revision_reason=reason.strip()[:500],
        created_by=actor,
        updated_by=actor,
    )
    draft.full_clean()
    draft.save()
    _steps_write(
        draft,
        [{"agency": s.agency, "action": s.action, "term": s.term} for s in document.steps.order_by("number")],
    )
    audit_entry_create(
        actor=actor,
        action=AuditAction.CREATE,
        target=draft,
        details={"revises": document.pk, "edition": draft.edition, "reason": draft.revision_reason},
    )
    return draft
