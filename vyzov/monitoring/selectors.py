"""Reads of monitoring. Aggregates come from the precomputed roll-ups (a few queries per page);
detailed figures and reports go through the access policy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet

from vyzov.accounts.access import NotInScope, Perm, get_in_scope, has_perm, scope
from vyzov.accounts.models import User
from vyzov.accounts.types import AnyUser
from vyzov.territories.models import FederalDistrict, Municipality, Subject

from . import rules
from .models import (
    DataSet,
    Figure,
    FigureRevision,
    Indicator,
    MunicipalApproval,
    OutlierRange,
    QuarterReport,
    ReportStatus,
    RollUp,
    RollUpLevel,
    Target,
    TerritoryLevel,
    ValidationRule,
)
from .progress import Progress, progress
from .reference import BASELINE_DATE, MAIN_INDICATOR, TARGET_DATE, TARGET_REDUCTION
from .rollups import COUNTRY_KEY, PILOT_KEY


def indicators() -> list[Indicator]:
    return list(Indicator.objects.select_related("part_of").order_by("order", "code"))


def main_indicator() -> Indicator:
    return Indicator.objects.get(code=MAIN_INDICATOR)


def default_indicator() -> Indicator | None:
    """The programme's main indicator, or the first of the catalogue when it has none."""
    return (
        Indicator.objects.filter(code=MAIN_INDICATOR).first()
        or Indicator.objects.order_by("order", "code").first()
    )


def quarters() -> list[dt.date]:
    """Quarter dates with accepted figures (subject roll-ups: an indicator that is not aggregatable
    has no country row)."""
    return sorted(
        RollUp.objects.filter(level=RollUpLevel.SUBJECT).order_by().values_list("as_of", flat=True).distinct()
    )


def series(*, level: str, key: str, indicator: Indicator) -> list[tuple[dt.date, int]]:
    return list(
        RollUp.objects.filter(level=level, key=key, indicator=indicator)
        .order_by("as_of")
        .values_list("as_of", "value")
    )


def group_progress(
    *, level: str, key: str, indicator: Indicator, points: list[tuple[dt.date, int]] | None = None
) -> Progress | None:
    """Progress of a whole group against −25 % from its baseline (the programme's goal; for the country
    the same reduction is shown as a reference)."""
    points = points if points is not None else series(level=level, key=key, indicator=indicator)
    baseline = dict(points).get(BASELINE_DATE)
    if baseline is None:
        return None
    return progress(
        baseline_date=BASELINE_DATE,
        baseline=baseline,
        target_date=TARGET_DATE,
        target=baseline * (1 - float(TARGET_REDUCTION) / 100),
        points=points,
    )


@dataclass
class SubjectRow:
    subject: Subject
    baseline: int | None
    latest: int | None
    progress: Progress | None
    target: Target | None
    per_10k: float | None = None

    @property
    def change_percent(self) -> float | None:
        return self.progress.change_percent if self.progress else None


def subject_rows(*, indicator: Indicator | None = None, subject: Subject | None = None) -> list[SubjectRow]:
    """Every subject (or only `subject`) with its baseline, latest value and progress to its target
    (one pass over roll-ups)."""
    indicator = indicator or main_indicator()
    by_subject: dict[str, list[tuple[dt.date, int]]] = {}
    rollups = RollUp.objects.filter(level=RollUpLevel.SUBJECT, indicator=indicator)
    targets_qs = Target.objects.all()
    subjects = Subject.objects.select_related("district").order_by("name")
    if subject is not None:  # one region's page: its own row, not all 89 computed to pick one
        rollups, targets_qs = rollups.filter(key=subject.code), targets_qs.filter(subject=subject)
        subjects = subjects.filter(pk=subject.pk)
    for code, as_of, value in rollups.order_by("key", "as_of").values_list("key", "as_of", "value"):
        by_subject.setdefault(code, []).append((as_of, value))
    targets = {target.subject_id: target for target in targets_qs}
    rows = []
    for each in subjects:
        points = by_subject.get(each.code, [])
        target = targets.get(each.pk)
        values = dict(points)
        baseline = target.baseline_value if target else values.get(BASELINE_DATE)
        result = None
        if baseline:
            result = progress(
                baseline_date=target.baseline_date if target else BASELINE_DATE,
                baseline=baseline,
                target_date=target.target_date if target else TARGET_DATE,
                target=target.target_value if target else baseline * (1 - float(TARGET_REDUCTION) / 100),
                points=points,
            )
        latest = points[-1][1] if points else None
        rate = (
            latest / each.child_population * 10_000 if latest is not None and each.child_population else None
        )
        rows.append(SubjectRow(each, baseline, latest, result, target, rate))
    return rows


