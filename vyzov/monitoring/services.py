"""Every write to monitoring: entry, import, submit/accept/return, register-computed figures.
Validation is all-or-nothing; every change leaves a revision row and an audit row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from vyzov.accounts.access import ActionNotAllowed, Perm, grants_with, require
from vyzov.accounts.models import ScopeLevel, User
from vyzov.accounts.selectors import users_who_can
from vyzov.core import signals
from vyzov.core.inputs import given
from vyzov.core.models import AuditAction
from vyzov.core.services import audit_entry_create
from vyzov.core.validators import validate_single_line_text
from vyzov.territories.models import Municipality, Subject

from . import completeness, expressions, rollups, rules
from .inputs import (
    DATA_SET_FIELDS,
    INDICATOR_FIELDS,
    RULE_FIELDS,
    DataSetData,
    IndicatorData,
    ValidationRuleData,
)
from .models import (
    MAIN_DATA_SET,
    DataSet,
    Figure,
    FigureRevision,
    FigureSource,
    Indicator,
    MunicipalApproval,
    OutlierMethod,
    OutlierRange,
    QuarterReport,
    ReportStatus,
    TerritoryLevel,
    ValidationRule,
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


def report_for(
    *, actor: User, subject: Subject, as_of: dt.date, create: bool = False, data_set: DataSet | None = None
) -> QuarterReport:
    """The subject's report of a data set (the main one by default) for a period; created (as a draft)
    only by someone who may enter figures."""
    validate_quarter_date(as_of)
    data_set = data_set or DataSet.objects.get(pk=DataSet.main_id())
    if not data_set.allows_date(as_of):
        raise ValidationError(
            f"Набор «{data_set.name}» собирается раз в {data_set.get_period_type_display()}: "
            "эта отчётная дата ему не подходит."
        )
    report = QuarterReport.objects.filter(subject=subject, data_set=data_set, as_of=as_of).first()
    require(
        actor,
        Perm.MONITORING_EDIT,
        report or QuarterReport(subject=subject, as_of=as_of, data_set=data_set),
    )
    if report is None:
        report = QuarterReport(subject=subject, as_of=as_of, data_set=data_set)
        if create:
            if not data_set.is_active:
                raise ValidationError(f"Сбор по набору «{data_set.name}» закрыт.")
            report.created_by = report.updated_by = actor
            report.save()
            audit_entry_create(actor=actor, action=AuditAction.CREATE, target=report)
    return report


def _previous_values(report: QuarterReport) -> dict[tuple[int, int | None], int]:
    return {
        (figure.indicator_id, figure.municipality_id): figure.value
        for figure in Figure.objects.filter(subject=report.subject, as_of=previous_quarter(report.as_of))
    }


class FigureKey(NamedTuple):
    """Which input an error of `validate_figures` belongs to: the indicator and, for a municipal value,
    the municipality. The page puts the error on the indicator's field, the import on the input's row."""

    code: str
    municipality_id: int | None = None

    @classmethod
    def of(cls, item: FigureInput) -> FigureKey:
        return cls(item.indicator.code, item.municipality.pk if item.municipality else None)

    @property
    def field(self) -> str:
        """The name of the error in the API's answer (the indicator code, `@` and the municipality)."""
        return self.code if self.municipality_id is None else f"{self.code}@{self.municipality_id}"


class FigureErrors(ValidationError):
    """The errors of a set of figures, by input (`by_key`; None — the report as a whole). As a
    ValidationError it carries the same messages keyed by `FigureKey.field` (the API shows them)."""

    def __init__(self, by_key: dict[FigureKey | None, list[str]]):
        self.by_key = by_key
        super().__init__({key.field if key else "": messages for key, messages in by_key.items()})


def _key(item: FigureInput) -> tuple[int, int | None]:
    return (item.indicator.pk, item.municipality.pk if item.municipality else None)


