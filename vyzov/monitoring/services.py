"""Every write to monitoring: entry, import, submit/accept/return, register-computed figures.
Validation is all-or-nothing; every change leaves a revision row and an audit row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from vyzov.accounts.access import Perm, require
from vyzov.accounts.selectors import users_who_can
from vyzov.core import signals
from vyzov.core.models import AuditAction
from vyzov.core.services import audit_entry_create
from vyzov.territories.models import Municipality, Subject

from . import completeness, rollups
from .models import (
    Figure,
    FigureRevision,
    FigureSource,
    Indicator,
    QuarterReport,
    ReportStatus,
    previous_quarter,
    validate_quarter_date,
)

# A change from the previous quarter above this share needs a comment.
CHANGE_NEEDS_COMMENT = getattr(settings, "VYZOV_MONITORING_CHANGE_THRESHOLD", 0.2)


@dataclass(frozen=True)
class FigureInput:
    indicator: Indicator
    value: int
    comment: str = ""
    municipality: Municipality | None = None


def report_for(*, actor, subject: Subject, as_of: dt.date, create: bool = False) -> QuarterReport:
    """The subject's report for a quarter; created (as a draft) only by someone who may enter figures."""
    validate_quarter_date(as_of)
    report = QuarterReport.objects.filter(subject=subject, as_of=as_of).first()
    require(actor, Perm.MONITORING_EDIT, report or QuarterReport(subject=subject, as_of=as_of))
    if report is None:
        report = QuarterReport(subject=subject, as_of=as_of)
        if create:
            report.created_by = report.updated_by = actor
            report.save()
            audit_entry_create(actor=actor, action=AuditAction.CREATE, target=report)
    return report


def _previous_values(report: QuarterReport) -> dict[tuple[int, int | None], int]:
    return {
        (figure.indicator_id, figure.municipality_id): figure.value
        for figure in Figure.objects.filter(subject=report.subject, as_of=previous_quarter(report.as_of))
    }


def figure_error_key(item: FigureInput) -> str:
    """The key under which `validate_figures` reports an input's errors (the form's field, the import's row)."""
    return item.indicator.code + (f"@{item.municipality.pk}" if item.municipality else "")