@dataclass
class Overview:
    indicator: Indicator
    quarters: list[dt.date]
    country: Progress | None
    pilot: Progress | None
    country_points: list[tuple[dt.date, int]]
    pilot_points: list[tuple[dt.date, int]]
    rows: list[SubjectRow]
    districts: list[tuple[FederalDistrict, int | None, int | None]] = field(default_factory=list)

    @property
    def gap_points(self) -> float | None:
        """How many percentage points faster the pilot regions fell than the country."""
        if not (self.country and self.pilot) or self.country.change_percent is None:
            return None
        if self.pilot.change_percent is None:
            return None
        return self.country.change_percent - self.pilot.change_percent


def overview() -> Overview:
    indicator = main_indicator()
    country_points = series(level=RollUpLevel.COUNTRY, key=COUNTRY_KEY, indicator=indicator)
    pilot_points = series(level=RollUpLevel.PILOT_GROUP, key=PILOT_KEY, indicator=indicator)
    latest = country_points[-1][0] if country_points else None
    district_values = {
        (key, as_of): value
        for key, as_of, value in RollUp.objects.filter(
            level=RollUpLevel.DISTRICT, indicator=indicator, as_of__in=[BASELINE_DATE, latest]
        ).values_list("key", "as_of", "value")
    }
    districts = [
        (
            district,
            district_values.get((district.code, BASELINE_DATE)),
            district_values.get((district.code, latest)) if latest else None,
        )
        for district in FederalDistrict.objects.order_by("name")
    ]
    return Overview(
        indicator=indicator,
        quarters=[as_of for as_of, _value in country_points],
        country=group_progress(
            level=RollUpLevel.COUNTRY, key=COUNTRY_KEY, indicator=indicator, points=country_points
        ),
        pilot=group_progress(
            level=RollUpLevel.PILOT_GROUP, key=PILOT_KEY, indicator=indicator, points=pilot_points
        ),
        country_points=country_points,
        pilot_points=pilot_points,
        rows=subject_rows(indicator=indicator),
        districts=districts,
    )


@dataclass
class RegionPage:
    subject: Subject
    row: SubjectRow
    indicator_series: list[tuple[Indicator, list[tuple[dt.date, int]]]]
    pilot: Progress | None
    municipal: list[tuple[str, int | None, bool]]  # (name, value or None when suppressed, suppressed)
    municipal_as_of: dt.date | None
    reports: list[QuarterReport]


def small_cell_threshold() -> int:
    return settings.VYZOV_SMALL_CELL_THRESHOLD


def suppress(actor: AnyUser, value: int | None) -> tuple[int | None, bool]:
    """Aggregates never reveal a cell smaller than the threshold to roles without personal data access."""
    return suppressor(actor)(value)


def suppressor(actor: AnyUser) -> Callable[[int | None], tuple[int | None, bool]]:
    """`suppress` for one actor and many cells: the permission and the threshold are looked up once."""
    if has_perm(actor, Perm.CASES_VIEW_PERSONAL):
        return lambda value: (value, False)
    threshold = small_cell_threshold()

    def hide(value: int | None) -> tuple[int | None, bool]:
        if value is not None and 0 < value < threshold:
            return None, True
        return value, False

    return hide


