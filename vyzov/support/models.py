"""Family support: «Дети в семье» services and their family case management, clubs «Устойчивая семья»,
social supervision and the resource-methodical centre's events and library."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from vyzov.core.models import BaseModel
from vyzov.core.text import normalize_for_search
from vyzov.core.validators import (
    validate_deadline,
    validate_free_text,
    validate_person_name,
    validate_single_line_text,
    validate_work_date,
    validate_work_plan_date,
)

SERVICE_PATHS = {
    "district": "organization__subject__district",
    "subject": "organization__subject",
    "municipality": "organization__municipality",
    "organization": "organization",
}


def _through(prefix: str, paths: dict[str, str] = SERVICE_PATHS) -> dict[str, str]:
    return {level: f"{prefix}__{path}" for level, path in paths.items()}


class ServiceLevel(models.TextChoices):
    """002, п. 5: «Службы открываются на региональном, территориальном и уровне учреждений»."""

    REGIONAL = "regional", "региональная"
    TERRITORIAL = "territorial", "территориальная"
    INSTITUTION = "institution", "на уровне учреждения"


class ServiceKind(models.TextChoices):
    """What the unit is: a «Дети в семье» service, a mobile brigade for emergency help (002, п. 1 of the
    instruments), the supervision centre for families with addictions (004, «Первые шаги в регионе») or
    the regional supervision service (002, п. 2 «Социальная супервизия»)."""

    FAMILY_SERVICE = "family_service", "служба «Дети в семье»"
    MOBILE_BRIGADE = "mobile_brigade", "мобильная бригада экстренной помощи"
    ADDICTION_SUPERVISION = "addiction_supervision", "супервизорский центр для семей с зависимостями"
    SUPERVISION_SERVICE = "supervision_service", "региональная супервизорская служба"


# Kinds that exist once per region and work at its level (the seeds name them only as regional units).
REGIONAL_KINDS = (ServiceKind.ADDICTION_SUPERVISION, ServiceKind.SUPERVISION_SERVICE)


class Service(BaseModel):
    """A «Дети в семье» service (or a mobile brigade, the supervision centre for families with addictions,
    the regional supervision service): an organisation (or its unit) with specialists and a territory.
    A territorial or institution-level unit is coordinated by the regional service of its subject."""

    organization = models.OneToOneField(
        "territories.Organization",
        verbose_name="организация",
        on_delete=models.PROTECT,
        related_name="support_service",
    )
    municipalities = models.ManyToManyField(
        "territories.Municipality", verbose_name="обслуживаемые муниципалитеты", blank=True, related_name="+"
    )
    capacity = models.PositiveIntegerField(
        "семей на сопровождении (мест)", null=True, blank=True, validators=[MaxValueValidator(100_000)]
    )
    kind = models.CharField(
        "вид", max_length=24, choices=ServiceKind.choices, default=ServiceKind.FAMILY_SERVICE
    )
    level = models.CharField(
        "уровень", max_length=12, choices=ServiceLevel.choices, default=ServiceLevel.TERRITORIAL
    )
    coordinator = models.ForeignKey(
        "self",
        verbose_name="координирующая региональная служба",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated",
    )

    access_paths = SERVICE_PATHS
    view_permission = "support.view"

    class Meta:
        verbose_name = "служба «Дети в семье»"
        verbose_name_plural = "службы «Дети в семье»"
        indexes = [models.Index(fields=["level"], name="support_service_level")]

    def __str__(self) -> str:
        return str(self.organization)

    def clean(self) -> None:
        """The regional service coordinates the territorial ones (002, п. 5): a coordinator is a regional
        «Дети в семье» service of the same subject; a regional service is coordinated by nobody."""
        if self.kind in REGIONAL_KINDS and self.level != ServiceLevel.REGIONAL:
            raise ValidationError(
                {"level": f"«{self.get_kind_display()}» — региональная: уровень «региональная»."}
            )
        coordinator = self.coordinator
        if coordinator is None:
            return
        if self.level == ServiceLevel.REGIONAL:
            raise ValidationError(
                {"coordinator": "Региональную службу никто не координирует: уберите координирующую службу."}
            )
        if coordinator.pk is not None and coordinator.pk == self.pk:
            raise ValidationError({"coordinator": "Служба не может координировать сама себя."})
        if coordinator.level != ServiceLevel.REGIONAL or coordinator.kind != ServiceKind.FAMILY_SERVICE:
            raise ValidationError({"coordinator": "Координирует только региональная служба «Дети в семье»."})
        if coordinator.organization.subject_id != self.organization.subject_id:
            raise ValidationError({"coordinator": "Координирующая служба — из того же субъекта РФ."})

    @property
    def audit_subject_id(self) -> int:
        return self.organization.subject_id


class SpecialistKind(models.TextChoices):
    """002, п. 5: «психологов, юристов, методистов и специалистов по ведению случая»; the head of the
    regional service (002: a member of the МРГ and of the regional consilium); 004: «Ставки специалистов по
    работе с кровной семьей»; 002, п. 2: regional supervisors."""

    HEAD = "head", "руководитель службы"
    PSYCHOLOGIST = "psychologist", "психолог"
    LAWYER = "lawyer", "юрист"
    METHODIST = "methodist", "методист"
    CASE_MANAGER = "case_manager", "специалист по ведению случая"
    BIRTH_FAMILY = "birth_family", "специалист по работе с кровной семьёй"
    SUPERVISOR = "supervisor", "супервизор"
    OTHER = "other", "иной специалист"


# 002, п. 5: «Лидеры клубов – психологи с профильным образованием, прошедшие курсы повышения квалификации по
# программе …».
CLUB_LEADER_COURSE = (
    "«Повышение профессиональных компетенций специалистов – психологов по проблематике реабилитации "
    "родителей группы риска»"
)
# 002, п. 2: the centre that trains regional supervisors.
SUPERVISION_CENTRE = "Центр социальной супервизии «Действуем вместе»"


class Specialist(BaseModel):
    service = models.ForeignKey(
        Service, verbose_name="служба", on_delete=models.PROTECT, related_name="specialists"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="пользователь системы",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_specialist",
    )
    full_name = models.CharField("ФИО", max_length=200, validators=[validate_person_name])
    position = models.CharField(
        "должность", max_length=200, blank=True, validators=[validate_single_line_text]
    )
    is_active = models.BooleanField("работает", default=True)
    kind = models.CharField(
        "специализация", max_length=16, choices=SpecialistKind.choices, default=SpecialistKind.OTHER
    )
    profile_education = models.BooleanField("профильное образование (психолог)", default=False)
    club_course_on = models.DateField(
        "курсы для лидеров клубов окончены",
        null=True,
        blank=True,
        validators=[validate_work_date],
        help_text=f"Курсы повышения квалификации по программе {CLUB_LEADER_COURSE}.",
    )
    supervisor_trained_on = models.DateField(
        "подготовлен(а) как региональный супервизор",
        null=True,
        blank=True,
        validators=[validate_work_date],
    )
    supervisor_trained_by = models.CharField(
        "кто готовил супервизора", max_length=300, blank=True, validators=[validate_single_line_text]
    )

    access_paths = _through("service")
    view_permission = "support.view"

    class Meta:
        verbose_name = "специалист службы"
        verbose_name_plural = "специалисты служб"
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def qualified_club_leader(self) -> bool:
        """002: a club leader is a psychologist with profile education who took the course."""
        return (
            self.kind == SpecialistKind.PSYCHOLOGIST and self.profile_education and bool(self.club_course_on)
        )

    def clean(self) -> None:
        if self.supervisor_trained_by and not self.supervisor_trained_on:
            raise ValidationError(
                {"supervisor_trained_on": "Укажите, когда окончена подготовка супервизора."}
            )
        if self.club_course_on and self.kind != SpecialistKind.PSYCHOLOGIST:
            raise ValidationError(
                {"club_course_on": "Лидеры клубов — психологи (002): отметьте специализацию «психолог»."}
            )


class Referral(models.TextChoices):
    GUARDIANSHIP = "guardianship", "орган опеки и попечительства"
    SCHOOL = "school", "школа, детский сад"
    HOSPITAL = "hospital", "медицинская организация"
    POLICE = "police", "полиция (ПДН)"
    CONSILIUM = "consilium", "решение консилиума"
    SELF = "self", "семья обратилась сама"
    OTHER = "other", "иное"


class RiskLevel(models.TextChoices):
    LOW = "low", "низкий"
    MEDIUM = "medium", "средний"
    HIGH = "high", "высокий"


class CaseStatus(models.TextChoices):
    OPEN = "open", "в работе"
    CLOSED = "closed", "закрыт"


class CaseOutcome(models.TextChoices):
    RETURNED_HOME = "returned_home", "ребёнок вернулся в семью"
    SEPARATION_PREVENTED = "separation_prevented", "разлучение предотвращено"
    SUBSTITUTE_FAMILY = "substitute_family", "ребёнок устроен в замещающую семью"
    MOVED_AWAY = "moved_away", "семья переехала"
    REFUSED = "refused", "семья отказалась от помощи"
    OTHER = "other", "иное"


class FamilyCase(BaseModel):
    """Case management of one family by a service: intake → assessment → plan → steps → closure."""

    service = models.ForeignKey(
        Service, verbose_name="служба", on_delete=models.PROTECT, related_name="cases"
    )
    family = models.ForeignKey(
        "cases.Family", verbose_name="семья", on_delete=models.PROTECT, related_name="support_cases"
    )
    children = models.ManyToManyField("cases.Child", verbose_name="дети", blank=True, related_name="+")
    children_count = models.PositiveSmallIntegerField(
        "детей в семье", default=1, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    specialist = models.ForeignKey(
        Specialist, verbose_name="ведущий специалист", on_delete=models.PROTECT, related_name="cases"
    )
    referral = models.CharField("кто направил", max_length=20, choices=Referral.choices)
    reason = models.TextField(
        "причина обращения и риск разлучения", max_length=3000, validators=[validate_free_text]
    )
    intake_date = models.DateField("дата приёма", validators=[validate_work_date])
    risk_level = models.CharField("уровень риска", max_length=10, choices=RiskLevel.choices, blank=True)
    next_review_date = models.DateField(
        "следующий пересмотр плана", null=True, blank=True, validators=[validate_deadline]
    )
    status = models.CharField("состояние", max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    closed_on = models.DateField("закрыт", null=True, blank=True, validators=[validate_work_date])
    outcome = models.CharField("итог", max_length=24, choices=CaseOutcome.choices, blank=True)

    access_paths = _through("service")
    view_permission = "support.view"

    class Meta:
        verbose_name = "сопровождение семьи"
        verbose_name_plural = "сопровождения семей"
        ordering = ["-intake_date", "-id"]
        indexes = [
            models.Index(fields=["specialist", "status"], name="support_case_caseload"),
            models.Index(fields=["service", "status"], name="support_case_service"),
        ]

    def __str__(self) -> str:
        return f"Сопровождение № {self.pk}"

    @property
    def audit_subject_id(self) -> int:
        return self.service.organization.subject_id


class Assessment(BaseModel):
    case = models.ForeignKey(FamilyCase, on_delete=models.CASCADE, related_name="assessments")
    date = models.DateField("дата оценки", validators=[validate_work_date])
    needs = models.JSONField("потребности", default=list)
    resources = models.TextField(
        "ресурсы семьи", max_length=3000, blank=True, validators=[validate_free_text]
    )
    risk_level = models.CharField("уровень риска", max_length=10, choices=RiskLevel.choices)
    notes = models.TextField("заключение", max_length=3000, blank=True, validators=[validate_free_text])

    access_paths = _through("case__service")
    view_permission = "support.view"

    class Meta:
        verbose_name = "оценка потребностей и ресурсов"
        verbose_name_plural = "оценки"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"Оценка {self.date:%d.%m.%Y}"

    @property
    def needs_display(self) -> str:
        """The needs ticked in the assessment, in Russian («материальные, занятость»)."""
        from .forms import NEEDS  # the list of needs lives with the form that offers it

        labels = dict(NEEDS)
        return ", ".join(labels.get(code, code) for code in self.needs or [])


class StepStatus(models.TextChoices):
    PLANNED = "planned", "запланирован"
    DONE = "done", "выполнен"
    CANCELLED = "cancelled", "отменён"


class PlanStep(BaseModel):
    """A step of the family plan: a goal, what to do, who and with which partner, by when."""

    case = models.ForeignKey(FamilyCase, on_delete=models.CASCADE, related_name="steps")
    goal = models.CharField("цель", max_length=300, validators=[validate_single_line_text])
    action = models.CharField("шаг", max_length=500, validators=[validate_single_line_text])
    responsible = models.ForeignKey(
        Specialist, verbose_name="ответственный", on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey(
        "territories.Organization",
        verbose_name="организация-партнёр",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_date = models.DateField("срок", validators=[validate_deadline])
    status = models.CharField(
        "состояние", max_length=10, choices=StepStatus.choices, default=StepStatus.PLANNED
    )
    done_on = models.DateField("выполнен", null=True, blank=True, validators=[validate_work_date])

    access_paths = _through("case__service")
    view_permission = "support.view"

    class Meta:
        verbose_name = "шаг плана"
        verbose_name_plural = "план семьи"
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.action


class ContactKind(models.TextChoices):
    VISIT = "visit", "посещение на дому"
    MEETING = "meeting", "встреча в службе"
    CALL = "call", "звонок"
    SERVICE = "service", "оказана услуга"


class Contact(BaseModel):
    """The case log: visits, meetings, calls and services provided (an NGO aid request among them)."""

    case = models.ForeignKey(FamilyCase, on_delete=models.CASCADE, related_name="contacts")
    date = models.DateField("дата", validators=[validate_work_date])
    kind = models.CharField("вид", max_length=10, choices=ContactKind.choices)
    note = models.TextField("содержание", max_length=3000, validators=[validate_free_text])
    specialist = models.ForeignKey(Specialist, on_delete=models.PROTECT, related_name="+")
    aid_request = models.ForeignKey(
        "ngo_aid.AidRequest",
        verbose_name="заявка на адресную помощь",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    access_paths = _through("case__service")
    view_permission = "support.view"

    class Meta:
        verbose_name = "запись журнала"
        verbose_name_plural = "журнал сопровождения"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d.%m.%Y}"


class ChildOutcomeKind(models.TextChoices):
    """What became of one child of a supported family — counted in children as the brochure does (002:
    «почти 8 тысяч детей вернулись из учреждений в родную семью … почти 9 тысячам детей удалось избежать
    попадания в учреждение»)."""

    RETURNED_HOME = "returned_home", "вернулся из учреждения в родную семью"
    KEPT_IN_FAMILY = "kept_in_family", "остался в семье: попадания в учреждение удалось избежать"
    SUBSTITUTE_FAMILY = "substitute_family", "устроен в замещающую семью"
    INSTITUTION = "institution", "помещён в учреждение"
    OTHER = "other", "иное"


class ChildOutcome(BaseModel):
    """The outcome for one child of the family (children are numbered 1…children_count of the case: no
    personal data is needed to count them)."""

    case = models.ForeignKey(FamilyCase, on_delete=models.CASCADE, related_name="child_outcomes")
    number = models.PositiveSmallIntegerField(
        "ребёнок №", validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    outcome = models.CharField("итог для ребёнка", max_length=20, choices=ChildOutcomeKind.choices)
    date = models.DateField("дата", validators=[validate_work_date])

    access_paths = _through("case__service")
    view_permission = "support.view"

    class Meta:
        verbose_name = "итог для ребёнка"
        verbose_name_plural = "итоги для детей"
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="support_child_outcome_once"),
        ]
        indexes = [models.Index(fields=["outcome", "date"], name="support_child_outcome_date")]

    def __str__(self) -> str:
        return f"Ребёнок {self.number}: {self.get_outcome_display()}"


class Transfer(models.Model):
    case = models.ForeignKey(FamilyCase, on_delete=models.CASCADE, related_name="transfers")
    from_specialist = models.ForeignKey(Specialist, on_delete=models.PROTECT, related_name="+")
    to_specialist = models.ForeignKey(Specialist, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("причина", max_length=500, validators=[validate_single_line_text])
    transferred_at = models.DateTimeField(auto_now_add=True)
    transferred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "передача сопровождения"
        verbose_name_plural = "передачи сопровождения"

    def __str__(self) -> str:
        return f"{self.from_specialist} → {self.to_specialist}"


class Club(BaseModel):
    """A club «Устойчивая семья» of a service; its families are the members counted in sessions; its
    leader is a qualified psychologist of the service (002)."""

    service = models.ForeignKey(
        Service, verbose_name="служба", on_delete=models.PROTECT, related_name="clubs"
    )
    title = models.CharField("название", max_length=200, validators=[validate_single_line_text])
    leader = models.ForeignKey(
        Specialist,
        verbose_name="лидер клуба",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_clubs",
    )
    families = models.ManyToManyField(
        "cases.Family", verbose_name="семьи-участники", blank=True, related_name="+"
    )

    access_paths = _through("service")
    view_permission = "support.view"

    class Meta:
        verbose_name = "клуб «Устойчивая семья»"
        verbose_name_plural = "клубы «Устойчивая семья»"

    def __str__(self) -> str:
        return self.title


class ClubSession(BaseModel):
    club = models.ForeignKey(Club, verbose_name="клуб", on_delete=models.PROTECT, related_name="sessions")
    date = models.DateField("дата", validators=[validate_work_plan_date])
    topic = models.CharField("тема", max_length=300, validators=[validate_single_line_text])
    facilitator = models.CharField("ведущий", max_length=200, validators=[validate_person_name])
    families_attended = models.PositiveSmallIntegerField("семей пришло")
    children_attended = models.PositiveSmallIntegerField("детей пришло", default=0)

    access_paths = _through("club__service")
    view_permission = "support.view"

    class Meta:
        verbose_name = "встреча клуба"
        verbose_name_plural = "встречи клуба"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.topic} ({self.date:%d.%m.%Y})"


class SupervisionFormat(models.Model):
    title = models.CharField("формат", max_length=200, unique=True, validators=[validate_single_line_text])
    provider = models.CharField(
        "кто проводит", max_length=300, blank=True, validators=[validate_single_line_text]
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "формат супервизии"
        verbose_name_plural = "форматы супервизии"
        ordering = ["order"]

    def __str__(self) -> str:
        return self.title


class SupervisionSession(BaseModel):
    """A supervision session: cases are discussed by number only, never with personal data."""

    service = models.ForeignKey(
        Service, verbose_name="служба", on_delete=models.PROTECT, related_name="supervision_sessions"
    )
    format = models.ForeignKey(
        SupervisionFormat, verbose_name="формат", on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField("дата", validators=[validate_work_plan_date])
    supervisor = models.CharField("супервизор", max_length=200, validators=[validate_person_name])
    hours = models.DecimalField(
        "часов",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("24"))],
    )
    participants = models.ManyToManyField(Specialist, verbose_name="участники", related_name="supervisions")
    cases = models.ManyToManyField(
        FamilyCase, verbose_name="разобранные случаи", blank=True, related_name="+"
    )
    recommendations = models.TextField(
        "рекомендации", max_length=5000, blank=True, validators=[validate_free_text]
    )

    access_paths = _through("service")
    view_permission = "support.view"

    class Meta:
        verbose_name = "супервизия"
        verbose_name_plural = "супервизии"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.format} ({self.date:%d.%m.%Y})"


class MethodEventKind(models.TextChoices):
    TRAINING = "training", "обучение"
    STRATEGIC_SESSION = "strategic", "стратегическая сессия"
    MATERIALS = "materials", "методические материалы"


class MethodEvent(BaseModel):
    """An event of the regional resource-methodical centre."""

    organization = models.ForeignKey(
        "territories.Organization",
        verbose_name="ресурсно-методический центр",
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField("вид", max_length=12, choices=MethodEventKind.choices)
    date = models.DateField("дата", validators=[validate_work_plan_date])
    title = models.CharField("название", max_length=300, validators=[validate_single_line_text])
    participants = models.PositiveIntegerField("участников", default=0)
    description = models.TextField("итоги", blank=True, max_length=5000, validators=[validate_free_text])

    access_paths = {
        "district": "organization__subject__district",
        "subject": "organization__subject",
        "municipality": "organization__municipality",
        "organization": "organization",
    }
    view_permission = "support.view"

    class Meta:
        verbose_name = "мероприятие РМЦ"
        verbose_name_plural = "мероприятия РМЦ"
        ordering = ["-date"]

    def __str__(self) -> str:
        return self.title


class MethodDocument(BaseModel):
    """A methodical document in the library (shared across regions: no personal data)."""

    title = models.CharField("название", max_length=300, validators=[validate_single_line_text])
    description = models.TextField("аннотация", max_length=3000, blank=True, validators=[validate_free_text])
    subject = models.ForeignKey(
        "territories.Subject", verbose_name="регион-автор", on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField("файл", upload_to="support/library/%Y/")
    search_text = models.TextField(editable=False, default="")

    access_paths = {"district": "subject__district", "subject": "subject"}
    view_permission = "support.view"
    derived_fields = ("search_text",)

    class Meta:
        verbose_name = "методический документ"
        verbose_name_plural = "методическая библиотека"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def compute_derived(self) -> None:
        self.search_text = normalize_for_search(f"{self.title} {self.description}")

    def clean(self) -> None:
        if not self.title.strip():
            raise ValidationError({"title": "Укажите название."})
