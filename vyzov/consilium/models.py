"""Interagency consilia (regional, municipal, institution level), their meetings, the review of each
child with a decision, and action items with executors and deadlines.

ActionItem is the one assignment mechanism of the system: the consilium's decisions create them here,
and the interagency working group (programmes) uses the same model and services.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from vyzov.cases.models import RouteGoal
from vyzov.core.models import BaseModel
from vyzov.core.validators import (
    validate_deadline,
    validate_free_text,
    validate_person_name,
    validate_single_line_text,
    validate_work_date,
    validate_work_plan_date,
)

TERRITORY_PATHS = {
    "district": "subject__district",
    "subject": "subject",
    "municipality": "municipality",
    "organization": "organization",
}


def _through(prefix: str) -> dict[str, str]:
    return {level: f"{prefix}__{path}" for level, path in TERRITORY_PATHS.items()}


class Level(models.TextChoices):
    REGIONAL = "regional", "региональный"
    MUNICIPAL = "municipal", "муниципальный"
    INSTITUTION = "institution", "уровень учреждения"


LEVEL_ORDER = {Level.INSTITUTION: 0, Level.MUNICIPAL: 1, Level.REGIONAL: 2}


class RegionModel(models.IntegerChoices):
    ONE = 1, "одноуровневая"
    TWO = 2, "двухуровневая"
    THREE = 3, "трёхуровневая"


class ChairKind(models.TextChoices):
    """Who chairs a regional consilium (002: «в большинстве случаев председателем регионального
    консилиума назначается региональный куратор … или Уполномоченный по правам ребенка в регионе, в
    некоторых регионах … заместитель председателя правительства или вице-губернатор … или функции
    регионального консилиума исполняет региональная МРГ»)."""

    CURATOR = "curator", "региональный куратор системы профилактики социального сиротства"
    OMBUDSMAN = "ombudsman", "Уполномоченный по правам ребёнка в регионе"
    VICE_GOVERNOR = "vice_governor", "заместитель председателя правительства (вице-губернатор)"
    WORKING_GROUP = "working_group", "функции консилиума исполняет региональная МРГ"
    OTHER = "other", "иное должностное лицо"


REGIONAL_CHAIRS = {ChairKind.CURATOR, ChairKind.OMBUDSMAN, ChairKind.VICE_GOVERNOR, ChairKind.WORKING_GROUP}


class MunicipalSeat(models.TextChoices):
    """Where a municipal consilium sits (002: «создаются при администрациях муниципальных образований
    или КДНиЗП»)."""

    ADMINISTRATION = "administration", "при администрации муниципального образования"
    KDN = "kdn", "при КДНиЗП"


class Consilium(BaseModel):
    title = models.CharField("название", max_length=300, validators=[validate_single_line_text])
    level = models.CharField("уровень", max_length=12, choices=Level.choices)
    region_model = models.PositiveSmallIntegerField(
        "модель в регионе", choices=RegionModel.choices, default=RegionModel.THREE
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
    organization = models.ForeignKey(
        "territories.Organization",
        verbose_name="организация",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    schedule = models.CharField(
        "график заседаний",
        max_length=200,
        blank=True,
        help_text="Например: ежемесячно, второй вторник",
        validators=[validate_single_line_text],
    )
    is_active = models.BooleanField("действует", default=True)
    # Nullable: a new column without a table rebuild on SQLite (tests/operations/test_fresh_migrate.py).
    chair_kind = models.CharField(  # noqa: DJ001 (nullable: an added column without a table rebuild)
        "кто председательствует", max_length=16, choices=ChairKind.choices, null=True, blank=True
    )
    chair_name = models.CharField(  # noqa: DJ001 (nullable: an added column without a table rebuild)
        "председатель (ФИО)", max_length=200, null=True, blank=True, validators=[validate_person_name]
    )
    seat = models.CharField(  # noqa: DJ001 (nullable: an added column without a table rebuild)
        "при ком создан (муниципальный консилиум)",
        max_length=16,
        choices=MunicipalSeat.choices,
        null=True,
        blank=True,
    )

    access_paths = TERRITORY_PATHS
    view_permission = "consilium.view"

    class Meta:
        verbose_name = "консилиум"
        verbose_name_plural = "консилиумы"
        ordering = ["subject__name", "level", "title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.level == Level.REGIONAL and (self.municipality_id or self.organization_id):
            errors["level"] = "Региональный консилиум не привязывается к муниципалитету или организации."
        if self.level == Level.MUNICIPAL and (not self.municipality_id or self.organization_id):
            errors["municipality"] = "Муниципальному консилиуму нужен муниципалитет (и не нужна организация)."
        if self.level == Level.INSTITUTION and not self.organization_id:
            errors["organization"] = "Консилиуму уровня учреждения нужна организация."
        if self.municipality_id and self.subject_id and self.municipality.subject_id != self.subject_id:
            errors["municipality"] = "Муниципалитет относится к другому субъекту РФ."
        if self.organization_id and self.subject_id and self.organization.subject_id != self.subject_id:
            errors["organization"] = "Организация относится к другому субъекту РФ."
        errors |= self._chair_and_seat_errors()
        if errors:
            raise ValidationError(errors)

    def _chair_and_seat_errors(self) -> dict[str, str]:
        errors = {}
        if self.chair_kind in REGIONAL_CHAIRS and self.level != Level.REGIONAL:
            errors["chair_kind"] = (
                "Куратор, Уполномоченный по правам ребёнка, вице-губернатор или МРГ возглавляют "
                "региональный консилиум; для другого уровня выберите «иное должностное лицо»."
            )
        if (self.chair_name or "").strip() and not self.chair_kind:
            errors["chair_kind"] = "Укажите, кто председательствует: куратор, Уполномоченный или иное лицо."
        if self.chair_kind == ChairKind.WORKING_GROUP and (self.chair_name or "").strip():
            errors["chair_name"] = "Когда функции консилиума исполняет МРГ, председатель — председатель МРГ."
        if self.seat and self.level != Level.MUNICIPAL:
            errors["seat"] = (
                "Место (администрация или КДНиЗП) указывается только для муниципального консилиума."
            )
        return errors


class MemberRole(models.TextChoices):
    CHAIR = "chair", "председатель"
    SECRETARY = "secretary", "секретарь"
    MEMBER = "member", "член консилиума"


class Member(BaseModel):
    consilium = models.ForeignKey(
        Consilium, verbose_name="консилиум", on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="пользователь системы",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    full_name = models.CharField(
        "ФИО (если не пользователь системы)", max_length=200, blank=True, validators=[validate_person_name]
    )
    agency = models.CharField("ведомство", max_length=200, validators=[validate_single_line_text])
    role = models.CharField("роль", max_length=12, choices=MemberRole.choices, default=MemberRole.MEMBER)
    is_active = models.BooleanField("входит в состав", default=True)

    access_paths = _through("consilium")
    view_permission = "consilium.view"

    class Meta:
        verbose_name = "член консилиума"
        verbose_name_plural = "состав консилиума"
        ordering = ["consilium", "role", "full_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or (str(self.user) if self.user_id else "")

    def clean(self) -> None:
        if not self.user_id and not self.full_name.strip():
            raise ValidationError({"full_name": "Укажите пользователя системы или ФИО."})


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "запланировано"
    HELD = "held", "проведено"
    CANCELLED = "cancelled", "отменено"


class Meeting(BaseModel):
    consilium = models.ForeignKey(
        Consilium, verbose_name="консилиум", on_delete=models.PROTECT, related_name="meetings"
    )
    date = models.DateField("дата", validators=[validate_work_plan_date])
    place = models.CharField("место", max_length=200, blank=True, validators=[validate_single_line_text])
    status = models.CharField(
        "состояние", max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    participants = models.ManyToManyField(Member, verbose_name="присутствовали", blank=True, related_name="+")
    signed_protocol = models.FileField(
        "подписанный протокол", upload_to="consilium/protocols/%Y/", blank=True
    )

    access_paths = _through("consilium")
    view_permission = "consilium.view"

    class Meta:
        verbose_name = "заседание"
        verbose_name_plural = "заседания"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"Заседание {self.date:%d.%m.%Y}"

    @property
    def audit_subject_id(self) -> int:
        return self.consilium.subject_id


class AgendaReason(models.TextChoices):
    LONG_STAY = "long_stay", "в учреждении больше 6 месяцев"
    NEVER_REVIEWED = "never_reviewed", "ни разу не рассматривался"
    REVIEW_DUE = "review_due", "последнее рассмотрение больше 6 месяцев назад"
    TEMPORARY_ENDING = "temporary_ending", "заканчивается срок временного помещения"
    PARENTAL_SUIT = "parental_suit", "иск о лишении (ограничении) родительских прав"
    OVERDUE_ACTIONS = "overdue_actions", "просрочены поручения"
    ESCALATED = "escalated", "передан с нижестоящего уровня"
    FAMILY_AT_RISK = "family_at_risk", "семья в СОП/ТЖС: новый статус, ребёнок не помещён"
    MANUAL = "manual", "добавлен секретарём"


class AgendaItem(models.Model):
    # Set by consilium.selectors.agenda_with_reviews: the child's review at this meeting, if written.
    review: Review | None

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    child = models.ForeignKey("cases.Child", on_delete=models.PROTECT, related_name="+")
    reasons = models.JSONField("основания", default=list)
    note = models.CharField(
        "пояснение секретаря", max_length=500, blank=True, validators=[validate_single_line_text]
    )
    removed = models.BooleanField("исключён из повестки", default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    access_paths = _through("meeting__consilium")
    view_permission = "consilium.view"

    class Meta:
        verbose_name = "вопрос повестки"
        verbose_name_plural = "повестка"
        constraints = [models.UniqueConstraint(fields=["meeting", "child"], name="one_agenda_item_per_child")]

    def __str__(self) -> str:
        return f"{self.child} — {self.meeting}"

    @property
    def reason_labels(self) -> list[str]:
        labels = dict(AgendaReason.choices)
        return [labels.get(reason, reason) for reason in self.reasons]

    @property
    def subject_record(self):
        return self.child


class FamilyAgendaItem(models.Model):
    """A family at risk on the agenda, its children still at home (002: «рассмотрение сложных случаев
    с целью недопущения помещения детей в учреждения»). Kept beside the children's AgendaItem: the
    meeting page shows both in one agenda."""

    # Set by consilium.selectors: the family's review at this meeting, if made.
    family_review: FamilyReview | None

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="family_agenda")
    family = models.ForeignKey("cases.Family", on_delete=models.PROTECT, related_name="+")
    reasons = models.JSONField("основания", default=list)
    note = models.CharField(
        "пояснение секретаря", max_length=500, blank=True, validators=[validate_single_line_text]
    )
    removed = models.BooleanField("исключена из повестки", default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    access_paths = _through("meeting__consilium")
    view_permission = "consilium.view"

    class Meta:
        verbose_name = "семья в повестке"
        verbose_name_plural = "семьи в повестке"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "family"], name="one_agenda_item_per_family")
        ]

    def __str__(self) -> str:
        return f"{self.family} — {self.meeting}"

    @property
    def reason_labels(self) -> list[str]:
        labels = dict(AgendaReason.choices)
        return [labels.get(reason, reason) for reason in self.reasons]

    @property
    def subject_record(self):
        return self.family


class Justification(models.TextChoices):
    JUSTIFIED = "justified", "обосновано"
    NOT_JUSTIFIED = "not_justified", "не обосновано"
    TO_CHECK = "to_check", "требует проверки"


class ReturnProspect(models.TextChoices):
    SOON = "soon", "возможен в ближайшие 3 месяца"
    CONDITIONAL = "conditional", "возможен при выполнении условий"
    IMPOSSIBLE = "impossible", "невозможен"
    NOT_ASSESSED = "not_assessed", "не оценён"


class SubstituteFamily(models.TextChoices):
    NOT_NEEDED = "not_needed", "не требуется"
    SEARCH = "search", "требуется подбор"
    CANDIDATES = "candidates", "есть кандидаты"


class ParentalRightsQuestion(models.TextChoices):
    NONE = "none", "вопрос не стоит"
    SUIT_JUSTIFIED = "suit_justified", "иск обоснован"
    SUIT_NOT_JUSTIFIED = "suit_not_justified", "иск не обоснован — нужна работа с семьёй"
    RESTORATION = "restoration", "возможно восстановление / снятие ограничения"


class ServiceNeed(models.TextChoices):
    MATERIAL = "material", "материальная помощь"
    FAMILY_SERVICE = "family_service", "сопровождение службой «Дети в семье»"
    ADDICTION = "addiction", "лечение и реабилитация от зависимости"
    EMPLOYMENT = "employment", "трудоустройство"
    HOUSING = "housing", "жильё и бытовые условия"
    PSYCHOLOGICAL = "psychological", "психологическая помощь, восстановление отношений"
    LEGAL = "legal", "юридическая помощь"
    AFTERCARE = "aftercare", "сопровождение после возвращения в семью"


class MeasuresAdequacy(models.TextChoices):
    """002, задача консилиума № 2: «полноты и адекватности предпринятых мер по сохранению семейного
    окружения»."""

    ADEQUATE = "adequate", "меры были полными и адекватными"
    INSUFFICIENT = "insufficient", "меры были недостаточными"
    NOT_TAKEN = "not_taken", "меры не предпринимались"
    TO_CHECK = "to_check", "требует проверки"


class Review(BaseModel):
    """The consilium's review of one child at one meeting: the seed's questions, then a decision."""

    meeting = models.ForeignKey(
        Meeting, verbose_name="заседание", on_delete=models.PROTECT, related_name="reviews"
    )
    child = models.ForeignKey(
        "cases.Child", verbose_name="ребёнок", on_delete=models.PROTECT, related_name="+"
    )
    placement_justified = models.CharField(
        "обоснованность помещения (нахождения) в учреждении",
        max_length=16,
        choices=Justification.choices,
        blank=True,
    )
    placement_comment = models.TextField(
        "пояснение, в т.ч. о нахождении больше 6 месяцев",
        blank=True,
        max_length=3000,
        validators=[validate_free_text],
    )
    family_measures = models.CharField(  # noqa: DJ001 (nullable: an added column without a table rebuild)
        "полнота и адекватность предпринятых мер по сохранению семейного окружения",
        max_length=16,
        choices=MeasuresAdequacy.choices,
        null=True,
        blank=True,
    )
    family_measures_comment = models.TextField(  # noqa: DJ001 (nullable: an added column without a table rebuild)
        "какие меры предпринимались до помещения и чего не хватило",
        null=True,
        blank=True,
        max_length=3000,
        validators=[validate_free_text],
    )
    return_prospect = models.CharField(
        "перспективы возвращения в родную семью", max_length=16, choices=ReturnProspect.choices, blank=True
    )
    return_measures = models.TextField(
        "необходимые меры и сроки возвращения", blank=True, max_length=3000, validators=[validate_free_text]
    )
    substitute_family = models.CharField(
        "замещающая семья", max_length=16, choices=SubstituteFamily.choices, blank=True
    )
    parental_rights = models.CharField(
        "родительские права", max_length=20, choices=ParentalRightsQuestion.choices, blank=True
    )
    parental_rights_comment = models.TextField(
        "пояснение о родительских правах", blank=True, max_length=3000, validators=[validate_free_text]
    )
    services_needed = models.JSONField("необходимая помощь семье", default=list, blank=True)
    support_assessment = models.TextField(
        "оценка эффективности принятых мер поддержки",
        blank=True,
        max_length=3000,
        validators=[validate_free_text],
    )

    access_paths = _through("meeting__consilium")
    view_permission = "consilium.view"

    class Meta:
        verbose_name = "рассмотрение случая"
        verbose_name_plural = "рассмотрения случаев"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "child"],
                name="one_review_per_child",
                violation_error_message="Ребёнок уже рассмотрен на этом заседании.",
            )
        ]

    def __str__(self) -> str:
        return f"Рассмотрение: {self.child} ({self.meeting})"

    @property
    def audit_subject_id(self) -> int:
        return self.child.subject_id


class Decision(BaseModel):
    review = models.OneToOneField(
        Review, verbose_name="рассмотрение", on_delete=models.PROTECT, related_name="decision"
    )
    route_goal = models.CharField("цель маршрута", max_length=20, choices=RouteGoal.choices)
    reasons = models.TextField("обоснование решения", max_length=5000, validators=[validate_free_text])
    next_review_date = models.DateField("следующее рассмотрение", validators=[validate_deadline])
    escalate = models.BooleanField("передать на вышестоящий уровень", default=False)

    access_paths = _through("review__meeting__consilium")
    view_permission = "consilium.view"

    class Meta:
        verbose_name = "решение"
        verbose_name_plural = "решения"

    def __str__(self) -> str:
        return f"Решение: {self.get_route_goal_display()}"

    @property
    def audit_subject_id(self) -> int:
        return self.review.child.subject_id


class FamilyRisk(models.TextChoices):
    PLACEMENT_THREAT = "placement_threat", "угроза помещения ребёнка в учреждение"
    RISK_REMAINS = "risk_remains", "риск сохраняется, угрозы помещения нет"
    OVERCOME = "overcome", "кризис преодолён"


class FamilyReview(BaseModel):
    """The consilium's review of a family at risk before any placement, with the prevention decision:
    the assessment, the measures (their executors and deadlines are ActionItems of this review), the
    next review, and whether to pass the case up."""

    meeting = models.ForeignKey(
        Meeting, verbose_name="заседание", on_delete=models.PROTECT, related_name="family_reviews"
    )
    family = models.ForeignKey(
        "cases.Family", verbose_name="семья", on_delete=models.PROTECT, related_name="+"
    )
    risk = models.CharField("оценка риска", max_length=20, choices=FamilyRisk.choices)
    situation = models.TextField(
        "ситуация семьи и причины риска", max_length=3000, validators=[validate_free_text]
    )
    services_needed = models.JSONField("необходимая помощь семье", default=list, blank=True)
    measures = models.TextField(
        "решение: меры по недопущению помещения ребёнка", max_length=5000, validators=[validate_free_text]
    )
    next_review_date = models.DateField("следующее рассмотрение", validators=[validate_deadline])
    escalate = models.BooleanField("передать на вышестоящий уровень", default=False)

    access_paths = _through("meeting__consilium")
    view_permission = "consilium.view"

    class Meta:
        verbose_name = "рассмотрение семьи"
        verbose_name_plural = "рассмотрения семей"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "family"],
                name="one_review_per_family",
                violation_error_message="Семья уже рассмотрена на этом заседании.",
            )
        ]

    def __str__(self) -> str:
        return f"Рассмотрение: {self.family} ({self.meeting})"

    @property
    def audit_subject_id(self) -> int:
        return self.family.subject_id

    @property
    def service_labels(self) -> list[str]:
        labels = dict(ServiceNeed.choices)
        return [labels.get(code, code) for code in self.services_needed]


class ActionStatus(models.TextChoices):
    ASSIGNED = "assigned", "назначено"
    IN_PROGRESS = "in_progress", "выполняется"
    DONE = "done", "выполнено"


class ActionItem(BaseModel):
    """An assignment: what, which organisation and person, by when, with its result.

    The origin is a consilium decision or a working-group decision (any model, through a generic key);
    the territory columns are copied from the origin so the access policy can scope items.
    """

    origin_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    origin_id = models.PositiveBigIntegerField()
    origin = GenericForeignKey("origin_type", "origin_id")
    level = models.CharField("уровень", max_length=12, choices=Level.choices, blank=True)
    subject = models.ForeignKey("territories.Subject", on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey(
        "territories.Municipality", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    child = models.ForeignKey(
        "cases.Child",
        verbose_name="ребёнок",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    family = models.ForeignKey(
        "cases.Family",
        verbose_name="семья",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    what = models.TextField("что сделать", max_length=2000, validators=[validate_free_text])
    organization = models.ForeignKey(
        "territories.Organization",
        verbose_name="ответственная организация",
        on_delete=models.PROTECT,
        related_name="+",
    )
    executor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="исполнитель",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
    )
    deadline = models.DateField("срок", validators=[validate_deadline])
    status = models.CharField(
        "состояние", max_length=12, choices=ActionStatus.choices, default=ActionStatus.ASSIGNED
    )
    result = models.TextField("результат", blank=True, max_length=3000, validators=[validate_free_text])
    done_on = models.DateField("выполнено", null=True, blank=True, validators=[validate_work_date])
    reminded_at = models.DateTimeField("напоминание отправлено", null=True, blank=True)

    access_paths = TERRITORY_PATHS
    view_permission = "consilium.view"

    class Meta:
        verbose_name = "поручение"
        verbose_name_plural = "поручения"
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["executor", "status", "deadline"], name="action_executor"),
            models.Index(fields=["child", "status", "deadline"], name="action_child"),
            models.Index(fields=["origin_type", "origin_id"], name="action_origin"),
        ]

    def __str__(self) -> str:
        return f"Поручение № {self.pk}"

    @property
    def is_overdue(self) -> bool:
        return self.status != ActionStatus.DONE and self.deadline < timezone.localdate()

    @property
    def done_on_time(self) -> bool | None:
        if self.status != ActionStatus.DONE or not self.done_on:
            return None
        return self.done_on <= self.deadline

    @property
    def status_label(self) -> str:
        return "просрочено" if self.is_overdue else self.get_status_display()


# ---- interagency documents the consilium drafts, approves and revises (002) ------------------------


class DocumentKind(models.TextChoices):
    """002, тематические направления консилиумов: «разработка, утверждение, корректировка алгоритмов
    действий для сотрудников органов системы профилактики, межведомственных планов ИПР»."""

    ALGORITHM = "algorithm", "алгоритм межведомственного взаимодействия"
    IPR = "ipr", "межведомственный план индивидуальной реабилитации (ИПР)"


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "проект"
    APPROVED = "approved", "утверждён"
    REVISED = "revised", "заменён новой редакцией"


class InteragencyDocument(BaseModel):
    """One edition of an algorithm (per consilium) or of an ИПР (for a child or a family). A revision
    is a new edition (draft) linked to the one it replaces; the replaced edition stays as history."""

    consilium = models.ForeignKey(
        Consilium, verbose_name="консилиум", on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField("вид документа", max_length=12, choices=DocumentKind.choices)
    title = models.CharField("название", max_length=300, validators=[validate_single_line_text])
    child = models.ForeignKey(
        "cases.Child",
        verbose_name="ребёнок",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    family = models.ForeignKey(
        "cases.Family",
        verbose_name="семья",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    edition = models.PositiveSmallIntegerField("редакция", default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name="предыдущая редакция",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_edition",
    )
    status = models.CharField(
        "состояние", max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    review_date = models.DateField("дата пересмотра", null=True, blank=True, validators=[validate_deadline])
    approved_on = models.DateField("утверждён", null=True, blank=True, validators=[validate_work_date])
    approved_at = models.ForeignKey(
        Meeting,
        verbose_name="заседание, на котором утверждён",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revision_reason = models.CharField(
        "причина новой редакции", max_length=500, blank=True, validators=[validate_single_line_text]
    )

    access_paths = _through("consilium")
    view_permission = "consilium.view"

    class Meta:
        verbose_name = "межведомственный документ консилиума"
        verbose_name_plural = "межведомственные документы консилиума"
        ordering = ["consilium", "kind", "title", "-edition"]

    def __str__(self) -> str:
        return f"{self.title} (ред. {self.edition})"

    @property
    def audit_subject_id(self) -> int:
        return self.consilium.subject_id

    @property
    def personal_record(self):
        """The child or family whose personal data an ИПР carries (None for an algorithm)."""
        return self.child or self.family

    def clean(self) -> None:
        errors = {}
        if self.kind == DocumentKind.IPR and not (self.child_id or self.family_id):
            errors["child"] = "ИПР составляется для ребёнка или семьи: укажите ребёнка или семью."
        if self.kind == DocumentKind.ALGORITHM and (self.child_id or self.family_id):
            errors["kind"] = (
                "Алгоритм межведомственного взаимодействия не относится к одному ребёнку или семье."
            )
        if self.child_id and self.family_id:
            errors["family"] = "Укажите либо ребёнка, либо семью."
        if errors:
            raise ValidationError(errors)


class DocumentStep(models.Model):
    """A step of an algorithm or an ИПР: which agency does what, by when."""

    document = models.ForeignKey(InteragencyDocument, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField("№")
    agency = models.CharField(
        "ответственное ведомство", max_length=200, validators=[validate_single_line_text]
    )
    action = models.TextField("действие", max_length=2000, validators=[validate_free_text])
    term = models.CharField(
        "срок",
        max_length=100,
        help_text="Например: до 31.01.2027 или в течение 3 рабочих дней",
        validators=[validate_single_line_text],
    )

    access_paths = _through("document__consilium")
    view_permission = "consilium.view"

    class Meta:
        verbose_name = "шаг документа"
        verbose_name_plural = "шаги документа"
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="one_step_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.agency}"
