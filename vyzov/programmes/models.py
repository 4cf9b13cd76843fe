"""Regional governance of the «Вызов» model: the regional programme 2025–2026 (directions, indicators,
measures), the interagency working group (МРГ), curators and their tasks, information partners,
strategic sessions, inspections, and the transformation of institutions."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from vyzov.core.models import BaseModel
from vyzov.core.validators import (
    validate_deadline,
    validate_free_text,
    validate_person_name,
    validate_single_line_text,
    validate_work_date,
    validate_work_plan_date,
)

SUBJECT_PATHS = {"district": "subject__district", "subject": "subject"}

if TYPE_CHECKING:
    from vyzov.consilium.models import ActionItem


def _through(prefix: str) -> dict[str, str]:
    return {level: f"{prefix}__{path}" for level, path in SUBJECT_PATHS.items()}


class ProgrammeFormat(models.TextChoices):
    """The form in which a region adopts its programme (002: «в ряде регионов программы утверждены в форме
    регионального плана мероприятий («дорожная карта») или комплекса мер»)."""

    PROGRAMME = "programme", "региональная программа"
    ROADMAP = "roadmap", "региональный план мероприятий («дорожная карта»)"
    MEASURES_SET = "measures_set", "комплекс мер по профилактике социального сиротства"


class RegionalProgramme(BaseModel):
    subject = models.ForeignKey(
        "territories.Subject", verbose_name="субъект РФ", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("название", max_length=300, validators=[validate_single_line_text])
    start_year = models.PositiveSmallIntegerField("с года", validators=[MinValueValidator(2020)])
    end_year = models.PositiveSmallIntegerField("по год", validators=[MinValueValidator(2020)])
    approved_document = models.CharField(
        "утверждена документом", max_length=300, blank=True, validators=[validate_single_line_text]
    )
    programme_form = models.CharField(
        "форма программы", max_length=12, choices=ProgrammeFormat.choices, default=ProgrammeFormat.PROGRAMME
    )

    access_paths = SUBJECT_PATHS
    view_permission = "programmes.view"

    class Meta:
        verbose_name = "региональная программа"
        verbose_name_plural = "региональные программы"
        ordering = ["subject__name", "-start_year"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": "Год окончания раньше года начала."})


class Direction(models.Model):
    programme = models.ForeignKey(RegionalProgramme, on_delete=models.CASCADE, related_name="directions")
    number = models.PositiveSmallIntegerField("№")
    title = models.CharField("направление", max_length=300, validators=[validate_single_line_text])

    access_paths = _through("programme")
    view_permission = "programmes.view"

    class Meta:
        verbose_name = "направление программы"
        verbose_name_plural = "направления программы"
        ordering = ["programme", "number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class IndicatorDirection(models.TextChoices):
    LOWER_IS_BETTER = "lower", "чем меньше, тем лучше"
    HIGHER_IS_BETTER = "higher", "чем больше, тем лучше"


class ProgrammeIndicator(BaseModel):
    direction = models.ForeignKey(
        Direction, verbose_name="направление", on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField("показатель", max_length=300, validators=[validate_single_line_text])
    unit = models.CharField("единица", max_length=30, default="чел.")
    better = models.CharField("лучше, когда", max_length=10, choices=IndicatorDirection.choices)
    baseline = models.DecimalField(
        "базовое значение", max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    monitoring_indicator = models.ForeignKey(
        "monitoring.Indicator",
        verbose_name="связан с мониторингом",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    access_paths = _through("direction__programme")
    view_permission = "programmes.view"

    class Meta:
        verbose_name = "показатель программы"
        verbose_name_plural = "показатели программы"
        ordering = ["direction", "id"]

    def __str__(self) -> str:
        return self.name


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(ProgrammeIndicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField("год")
    value = models.DecimalField(
        "цель", max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )

    class Meta:
        verbose_name = "цель на год"
        verbose_name_plural = "цели по годам"
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                name="one_target_per_year",
                violation_error_message="Цель на этот год уже задана.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.value}"


class IndicatorActual(models.Model):
    indicator = models.ForeignKey(ProgrammeIndicator, on_delete=models.CASCADE, related_name="actuals")
    as_of = models.DateField("на дату", validators=[validate_work_date])
    value = models.DecimalField(
        "факт", max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )

    class Meta:
        verbose_name = "фактическое значение"
        verbose_name_plural = "фактические значения"
        ordering = ["as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "as_of"],
                name="one_actual_per_date",
                violation_error_message="Значение на эту дату уже внесено.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.as_of}: {self.value}"


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", "запланировано"
    IN_PROGRESS = "in_progress", "выполняется"
    DONE = "done", "выполнено"
    CANCELLED = "cancelled", "отменено"


class Measure(BaseModel):
    direction = models.ForeignKey(
        Direction, verbose_name="направление", on_delete=models.CASCADE, related_name="measures"
    )
    title = models.CharField("мероприятие", max_length=500, validators=[validate_single_line_text])
    responsible = models.CharField("ответственный", max_length=300, validators=[validate_single_line_text])
    deadline = models.DateField("срок", validators=[validate_deadline])
    budget = models.DecimalField(
        "бюджет, руб.",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    status = models.CharField(
        "состояние", max_length=12, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    evidence = models.FileField("подтверждающий документ", upload_to="programmes/evidence/%Y/", blank=True)

    access_paths = _through("direction__programme")
    view_permission = "programmes.view"

    class Meta:
        verbose_name = "мероприятие"
        verbose_name_plural = "мероприятия"
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return self.title


class WorkingGroup(BaseModel):
    """The interagency working group (МРГ) of a subject."""

    subject = models.OneToOneField(
        "territories.Subject",
        verbose_name="субъект РФ",
        on_delete=models.PROTECT,
        related_name="working_group",
    )
    title = models.CharField("название", max_length=300, validators=[validate_single_line_text])

    access_paths = SUBJECT_PATHS
    view_permission = "programmes.view"

    class Meta:
        verbose_name = "межведомственная рабочая группа"
        verbose_name_plural = "межведомственные рабочие группы"

    def __str__(self) -> str:
        return self.title


class WorkingGroupSeat(models.TextChoices):
    """Who must sit on the МРГ (002: the curator «входит в межведомственную рабочую группу»; the NGO
    operator's head and the head of the regional «Дети в семье» service are members of the МРГ and of the
    regional consilium)."""

    CURATOR = "curator", "региональный куратор"
    NGO_HEAD = "ngo_head", "руководитель НКО-оператора"
    SERVICE_HEAD = "service_head", "руководитель региональной службы «Дети в семье»"


class WorkingGroupMember(models.Model):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="members")
    person = models.CharField("ФИО", max_length=200, validators=[validate_person_name])
    agency = models.CharField("ведомство", max_length=200, validators=[validate_single_line_text])
    role = models.CharField(
        "роль в МРГ", max_length=100, default="член рабочей группы", validators=[validate_single_line_text]
    )
    seat = models.CharField(
        "входит по должности как", max_length=12, choices=WorkingGroupSeat.choices, blank=True
    )

    class Meta:
        verbose_name = "член МРГ"
        verbose_name_plural = "состав МРГ"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.person


class WorkingGroupMeeting(BaseModel):
    group = models.ForeignKey(WorkingGroup, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField("дата", validators=[validate_work_plan_date])
    agenda = models.TextField("повестка", max_length=5000, validators=[validate_free_text])

    access_paths = _through("group")
    view_permission = "programmes.view"

    class Meta:
        verbose_name = "заседание МРГ"
        verbose_name_plural = "заседания МРГ"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"Заседание МРГ {self.date:%d.%m.%Y}"


class WorkingGroupDecision(BaseModel):
    # Set by programmes.selectors.meetings_with_items: the decision's action items.
    items: list[ActionItem]

    meeting = models.ForeignKey(WorkingGroupMeeting, on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField("решение", max_length=3000, validators=[validate_free_text])

    access_paths = _through("meeting__group")
    view_permission = "programmes.view"

    class Meta:
        verbose_name = "решение МРГ"
        verbose_name_plural = "решения МРГ"

    def __str__(self) -> str:
        return self.text[:80]


class WorkingGroupDocumentKind(models.TextChoices):
    """What the МРГ approves (002: «утверждает документы»; «разработка, утверждение, корректировка
    алгоритмов действий…, межведомственных планов ИПР и иных документов»; the Samara example approves
    the consilium's composition and regulation)."""

    REGULATION = "regulation", "положение о МРГ"
    COMPOSITION = "composition", "состав МРГ"
    ALGORITHM = "algorithm", "алгоритм межведомственного взаимодействия"
    IPR = "ipr", "межведомственный план ИПР"
    PROGRAMME = "programme", "региональная программа (план, «дорожная карта», комплекс мер)"
    CONSILIUM = "consilium", "положение и состав консилиума"
    OTHER = "other", "иной документ"


class ApprovalWay(models.TextChoices):
    """How a regional programme is approved (002, «Региональные программы утверждаются»)."""

    OFFICIAL = (
        "official",
        "должностным лицом, курирующим сферу (заместитель председателя правительства, заместитель губернатора)",
    )
    GOVERNMENT_ORDER = "government_order", "распоряжением регионального Правительства"
    MRG_PROTOCOL = "mrg_protocol", "протоколом заседания МРГ"
    KDN_RESOLUTION = "kdn_resolution", "постановлением региональной КДНиЗП"


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "проект"
    APPROVED = "approved", "утверждён"
    REVISED = "revised", "утверждён в новой редакции"
    LAPSED = "lapsed", "утратил силу"


class WorkingGroupDocument(BaseModel):
    """A document of the МРГ's register: kind, number and date, how and by whom it was approved, its
    state, the meeting whose protocol approved it, the file."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField("вид документа", max_length=16, choices=WorkingGroupDocumentKind.choices)
    title = models.CharField("название", max_length=300, validators=[validate_single_line_text])
    number = models.CharField("номер", max_length=60, blank=True, validators=[validate_single_line_text])
    date = models.DateField("дата утверждения", null=True, blank=True, validators=[validate_work_date])
    approval_way = models.CharField(
        "способ утверждения", max_length=20, choices=ApprovalWay.choices, blank=True
    )
    approved_by = models.CharField(
        "кем утверждён",
        max_length=300,
        blank=True,
        help_text="Например: заместитель председателя Правительства края",
        validators=[validate_single_line_text],
    )
    status = models.CharField(
        "состояние", max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    meeting = models.ForeignKey(
        WorkingGroupMeeting,
        verbose_name="заседание МРГ (протокол)",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    file = models.FileField("файл", upload_to="programmes/mrg/%Y/", blank=True)

    access_paths = _through("group")
    view_permission = "programmes.view"

    class Meta:
        verbose_name = "документ МРГ"
        verbose_name_plural = "документы МРГ"
        ordering = ["group", "kind", "-date", "-id"]
        constraints = [
            models.CheckConstraint(
                name="mrg_document_approved_has_date_and_way",
                condition=models.Q(status="draft")
                | (models.Q(date__isnull=False) & ~models.Q(approval_way="")),
                violation_error_message="У утверждённого документа должны быть дата и способ утверждения.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CuratorAssignment(BaseModel):
    subject = models.ForeignKey("territories.Subject", on_delete=models.PROTECT, related_name="+")
    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="куратор",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    full_name = models.CharField("ФИО", max_length=200, validators=[validate_person_name])
    position = models.CharField(
        "должность", max_length=500, blank=True, validators=[validate_single_line_text]
    )
    since = models.DateField("назначен", validators=[validate_work_date])

    access_paths = SUBJECT_PATHS
    view_permission = "programmes.view"

    class Meta:
        verbose_name = "назначение куратора"
        verbose_name_plural = "кураторы"

    def __str__(self) -> str:
        return self.full_name


class CuratorTask(BaseModel):
    """One of the curator's tasks from the brochure, as a checklist item with evidence."""

    assignment = models.ForeignKey(CuratorAssignment, on_delete=models.CASCADE, related_name="tasks")
    text = models.CharField("задача", max_length=500, validators=[validate_single_line_text])
    done = models.BooleanField("выполняется", default=False)
    evidence = models.TextField("подтверждение", max_length=3000, blank=True, validators=[validate_free_text])

    access_paths = _through("assignment")
    view_permission = "programmes.view"

    class Meta:
        verbose_name = "задача куратора"
        verbose_name_plural = "задачи куратора"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text


class CuratorReport(BaseModel):
    assignment = models.ForeignKey(CuratorAssignment, on_delete=models.CASCADE, related_name="reports")
    month = models.DateField("месяц (первое число)", validators=[validate_work_date])
    text = models.TextField("отчёт", max_length=10000, validators=[validate_free_text])

    access_paths = _through("assignment")
    view_permission = "programmes.view"

    class Meta:
        verbose_name = "ежемесячный отчёт куратора"
        verbose_name_plural = "ежемесячные отчёты куратора"
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "month"],
                name="one_curator_report_per_month",
                violation_error_message="Отчёт за этот месяц уже есть.",
            )
        ]

    def __str__(self) -> str:
        return f"Отчёт за {self.month:%m.%Y}"


