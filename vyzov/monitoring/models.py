"""Quarterly monitoring: the indicator catalogue, figures per territory and quarter, regional reports
with their approval, targets, seed reference figures and precomputed roll-ups."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from vyzov.cases.models import ImportProgress, ImportStatus
from vyzov.core.models import BaseModel
from vyzov.core.validators import validate_free_text, validate_single_line_text

QUARTER_MONTHS = (1, 4, 7, 10)
# The programme's quarterly monitoring: the data set of every report made before data sets existed.
MAIN_DATA_SET = "vyzov_quarterly"
MAIN_DATA_SET_NAME = "Квартальный мониторинг проекта «Вызов»"


FIRST_QUARTER_YEAR = 2015
# The reporting deadline of a new data set and of the main one: the 20th day after the period ends
# (the figures «на 01.04» are due by 20.04). Each data set keeps its own (`DataSet.deadline_for`).
DEFAULT_DEADLINE_DAYS = 20


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


# Indicator and data set codes are names in rule expressions: a letter, then letters, digits or «_».
validate_code = RegexValidator(
    r"^[a-z][a-z0-9_]*\Z",
    "Код: латинские строчные буквы, цифры и «_», начинается с буквы (например children_left_quarter).",
    code="bad_code",
)


class Aggregation(models.TextChoices):
    SUM = "sum", "сумма по территориям"
    AVERAGE = "average", "среднее по территориям"
    NONE = "none", "не суммируется"


class TerritoryLevel(models.TextChoices):
    SUBJECT = "subject", "субъект РФ"
    MUNICIPALITY = "municipality", "муниципалитет"


class Indicator(models.Model):
    """One line of the monitoring form, defined by the federal team as data (not code).

    `part_of` makes a part of a total; the rule «part ≤ total» itself is a `ValidationRule` row."""

    code = models.SlugField("код", max_length=50, unique=True, validators=[validate_code])
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
    aggregation = models.CharField(
        "свод по территориям", max_length=10, choices=Aggregation.choices, default=Aggregation.SUM
    )
    territory_level = models.CharField(
        "уровень, на котором вводится",
        max_length=12,
        choices=TerritoryLevel.choices,
        default=TerritoryLevel.SUBJECT,
        help_text="Муниципалитет: регион вводит значение по каждому муниципалитету, значение субъекта — их свод "
        "(по правилу «свод по территориям»).",
    )
    is_active = models.BooleanField("используется", default=True)

    class Meta:
        verbose_name = "показатель мониторинга"
        verbose_name_plural = "показатели мониторинга"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class PeriodType(models.TextChoices):
    QUARTER = "quarter", "квартал"
    HALF_YEAR = "half_year", "полугодие"
    YEAR = "year", "год"


# Reporting dates of each period type (the first day of the period; always a quarter date).
PERIOD_MONTHS: dict[str, tuple[int, ...]] = {
    PeriodType.QUARTER: (1, 4, 7, 10),
    PeriodType.HALF_YEAR: (1, 7),
    PeriodType.YEAR: (1,),
}


class DataSet(BaseModel):
    """A data collection: which indicators the regions report, how often and by when. The quarterly
    form, the XLSX template, the import and the API follow from it."""

    code = models.SlugField("код", max_length=50, unique=True, validators=[validate_code])
    name = models.CharField("название", max_length=300, validators=[validate_single_line_text])
    period_type = models.CharField(
        "периодичность", max_length=10, choices=PeriodType.choices, default=PeriodType.QUARTER
    )
    deadline_days = models.PositiveSmallIntegerField(
        "срок сдачи, дней после окончания периода",
        default=DEFAULT_DEADLINE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text="Отчёт сдаётся не позже этого дня после окончания периода: 20 — данные на 01.04 до 20.04.",
    )
    indicators = models.ManyToManyField(Indicator, verbose_name="показатели", related_name="data_sets")
    required_indicators = models.ManyToManyField(
        Indicator,
        verbose_name="обязательные показатели",
        related_name="+",
        blank=True,
        help_text="Без них отчёт не направить на проверку.",
    )
    is_active = models.BooleanField("идёт сбор", default=True)
    description = models.TextField("пояснение", blank=True, max_length=2000, validators=[validate_free_text])

    class Meta:
        verbose_name = "набор данных"
        verbose_name_plural = "наборы данных"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def deadline_for(self, as_of: dt.date) -> dt.date:
        """THE deadline rule: the last day to submit the report «на» `as_of` — the period ended the day
        before `as_of`, and the region has `deadline_days` days after its end (20: 20.04 for 01.04).
        Completeness, timeliness, the reminders, the passport and every page ask this method."""
        return as_of + dt.timedelta(days=self.deadline_days - 1)

    def allows_date(self, as_of: dt.date) -> bool:
        return as_of.day == 1 and as_of.month in PERIOD_MONTHS[self.period_type]

    @classmethod
    def main(cls) -> DataSet:
        """The programme's quarterly monitoring (the data set of every report made before data sets)."""
        data_set, _created = cls.objects.get_or_create(
            code=MAIN_DATA_SET, defaults={"name": MAIN_DATA_SET_NAME}
        )
        return data_set

    @classmethod
    def main_id(cls) -> int:
        return cls.main().pk


