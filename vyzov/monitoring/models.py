"""Quarterly monitoring: the indicator catalogue, figures per territory and quarter, regional reports
with their approval, targets, seed reference figures and precomputed roll-ups."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from vyzov.cases.models import ImportStatus
from vyzov.core.models import BaseModel
from vyzov.core.validators import validate_free_text, validate_single_line_text

QUARTER_MONTHS = (1, 4, 7, 10)


FIRST_QUARTER_YEAR = 2015


def validate_quarter_date(value: dt.date) -> None:
    """Figures are «на 1-е число квартала»: 01.01, 01.04, 01.07 or 01.10."""
    if value.day != 1 or value.month not in QUARTER_MONTHS:
        raise ValidationError(
            "Отчётная дата — первое число квартала: 01.01, 01.04, 01.07 или 01.10.", code="wrong_quarter"
        )
    # The plausible range, stated once: monitoring of the programme runs from 2015 to next year.
    next_year = timezone.localdate().year + 1
    if not FIRST_QUARTER_YEAR <= value.year <= next_year:
        raise ValidationError(
            f"Отчётная дата вне допустимого диапазона: с 01.01.{FIRST_QUARTER_YEAR} по 01.10.{next_year}.",
            code="quarter_out_of_range",
        )


def previous_quarter(value: dt.date) -> dt.date:
    """The quarter date before `value`. The calendar has no year 0: before 01.01.0001 stands
    01.01.0001 itself (such a date is refused by the plausible range anyway, never a crash)."""
    if value.month <= 3:
        return dt.date(value.year - 1, 10, 1) if value.year > dt.MINYEAR else dt.date.min
    return dt.date(value.year, value.month - 3, 1)


def quarter_label(value: dt.date) -> str:
    return f"на {value:%d.%m.%Y}"


class Direction(models.TextChoices):
    LOWER_IS_BETTER = "lower", "чем меньше, тем лучше"
    HIGHER_IS_BETTER = "higher", "чем больше, тем лучше"


class Indicator(models.Model):
    """One line of the monitoring form. `part_of` makes a part that can never exceed its total."""

    code = models.SlugField("код", max_length=50, unique=True)
    name = models.CharField("показатель", max_length=300)
    unit = models.CharField("единица", max_length=30, default="чел.")
    direction = models.CharField("направление", max_length=10, choices=Direction.choices)
    is_stock = models.BooleanField("на дату (а не за квартал)", default=True)
    part_of = models.ForeignKey(
        "self",
        verbose_name="часть показателя",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parts",
    )
    parts_are_exclusive = models.BooleanField(
        "части не пересекаются", default=False, help_text="Тогда сумма частей не больше итога."
    )
    from_register = models.BooleanField("считается по реестру", default=False)
    order = models.PositiveSmallIntegerField("порядок", default=0)
    description = models.TextField("пояснение", blank=True)

    class Meta:
        verbose_name = "показатель мониторинга"
        verbose_name_plural = "показатели мониторинга"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class FigureSource(models.TextChoices):
    MANUAL = "manual", "введено вручную"
    IMPORT = "import", "загружено из XLSX"
    REGISTER = "register", "рассчитано по реестру"
    DEMO = "demo", "демо: распределение итогов из материалов программы"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "черновик"
    SUBMITTED = "submitted", "направлен на проверку"
    ACCEPTED = "accepted", "принят"
    RETURNED = "returned", "возвращён на доработку"


class QuarterReport(BaseModel):
    """A subject's monitoring figures for one quarter: entered and submitted by the region,
    accepted or returned by the federal team."""

    subject = models.ForeignKey(
        "territories.Subject", verbose_name="субъект РФ", on_delete=models.PROTECT, related_name="+"
    )
    as_of = models.DateField("отчётная дата", validators=[validate_quarter_date])
    status = models.CharField(
        "состояние", max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    review_comment = models.TextField(
        "комментарий проверяющего", blank=True, max_length=2000, validators=[validate_free_text]
    )
    submitted_at = models.DateTimeField("направлен", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто направил",
    )
    reviewed_at = models.DateTimeField("проверен", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто проверил",
    )

    access_paths = {"district": "subject__district", "subject": "subject"}
    view_permission = "monitoring.view"

    class Meta:
        verbose_name = "квартальный отчёт"
        verbose_name_plural = "квартальные отчёты"
        ordering = ["subject__name", "-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "as_of"],
                name="one_report_per_subject_quarter",
                violation_error_message="Отчёт за этот квартал уже есть.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} — {quarter_label(self.as_of)}"

    @property
    def is_editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)


class Figure(models.Model):
    """The value of one indicator for one territory at one quarter date.

    The territory is the subject itself (municipality and organisation empty), or one of its
    municipalities. Subject values of the roll-ups come from municipal figures when there are any.
    """

    report = models.ForeignKey(
        QuarterReport, verbose_name="отчёт", on_delete=models.CASCADE, related_name="figures"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name="показатель", on_delete=models.PROTECT, related_name="+"
    )
    subject = models.ForeignKey(
        "territories.Subject", verbose_name="субъект РФ", on_delete=models.PROTECT, related_name="+"
    )
    municipality = models.ForeignKey(
        "territories.Municipality",
        verbose_name="муниципалитет",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    as_of = models.DateField("отчётная дата", validators=[validate_quarter_date])
    value = models.PositiveIntegerField("значение", validators=[MaxValueValidator(10_000_000)])
    source = models.CharField("источник", max_length=10, choices=FigureSource.choices)
    comment = models.CharField(
        "комментарий", max_length=500, blank=True, validators=[validate_single_line_text]
    )
    updated_at = models.DateTimeField("изменено", auto_now=True)

    access_paths = {"district": "subject__district", "subject": "subject", "municipality": "municipality"}
    view_permission = "monitoring.view"

    class Meta:
        verbose_name = "значение показателя"
        verbose_name_plural = "значения показателей"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "subject", "as_of"],
                condition=Q(municipality__isnull=True),
                name="one_subject_figure",
                violation_error_message="Значение уже введено.",
            ),
            models.UniqueConstraint(
                fields=["indicator", "municipality", "as_of"],
                condition=Q(municipality__isnull=False),
                name="one_municipal_figure",
                violation_error_message="Значение уже введено.",
            ),
        ]
        indexes = [
            models.Index(fields=["subject", "as_of"], name="figure_subject_quarter"),
            models.Index(fields=["indicator", "as_of"], name="figure_indicator_quarter"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.as_of}: {self.value}"


class FigureRevision(models.Model):
    """Who changed which figure from what to what, and why. Written by the services only."""

    figure = models.ForeignKey(Figure, on_delete=models.CASCADE, related_name="revisions")
    old_value = models.PositiveIntegerField("было", null=True)
    new_value = models.PositiveIntegerField("стало")
    comment = models.CharField(
        "комментарий", max_length=500, blank=True, validators=[validate_single_line_text]
    )
    changed_at = models.DateTimeField("когда", auto_now_add=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    access_paths = {
        "district": "figure__subject__district",
        "subject": "figure__subject",
        "municipality": "figure__municipality",
    }
    view_permission = "monitoring.view"

    class Meta:
        verbose_name = "исправление значения"
        verbose_name_plural = "история исправлений"
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.old_value} → {self.new_value}"


class Target(BaseModel):
    """The programme's goal for a subject: from the baseline (01.07.2024) to the target value by the
    target date (31.12.2026), for «children in institutions»."""

    subject = models.OneToOneField(
        "territories.Subject",
        verbose_name="субъект РФ",
        on_delete=models.PROTECT,
        related_name="monitoring_target",
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name="показатель", on_delete=models.PROTECT, related_name="+"
    )
    baseline_date = models.DateField("базовая дата", validators=[validate_quarter_date])
    baseline_value = models.PositiveIntegerField("базовое значение")
    reduction_percent = models.DecimalField(
        "целевое снижение, %",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    target_date = models.DateField("срок достижения")

    access_paths = {"district": "subject__district", "subject": "subject"}
    view_permission = "monitoring.view"

    class Meta:
        verbose_name = "цель"
        verbose_name_plural = "цели"

    def __str__(self) -> str:
        return f"{self.subject}: −{self.reduction_percent} % к {self.target_date:%d.%m.%Y}"

    @property
    def target_value(self) -> float:
        return float(self.baseline_value) * (1 - float(self.reduction_percent) / 100)

    def clean(self) -> None:
        if self.target_date and self.baseline_date and self.target_date <= self.baseline_date:
            raise ValidationError({"target_date": "Срок достижения раньше базовой даты."})


class ReferenceFigure(models.Model):
    """An aggregate figure as the programme's documents give it (vyzov_indicators.csv), with its
    source, shown beside the figures computed from the regions' data."""

    scope = models.CharField("территория", max_length=100)
    indicator_name = models.CharField("показатель", max_length=400)
    value = models.DecimalField("значение", max_digits=14, decimal_places=2)
    value_as_in_seed = models.CharField("как в документе", max_length=100)
    unit = models.CharField("единица", max_length=50, blank=True)
    date_or_period = models.CharField("дата или период", max_length=100, blank=True)
    source = models.CharField("источник", max_length=400)
    seed_id = models.PositiveIntegerField("номер строки в справочнике", unique=True)

    class Meta:
        verbose_name = "показатель из материалов программы"
        verbose_name_plural = "показатели из материалов программы"
        ordering = ["seed_id"]

    def __str__(self) -> str:
        return f"{self.indicator_name}: {self.value_as_in_seed}"