def validate_figures(report: QuarterReport, inputs: list[FigureInput]) -> None:
    """Every rule at once; raises a ValidationError keyed by indicator code (and municipality id)."""
    errors: dict[str, list[str]] = {}

    def error(item: FigureInput, message: str) -> None:
        errors.setdefault(figure_error_key(item), []).append(message)

    if not report.is_editable:
        raise ValidationError(f"Отчёт {report.get_status_display()}: изменить значения нельзя.")
    existing = {
        (figure.indicator_id, figure.municipality_id): figure.value
        for figure in (Figure.objects.filter(report=report) if report.pk else [])
    }
    merged = dict(existing)
    for item in inputs:
        if item.value is None or item.value < 0:
            error(item, "Значение не может быть отрицательным.")
            continue
        if item.value > 10_000_000:
            error(item, "Слишком большое значение: проверьте число.")
            continue
        if item.municipality and item.municipality.subject_id != report.subject_id:
            error(item, "Муниципалитет относится к другому субъекту РФ.")
            continue
        merged[(item.indicator.pk, item.municipality.pk if item.municipality else None)] = item.value
    if errors:
        raise ValidationError(errors)

    indicators = {indicator.pk: indicator for indicator in Indicator.objects.all()}
    by_total: dict[tuple[int, int | None], list[tuple[Indicator, int]]] = {}
    for (indicator_id, municipality_id), value in merged.items():
        indicator = indicators[indicator_id]
        if indicator.part_of_id:
            by_total.setdefault((indicator.part_of_id, municipality_id), []).append((indicator, value))
    inputs_by_key = {
        (item.indicator.pk, item.municipality.pk if item.municipality else None): item for item in inputs
    }
    for (total_id, municipality_id), parts in by_total.items():
        total = merged.get((total_id, municipality_id))
        if total is None:
            continue
        total_indicator = indicators[total_id]
        for part, value in parts:
            if value > total:
                item = inputs_by_key.get((part.pk, municipality_id)) or FigureInput(part, value)
                error(item, f"Больше итога «{total_indicator.name}» ({total}).")
        if total_indicator.parts_are_exclusive and sum(value for _part, value in parts) > total:
            item = inputs_by_key.get((total_id, municipality_id)) or FigureInput(total_indicator, total)
            error(item, f"Итог меньше суммы его частей ({sum(value for _p, value in parts)}).")

    previous = _previous_values(report)
    for item in inputs:
        key = (item.indicator.pk, item.municipality.pk if item.municipality else None)
        before = previous.get(key)
        if before and abs(item.value - before) / before > CHANGE_NEEDS_COMMENT and not item.comment.strip():
            error(
                item,
                f"Изменение к прошлому кварталу больше {CHANGE_NEEDS_COMMENT:.0%} (было {before}): "
                "поясните в комментарии.",
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def figures_save(
    *, actor, report: QuarterReport, inputs: list[FigureInput], source: str = FigureSource.MANUAL
) -> int:
    """Save figures of a draft or returned report. Returns how many values changed."""
    require(actor, Perm.MONITORING_EDIT, report)
    report = QuarterReport.objects.select_for_update().get(pk=report.pk) if report.pk else report
    validate_figures(report, inputs)
    if report.pk is None:
        report.created_by = report.updated_by = actor
        report.save()
    changed = []
    for item in inputs:
        figure = Figure.objects.filter(
            report=report, indicator=item.indicator, municipality=item.municipality
        ).first()
        if figure is not None and figure.value == item.value and figure.comment == item.comment:
            continue
        old_value = figure.value if figure else None
        if figure is None:
            figure = Figure(
                report=report,
                indicator=item.indicator,
                subject=report.subject,
                municipality=item.municipality,
                as_of=report.as_of,
            )
        figure.value, figure.comment, figure.source = item.value, item.comment, source
        figure.save()
        FigureRevision.objects.create(
            figure=figure, old_value=old_value, new_value=item.value, comment=item.comment, changed_by=actor
        )
        changed.append(
            {
                "indicator": item.indicator.code,
                "municipality": figure.municipality_id,
                "old": old_value,
                "new": item.value,
            }
        )
    if changed:
        report.updated_by = actor
        report.save(update_fields=["updated_by", "updated_at"])
        audit_entry_create(
            actor=actor,
            action=AuditAction.UPDATE,
            target=report,
            details={"changes": changed[:200], "source": source},
        )
    return len(changed)


@transaction.atomic
def report_submit(*, actor, report: QuarterReport) -> QuarterReport:
    require(actor, Perm.MONITORING_EDIT, report)
    report = QuarterReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_editable:
        raise ValidationError(f"Отчёт {report.get_status_display()}: направить его повторно нельзя.")
    if not report.figures.filter(indicator__code="children_in_institutions").exists():
        raise ValidationError("Заполните основной показатель — число детей в учреждениях.")
    report.status, report.submitted_at, report.submitted_by = ReportStatus.SUBMITTED, timezone.now(), actor
    report.updated_by = actor
    report.save()
    audit_entry_create(
        actor=actor, action=AuditAction.STATUS_CHANGE, target=report, details={"status": "submitted"}
    )
    return report


@transaction.atomic
def report_save_and_submit(*, actor, report: QuarterReport, inputs: list[FigureInput]) -> QuarterReport:
    """The figures on the page and the submission, in one transaction: what was typed is never left
    behind by «Направить на проверку», and a refused submission saves nothing."""
    figures_save(actor=actor, report=report, inputs=inputs)
    return report_submit(actor=actor, report=report)


@transaction.atomic
def report_accept(*, actor, report: QuarterReport) -> QuarterReport:
    require(actor, Perm.MONITORING_APPROVE, report)
    report = QuarterReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError("Принять можно только направленный на проверку отчёт.")
    report.status, report.reviewed_at, report.reviewed_by = ReportStatus.ACCEPTED, timezone.now(), actor
    report.review_comment = ""
    report.save()
    rollups.recompute(as_of=report.as_of)
    audit_entry_create(
        actor=actor, action=AuditAction.STATUS_CHANGE, target=report, details={"status": "accepted"}
    )
    signals.announce(
        signals.work_approved,
        sender=QuarterReport,
        actor=actor,
        recipients=[report.submitted_by],
        title=f"Квартальный отчёт на {report.as_of:%d.%m.%Y} принят",
        url=_report_url(report),
    )
    return report


def _report_url(report: QuarterReport) -> str:
    return reverse("monitoring:report_edit", args=[report.subject.code, report.as_of.isoformat()])


@transaction.atomic
def report_return(*, actor, report: QuarterReport, comment: str) -> QuarterReport:
    require(actor, Perm.MONITORING_APPROVE, report)
    if not (comment or "").strip():
        raise ValidationError({"comment": "Напишите, что нужно исправить."})
    report = QuarterReport.objects.select_for_update().get(pk=report.pk)
    if report.status not in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
        raise ValidationError("Вернуть можно направленный или принятый отчёт.")
    was_accepted = report.status == ReportStatus.ACCEPTED
    report.status, report.review_comment = ReportStatus.RETURNED, comment.strip()
    report.reviewed_at, report.reviewed_by = timezone.now(), actor
    report.save()
    if was_accepted:
        rollups.recompute(as_of=report.as_of)
    audit_entry_create(
        actor=actor,
        action=AuditAction.STATUS_CHANGE,
        target=report,
        details={"status": "returned", "comment": comment.strip()[:500]},
    )
    signals.announce(
        signals.work_returned,
        sender=QuarterReport,
        actor=actor,
        recipients=[report.submitted_by],
        title=f"Квартальный отчёт на {report.as_of:%d.%m.%Y} возвращён: {comment.strip()[:200]}",
        url=_report_url(report),
    )
    return report


def register_values(*, subject: Subject, as_of: dt.date) -> dict[str, int]:
    """Figures the register can compute for a subject at a quarter date (stocks on the date, flows over
    the quarter that ended on it). One place for these definitions."""
    from vyzov.cases.models import LegalStatus, Placement, PlacementKind, PlacementOutcome

    start = previous_quarter(as_of)
    placements = Placement.objects.filter(child__subject=subject, child__merged_into__isnull=True)
    open_on_date = placements.filter(start_date__lt=as_of).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=as_of)
    )
    left = placements.filter(end_date__gte=start, end_date__lt=as_of).exclude(
        outcome=PlacementOutcome.ANOTHER_ORGANIZATION
    )
    return {
        "children_in_institutions": open_on_date.values("child").distinct().count(),
        "children_with_parents": open_on_date.filter(child__legal_status=LegalStatus.HAS_PARENTS)
        .values("child")
        .distinct()
        .count(),
        "children_temporary_request": open_on_date.filter(kind=PlacementKind.TEMPORARY_PARENTS_REQUEST)
        .values("child")
        .distinct()
        .count(),
        "children_placed_quarter": placements.filter(start_date__gte=start, start_date__lt=as_of)
        .values("child")
        .distinct()
        .count(),
        "children_left_quarter": left.values("child").distinct().count(),
        "children_returned_home_quarter": left.filter(outcome=PlacementOutcome.RETURNED_HOME)
        .values("child")
        .distinct()
        .count(),
        "children_family_placement_quarter": left.filter(
            outcome__in=[
                PlacementOutcome.GUARDIANSHIP,
                PlacementOutcome.FOSTER_FAMILY,
                PlacementOutcome.ADOPTION,
            ]
        )
        .values("child")
        .distinct()
        .count(),
    }