def report_values(
    report: QuarterReport, inputs: Sequence[FigureInput] = ()
) -> dict[int | None, dict[str, int]]:
    """{municipality id or None: {indicator code: value}} of a report, with `inputs` laid over it."""
    values: dict[int | None, dict[str, int]] = {}
    municipality_id: int | None
    if report.pk:
        for municipality_id, code, value in Figure.objects.filter(report=report).values_list(
            "municipality_id", "indicator__code", "value"
        ):
            values.setdefault(municipality_id, {})[code] = value
    for item in inputs:
        municipality_id = item.municipality.pk if item.municipality else None
        values.setdefault(municipality_id, {})[item.indicator.code] = item.value
    return values


def validate_figures(
    report: QuarterReport, inputs: list[FigureInput], *, correction: bool = False
) -> list[rules.Violation]:
    """Every check at once; raises a ValidationError keyed by indicator code (and municipality id).

    The checks between values are the `ValidationRule` rows (high importance refuses, the others are
    returned as warnings); a value outside its `OutlierRange` needs a comment. A locked (accepted)
    report changes only through a correction (`figures_correct`)."""
    errors: dict[FigureKey | None, list[str]] = {}

    def error(item: FigureInput, message: str) -> None:
        errors.setdefault(FigureKey.of(item), []).append(message)

    if not correction and not report.is_editable:
        raise ValidationError(
            f"Отчёт {report.get_status_display()}"
            + (
                ": период закрыт, значения меняются только исправлением федеральной команды."
                if report.is_locked
                else ": изменить значения нельзя."
            )
        )
    data_set_codes = (
        set(report.data_set.indicators.values_list("code", flat=True)) if report.data_set_id else None
    )
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
        if data_set_codes is not None and item.indicator.code not in data_set_codes:
            error(item, f"Показатель не входит в набор «{report.data_set.name}».")
        elif item.municipality is None and item.indicator.territory_level == TerritoryLevel.MUNICIPALITY:
            error(item, "Показатель вводится по муниципалитетам: значение субъекта — их сумма.")
    if errors:
        raise FigureErrors(errors)

    inputs_by_code = {
        (item.indicator.code, item.municipality.pk if item.municipality else None): item for item in inputs
    }
    indicators_by_code = {item.indicator.code: item.indicator for item in inputs}
    warnings = []
    for violation in rules.violations(rules.active_rules(), report_values(report, inputs)):
        if not violation.blocks:
            warnings.append(violation)
            continue
        culprit: FigureInput | None = next(
            (
                inputs_by_code[(code, violation.municipality_id)]
                for code in violation.codes
                if (code, violation.municipality_id) in inputs_by_code
            ),
            None,
        )
        if culprit is None:  # the stored values alone break it: shown at the rule's first indicator
            code = violation.codes[0]
            indicator = indicators_by_code.get(code) or Indicator.objects.filter(code=code).first()
            culprit = FigureInput(indicator, 0) if indicator else None
        if culprit is None:
            errors.setdefault(None, []).append(violation.message)
        else:
            error(culprit, violation.message)

    ranges = list(OutlierRange.objects.filter(indicator__in=[item.indicator for item in inputs]))
    for item in inputs:
        found = rules.range_for(
            ranges,
            indicator_id=item.indicator.pk,
            subject_id=report.subject_id,
            municipality_id=item.municipality.pk if item.municipality else None,
        )
        if rules.outside(found, item.value) and not item.comment.strip():
            error(
                item,
                f"Значение вне допустимого диапазона {found.min_value}–{found.max_value}: "
                "если оно верно, подтвердите его комментарием.",
            )

    previous = _previous_values(report)
    for item in inputs:
        before = previous.get(_key(item))
        if before and abs(item.value - before) / before > CHANGE_NEEDS_COMMENT and not item.comment.strip():
            error(
                item,
                f"Изменение к прошлому кварталу больше {CHANGE_NEEDS_COMMENT:.0%} (было {before}): "
                "поясните в комментарии.",
            )
    if errors:
        raise FigureErrors(errors)
    return warnings