class RollUpLevel(models.TextChoices):
    SUBJECT = "subject", "субъект РФ"
    DISTRICT = "district", "федеральный округ"
    PILOT_GROUP = "pilot", "14 пилотных регионов"
    COUNTRY = "country", "Российская Федерация"


class RollUp(models.Model):
    """Precomputed sums, refreshed when a report is accepted or the figures change, never per page."""

    level = models.CharField("уровень", max_length=10, choices=RollUpLevel.choices)
    key = models.CharField("территория", max_length=10, help_text="код субъекта, код округа, pilot или RU")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField("отчётная дата")
    value = models.PositiveBigIntegerField("значение")
    subjects_reporting = models.PositiveSmallIntegerField("субъектов в сумме", default=1)
    computed_at = models.DateTimeField("рассчитано", auto_now=True)

    class Meta:
        verbose_name = "свод"
        verbose_name_plural = "своды"
        constraints = [
            models.UniqueConstraint(fields=["level", "key", "indicator", "as_of"], name="one_rollup"),
        ]
        indexes = [models.Index(fields=["level", "indicator", "as_of"], name="rollup_level_quarter")]

    def __str__(self) -> str:
        return f"{self.level} {self.key} {self.as_of}: {self.value}"


class FigureImportJob(BaseModel):
    """One upload of quarterly figures, checked and written by a background task (all or nothing).

    The states are the register import's (`ImportStatus`); a job is seen by the person who uploaded it.
    """

    file = models.FileField("файл", upload_to="imports/monitoring/%Y/%m/")
    original_name = models.CharField("имя файла", max_length=255)
    status = models.CharField(
        "состояние", max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField("строк в файле", default=0)
    processed_rows = models.PositiveIntegerField("проверено строк", default=0)
    imported_rows = models.PositiveIntegerField("загружено строк", default=0)
    error_count = models.PositiveIntegerField("ошибок", default=0)
    # [[row, column, message], …] — the first ones only; error_count has the total.
    errors = models.JSONField("ошибки", default=list, blank=True)
    failure = models.CharField("почему файл не принят", max_length=500, blank=True)
    finished_at = models.DateTimeField("завершено", null=True, blank=True)

    class Meta:
        verbose_name = "загрузка показателей"
        verbose_name_plural = "загрузки показателей"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Загрузка показателей № {self.pk} ({self.original_name})"

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.IMPORTING)

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))
