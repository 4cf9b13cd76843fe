"""The register: children, their families, placements in institutions, routes (cases) and timelines.

A child belongs to the subject and municipality responsible for them (the guardianship body of the
family's place of residence) and, while placed, to the organisation where they live; the access
policy scopes children by those three columns, which the placement services keep current.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from vyzov.core.models import BaseModel
from vyzov.core.text import normalize_for_search
from vyzov.core.validators import (
    validate_birth_certificate,
    validate_child_birth_date,
    validate_deadline,
    validate_free_text,
    validate_not_future,
    validate_not_too_old,
    validate_person_name,
    validate_planned_end_date,
    validate_register_date,
    validate_single_line_text,
    validate_snils,
)

CHILD_PATHS = {
    "district": "subject__district",
    "subject": "subject",
    "municipality": "municipality",
    "organization": "current_organization",
}


def _through(prefix: str, paths: dict[str, str]) -> dict[str, str]:
    return {level: f"{prefix}__{path}" for level, path in paths.items()}


def name_key(last_name: str, first_name: str, middle_name: str) -> str:
    """ФИО normalised for duplicate search: case, ё→е and spaces do not matter."""
    return normalize_for_search(f"{last_name} {first_name} {middle_name}")


class Sex(models.TextChoices):
    MALE = "m", "мужской"
    FEMALE = "f", "женский"


class LegalStatus(models.TextChoices):
    HAS_PARENTS = "has_parents", "есть родители (законные представители)"
    LEFT_WITHOUT_CARE = "left_without_care", "оставшийся без попечения родителей"
    ORPHAN = "orphan", "ребёнок-сирота"


class HealthGroup(models.IntegerChoices):
    I = 1, "I"  # noqa: E741 — the official name of the group
    II = 2, "II"
    III = 3, "III"
    IV = 4, "IV"
    V = 5, "V"


class SocialStatusKind(models.TextChoices):
    SOP = "sop", "СОП — социально опасное положение"
    TZHS = "tzhs", "ТЖС — трудная жизненная ситуация"


class Family(BaseModel):
    """A birth family (or the family a child is to return to)."""

    # Set by the selectors (cases.selectors.with_personal_flag): whether the actor may read personal data.
    personal: bool

    subject = models.ForeignKey(
        "territories.Subject", verbose_name="субъект РФ", on_delete=models.PROTECT, related_name="+"
    )
    municipality = models.ForeignKey(
        "territories.Municipality",
        verbose_name="муниципальное образование",
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(
        "семья",
        max_length=200,
        help_text="Например: «Семья Ивановых»",
        validators=[validate_single_line_text],
    )
    address = models.CharField(
        "адрес проживания", max_length=300, blank=True, validators=[validate_single_line_text]
    )
    notes = models.TextField("примечания", blank=True, max_length=5000, validators=[validate_free_text])
    # «Многодетная» (002: most families the NGO operators helped were large); the aid report counts it.
    # Unknown (empty) until someone states it; a nullable column also adds no table rebuild on SQLite.
    is_large = models.BooleanField("многодетная семья", null=True, blank=True)
    search_name = models.CharField(max_length=220, editable=False, db_index=True)

    access_paths = {"district": "subject__district", "subject": "subject", "municipality": "municipality"}
    view_permission = "cases.view_child"
    derived_fields = ("search_name",)

    class Meta:
        verbose_name = "семья"
        verbose_name_plural = "семьи"
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["title", "id"], name="family_title_order")]

    def __str__(self) -> str:
        return f"Семья № {self.pk}" if self.pk else "Новая семья"

    def compute_derived(self) -> None:
        self.search_name = normalize_for_search(self.title)

    def clean(self) -> None:
        if self.municipality_id and self.subject_id and self.municipality.subject_id != self.subject_id:
            raise ValidationError(
                {"municipality": "Муниципальное образование относится к другому субъекту РФ."}
            )


class Relation(models.TextChoices):
    MOTHER = "mother", "мать"
    FATHER = "father", "отец"
    STEPMOTHER = "stepmother", "мачеха"
    STEPFATHER = "stepfather", "отчим"
    GRANDMOTHER = "grandmother", "бабушка"
    GRANDFATHER = "grandfather", "дедушка"
    SIBLING = "sibling", "брат / сестра"
    GUARDIAN = "guardian", "опекун / попечитель"
    OTHER = "other", "другой родственник"


class ParentalRights(models.TextChoices):
    FULL = "full", "в полном объёме"
    LIMITED = "limited", "ограничен в правах"
    DEPRIVED = "deprived", "лишён прав"
    SUIT_PENDING = "suit_pending", "иск о лишении / ограничении рассматривается"
    NOT_APPLICABLE = "na", "не применимо"


class FamilyMember(BaseModel):
    family = models.ForeignKey(Family, verbose_name="семья", on_delete=models.CASCADE, related_name="members")
    last_name = models.CharField("фамилия", max_length=100, validators=[validate_person_name])
    first_name = models.CharField("имя", max_length=100, validators=[validate_person_name])
    middle_name = models.CharField("отчество", max_length=100, blank=True, validators=[validate_person_name])
    birth_date = models.DateField(
        "дата рождения", null=True, blank=True, validators=[validate_not_future, validate_not_too_old]
    )
    relation = models.CharField("кем приходится ребёнку", max_length=20, choices=Relation.choices)
    parental_rights = models.CharField(
        "родительские права",
        max_length=20,
        choices=ParentalRights.choices,
        default=ParentalRights.NOT_APPLICABLE,
    )
    is_alive = models.BooleanField("жив(а)", default=True)
    phone = models.CharField("телефон", max_length=50, blank=True)

    access_paths = _through("family", Family.access_paths)
    view_permission = "cases.view_child"

    class Meta:
        verbose_name = "член семьи"
        verbose_name_plural = "члены семьи"
        ordering = ["family", "relation", "id"]

    def __str__(self) -> str:
        return f"{self.get_relation_display()} (семья № {self.family_id})"

    @property
    def audit_subject_id(self) -> int:
        return self.family.subject_id

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.middle_name) if part)


class FamilySocialStatus(BaseModel):
    """A period when the family had the status СОП or ТЖС, and on what basis."""

    family = models.ForeignKey(
        Family, verbose_name="семья", on_delete=models.CASCADE, related_name="statuses"
    )
    kind = models.CharField("статус", max_length=8, choices=SocialStatusKind.choices)
    start_date = models.DateField("с", validators=[validate_register_date])
    end_date = models.DateField("по", null=True, blank=True, validators=[validate_planned_end_date])
    basis = models.CharField(
        "основание",
        max_length=300,
        help_text="Например: постановление КДНиЗП № 15 от 01.03.2025",
        validators=[validate_single_line_text],
    )

    access_paths = _through("family", Family.access_paths)
    view_permission = "cases.view_child"

    class Meta:
        verbose_name = "социальный статус семьи"
        verbose_name_plural = "социальные статусы семьи"
        ordering = ["family", "-start_date"]
        constraints = [
            models.CheckConstraint(
                name="family_status_end_after_start",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                violation_error_message="Дата окончания раньше даты начала.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} с {self.start_date:%d.%m.%Y}"

    @property
    def audit_subject_id(self) -> int:
        return self.family.subject_id

    def clean(self) -> None:
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "Дата окончания раньше даты начала."})

    def is_active_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class Child(BaseModel):
    # Set by the selectors (cases.selectors.with_personal_flag): whether the actor may read personal data.
    personal: bool

    last_name = models.CharField("фамилия", max_length=100, validators=[validate_person_name])
    first_name = models.CharField("имя", max_length=100, validators=[validate_person_name])
    middle_name = models.CharField("отчество", max_length=100, blank=True, validators=[validate_person_name])
    birth_date = models.DateField("дата рождения", validators=[validate_child_birth_date])
    sex = models.CharField("пол", max_length=1, choices=Sex.choices)
    snils = models.CharField(
        "СНИЛС", max_length=14, blank=True, validators=[validate_snils], help_text="XXX-XXX-XXX YY"
    )
    birth_certificate = models.CharField(
        "свидетельство о рождении",
        max_length=20,
        blank=True,
        validators=[validate_birth_certificate],
        help_text="Например: IV-МЮ 123456",
    )
    legal_status = models.CharField("правовой статус", max_length=20, choices=LegalStatus.choices)
    has_living_parents = models.BooleanField("есть живые родители", default=True)
    disability = models.BooleanField("инвалидность", default=False)
    health_group = models.PositiveSmallIntegerField(
        "группа здоровья", choices=HealthGroup.choices, null=True, blank=True
    )
    family = models.ForeignKey(
        Family,
        verbose_name="кровная семья",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
    )
    subject = models.ForeignKey(
        "territories.Subject", verbose_name="субъект РФ", on_delete=models.PROTECT, related_name="+"
    )
    municipality = models.ForeignKey(
        "territories.Municipality",
        verbose_name="муниципальное образование (орган опеки)",
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept by the placement services: where the child lives now and since when (None: not placed).
    current_organization = models.ForeignKey(
        "territories.Organization",
        verbose_name="организация (сейчас)",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    placed_since = models.DateField("в организации с", null=True, blank=True, editable=False)
    # A copy of the case's next_review_date, kept by cases.services.route_change (the one write of it),
    # so that the list sorts by it over an index instead of joining and sorting the whole register.
    next_review_date = models.DateField("следующий пересмотр", null=True, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="объединён с",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    search_name = models.CharField(max_length=310, editable=False, db_index=True)

    access_paths = CHILD_PATHS
    view_permission = "cases.view_child"
    derived_fields = ("search_name",)

    class Meta:
        verbose_name = "ребёнок"
        verbose_name_plural = "дети"
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["last_name", "first_name", "id"], name="child_name_order"),
            models.Index(fields=["subject", "last_name", "first_name"], name="child_subject_name"),
            models.Index(fields=["municipality", "last_name"], name="child_municipality_name"),
            models.Index(fields=["current_organization", "last_name"], name="child_org_name"),
            models.Index(fields=["subject", "placed_since"], name="child_subject_placed"),
            models.Index(fields=["search_name", "birth_date"], name="child_name_key"),
            models.Index(fields=["snils"], name="child_snils"),
            models.Index(fields=["birth_certificate"], name="child_certificate"),
            # Every sort the list offers has an index, its `id` tie-break included (both directions
            # read it forwards or backwards; selectors.SORTS breaks ties the same way as the index).
            models.Index(fields=["birth_date", "id"], name="child_birth_order"),
            models.Index(fields=["placed_since", "id"], name="child_placed_order"),
            models.Index(fields=["next_review_date", "id"], name="child_next_review_order"),
            # Name search is a prefix (LIKE 'x%'): a pattern index serves it under any collation.
            models.Index(fields=["search_name"], opclasses=["varchar_pattern_ops"], name="child_name_prefix"),
        ]

    def __str__(self) -> str:
        return f"Ребёнок № {self.pk}" if self.pk else "Новый ребёнок"

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.middle_name) if part)

    @property
    def is_placed(self) -> bool:
        return self.current_organization_id is not None

    def compute_derived(self) -> None:
        self.search_name = name_key(self.last_name, self.first_name, self.middle_name)

    def clean(self) -> None:
        if self.municipality_id and self.subject_id and self.municipality.subject_id != self.subject_id:
            raise ValidationError(
                {"municipality": "Муниципальное образование относится к другому субъекту РФ."}
            )
        if self.legal_status == LegalStatus.ORPHAN and self.has_living_parents:
            raise ValidationError({"has_living_parents": "У ребёнка-сироты не может быть живых родителей."})
        if self.family_id and self.subject_id and self.family.subject_id != self.subject_id:
            raise ValidationError({"family": "Семья относится к другому субъекту РФ."})

    def age_on(self, day: dt.date) -> int:
        return (
            day.year
            - self.birth_date.year
            - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))
        )


class PlacementKind(models.TextChoices):
    TEMPORARY_PARENTS_REQUEST = "temporary_request", "временно по заявлению родителей (ст. 155.1 СК РФ)"
    ORGANIZATION_GUARDIANSHIP = "org_guardianship", "под надзор организации (без попечения родителей)"
    REMOVAL = "removal", "после отобрания (ст. 77 СК РФ)"
    SOCIAL_REHABILITATION = "rehabilitation", "в социально-реабилитационный центр (ТЖС, СОП)"
    OTHER = "other", "иное"


class PlacementOutcome(models.TextChoices):
    RETURNED_HOME = "returned_home", "возвращён в кровную семью"
    GUARDIANSHIP = "guardianship", "передан под опеку (попечительство)"
    FOSTER_FAMILY = "foster_family", "передан в приёмную семью"
    ADOPTION = "adoption", "усыновлён"
    ANOTHER_ORGANIZATION = "another_org", "переведён в другую организацию"
    GRADUATED = "graduated", "выпущен (достиг совершеннолетия, окончил обучение)"
    OTHER = "other", "иное"


FAMILY_PLACEMENT_OUTCOMES = {
    PlacementOutcome.GUARDIANSHIP,
    PlacementOutcome.FOSTER_FAMILY,
    PlacementOutcome.ADOPTION,
}


class Placement(BaseModel):
    child = models.ForeignKey(
        Child, verbose_name="ребёнок", on_delete=models.PROTECT, related_name="placements"
    )
    organization = models.ForeignKey(
        "territories.Organization", verbose_name="организация", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("вид устройства", max_length=20, choices=PlacementKind.choices)
    start_date = models.DateField("дата помещения", validators=[validate_register_date])
    basis = models.CharField(
        "основание",
        max_length=300,
        help_text="Документ: заявление, акт, приказ…",
        validators=[validate_single_line_text],
    )
    planned_end_date = models.DateField(
        "срок временного помещения до",
        null=True,
        blank=True,
        help_text="Для временного помещения по заявлению родителей.",
        validators=[validate_planned_end_date],
    )
    end_date = models.DateField("дата выбытия", null=True, blank=True, validators=[validate_register_date])
    outcome = models.CharField("итог", max_length=20, choices=PlacementOutcome.choices, blank=True)
    outcome_note = models.CharField(
        "пояснение к итогу", max_length=300, blank=True, validators=[validate_single_line_text]
    )

    access_paths = {
        "district": "child__subject__district",
        "subject": "child__subject",
        "municipality": "child__municipality",
        "organization": "organization",
    }
    view_permission = "cases.view_child"

    class Meta:
        verbose_name = "помещение в организацию"
        verbose_name_plural = "помещения в организации"
        ordering = ["child", "-start_date"]
        constraints = [
            # One open placement per child, on every database (a partial unique index).
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(end_date__isnull=True),
                name="one_open_placement_per_child",
                violation_error_message="У ребёнка уже есть незакрытое помещение: сначала оформите выбытие.",
            ),
            models.CheckConstraint(
                name="placement_end_after_start",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                violation_error_message="Дата выбытия раньше даты помещения.",
            ),
            models.CheckConstraint(
                name="placement_outcome_when_closed",
                condition=Q(end_date__isnull=True, outcome="") | Q(end_date__isnull=False) & ~Q(outcome=""),
                violation_error_message="Итог указывается вместе с датой выбытия.",
            ),
        ]
        indexes = [models.Index(fields=["organization", "end_date"], name="placement_org_open")]

    def __str__(self) -> str:
        return f"Помещение № {self.pk}"

    @property
    def audit_subject_id(self) -> int:
        return self.child.subject_id

    def clean(self) -> None:
        errors = {}
        if self.start_date and self.child_id and self.start_date < self.child.birth_date:
            errors["start_date"] = "Дата помещения раньше даты рождения ребёнка."
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = "Дата выбытия раньше даты помещения."
        if self.end_date and not self.outcome:
            errors["outcome"] = "Укажите итог выбытия."
        if self.outcome and not self.end_date:
            errors["end_date"] = "Итог указывается вместе с датой выбытия."
        if self.planned_end_date and self.start_date and self.planned_end_date < self.start_date:
            errors["planned_end_date"] = "Срок временного помещения раньше даты помещения."
        if (
            self.organization_id
            and self.child_id
            and self.organization.kind not in PLACEMENT_ORGANIZATION_KINDS
        ):
            errors["organization"] = (
                "Помещать можно только в организацию для детей-сирот или социозащитное учреждение."
            )
        if errors:
            raise ValidationError(errors)


PLACEMENT_ORGANIZATION_KINDS = {"orphan_institution", "social_institution"}


class RouteGoal(models.TextChoices):
    UNDETERMINED = "undetermined", "не определена"
    RETURN_HOME = "return_home", "возвращение в кровную семью"
    SUBSTITUTE_FAMILY = "substitute_family", "устройство в замещающую семью"
    INDEPENDENCE = "independence", "подготовка к самостоятельной жизни"


class CaseStatus(models.TextChoices):
    OPEN = "open", "в работе"
    CLOSED = "closed", "закрыт"


class Case(BaseModel):
    """The child's route: the goal the professionals work towards, who is responsible, when to review."""

    child = models.OneToOneField(Child, verbose_name="ребёнок", on_delete=models.PROTECT, related_name="case")
    goal = models.CharField(
        "цель маршрута", max_length=20, choices=RouteGoal.choices, default=RouteGoal.UNDETERMINED
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ответственный куратор",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField("состояние", max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    opened_on = models.DateField("открыт", validators=[validate_register_date])
    closed_on = models.DateField("закрыт", null=True, blank=True, validators=[validate_register_date])
    next_review_date = models.DateField(
        "следующий пересмотр", null=True, blank=True, db_index=True, validators=[validate_deadline]
    )
    last_review_date = models.DateField("последний пересмотр", null=True, blank=True)

    access_paths = _through("child", CHILD_PATHS)
    view_permission = "cases.view_child"

    class Meta:
        verbose_name = "маршрут ребёнка"
        verbose_name_plural = "маршруты детей"

    def __str__(self) -> str:
        return f"Маршрут ребёнка № {self.child_id}"

    @property
    def audit_subject_id(self) -> int:
        return self.child.subject_id


class EventKind(models.TextChoices):
    REGISTERED = "registered", "внесён в реестр"
    PLACEMENT = "placement", "помещение в организацию"
    PLACEMENT_END = "placement_end", "выбытие из организации"
    RETURN_HOME = "return_home", "возвращение в кровную семью"
    FAMILY_PLACEMENT = "family_placement", "устройство в замещающую семью"
    ROUTE_CHANGE = "route_change", "изменение маршрута"
    REVIEW = "review", "пересмотр (консилиум)"
    DECISION = "decision", "решение"
    STATUS = "status", "социальный статус семьи"
    MERGE = "merge", "объединение дублей"
    NOTE = "note", "запись"


class Event(models.Model):
    """One line of the child's timeline. Written by services only, never edited."""

    child = models.ForeignKey(Child, verbose_name="ребёнок", on_delete=models.PROTECT, related_name="events")
    kind = models.CharField("событие", max_length=20, choices=EventKind.choices)
    date = models.DateField("дата")
    title = models.CharField("описание", max_length=300)
    details = models.JSONField("подробности", default=dict, blank=True)
    created_at = models.DateTimeField("записано", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто записал",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    access_paths = _through("child", CHILD_PATHS)
    view_permission = "cases.view_child"

    class Meta:
        verbose_name = "событие"
        verbose_name_plural = "события"
        ordering = ["child", "-date", "-id"]
        indexes = [models.Index(fields=["child", "-date"], name="event_child_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d.%m.%Y}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "в очереди"
    VALIDATING = "validating", "проверка строк"
    NEEDS_DECISION = "needs_decision", "есть ошибки — ничего не загружено"
    IMPORTING = "importing", "запись в реестр"
    DONE = "done", "загружено"
    FAILED = "failed", "файл не принят"


class ImportProgress:
    """The state of a background import of an XLSX file (the register's and the monitoring figures'):
    whether it is still running and how far it got. The model has `status`, `total_rows`, `processed_rows`."""

    status: str
    total_rows: int
    processed_rows: int

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.IMPORTING)

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class ImportJob(ImportProgress, BaseModel):
    """One upload of the regional list of children in institutions, validated and written by a task."""

    subject = models.ForeignKey(
        "territories.Subject", verbose_name="субъект РФ", on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField("файл", upload_to="imports/%Y/%m/")
    original_name = models.CharField("имя файла", max_length=255)
    status = models.CharField(
        "состояние", max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    accept_valid_rows = models.BooleanField("загрузить только корректные строки", default=False)
    total_rows = models.PositiveIntegerField("строк в файле", default=0)
    processed_rows = models.PositiveIntegerField("проверено строк", default=0)
    valid_rows = models.PositiveIntegerField("корректных строк", default=0)
    error_count = models.PositiveIntegerField("ошибок", default=0)
    imported_rows = models.PositiveIntegerField("загружено строк", default=0)
    # [[row, column, message], …] — the first ones only; error_count has the total.
    errors = models.JSONField("ошибки", default=list, blank=True)
    failure = models.CharField("почему файл не принят", max_length=500, blank=True)
    finished_at = models.DateTimeField("завершено", null=True, blank=True)

    access_paths = {"district": "subject__district", "subject": "subject"}
    view_permission = "cases.import"

    class Meta:
        verbose_name = "загрузка списка детей"
        verbose_name_plural = "загрузки списков детей"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Загрузка № {self.pk} ({self.original_name})"


class FamilyEvent(models.Model):
    """One line of a family's timeline (aid requests, statuses…). Written by services only."""

    family = models.ForeignKey(Family, verbose_name="семья", on_delete=models.PROTECT, related_name="events")
    date = models.DateField("дата")
    title = models.CharField("описание", max_length=300)
    details = models.JSONField("подробности", default=dict, blank=True)
    created_at = models.DateTimeField("записано", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто записал",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    access_paths = _through("family", Family.access_paths)
    view_permission = "cases.view_child"

    class Meta:
        verbose_name = "событие семьи"
        verbose_name_plural = "события семьи"
        ordering = ["family", "-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.title}"


class DuplicateStatus(models.TextChoices):
    OPEN = "open", "не разобран"
    RESOLVED = "resolved", "разобран"


class CrossRegionDuplicate(models.Model):
    """A likely duplicate across regions. The user who met it was told only that a match exists in another
    region (never its number); the federal team sees both records here and resolves the case."""

    subject = models.ForeignKey(
        "territories.Subject", verbose_name="где обнаружен", on_delete=models.PROTECT, related_name="+"
    )
    child = models.ForeignKey(
        Child, verbose_name="новая запись", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    import_job = models.ForeignKey(
        ImportJob, verbose_name="загрузка", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    row_number = models.PositiveIntegerField("строка файла", null=True, blank=True)
    other_child = models.ForeignKey(
        Child, verbose_name="запись другого региона", on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField("что совпадает", max_length=100)
    detected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто обнаружил",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    detected_at = models.DateTimeField("обнаружен", auto_now_add=True)
    status = models.CharField(
        "состояние", max_length=20, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто разобрал",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField("разобран", null=True, blank=True)
    resolution = models.CharField("решение", max_length=1000, blank=True)

    # The federal team only: no path for any territory below the country (fail closed).
    access_paths: dict[str, str] = {}
    view_permission = "cases.merge"

    class Meta:
        verbose_name = "возможный дубль в другом регионе"
        verbose_name_plural = "возможные дубли в других регионах"
        ordering = ["-detected_at", "-id"]

    def __str__(self) -> str:
        return f"Возможный дубль № {self.pk}"

    @property
    def audit_subject_id(self) -> int:
        return self.subject_id