REGION_REPORTS = 12  # the latest reports listed on the region page


def region_page(*, actor: User, code: str) -> RegionPage:
    subject = get_in_scope(actor, Subject.objects.select_related("district"), Perm.MONITORING_VIEW, code=code)
    (row,) = subject_rows(subject=subject)
    by_indicator: dict[int, list[tuple[dt.date, int]]] = {}
    for indicator_id, as_of, value in (
        RollUp.objects.filter(level=RollUpLevel.SUBJECT, key=code)
        .order_by("as_of")
        .values_list("indicator_id", "as_of", "value")
    ):
        by_indicator.setdefault(indicator_id, []).append((as_of, value))
    main = main_indicator()
    latest_municipal = (
        Figure.objects.filter(
            subject=subject, indicator=main, municipality__isnull=False, report__status="accepted"
        )
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .first()
    )
    municipal = []
    if latest_municipal:
        for name, value in (
            scope(
                actor,
                Figure.objects.filter(
                    subject=subject, indicator=main, as_of=latest_municipal, municipality__isnull=False
                ),
                Perm.MONITORING_VIEW,
            )
            .order_by("-value", "municipality__name")
            .values_list("municipality__name", "value")
        ):
            shown, suppressed = suppress(actor, value)
            municipal.append((name, shown, suppressed))
    reports = list(
        scope(actor, QuarterReport.objects.filter(subject=subject), Perm.MONITORING_VIEW).order_by("-as_of")[
            :REGION_REPORTS
        ]
    )
    return RegionPage(
        subject=subject,
        row=row,
        indicator_series=[(indicator, by_indicator.get(indicator.pk, [])) for indicator in indicators()],
        pilot=group_progress(level=RollUpLevel.PILOT_GROUP, key=PILOT_KEY, indicator=main),
        municipal=municipal,
        municipal_as_of=latest_municipal,
        reports=reports,
    )


def report_get(*, actor: User, pk: int | str) -> QuarterReport:
    return get_in_scope(
        actor,
        QuarterReport.objects.select_related("subject", "submitted_by", "reviewed_by"),
        Perm.MONITORING_VIEW,
        pk=pk,
    )


def report_for_municipal_approval(
    *, actor: User, pk: int | str, municipality_id: int | str
) -> tuple[QuarterReport, Municipality]:
    """The report and the municipality whose part of it the actor may approve; a municipality outside
    the actor's scope, or a report of another subject, is a 404 like a missing one."""
    municipality = get_in_scope(
        actor,
        Municipality.objects.select_related("subject"),
        Perm.MONITORING_MUNICIPAL_APPROVE,
        pk=municipality_id,
    )
    try:
        report = QuarterReport.objects.select_related("subject", "data_set").get(
            pk=pk, subject_id=municipality.subject_id
        )
    except (QuarterReport.DoesNotExist, ValueError, TypeError):
        raise NotInScope() from None
    return report, municipality


@dataclass
class MunicipalPart:
    """A municipality's figures of a report still in the region's hands, not yet approved."""

    report: QuarterReport
    municipality: Municipality
    figures: list[Figure] = field(default_factory=list)


def municipal_parts_awaiting(*, actor: User) -> list[MunicipalPart]:
    """What the actor may approve at the municipal level (one query): for a municipal specialist
    his own municipality's parts only, for the region every municipality of its subject."""
    approved = MunicipalApproval.objects.filter(
        report=OuterRef("report"), municipality=OuterRef("municipality")
    )
    figures = (
        scope(
            actor,
            Figure.objects.filter(
                municipality__isnull=False, report__status__in=(ReportStatus.DRAFT, ReportStatus.RETURNED)
            ),
            Perm.MONITORING_MUNICIPAL_APPROVE,
        )
        .exclude(Exists(approved))
        .select_related("report__subject", "report__data_set", "municipality", "indicator")
        .order_by("report__as_of", "report__subject__name", "municipality__name", "indicator__order", "pk")
    )
    parts: dict[tuple[int, int], MunicipalPart] = {}
    for figure in figures:
        municipality = figure.municipality
        if municipality is None:  # excluded by the query; the check keeps the types honest
            continue
        key = (figure.report_id, municipality.pk)
        if key not in parts:
            parts[key] = MunicipalPart(figure.report, municipality)
        parts[key].figures.append(figure)
    return list(parts.values())


