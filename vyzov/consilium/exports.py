"""The meeting protocol as DOCX, generated from the recorded data. Personal data appears only where
the person generating it may see it; otherwise the child is named by register number and age."""

from __future__ import annotations

import io

from django.utils import timezone
from docx import Document
from docx.shared import Pt

from vyzov.accounts.access import Perm, allows
from vyzov.accounts.models import User
from vyzov.accounts.privacy import text_for

from .models import ActionItem, Decision, FamilyReview, Meeting, Review, ServiceNeed

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _child_label(actor: User, child) -> str:
    age = child.age_on(timezone.localdate())
    if allows(actor, Perm.CASES_VIEW_PERSONAL, child):
        return f"{child.full_name}, {child.birth_date:%d.%m.%Y} г. р. (№ {child.pk} в реестре)"
    return f"Ребёнок № {child.pk} в реестре, {age} лет"


def protocol_named_children(*, actor: User, meeting: Meeting) -> list:
    """The children the protocol names with their personal data for this actor (see `_child_label`)."""
    reviews = Review.objects.filter(meeting=meeting).select_related("child")
    return [review.child for review in reviews if allows(actor, Perm.CASES_VIEW_PERSONAL, review.child)]


def protocol_named_families(*, actor: User, meeting: Meeting) -> list:
    """The families whose situation and measures the protocol shows in full to this actor."""
    reviews = FamilyReview.objects.filter(meeting=meeting).select_related("family")
    return [review.family for review in reviews if allows(actor, Perm.CASES_VIEW_PERSONAL, review.family)]


def _family_reviews(document, *, actor: User, meeting: Meeting) -> None:
    """The families at risk heard before placement: each by register number (the protocol names no
    family), the assessment, the prevention decision and its action items."""
    reviews = list(
        FamilyReview.objects.filter(meeting=meeting)
        .select_related("family__municipality")
        .order_by("family_id")
    )
    if not reviews:
        return
    items: dict[int, list[ActionItem]] = {}
    for item in ActionItem.objects.filter(
        origin_type__model="familyreview", origin_id__in=[review.pk for review in reviews]
    ).select_related("organization"):
        items.setdefault(item.origin_id, []).append(item)
    services = dict(ServiceNeed.choices)
    document.add_heading("Семьи в риске: рассмотрение с целью недопущения помещения детей", level=2)
    for number, review in enumerate(reviews, start=1):
        family = review.family
        document.add_heading(f"{number}. Семья № {family.pk} в реестре, {family.municipality.name}", level=3)
        document.add_paragraph(
            f"Оценка: {review.get_risk_display()}. {text_for(actor, review.situation, family)}"
        )
        if review.services_needed:
            document.add_paragraph(
                "Необходимая помощь: "
                + ", ".join(services.get(code, code) for code in review.services_needed)
            )
        document.add_paragraph(
            f"РЕШЕНИЕ: {text_for(actor, review.measures, family)}. "
            f"Следующее рассмотрение: {review.next_review_date:%d.%m.%Y}."
            + (" Случай передаётся на вышестоящий уровень." if review.escalate else "")
        )
        for item in items.get(review.pk, []):
            document.add_paragraph(
                f"{text_for(actor, item.what, family)} — {item.organization}, срок {item.deadline:%d.%m.%Y}",
                style="List Bullet",
            )


def protocol_docx(*, actor: User, meeting: Meeting) -> bytes:
    consilium = meeting.consilium
    reviews = list(
        Review.objects.filter(meeting=meeting)
        .select_related("child", "decision")
        .order_by("child__last_name")
    )
    decisions = [review.decision for review in reviews if hasattr(review, "decision")]
    items = {
        decision.pk: list(
            ActionItem.objects.filter(origin_type__model="decision", origin_id=decision.pk).select_related(
                "organization", "executor"
            )
        )
        for decision in decisions
    }
    document = Document()
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(10)
    document.add_heading(f"Протокол заседания: {consilium}", level=1)
    document.add_paragraph(
        f"Дата: {meeting.date:%d.%m.%Y}. Уровень: {consilium.get_level_display()}. "
        f"Субъект РФ: {consilium.subject}. Место: {meeting.place or '—'}."
    )
    document.add_heading("Присутствовали", level=2)
    participants = list(meeting.participants.all())
    for member in participants:
        document.add_paragraph(
            f"{member.display_name} — {member.agency}, {member.get_role_display()}", style="List Bullet"
        )
    if not participants:
        document.add_paragraph("Состав не отмечен.")
    services = dict(ServiceNeed.choices)
    document.add_heading("Рассмотренные случаи", level=2)
    for number, review in enumerate(reviews, start=1):
        document.add_heading(f"{number}. {_child_label(actor, review.child)}", level=3)

        def text(value, child=review.child):
            return text_for(actor, value, child)

        lines = [
            (
                "Обоснованность помещения",
                review.get_placement_justified_display(),
                text(review.placement_comment),
            ),
            (
                "Меры по сохранению семейного окружения",
                review.get_family_measures_display(),
                text(review.family_measures_comment),
            ),
            ("Перспективы возвращения", review.get_return_prospect_display(), text(review.return_measures)),
            ("Замещающая семья", review.get_substitute_family_display(), ""),
            (
                "Родительские права",
                review.get_parental_rights_display(),
                text(review.parental_rights_comment),
            ),
            (
                "Необходимая помощь",
                ", ".join(services.get(code, code) for code in review.services_needed),
                "",
            ),
            ("Оценка мер поддержки", "", text(review.support_assessment)),
        ]
        for title, choice, comment in lines:
            if choice or comment:
                document.add_paragraph(f"{title}: {choice}{'. ' if choice and comment else ''}{comment}")
        decision: Decision | None = getattr(review, "decision", None)
        if decision is None:
            document.add_paragraph("Решение не принято.")
            continue
        document.add_paragraph(
            f"РЕШЕНИЕ: цель маршрута — {decision.get_route_goal_display()}. Обоснование: {text(decision.reasons)}. "
            f"Следующее рассмотрение: {decision.next_review_date:%d.%m.%Y}."
            + (" Случай передаётся на вышестоящий уровень." if decision.escalate else "")
        )
        if items[decision.pk]:
            table = document.add_table(rows=1, cols=4)
            table.style = "Light Grid Accent 1"
            for cell, title in zip(
                table.rows[0].cells, ("Поручение", "Организация", "Исполнитель", "Срок"), strict=True
            ):
                cell.text = title
            for item in items[decision.pk]:
                cells = table.add_row().cells
                cells[0].text = text(item.what)
                cells[1].text = str(item.organization)
                cells[2].text = str(item.executor) if item.executor else "—"
                cells[3].text = f"{item.deadline:%d.%m.%Y}"
    _family_reviews(document, actor=actor, meeting=meeting)
    document.add_paragraph(f"Протокол сформирован в системе «Вызов» {timezone.localtime():%d.%m.%Y %H:%M}.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