class InformationPartner(BaseModel):
    subject = models.ForeignKey("territories.Subject", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("информационный партнёр", max_length=300, validators=[validate_single_line_text])

    access_paths = SUBJECT_PATHS
    view_permission = "programmes.view"

    class Meta:
        verbose_name = "информационный партнёр"
        verbose_name_plural = "информационные партнёры"

    def __str__(self) -> str:
        return self.name


class Publication(BaseModel):
    partner = models.ForeignKey(InformationPartner, on_delete=models.CASCADE, related_name="publications")
    date = models.DateField("дата", validators=[validate_work_plan_date])
    title = models.CharField("заголовок", max_length=300, validators=[validate_single_line_text])
    url = models.URLField("ссылка", blank=True)

    access_paths = _through("partner")
    view_permission = "programmes.view"

    class Meta:
        verbose_name = "публикация"
        verbose_name_plural = "публикации"
        ordering = ["-date"]

    def __str__(self) -> str:
        return self.title


class StrategicSession(BaseModel):
    subject = models.ForeignKey("territories.Subject", on_delete=models.PROTECT, related_name="+")
    date = models.DateField("дата", validators=[validate_work_plan_date])
    participants = models.PositiveIntegerField("участников")
    outcomes = models.TextField("итоги", max_length=5000, validators=[validate_free_text])

    access_paths = SUBJECT_PATHS
    view_permission = "programmes.view"

    class Meta:
        verbose_name = "стратегическая сессия"
        verbose_name_plural = "стратегические сессии"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"Стратегическая сессия {self.date:%d.%m.%Y}"


class InspectionKind(models.TextChoices):
    """004, slide «Работаем сразу по нескольким направлениям»: «кабинетный анализ» and «инспекция в регионе»."""

    DESK = "desk", "кабинетный анализ"
    ONSITE = "onsite", "инспекция в регионе"


class Inspection(BaseModel):
    # Set by programmes.selectors.inspections_with_items: the inspection's action items.
    items: list[ActionItem]

    subject = models.ForeignKey("territories.Subject", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("вид", max_length=10, choices=InspectionKind.choices, blank=True)
    period_note = models.CharField(
        "уточнение периода",
        max_length=200,
        blank=True,
        validators=[validate_single_line_text],
        help_text="например, «в документе указан только год»",
    )
    date_from = models.DateField("с", validators=[validate_work_plan_date])
    date_to = models.DateField("по", validators=[validate_work_plan_date])
    organizations = models.ManyToManyField(
        "territories.Organization", verbose_name="проверенные организации", related_name="+"
    )
    findings = models.TextField("выводы", max_length=10000, validators=[validate_free_text])
    recommendations = models.TextField(
        "рекомендации", max_length=10000, blank=True, validators=[validate_free_text]
    )

    access_paths = SUBJECT_PATHS
    view_permission = "programmes.view"

    class Meta:
        verbose_name = "инспекция"
        verbose_name_plural = "инспекции"
        ordering = ["-date_from"]

    def __str__(self) -> str:
        return f"Инспекция {self.date_from:%d.%m.%Y}"

    def clean(self) -> None:
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValidationError({"date_to": "Дата окончания раньше даты начала."})


class InstitutionPlan(BaseModel):
    """Transformation of an institution: staff for work with birth families and the reprofiling plan."""

    organization = models.OneToOneField(
        "territories.Organization",
        verbose_name="учреждение",
        on_delete=models.PROTECT,
        related_name="transformation",
    )
    subject = models.ForeignKey("territories.Subject", on_delete=models.PROTECT, related_name="+")
    family_work_positions = models.PositiveSmallIntegerField(
        "ставок для работы с кровными семьями", default=0
    )
    target_profile = models.CharField(
        "перепрофилирование в", max_length=300, blank=True, help_text="Например: центр поддержки семьи"
    )

    access_paths = SUBJECT_PATHS
    view_permission = "programmes.view"

    class Meta:
        verbose_name = "план трансформации учреждения"
        verbose_name_plural = "планы трансформации учреждений"

    def __str__(self) -> str:
        return f"Трансформация: {self.organization}"


class Milestone(models.Model):
    plan = models.ForeignKey(InstitutionPlan, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField("этап", max_length=300, validators=[validate_single_line_text])
    due_date = models.DateField("срок", validators=[validate_deadline])
    done_on = models.DateField("выполнен", null=True, blank=True, validators=[validate_work_date])

    access_paths = _through("plan")
    view_permission = "programmes.view"

    class Meta:
        verbose_name = "этап"
        verbose_name_plural = "этапы"
        ordering = ["due_date"]

    def __str__(self) -> str:
        return self.title


# ---- the curator's field work (002: «совершают совместно с ООП и КДНиЗП выезды в семьи, ведут личный прием
# родителей…, забирают некоторые случаи нахождения детей в детских учреждениях на личный контроль») ----


class CuratorVisit(BaseModel):
    """A visit to a family, with the guardianship body and/or the КДНиЗП."""

    assignment = models.ForeignKey(
        CuratorAssignment, verbose_name="куратор", on_delete=models.PROTECT, related_name="visits"
    )
    date = models.DateField("дата выезда", validators=[validate_work_date])
    family = models.ForeignKey(
        "cases.Family",
        verbose_name="семья из реестра",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    family_description = models.TextField(
        "семья (если её нет в реестре)", max_length=2000, blank=True, validators=[validate_free_text]
    )
    with_guardianship = models.BooleanField("совместно с органом опеки и попечительства", default=False)
    with_kdn = models.BooleanField("совместно с КДНиЗП", default=False)
    purpose = models.TextField("цель выезда", max_length=3000, validators=[validate_free_text])
    result = models.TextField("результат", max_length=5000, blank=True, validators=[validate_free_text])

    access_paths = _through("assignment")
    view_permission = "programmes.view"

    class Meta:
        verbose_name = "выезд куратора в семью"
        verbose_name_plural = "выезды куратора в семьи"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"Выезд в семью {self.date:%d.%m.%Y}"


class CuratorReception(BaseModel):
    """A session of personal reception of citizens (parents in a difficult situation)."""

    assignment = models.ForeignKey(
        CuratorAssignment, verbose_name="куратор", on_delete=models.PROTECT, related_name="receptions"
    )
    date = models.DateField("дата приёма", validators=[validate_work_date])
    place = models.CharField("место приёма", max_length=300, validators=[validate_single_line_text])
    people = models.PositiveSmallIntegerField("принято граждан", validators=[MinValueValidator(1)])
    questions = models.TextField("вопросы граждан", max_length=5000, validators=[validate_free_text])
    follow_up = models.TextField(
        "принятые меры, поручения", max_length=5000, blank=True, validators=[validate_free_text]
    )

    access_paths = _through("assignment")
    view_permission = "programmes.view"

    class Meta:
        verbose_name = "личный приём куратора"
        verbose_name_plural = "личные приёмы куратора"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"Личный приём {self.date:%d.%m.%Y}"


class ControlOutcome(models.TextChoices):
    RETURNED_HOME = "returned_home", "ребёнок возвращён в родную семью"
    SUBSTITUTE_FAMILY = "substitute_family", "ребёнок передан в замещающую семью"
    OTHER = "other", "иное решение"


class PersonalControlCase(BaseModel):
    """A child's stay in an institution (or a family) taken «на личный контроль» by the curator."""

    assignment = models.ForeignKey(
        CuratorAssignment, verbose_name="куратор", on_delete=models.PROTECT, related_name="control_cases"
    )
    child = models.ForeignKey(
        "cases.Child",
        verbose_name="ребёнок из реестра",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    family = models.ForeignKey(
        "cases.Family",
        verbose_name="семья из реестра",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.TextField(
        "о ком случай (если его нет в реестре)", max_length=2000, blank=True, validators=[validate_free_text]
    )
    reason = models.TextField("почему на личном контроле", max_length=3000, validators=[validate_free_text])
    taken_on = models.DateField("взят на контроль", validators=[validate_work_date])
    closed_on = models.DateField("снят с контроля", null=True, blank=True, validators=[validate_work_date])
    outcome = models.CharField("итог", max_length=20, choices=ControlOutcome.choices, blank=True)
    outcome_note = models.TextField(
        "что сделано", max_length=5000, blank=True, validators=[validate_free_text]
    )

    access_paths = _through("assignment")
    view_permission = "programmes.view"

    class Meta:
        verbose_name = "случай на личном контроле куратора"
        verbose_name_plural = "случаи на личном контроле куратора"
        ordering = ["closed_on", "-taken_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="control_case_closed_has_outcome",
                condition=models.Q(closed_on__isnull=True, outcome="")
                | (models.Q(closed_on__isnull=False) & ~models.Q(outcome="")),
                violation_error_message="У снятого с контроля случая должны быть дата и итог.",
            ),
        ]

    def __str__(self) -> str:
        return f"Личный контроль № {self.pk}"