def _write_figures(
    *, actor: User, report: QuarterReport, inputs: list[FigureInput], source: str, correction: str = ""
) -> list[dict[str, Any]]:
    ranges = list(OutlierRange.objects.filter(indicator__in=[item.indicator for item in inputs]))
    changed: list[dict[str, Any]] = []
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
        found = rules.range_for(
            ranges,
            indicator_id=item.indicator.pk,
            subject_id=report.subject_id,
            municipality_id=item.municipality.pk if item.municipality else None,
        )
        if old_value != item.value:
            figure.outlier_reviewed_at = figure.outlier_reviewed_by = None
        figure.outlier_range = (
            f"{found.min_value}–{found.max_value}" if rules.outside(found, item.value) else ""
        )
        figure.value, figure.comment, figure.source = item.value, item.comment, source
        figure.save()
        FigureRevision.objects.create(
            figure=figure,
            old_value=old_value,
            new_value=item.value,
            comment=(correction or item.comment)[:500],
            changed_by=actor,
            is_correction=bool(correction),
        )
        changed.append(
            {
                "indicator": item.indicator.code,
                "municipality": figure.municipality_id,
                "old": old_value,
                "new": item.value,
            }
        )
    # A municipality's approval covers the figures it saw: a change withdraws it.
    touched = {entry["municipality"] for entry in changed if entry["municipality"]}
    if touched and not correction:
        MunicipalApproval.objects.filter(report=report, municipality_id__in=touched).delete()
    return changed


@transaction.atomic
def figures_save(
    *, actor: User, report: QuarterReport, inputs: list[FigureInput], source: str = FigureSource.MANUAL
) -> int:
    """Save figures of a draft or returned report. Returns how many values changed."""
    require(actor, Perm.MONITORING_EDIT, report)
    report = QuarterReport.objects.select_for_update().get(pk=report.pk) if report.pk else report
    validate_figures(report, inputs)
    if report.pk is None:
        report.created_by = report.updated_by = actor
        report.save()
    changed = _write_figures(actor=actor, report=report, inputs=inputs, source=source)
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
def figures_enter(
    *,
    actor: User,
    subject: Subject,
    as_of: dt.date,
    inputs: list[FigureInput],
    source: str = FigureSource.MANUAL,
    data_set: DataSet | None = None,
) -> tuple[QuarterReport, int]:
    """Entering figures of a subject's quarter — from the page, the API and the XLSX import: the report
    of the data set (the main one by default) is found or created as a draft (audited) and the figures saved, all or nothing (a refused entry
    leaves no empty report behind). Returns the report and how many values changed."""
    report = report_for(actor=actor, subject=subject, as_of=as_of, data_set=data_set, create=True)
    return report, figures_save(actor=actor, report=report, inputs=inputs, source=source)


@transaction.atomic
def figures_correct(*, actor: User, report: QuarterReport, inputs: list[FigureInput], reason: str) -> int:
    """Change figures of a locked (accepted) period: the federal team only, with a reason; every
    change keeps its revision (marked as a correction) and the roll-ups follow. The period stays locked."""
    require(actor, Perm.MONITORING_APPROVE, report)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Укажите основание исправления."})
    validate_single_line_text(reason)
    report = QuarterReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_locked:
        raise ValidationError(
            "Исправление нужно только для закрытого периода: этот отчёт можно изменить обычным вводом."
        )
    validate_figures(report, inputs, correction=True)
    changed = _write_figures(
        actor=actor, report=report, inputs=inputs, source=FigureSource.MANUAL, correction=reason
    )
    if changed:
        report.updated_by = actor
        report.save(update_fields=["updated_by", "updated_at"])
        rollups.recompute(as_of=report.as_of)
        audit_entry_create(
            actor=actor,
            action=AuditAction.UPDATE,
            target=report,
            details={"correction": True, "reason": reason[:500], "changes": changed[:200]},
        )
    return len(changed)