@transaction.atomic
def figures_from_register(*, actor, report: QuarterReport) -> int:
    """Fill the register-computable indicators of a report from the register (source: «по реестру»)."""
    require(actor, Perm.MONITORING_EDIT, report)
    values = register_values(subject=report.subject, as_of=report.as_of)
    indicators = {indicator.code: indicator for indicator in Indicator.objects.filter(code__in=values)}
    comment = "рассчитано по реестру"
    inputs = [
        FigureInput(indicators[code], value, comment) for code, value in values.items() if code in indicators
    ]
    return figures_save(actor=actor, report=report, inputs=inputs, source=FigureSource.REGISTER)


# Reminders about quarterly reports: this many days before the deadline, the day after it, and then
# every REMIND_EVERY_DAYS days while the report is still not received. The schedule is a function of
# the date, so the daily run (send_reminders) sends each reminder once.
REMIND_BEFORE_DAYS = 3
REMIND_EVERY_DAYS = 7


def _reminder_due(cell: completeness.Cell, today: dt.date) -> bool:
    days_late = (today - cell.deadline).days
    if cell.status == completeness.CellStatus.PENDING:
        return days_late == -REMIND_BEFORE_DAYS
    if cell.status == completeness.CellStatus.OVERDUE:
        return days_late >= 1 and (days_late - 1) % REMIND_EVERY_DAYS == 0
    return False


def report_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind the people who enter a subject's figures about its quarterly reports that are due soon
    or overdue: an e-mail per person and a notification per report. Returns the number of letters."""
    today = today or timezone.localdate()
    data = completeness.completeness(
        subjects=completeness.expected_subjects(),
        quarters=completeness.due_quarters(today=today),
        today=today,
    )
    by_user: dict[int, tuple[object, list[tuple[Subject, completeness.Cell]]]] = {}
    for line in data.lines:
        cells = [cell for cell in line.cells if _reminder_due(cell, today)]
        if not cells:
            continue
        for user in users_who_can(perm=Perm.MONITORING_EDIT, subject=line.subject):
            by_user.setdefault(user.pk, (user, []))[1].extend((line.subject, cell) for cell in cells)
    for user, items in by_user.values():
        lines = [f"— {_reminder_title(subject, cell)}" for subject, cell in items]
        if user.email:
            send_mail(
                subject=f"«Вызов»: квартальные отчёты к сроку ({len(items)})",
                message="Напоминаем о квартальных отчётах мониторинга:\n\n"
                + "\n".join(lines)
                + "\n\nОткройте «Квартальные отчёты» в системе «Вызов».",
                from_email=None,
                recipient_list=[user.email],
            )
        for subject, cell in items:
            signals.announce(
                signals.deadline_due,
                sender=QuarterReport,
                recipients=[user],
                title=_reminder_title(subject, cell),
                url=reverse("monitoring:report_edit", args=[subject.code, cell.as_of.isoformat()]),
            )
    return sum(1 for user, _items in by_user.values() if user.email)


def _reminder_title(subject: Subject, cell: completeness.Cell) -> str:
    if cell.status == completeness.CellStatus.OVERDUE:
        return (
            f"{subject.name}: квартальный отчёт на {cell.as_of:%d.%m.%Y} не представлен, "
            f"срок {cell.deadline:%d.%m.%Y} прошёл"
        )
    return f"{subject.name}: квартальный отчёт на {cell.as_of:%d.%m.%Y} — срок {cell.deadline:%d.%m.%Y}"