def report_list(*, actor: User, filters: dict[str, Any] | None = None) -> QuerySet[QuarterReport]:
    filters = filters or {}
    qs = scope(actor, QuarterReport.objects.select_related("subject", "data_set"), Perm.MONITORING_VIEW)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("as_of"):
        qs = qs.filter(as_of=filters["as_of"])
    return qs.order_by("-as_of", "subject__name")


def report_figures(*, report: QuarterReport, municipality: Municipality | None = None) -> dict[int, Figure]:
    """Figures of a report by indicator id: the subject's own, or one municipality's."""
    qs = (
        report.figures.filter(municipality=municipality)
        if municipality
        else report.figures.filter(municipality__isnull=True)
    )
    return {figure.indicator_id: figure for figure in qs}


def subject_values(
    *, subject: Subject, as_of: dt.date, municipality: Municipality | None = None
) -> dict[int, int]:
    """The figures of a quarter by indicator id (for «было» next to the form): the subject's own, or
    one municipality's."""
    qs = Figure.objects.filter(subject=subject, as_of=as_of)
    qs = qs.filter(municipality=municipality) if municipality else qs.filter(municipality__isnull=True)
    return dict(qs.values_list("indicator_id", "value"))


@dataclass
class MunicipalRow:
    municipality: object
    figures: int
    approval: object | None


def report_municipalities(*, actor: User, report: QuarterReport) -> list[MunicipalRow]:
    """The municipal level of a report: every municipality in the actor's scope with figures in it,
    how many, and its approval."""
    from django.db.models import Count

    from vyzov.territories.models import Municipality

    counts = dict(
        report.figures.filter(municipality__isnull=False)
        .values("municipality_id")
        .annotate(n=Count("id"))
        .values_list("municipality_id", "n")
    )
    if not counts:
        return []
    approvals = {
        approval.municipality_id: approval
        for approval in report.municipal_approvals.select_related("approved_by")
    }
    municipalities = scope(
        actor, Municipality.objects.filter(pk__in=list(counts)), Perm.MONITORING_VIEW
    ).order_by("name")
    return [MunicipalRow(m, counts[m.pk], approvals.get(m.pk)) for m in municipalities]


def report_revisions(*, actor: User, report: QuarterReport) -> list[FigureRevision]:
    return list(
        scope(
            actor, FigureRevision.objects.filter(figure__report=report), Perm.MONITORING_VIEW
        ).select_related("figure__indicator", "figure__municipality", "changed_by")[:500]
    )


def reports_to_submit(*, actor: User) -> QuerySet[QuarterReport]:
    """Drafts and returned reports the actor may edit and submit; the oldest quarter first."""
    qs = QuarterReport.objects.filter(status__in=(ReportStatus.DRAFT, ReportStatus.RETURNED))
    return scope(actor, qs.select_related("subject", "data_set"), Perm.MONITORING_EDIT).order_by(
        "as_of", "subject__name"
    )


def reports_to_accept(*, actor: User) -> QuerySet[QuarterReport]:
    """Submitted reports waiting for the actor's acceptance; the longest waiting first."""
    qs = QuarterReport.objects.filter(status=ReportStatus.SUBMITTED).select_related("subject", "data_set")
    return scope(actor, qs, Perm.MONITORING_APPROVE).order_by("submitted_at", "id")


# ---- data sets, rules and their analysis -----------------------------------------------------------


def data_sets(*, active_only: bool = False) -> QuerySet[DataSet]:
    qs = DataSet.objects.prefetch_related("indicators", "required_indicators").order_by("name")
    return qs.filter(is_active=True) if active_only else qs