@transaction.atomic
def municipality_approve(
    *, actor: User, report: QuarterReport, municipality: Municipality
) -> MunicipalApproval:
    """The municipal level of approval: the municipality confirms its figures of the report — the
    region for it, or the municipality's own specialist (his grant covers only his municipality)."""
    require(
        actor, Perm.MONITORING_MUNICIPAL_APPROVE, MunicipalApproval(report=report, municipality=municipality)
    )
    report = QuarterReport.objects.select_for_update().get(pk=report.pk)
    if municipality.subject_id != report.subject_id:
        raise ValidationError("Муниципалитет относится к другому субъекту РФ.")
    if not report.is_editable:
        raise ValidationError(f"Отчёт {report.get_status_display()}: утверждать уже нечего.")
    if not report.figures.filter(municipality=municipality).exists():
        raise ValidationError("У муниципалитета нет значений в этом отчёте.")
    approval, created = MunicipalApproval.objects.get_or_create(
        report=report, municipality=municipality, defaults={"approved_by": actor}
    )
    if created:
        audit_entry_create(
            actor=actor,
            action=AuditAction.STATUS_CHANGE,
            target=report,
            details={"status": "municipality_approved", "municipality": municipality.pk},
        )
    return approval


def municipalities_awaiting_approval(report: QuarterReport) -> list[Municipality]:
    """Municipalities with figures in the report that have not approved them (empty for a region that
    reports for the subject as a whole)."""
    if not report.pk:
        return []
    approved = MunicipalApproval.objects.filter(report=report).values("municipality_id")
    ids = report.figures.filter(municipality__isnull=False).exclude(municipality_id__in=approved)
    return list(Municipality.objects.filter(pk__in=ids.values("municipality_id")).order_by("name"))


@transaction.atomic
def report_submit(*, actor: User, report: QuarterReport) -> QuarterReport:
    """The subject level of approval: the region approves its report and sends it to the federal team."""
    require(actor, Perm.MONITORING_EDIT, report)
    report = QuarterReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_editable:
        raise ValidationError(f"Отчёт {report.get_status_display()}: направить его повторно нельзя.")
    required = report.data_set.required_indicators.exclude(
        pk__in=report.figures.values("indicator_id")
    ).order_by("order")
    missing = [indicator.name for indicator in required]
    if missing:
        raise ValidationError(
            f"Заполните основной показатель — {missing[0]}."
            if len(missing) == 1
            else "Заполните основные показатели: " + "; ".join(missing) + "."
        )
    waiting = municipalities_awaiting_approval(report)
    if waiting:
        names = ", ".join(m.name for m in waiting[:10]) + (
            f" и ещё {len(waiting) - 10}" if len(waiting) > 10 else ""
        )
        raise ValidationError(f"Значения не утверждены муниципалитетами: {names}.")
    blocking = [v for v in rules.violations(rules.active_rules(), report_values(report)) if v.blocks]
    if blocking:
        raise ValidationError([violation.message for violation in blocking[:20]])
    report.status, report.submitted_at, report.submitted_by = ReportStatus.SUBMITTED, timezone.now(), actor
    report.updated_by = actor
    report.save()
    audit_entry_create(
        actor=actor, action=AuditAction.STATUS_CHANGE, target=report, details={"status": "submitted"}
    )
    return report


@transaction.atomic
def report_save_and_submit(*, actor: User, report: QuarterReport, inputs: list[FigureInput]) -> QuarterReport:
    """The figures on the page and the submission, in one transaction: what was typed is never left
    behind by «Направить на проверку», and a refused submission saves nothing."""
    figures_save(actor=actor, report=report, inputs=inputs)
    return report_submit(actor=actor, report=report)