class Operator(models.TextChoices):
    LE = "<=", "≤"
    LT = "<", "<"
    EQ = "==", "="
    NE = "!=", "≠"
    GE = ">=", "≥"
    GT = ">", ">"


class Importance(models.TextChoices):
    HIGH = "high", "высокая: значения не сохраняются"
    MEDIUM = "medium", "средняя: предупреждение при вводе"
    LOW = "low", "низкая: только в анализе"


class ValidationRule(BaseModel):
    """«left operator right» over indicator codes of one territory and one date, e.g.
    `children_returned_home_quarter <= children_left_quarter`. Evaluated by `expressions.py` (no eval)."""

    code = models.SlugField("код", max_length=80, unique=True, validators=[validate_code])
    name = models.CharField("название", max_length=300, validators=[validate_single_line_text])
    left = models.CharField("левая часть", max_length=500)
    operator = models.CharField("сравнение", max_length=2, choices=Operator.choices, default=Operator.LE)
    right = models.CharField("правая часть", max_length=500)
    importance = models.CharField(
        "важность", max_length=10, choices=Importance.choices, default=Importance.HIGH
    )
    message = models.CharField(
        "сообщение при нарушении", max_length=500, validators=[validate_single_line_text]
    )
    is_active = models.BooleanField("действует", default=True)

    class Meta:
        verbose_name = "правило проверки"
        verbose_name_plural = "правила проверки"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.left} {self.get_operator_display()} {self.right}"

    @property
    def formula(self) -> str:
        return str(self)


class OutlierMethod(models.TextChoices):
    MANUAL = "manual", "задан вручную"
    HISTORY = "history", "по истории: среднее ± k·СКО"