def data_set_indicators(data_set: DataSet, *, municipal: bool = False) -> list[Indicator]:
    """The form's lines: the data set's active indicators in the catalogue's order. The subject's own
    form leaves out the indicators reported by municipality (their subject value is the sum)."""
    qs = data_set.indicators.filter(is_active=True).select_related("part_of").order_by("order", "code")
    if not municipal:
        qs = qs.exclude(territory_level=TerritoryLevel.MUNICIPALITY)
    return list(qs)


def validation_rules() -> QuerySet[ValidationRule]:
    return ValidationRule.objects.order_by("code")


def outlier_ranges(*, indicator: Indicator | None = None) -> QuerySet[OutlierRange]:
    qs = OutlierRange.objects.select_related("indicator", "subject", "municipality")
    return qs.filter(indicator=indicator) if indicator else qs


@dataclass
class ViolationRow:
    report: QuarterReport
    territory: str
    violation: rules.Violation


def violation_rows(
    *, actor: User, filters: dict[str, Any] | None = None, limit: int = 2000
) -> list[ViolationRow]:
    """The region-wide analysis: every active rule over the figures of the reports in scope (by
    subject, data set, period and status), one row per violated rule and territory."""
    filters = filters or {}
    reports = scope(actor, QuarterReport.objects.select_related("subject", "data_set"), Perm.MONITORING_VIEW)
    if filters.get("subject"):
        reports = reports.filter(subject=filters["subject"])
    if filters.get("data_set"):
        reports = reports.filter(data_set=filters["data_set"])
    if filters.get("as_of"):
        reports = reports.filter(as_of=filters["as_of"])
    if filters.get("status"):
        reports = reports.filter(status=filters["status"])
    by_pk = {report.pk: report for report in reports.order_by("-as_of", "subject__name")[:limit]}
    values: dict[int, dict[int | None, dict[str, int]]] = {}
    names: dict[int, str] = {}
    for report_id, municipality_id, municipality_name, code, value in (
        scope(actor, Figure.objects.filter(report_id__in=list(by_pk)), Perm.MONITORING_VIEW)
        .order_by()
        .values_list("report_id", "municipality_id", "municipality__name", "indicator__code", "value")
    ):
        values.setdefault(report_id, {}).setdefault(municipality_id, {})[code] = value
        if municipality_id:
            names[municipality_id] = municipality_name
    compiled = rules.active_rules()
    if filters.get("importance"):
        compiled = [rule for rule in compiled if rule.rule.importance == filters["importance"]]
    rows = []
    for report_id, report in by_pk.items():
        for violation in rules.violations(compiled, values.get(report_id, {})):
            territory = (
                names.get(violation.municipality_id, "") if violation.municipality_id else report.subject.name
            )
            rows.append(ViolationRow(report, territory, violation))
    return rows


def report_warnings(*, report: QuarterReport) -> list[rules.Violation]:
    """Rules of lower importance the saved figures of a report break (shown on its page)."""
    if not report.pk:
        return []
    values: dict[int | None, dict[str, int]] = {}
    for municipality_id, code, value in report.figures.values_list(
        "municipality_id", "indicator__code", "value"
    ):
        values.setdefault(municipality_id, {})[code] = value
    return rules.violations(rules.active_rules(), values)


def outlier_figures(*, actor: User, reviewed: bool | None = None) -> QuerySet[Figure]:
    """Values saved outside their range (confirmed with a comment) for the federal team to follow up."""
    qs = Figure.objects.exclude(outlier_range="").select_related(
        "subject", "municipality", "indicator", "report", "outlier_reviewed_by"
    )
    if reviewed is not None:
        qs = qs.filter(outlier_reviewed_at__isnull=not reviewed)
    return scope(actor, qs, Perm.MONITORING_VIEW).order_by("outlier_reviewed_at", "-as_of", "subject__name")