@transaction.atomic
def report_accept(*, actor: User, report: QuarterReport) -> QuarterReport:
    """The federal level of approval: the report is accepted and its period locked."""
    require(actor, Perm.MONITORING_APPROVE, report)
    report = QuarterReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError("Принять можно только направленный на проверку отчёт.")
    now = timezone.now()
    report.status, report.reviewed_at, report.reviewed_by = ReportStatus.ACCEPTED, now, actor
    report.locked_at, report.locked_by = now, actor
    report.review_comment = ""
    report.save()
    rollups.recompute(as_of=report.as_of)
    audit_entry_create(
        actor=actor,
        action=AuditAction.STATUS_CHANGE,
        target=report,
        details={"status": "accepted", "locked": True},
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
    return report.get_absolute_url()


@transaction.atomic
def report_return(*, actor: User, report: QuarterReport, comment: str) -> QuarterReport:
    """Return a submitted report, or unlock an accepted one: the reason is required and audited."""
    require(actor, Perm.MONITORING_APPROVE, report)
    if not (comment or "").strip():
        raise ValidationError({"comment": "Напишите, что нужно исправить."})
    report = QuarterReport.objects.select_for_update().get(pk=report.pk)
    if report.status not in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
        raise ValidationError("Вернуть можно направленный или принятый отчёт.")
    was_accepted = report.status == ReportStatus.ACCEPTED
    report.status, report.review_comment = ReportStatus.RETURNED, comment.strip()
    report.reviewed_at, report.reviewed_by = timezone.now(), actor
    report.locked_at = report.locked_by = None
    report.save()
    if was_accepted:
        rollups.recompute(as_of=report.as_of)
    audit_entry_create(
        actor=actor,
        action=AuditAction.STATUS_CHANGE,
        target=report,
        details={"status": "returned", "unlocked": was_accepted, "comment": comment.strip()[:500]},
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


def report_unlock(*, actor: User, report: QuarterReport, reason: str) -> QuarterReport:
    """Open a locked period again (the report goes back to the region): a reason is required."""
    if report.status != ReportStatus.ACCEPTED:
        raise ValidationError("Открыть можно только закрытый (принятый) период.")
    return report_return(actor=actor, report=report, comment=reason)


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
def figures_from_register(*, actor: User, report: QuarterReport) -> int:
    """Fill the register-computable indicators of a report from the register (source: «по реестру»)."""
    require(actor, Perm.MONITORING_EDIT, report)
    values = register_values(subject=report.subject, as_of=report.as_of)
    indicators = {
        indicator.code: indicator
        for indicator in Indicator.objects.filter(code__in=values, data_sets=report.data_set_id)
    }
    comment = "рассчитано по реестру"
    inputs = [
        FigureInput(indicators[code], value, comment) for code, value in values.items() if code in indicators
    ]
    return figures_save(actor=actor, report=report, inputs=inputs, source=FigureSource.REGISTER)


# ---- configuration by the federal team: indicators, data sets, rules, outlier ranges --------------


def can_configure(actor: User) -> bool:
    """Indicators, data sets, rules and ranges are the country's: a country-level grant is needed."""
    return any(grant.level == ScopeLevel.COUNTRY for grant in grants_with(actor, Perm.MONITORING_CONFIGURE))


def require_configure(actor: User) -> None:
    if not can_configure(actor):
        raise ActionNotAllowed("Показатели, наборы данных и правила настраивает федеральная команда.")


def _changes(obj: Any, data: Mapping[str, Any]) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for name, value in data.items():
        old = getattr(obj, name)
        if old != value:
            changes[name] = [str(old)[:200], str(value)[:200]]
        setattr(obj, name, value)
    return changes


_Config = TypeVar("_Config", bound=Indicator | DataSet | ValidationRule | OutlierRange)


def _save_config(
    *, actor: User, obj: _Config, data: Mapping[str, Any], m2m: Mapping[str, Any] | None = None
) -> _Config:
    """Create or update one configuration row: validated, audited with what changed."""
    creating = obj.pk is None
    changes = _changes(obj, data)
    obj.full_clean()
    if hasattr(obj, "updated_by_id"):
        tracked: Any = obj  # the configuration rows that keep who made and changed them
        if creating:
            tracked.created_by = actor
        tracked.updated_by = actor
    obj.save()
    for name, values in (m2m or {}).items():
        manager = getattr(obj, name)
        before = set(manager.values_list("code", flat=True))
        manager.set(values)
        after = {value.code for value in values}
        if before != after:
            changes[name] = [sorted(before), sorted(after)]
    if creating or changes:
        audit_entry_create(
            actor=actor,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            target=obj,
            details={"changes": changes},
        )
    return obj


def _rules_using(code: str) -> list[str]:
    return [
        rule.code
        for rule in ValidationRule.objects.all()
        if code in _codes_of(rule.left) | _codes_of(rule.right)
    ]


def _codes_of(text: str) -> set[str]:
    try:
        return set(expressions.parse(text).codes)
    except expressions.ExpressionError:
        return set()


@transaction.atomic
def indicator_save(*, actor: User, indicator: Indicator | None = None, data: IndicatorData) -> Indicator:
    """Create (indicator None) or change an indicator. A code used by figures or rules is not renamed:
    figures keep their meaning and rules their formulas."""
    require_configure(actor)
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk) if indicator else Indicator()
    fields = given(data, INDICATOR_FIELDS)
    if indicator.pk and fields.get("code", indicator.code) != indicator.code:
        used = _rules_using(indicator.code)
        if used or Figure.objects.filter(indicator=indicator).exists():
            raise ValidationError(
                {
                    "code": "Код уже используется в значениях или правилах ("
                    + ", ".join(used[:5])
                    + "): его не меняют."
                }
            )
    part_of = fields.get("part_of")
    if (
        part_of is not None
        and indicator.pk
        and (part_of.pk == indicator.pk or part_of.part_of_id == indicator.pk)
    ):
        raise ValidationError({"part_of": "Показатель не может быть частью самого себя или своей части."})
    creating = indicator.pk is None
    indicator = _save_config(actor=actor, obj=indicator, data=fields)
    if creating and part_of is not None:
        # The rule the catalogue's parts always had, as a row the federal team can change.
        for rule in expressions.part_total_rules(
            [(part_of.code, part_of.name, None, False), (indicator.code, indicator.name, part_of.code, False)]
        ):
            if not ValidationRule.objects.filter(code=rule["code"]).exists():
                _save_config(actor=actor, obj=ValidationRule(), data=rule)
    return indicator


@transaction.atomic
def data_set_save(*, actor: User, data_set: DataSet | None = None, data: DataSetData) -> DataSet:
    """Create or change a data set. An indicator belongs to one data set (its figures belong to that
    data set's reports); required indicators are among its indicators."""
    require_configure(actor)
    data_set = DataSet.objects.select_for_update().get(pk=data_set.pk) if data_set else DataSet()
    fields = given(data, DATA_SET_FIELDS)
    indicators = list(data.get("indicators", data_set.indicators.all() if data_set.pk else []))
    required = list(data.get("required_indicators", []))
    if data_set.pk and fields.get("code", data_set.code) != data_set.code and data_set.reports.exists():
        raise ValidationError({"code": "По набору уже есть отчёты: его код не меняют."})
    if not indicators:
        raise ValidationError({"indicators": "Выберите хотя бы один показатель."})
    if not {i.pk for i in required} <= {i.pk for i in indicators}:
        raise ValidationError({"required_indicators": "Обязательные показатели — из показателей набора."})
    elsewhere = (
        DataSet.indicators.through.objects.filter(indicator__in=indicators)
        .exclude(dataset_id=data_set.pk)
        .select_related("indicator", "dataset")
    )
    taken = [f"{link.indicator.code} (в наборе «{link.dataset.name}»)" for link in elsewhere[:5]]
    if taken:
        raise ValidationError(
            {"indicators": "Показатель входит только в один набор: " + ", ".join(taken) + "."}
        )
    if data_set.pk:
        removed = set(data_set.indicators.values_list("pk", flat=True)) - {i.pk for i in indicators}
        if removed and Figure.objects.filter(report__data_set=data_set, indicator_id__in=removed).exists():
            raise ValidationError(
                {
                    "indicators": "По исключаемому показателю уже есть значения в отчётах набора: уберите его из сбора, сняв «используется» у показателя."
                }
            )
    return _save_config(
        actor=actor,
        obj=data_set,
        data=fields,
        m2m={"indicators": indicators, "required_indicators": required},
    )


def check_rule_expressions(*, left: str, right: str) -> dict[str, str]:
    """Errors of a rule's two sides by field (empty when both parse over existing indicator codes)."""
    known = set(Indicator.objects.values_list("code", flat=True))
    errors = {}
    for name, text in (("left", left), ("right", right)):
        try:
            expressions.parse(text, known_codes=known)
        except expressions.ExpressionError as error:
            errors[name] = str(error)
    return errors


@transaction.atomic
def validation_rule_save(
    *, actor: User, rule: ValidationRule | None = None, data: ValidationRuleData
) -> ValidationRule:
    require_configure(actor)
    rule = ValidationRule.objects.select_for_update().get(pk=rule.pk) if rule else ValidationRule()
    fields = given(data, RULE_FIELDS)
    for name in ("left", "right"):
        if name in fields:
            fields[name] = " ".join(str(fields[name]).split())
    errors = check_rule_expressions(left=fields.get("left", rule.left), right=fields.get("right", rule.right))
    if errors:
        raise ValidationError(errors)
    return _save_config(actor=actor, obj=rule, data=fields)


@transaction.atomic
def outlier_range_save(
    *,
    actor: User,
    indicator: Indicator,
    subject: Subject | None = None,
    municipality: Municipality | None = None,
    min_value: int,
    max_value: int,
) -> OutlierRange:
    """Set by hand the range of an indicator for a territory (both empty: for every territory)."""
    require_configure(actor)
    existing = OutlierRange.objects.filter(
        indicator=indicator, subject=subject, municipality=municipality
    ).first()
    return _save_config(
        actor=actor,
        obj=existing or OutlierRange(indicator=indicator, subject=subject, municipality=municipality),
        data={
            "min_value": min_value,
            "max_value": max_value,
            "method": OutlierMethod.MANUAL,
            "k": None,
            "history_count": None,
        },
    )


@dataclass(frozen=True)
class GeneratedRanges:
    created: int
    updated: int
    skipped: int  # subjects with a shorter history than the minimum


@transaction.atomic
def outlier_ranges_generate(
    *, actor: User, indicator: Indicator, k: Decimal, min_history: int
) -> GeneratedRanges:
    """For each subject: mean ± k·SD of its accepted subject-level figures of the indicator, when it
    has at least `min_history` of them. Ranges set by hand are kept."""
    require_configure(actor)
    if not (Decimal("0.5") <= k <= Decimal("10")):
        raise ValidationError({"k": "k — от 0,5 до 10."})
    if not 3 <= min_history <= 100:
        raise ValidationError({"min_history": "Минимальная история — от 3 до 100 периодов."})
    history: dict[int, list[int]] = {}
    for subject_id, value in (
        Figure.objects.filter(
            indicator=indicator, municipality__isnull=True, report__status=ReportStatus.ACCEPTED
        )
        .order_by("subject_id", "as_of")
        .values_list("subject_id", "value")
    ):
        history.setdefault(subject_id, []).append(value)
    existing = {
        r.subject_id: r
        for r in OutlierRange.objects.filter(
            indicator=indicator, subject__isnull=False, municipality__isnull=True
        )
    }
    created = updated = skipped = 0
    for subject_id, values in history.items():
        found = rules.history_range(values, k=float(k), min_history=min_history)
        if found is None:
            skipped += 1
            continue
        current = existing.get(subject_id)
        if current is not None and current.method == OutlierMethod.MANUAL:
            continue
        row = current or OutlierRange(indicator=indicator, subject_id=subject_id)
        row.min_value, row.max_value, row.method = found.min_value, found.max_value, OutlierMethod.HISTORY
        row.k, row.history_count = k, found.count
        row.full_clean()
        row.updated_by = actor
        if current is None:
            row.created_by = actor
            created += 1
        else:
            updated += 1
        row.save()
    audit_entry_create(
        actor=actor,
        action=AuditAction.UPDATE,
        object_repr=f"Диапазоны по истории: {indicator.code}",
        details={
            "indicator": indicator.code,
            "k": str(k),
            "min_history": min_history,
            "created": created,
            "updated": updated,
            "skipped": skipped,
        },
    )
    return GeneratedRanges(created, updated, skipped)


@transaction.atomic
def figure_outlier_review(*, actor: User, figure: Figure) -> Figure:
    """The federal team has followed up a value outside its range."""
    require(actor, Perm.MONITORING_APPROVE, figure)
    figure = Figure.objects.select_for_update().get(pk=figure.pk)
    if not figure.outlier_range:
        raise ValidationError("Значение в допустимом диапазоне: проверять нечего.")
    if figure.outlier_reviewed_at is None:
        figure.outlier_reviewed_at, figure.outlier_reviewed_by = timezone.now(), actor
        figure.save(update_fields=["outlier_reviewed_at", "outlier_reviewed_by", "updated_at"])
        audit_entry_create(
            actor=actor,
            action=AuditAction.STATUS_CHANGE,
            target=figure,
            details={"status": "outlier_reviewed", "value": figure.value, "range": figure.outlier_range},
        )
    return figure


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
    """Remind the people who enter a subject's figures about its reports (of every data set being
    collected) that are due soon or overdue — by the completeness table's cells, so against the same
    deadline (`DataSet.deadline_for`): an e-mail per person and a notification per report. Returns
    the number of letters."""
    today = today or timezone.localdate()
    by_user: dict[int, tuple[User, list[tuple[Subject, completeness.Cell, DataSet]]]] = {}
    for data_set in DataSet.objects.filter(is_active=True).order_by("pk"):
        data = completeness.completeness(
            subjects=completeness.expected_subjects(),
            quarters=[q for q in completeness.due_quarters(today=today) if data_set.allows_date(q)],
            today=today,
            data_set=data_set,
        )
        for line in data.lines:
            cells = [cell for cell in line.cells if _reminder_due(cell, today)]
            if not cells:
                continue
            for user in users_who_can(perm=Perm.MONITORING_EDIT, subject=line.subject):
                by_user.setdefault(user.pk, (user, []))[1].extend(
                    (line.subject, cell, data_set) for cell in cells
                )
    for user, items in by_user.values():
        lines = [f"— {_reminder_title(subject, cell, data_set)}" for subject, cell, data_set in items]
        if user.email:
            send_mail(
                subject=f"«Вызов»: квартальные отчёты к сроку ({len(items)})",
                message="Напоминаем о квартальных отчётах мониторинга:\n\n"
                + "\n".join(lines)
                + "\n\nОткройте «Квартальные отчёты» в системе «Вызов».",
                from_email=None,
                recipient_list=[user.email],
            )
        for subject, cell, data_set in items:
            signals.announce(
                signals.deadline_due,
                sender=QuarterReport,
                recipients=[user],
                title=_reminder_title(subject, cell, data_set),
                url=QuarterReport(subject=subject, as_of=cell.as_of, data_set=data_set).get_absolute_url(),
            )
    return sum(1 for user, _items in by_user.values() if user.email)


def _reminder_title(subject: Subject, cell: completeness.Cell, data_set: DataSet) -> str:
    report = "квартальный отчёт" if data_set.code == MAIN_DATA_SET else f"отчёт «{data_set.name}»"
    if cell.status == completeness.CellStatus.OVERDUE:
        return (
            f"{subject.name}: {report} на {cell.as_of:%d.%m.%Y} не представлен, "
            f"срок {cell.deadline:%d.%m.%Y} прошёл"
        )
    return f"{subject.name}: {report} на {cell.as_of:%d.%m.%Y} — срок {cell.deadline:%d.%m.%Y}"