class OutlierRange(BaseModel):
    """The plausible min–max of an indicator for a territory (subject, municipality, or every territory
    when both are empty). A value outside is saved only with a comment and is flagged for follow-up."""

    indicator = models.ForeignKey(
        Indicator, verbose_name="показатель", on_delete=models.CASCADE, related_name="outlier_ranges"
    )
    subject = models.ForeignKey(
        "territories.Subject",
        verbose_name="субъект РФ",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    municipality = models.ForeignKey(
        "territories.Municipality",
        verbose_name="муниципалитет",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    min_value = models.PositiveIntegerField("не меньше")
    max_value = models.PositiveIntegerField("не больше")
    method = models.CharField("как задан", max_length=10, choices=OutlierMethod.choices)
    k = models.DecimalField("k (число СКО)", max_digits=4, decimal_places=2, null=True, blank=True)
    history_count = models.PositiveSmallIntegerField("кварталов в истории", null=True, blank=True)

    class Meta:
        verbose_name = "допустимый диапазон"
        verbose_name_plural = "допустимые диапазоны"
        ordering = ["indicator__order", "subject__code", "municipality__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator"],
                condition=Q(subject__isnull=True, municipality__isnull=True),
                name="one_outlier_range_everywhere",
                violation_error_message="Диапазон для этого показателя уже задан.",
            ),
            models.UniqueConstraint(
                fields=["indicator", "subject"],
                condition=Q(subject__isnull=False, municipality__isnull=True),
                name="one_outlier_range_subject",
                violation_error_message="Диапазон для этого показателя и субъекта РФ уже задан.",
            ),
            models.UniqueConstraint(
                fields=["indicator", "municipality"],
                condition=Q(municipality__isnull=False),
                name="one_outlier_range_municipality",
                violation_error_message="Диапазон для этого показателя и муниципалитета уже задан.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.min_value}–{self.max_value}"

    def clean(self) -> None:
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            raise ValidationError({"max_value": "Верхняя граница меньше нижней."})
        if (
            self.municipality_id
            and self.subject_id
            and self.municipality is not None
            and self.municipality.subject_id != self.subject_id
        ):
            raise ValidationError({"municipality": "Муниципалитет относится к другому субъекту РФ."})


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
    data_set = models.ForeignKey(
        DataSet, verbose_name="набор данных", on_delete=models.PROTECT, related_name="reports"
    )
    locked_at = models.DateTimeField("период закрыт", null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто закрыл период",
    )

    access_paths = {"district": "subject__district", "subject": "subject"}
    view_permission = "monitoring.view"

    class Meta:
        verbose_name = "квартальный отчёт"
        verbose_name_plural = "квартальные отчёты"
        ordering = ["subject__name", "-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "data_set", "as_of"],
                name="one_report_per_subject_data_set_quarter",
                violation_error_message="Отчёт за этот период уже есть.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} — {quarter_label(self.as_of)}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.data_set_id is None:
            self.data_set_id = DataSet.main_id()
        super().save(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)

    @property
    def is_locked(self) -> bool:
        """An accepted period is locked (reports accepted before locking existed included); `locked_at`
        and `locked_by` say when and by whom, where known."""
        return self.status == ReportStatus.ACCEPTED

    def get_absolute_url(self) -> str:
        args = [self.subject.code, self.as_of.isoformat()]
        if self.data_set.code == MAIN_DATA_SET:
            return reverse("monitoring:report_edit", args=args)
        return reverse("monitoring:report_edit_data_set", args=[*args, self.data_set.code])


class MunicipalApproval(models.Model):
    """The first approval level where a region reports by municipality: the municipality confirms its
    figures of a report before the subject submits it. Any later change of its figures withdraws it."""

    report = models.ForeignKey(
        QuarterReport, verbose_name="отчёт", on_delete=models.CASCADE, related_name="municipal_approvals"
    )
    municipality = models.ForeignKey(
        "territories.Municipality", verbose_name="муниципалитет", on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField("утверждено", auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="кто утвердил"
    )

    access_paths = {
        "district": "report__subject__district",
        "subject": "report__subject",
        "municipality": "municipality",
    }
    view_permission = "monitoring.view"

    class Meta:
        verbose_name = "утверждение муниципалитета"
        verbose_name_plural = "утверждения муниципалитетов"
        constraints = [
            models.UniqueConstraint(fields=["report", "municipality"], name="one_municipal_approval"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality}: утверждено"


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
    # Outside its OutlierRange when saved (then a comment was required); the federal team follows it up.
    outlier_range = models.CharField("вне диапазона", max_length=50, blank=True)
    outlier_reviewed_at = models.DateTimeField("выброс проверен", null=True, blank=True)
    outlier_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто проверил выброс",
    )

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
    is_correction = models.BooleanField("исправление закрытого периода", default=False)

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


class FigureImportJob(ImportProgress, BaseModel):
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
