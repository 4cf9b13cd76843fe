"""Municipal contests «Город детей – город семей»: set-up (stages, tasks, categories, criteria sets,
bonus items, nominations), applications of municipalities, expert assignments and scores, the children's
jury, confirmed bonuses, awards with verifiable diplomas, media publications.

Contests of 2016 and 2017 are loaded from the Fund's reports as history (`is_history`): their
participants are rows with a subject and the federal district as it was in that year."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from vyzov.core.models import BaseModel
from vyzov.core.validators import (
    validate_contest_date,
    validate_contest_past_date,
    validate_free_text,
    validate_single_line_text,
)

APPLICATION_PATHS = {"district": "subject__district", "subject": "subject", "municipality": "municipality"}


class ContestStatus(models.TextChoices):
    DRAFT = "draft", "подготовка"
    OPEN = "open", "приём заявок"
    REVIEW = "review", "экспертиза"
    PUBLISHED = "published", "итоги опубликованы"


class Aggregation(models.TextChoices):
    MEAN = "mean", "среднее оценок экспертов"
    MEDIAN = "median", "медиана оценок экспертов"
    TRIMMED = "trimmed", "среднее без крайних оценок (при трёх экспертах и более)"
    NORMALISED = "normalised", "среднее после нормировки оценок каждого эксперта"


class TieRule(models.TextChoices):
    DENSE = "dense", "общее место; следующее место — следующее по номеру (1, 1, 2), как в итогах 2016 года"
    COMPETITION = "competition", "общее место; следующие места пропускаются (1, 1, 3)"


class SettlementType(models.TextChoices):
    CITY = "city", "город"
    RURAL = "rural", "сельское поселение"


class Contest(BaseModel):
    year = models.PositiveSmallIntegerField(
        "год", validators=[MinValueValidator(2010), MaxValueValidator(2100)]
    )
    number = models.CharField("номер конкурса", max_length=10, blank=True, help_text="Например: VIII")
    title = models.CharField("название", max_length=300, validators=[validate_single_line_text])
    status = models.CharField(
        "состояние", max_length=10, choices=ContestStatus.choices, default=ContestStatus.DRAFT
    )
    submission_deadline = models.DateField(
        "срок подачи заявок", null=True, blank=True, validators=[validate_contest_date]
    )
    aggregation = models.CharField(
        "сведение оценок", max_length=12, choices=Aggregation.choices, default=Aggregation.MEAN
    )
    tie_rule = models.CharField(
        "правило при равенстве баллов", max_length=12, choices=TieRule.choices, default=TieRule.DENSE
    )
    experts_per_application = models.PositiveSmallIntegerField(
        "экспертов на заявку", default=3, validators=[MinValueValidator(1)]
    )
    discrepancy_threshold = models.PositiveSmallIntegerField(
        "порог расхождения экспертов, % максимума", default=20, validators=[MaxValueValidator(100)]
    )
    places_awarded = models.PositiveSmallIntegerField(
        "призовых мест в категории", default=3, validators=[MinValueValidator(1)]
    )
    blind = models.BooleanField("слепая экспертиза (муниципалитет скрыт)", default=False)
    is_history = models.BooleanField("загружен из отчёта о конкурсе", default=False, editable=False)
    source = models.CharField("источник", max_length=300, blank=True, editable=False)
    # Bumped by every service that changes what the ranking is computed from (applications accepted or
    # moved, experts assigned, scores, jury, bonuses, criteria): the cached ranking is keyed by it.
    results_version = models.PositiveIntegerField("версия итогов", default=0, editable=False)

    class Meta:
        verbose_name = "конкурс"
        verbose_name_plural = "конкурсы"
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    @property
    def is_locked(self) -> bool:
        return self.status == ContestStatus.PUBLISHED


class Stage(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="stages")
    title = models.CharField("этап", max_length=200, validators=[validate_single_line_text])
    date_from = models.DateField("с", validators=[validate_contest_date])
    date_to = models.DateField("по", validators=[validate_contest_date])

    class Meta:
        verbose_name = "этап конкурса"
        verbose_name_plural = "этапы конкурса"
        ordering = ["date_from"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValidationError({"date_to": "Дата окончания раньше даты начала."})


class TaskKind(models.TextChoices):
    GOAL = "цель", "цель"
    OBJECTIVE = "задача конкурса", "задача конкурса"
    ASSIGNMENT = "конкурсное задание", "конкурсное задание"
    ACTION = "акция", "акция"


class Task(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField("вид", max_length=30, choices=TaskKind.choices)
    number = models.PositiveSmallIntegerField("№")
    text = models.TextField("текст", max_length=3000, validators=[validate_free_text])
    required_materials = models.CharField(
        "что приложить", max_length=500, blank=True, validators=[validate_single_line_text]
    )
    formats = models.CharField("форматы файлов", max_length=100, blank=True, default="PDF, DOCX, JPG, PNG")

    class Meta:
        verbose_name = "задание конкурса"
        verbose_name_plural = "задания конкурса"
        ordering = ["kind", "number"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @property
    def is_answered(self) -> bool:
        """Participants answer the contest assignments and report on the action."""
        return self.kind in (TaskKind.ASSIGNMENT, TaskKind.ACTION)


class Category(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="categories")
    code = models.CharField("код", max_length=5)
    order = models.PositiveSmallIntegerField("порядок")
    title = models.CharField("категория", max_length=300, validators=[validate_single_line_text])
    settlement_type = models.CharField("тип поселения", max_length=10, choices=SettlementType.choices)
    admin_centre = models.BooleanField("административные центры субъектов", default=False)
    population_min = models.PositiveIntegerField("население от (включительно)", null=True, blank=True)
    population_max = models.PositiveIntegerField("население до (не включая)", null=True, blank=True)

    class Meta:
        verbose_name = "категория участников"
        verbose_name_plural = "категории участников"
        ordering = ["contest", "order"]
        constraints = [models.UniqueConstraint(fields=["contest", "code"], name="one_category_code")]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class CriteriaSet(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="criteria_sets")
    settlement_type = models.CharField("для кого", max_length=10, choices=SettlementType.choices)
    assumption = models.CharField(
        "допущение",
        max_length=300,
        blank=True,
        help_text="Что в наборе не из материалов конкурса (например, баллы или состав для сельских поселений).",
    )

    class Meta:
        verbose_name = "набор критериев"
        verbose_name_plural = "наборы критериев"
        constraints = [
            models.UniqueConstraint(fields=["contest", "settlement_type"], name="one_criteria_set")
        ]

    def __str__(self) -> str:
        return f"Критерии: {self.get_settlement_type_display()}"


class Criterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    number = models.PositiveSmallIntegerField("№")
    title = models.CharField("критерий", max_length=500, validators=[validate_single_line_text])
    max_points = models.DecimalField(
        "максимум баллов",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5"))],
    )

    class Meta:
        verbose_name = "критерий"
        verbose_name_plural = "критерии"
        ordering = ["criteria_set", "number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class BonusItem(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="bonus_items")
    number = models.PositiveSmallIntegerField("№")
    title = models.CharField("за что", max_length=500, validators=[validate_single_line_text])
    points = models.DecimalField(
        "баллов",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    cap = models.DecimalField(
        "не более",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    scored_by_jury = models.BooleanField("оценивает детское жюри", default=False)
    basis = models.CharField(
        "основание (документ)", max_length=1000, blank=True, validators=[validate_single_line_text]
    )

    class Meta:
        verbose_name = "дополнительные баллы"
        verbose_name_plural = "дополнительные баллы"
        ordering = ["contest", "number"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.points is None and self.cap is None:
            raise ValidationError({"points": "Укажите, сколько баллов можно дать."})

    @property
    def limit(self) -> Decimal | None:
        return self.cap if self.cap is not None else self.points


class Nomination(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="nominations")
    title = models.CharField("номинация", max_length=300, validators=[validate_single_line_text])

    class Meta:
        verbose_name = "номинация"
        verbose_name_plural = "номинации"

    def __str__(self) -> str:
        return self.title


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "черновик"
    SUBMITTED = "submitted", "подана"
    ACCEPTED = "accepted", "принята к экспертизе"
    RETURNED = "returned", "возвращена на доработку"


class Application(BaseModel):
    contest = models.ForeignKey(
        Contest, verbose_name="конкурс", on_delete=models.PROTECT, related_name="applications"
    )
    municipality = models.ForeignKey(
        "territories.Municipality",
        verbose_name="муниципалитет",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    subject = models.ForeignKey(
        "territories.Subject", verbose_name="субъект РФ", on_delete=models.PROTECT, related_name="+"
    )
    settlement_name = models.CharField("участник", max_length=200, validators=[validate_single_line_text])
    historical_district = models.CharField("федеральный округ (на год конкурса)", max_length=100)
    category = models.ForeignKey(
        Category,
        verbose_name="категория",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    category_reason = models.CharField(
        "основание изменения категории", max_length=500, blank=True, validators=[validate_single_line_text]
    )
    status = models.CharField(
        "состояние", max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    submitted_at = models.DateTimeField("подана", null=True, blank=True)
    deadline_extended_to = models.DateField(
        "срок подачи продлён до", null=True, blank=True, validators=[validate_contest_date]
    )
    return_reason = models.CharField(
        "причина возврата", max_length=1000, blank=True, validators=[validate_single_line_text]
    )
    social_page = models.URLField("страница в социальной сети", blank=True)
    report_received = models.BooleanField("отчётные материалы получены", default=False)
    is_history = models.BooleanField(default=False, editable=False)

    access_paths = APPLICATION_PATHS
    view_permission = "contests.participate"

    class Meta:
        verbose_name = "заявка"
        verbose_name_plural = "заявки"
        ordering = ["settlement_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "municipality"],
                name="one_application_per_contest",
                violation_error_message="Заявка этого муниципалитета уже есть.",
            )
        ]
        indexes = [models.Index(fields=["contest", "status"], name="application_contest_status")]

    def __str__(self) -> str:
        return f"{self.settlement_name} — {self.contest.year}"


class Answer(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("ответ", max_length=20000, validators=[validate_free_text])

    class Meta:
        verbose_name = "ответ на задание"
        verbose_name_plural = "ответы на задания"
        constraints = [models.UniqueConstraint(fields=["application", "task"], name="one_answer_per_task")]

    def __str__(self) -> str:
        return f"Ответ на задание {self.task_id}"


class ApplicationPractice(models.Model):
    """A practice the municipality describes under one of the criteria's themes; published to the
    library when the application is accepted."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="practices")
    criterion = models.ForeignKey(
        Criterion, verbose_name="тема (критерий)", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("практика", max_length=300, validators=[validate_single_line_text])
    organization = models.CharField(
        "организация", max_length=300, blank=True, validators=[validate_single_line_text]
    )
    description = models.TextField("описание", max_length=20000, validators=[validate_free_text])
    results = models.TextField("результаты", max_length=10000, blank=True, validators=[validate_free_text])
    # The library's record made from this practice when the application was accepted (contests own the
    # link: the library knows nothing of contests).
    published = models.OneToOneField(
        "practices.Practice",
        verbose_name="в библиотеке практик",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = "практика заявки"
        verbose_name_plural = "практики заявки"
        ordering = ["criterion__number", "id"]

    def __str__(self) -> str:
        return self.title


class ApplicationFile(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="files")
    task = models.ForeignKey(Task, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    file = models.FileField(upload_to="contests/%Y/")
    original_name = models.CharField("файл", max_length=200)
    size = models.PositiveIntegerField("размер, байт")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "файл заявки"
        verbose_name_plural = "файлы заявки"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class AssignmentRole(models.TextChoices):
    EXPERT = "expert", "эксперт"
    JURY = "jury", "детское жюри (акция)"


class ExpertAssignment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="эксперт",
        on_delete=models.PROTECT,
        related_name="contest_assignments",
    )
    role = models.CharField(
        "роль", max_length=10, choices=AssignmentRole.choices, default=AssignmentRole.EXPERT
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField("оценка завершена", null=True, blank=True)
    rereview_reason = models.CharField(
        "повторное рассмотрение: почему", max_length=500, blank=True, validators=[validate_single_line_text]
    )

    class Meta:
        verbose_name = "назначение эксперта"
        verbose_name_plural = "назначения экспертов"
        constraints = [
            models.UniqueConstraint(fields=["application", "expert"], name="one_assignment_per_expert")
        ]
        indexes = [models.Index(fields=["expert", "submitted_at"], name="assignment_expert_done")]

    def __str__(self) -> str:
        return f"{self.expert} → {self.application_id}"


class Score(models.Model):
    assignment = models.ForeignKey(ExpertAssignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(
        "баллы", max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal(0))]
    )
    comment = models.CharField(
        "комментарий", max_length=2000, blank=True, validators=[validate_single_line_text]
    )

    class Meta:
        verbose_name = "оценка"
        verbose_name_plural = "оценки"
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="one_score_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.points} за критерий {self.criterion_id}"


class JuryScore(models.Model):
    """The children's jury scores the action «А у нас во дворе» (a jury-scored bonus item)."""

    assignment = models.OneToOneField(ExpertAssignment, on_delete=models.CASCADE, related_name="jury_score")
    item = models.ForeignKey(BonusItem, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(
        "баллы", max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal(0))]
    )
    comment = models.CharField(
        "комментарий", max_length=2000, blank=True, validators=[validate_single_line_text]
    )

    class Meta:
        verbose_name = "оценка детского жюри"
        verbose_name_plural = "оценки детского жюри"

    def __str__(self) -> str:
        return f"Детское жюри: {self.points}"


class BonusAward(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="bonuses")
    item = models.ForeignKey(BonusItem, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(
        "баллы", max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal(0))]
    )
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "подтверждённые дополнительные баллы"
        verbose_name_plural = "подтверждённые дополнительные баллы"
        constraints = [models.UniqueConstraint(fields=["application", "item"], name="one_bonus_per_item")]

    def __str__(self) -> str:
        return f"{self.item}: {self.points}"


class AwardKind(models.TextChoices):
    PLACE = "place", "место"
    SPECIAL = "special", "специальная награда"
    NOMINATION = "nomination", "номинация"


class Award(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="awards")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="awards")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField("вид", max_length=10, choices=AwardKind.choices)
    place = models.PositiveSmallIntegerField("место", null=True, blank=True)
    nomination = models.ForeignKey(
        Nomination, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField("награда", max_length=500, validators=[validate_single_line_text])
    score = models.DecimalField("итоговый балл", max_digits=7, decimal_places=2, null=True, blank=True)
    # Blank: the contest's organisers. A partner's award (a federal project, an agency, a fund) is
    # recorded with the partner's name and gets no diploma from the system, so nothing verifies it.
    awarding_body = models.CharField(
        "кем присуждена", max_length=300, blank=True, validators=[validate_single_line_text]
    )
    diploma_code = models.CharField("код проверки диплома", max_length=32, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = "награда"
        verbose_name_plural = "награды"
        ordering = ["contest", "category__order", "kind", "place", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def issued_by_system(self) -> bool:
        """Only the contest's own diplomas are issued (and so verifiable) here."""
        return bool(self.diploma_code)


class MediaPublication(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="publications")
    subject = models.ForeignKey("territories.Subject", on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(
        Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="publications"
    )
    date = models.DateField("дата", null=True, blank=True, validators=[validate_contest_past_date])
    outlet = models.CharField("СМИ", max_length=300, blank=True, validators=[validate_single_line_text])
    title = models.CharField("заголовок", max_length=500, blank=True, validators=[validate_single_line_text])
    url = models.URLField("ссылка", blank=True)
    about_action = models.BooleanField("об акции «А у нас во дворе»", default=False)

    class Meta:
        verbose_name = "публикация в СМИ"
        verbose_name_plural = "публикации в СМИ"
        indexes = [models.Index(fields=["contest", "subject"], name="publication_contest_subject")]

    def __str__(self) -> str:
        return self.title or f"Публикация № {self.pk}"


# ---- organisation of a contest: organisers and partners, the competition commission and its decision,
# the regulation, the events, the analytical sections of the results report ----------------------------


class OrganisationRole(models.TextChoices):
    ORGANISER = "organiser", "организатор"
    SUPPORT = "support", "при содействии"
    RESPONSIBLE = "responsible", "ответственный исполнитель"
    PARTNER = "partner", "партнёр"
    EXPERT = "expert", "эксперты"
    INFORMATION = "information", "информационная площадка"


class ContestOrganisation(models.Model):
    """Who organises a contest and who takes part in it as a partner, with what the report says of them."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="organisations")
    name = models.CharField("организация", max_length=300, validators=[validate_single_line_text])
    organisation_role = models.CharField("роль", max_length=12, choices=OrganisationRole.choices)
    basis = models.CharField(
        "что о ней сказано", max_length=1000, blank=True, validators=[validate_single_line_text]
    )
    source = models.CharField("источник", max_length=300, blank=True, validators=[validate_single_line_text])

    class Meta:
        verbose_name = "организатор или партнёр конкурса"
        verbose_name_plural = "организаторы и партнёры конкурса"
        ordering = ["contest", "organisation_role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "name", "organisation_role"],
                name="one_contest_organisation_role",
                violation_error_message="Эта организация уже записана в этой роли.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.get_organisation_role_display()}"


class MemberRole(models.TextChoices):
    CHAIR = "chair", "председатель"
    SECRETARY = "secretary", "секретарь"
    MEMBER = "member", "член комиссии"


class CommissionMember(models.Model):
    """A member of the competition commission that decides the winners."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="commission")
    full_name = models.CharField("ФИО", max_length=200, validators=[validate_single_line_text])
    position = models.CharField("должность", max_length=300, validators=[validate_single_line_text])
    organisation = models.CharField(
        "организация", max_length=300, blank=True, validators=[validate_single_line_text]
    )
    member_role = models.CharField(
        "роль в комиссии", max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER
    )

    class Meta:
        verbose_name = "член конкурсной комиссии"
        verbose_name_plural = "конкурсная комиссия"
        ordering = ["contest", "member_role", "full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contest"],
                condition=models.Q(member_role="chair"),
                name="one_commission_chair",
                violation_error_message="Председатель комиссии уже назначен.",
            ),
            models.UniqueConstraint(
                fields=["contest"],
                condition=models.Q(member_role="secretary"),
                name="one_commission_secretary",
                violation_error_message="Секретарь комиссии уже назначен.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_member_role_display()})"


class CommissionDecision(BaseModel):
    """The commission's decision that approves the list of winners; results are published only after it."""

    contest = models.OneToOneField(Contest, on_delete=models.CASCADE, related_name="decision")
    protocol_number = models.CharField(
        "номер протокола", max_length=50, validators=[validate_single_line_text]
    )
    date = models.DateField("дата заседания", validators=[validate_contest_past_date])
    approved_by = models.ForeignKey(
        CommissionMember,
        verbose_name="список победителей утвердил",
        on_delete=models.PROTECT,
        related_name="+",
    )
    members_present = models.PositiveSmallIntegerField("присутствовали членов комиссии")
    text = models.TextField("решение", max_length=5000, blank=True, validators=[validate_free_text])

    class Meta:
        verbose_name = "решение конкурсной комиссии"
        verbose_name_plural = "решения конкурсной комиссии"

    def __str__(self) -> str:
        return f"Протокол № {self.protocol_number} от {self.date:%d.%m.%Y}"


class ContestRegulation(BaseModel):
    """«Положение о Конкурсе»: the file checked by its content, always served as a download."""

    contest = models.OneToOneField(Contest, on_delete=models.CASCADE, related_name="regulation")
    title = models.CharField(
        "название", max_length=300, default="Положение о Конкурсе", validators=[validate_single_line_text]
    )
    file = models.FileField(upload_to="contests/regulations/%Y/")
    original_name = models.CharField("файл", max_length=200)
    size = models.PositiveIntegerField("размер, байт")

    class Meta:
        verbose_name = "положение о конкурсе"
        verbose_name_plural = "положения о конкурсах"

    def __str__(self) -> str:
        return self.title


class EventKind(models.TextChoices):
    MEETING = "meeting", "встреча участников конкурсов"
    FORUM = "forum", "выставка-форум «Вместе ради детей»"
    INTERNSHIP = "internship", "семинар-стажировка"


class ContestEvent(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="events")
    event_kind = models.CharField("вид", max_length=12, choices=EventKind.choices)
    title = models.CharField("мероприятие", max_length=300, validators=[validate_single_line_text])
    date = models.DateField("дата", null=True, blank=True, validators=[validate_contest_date])
    date_note = models.CharField(
        "когда (как в документе)", max_length=100, blank=True, validators=[validate_single_line_text]
    )
    place = models.CharField("место", max_length=200, blank=True, validators=[validate_single_line_text])
    description = models.TextField("описание", max_length=3000, blank=True, validators=[validate_free_text])
    source = models.CharField("источник", max_length=300, blank=True, validators=[validate_single_line_text])

    class Meta:
        verbose_name = "мероприятие конкурса"
        verbose_name_plural = "мероприятия конкурса"
        ordering = ["contest", "date", "id"]

    def __str__(self) -> str:
        return self.title


class SectionKind(models.TextChoices):
    TREND = "trend", "тенденции"
    ATTENTION = "attention", "направления работы, требующие внимания"
    GROWTH = "growth", "точки роста"
    CONCLUSION = "conclusion", "выводы"


SECTION_ORDER = [SectionKind.TREND, SectionKind.ATTENTION, SectionKind.GROWTH, SectionKind.CONCLUSION]


class ReportSection(models.Model):
    """One item of an analytical section of the contest's results report (trends, areas needing
    attention, growth points, conclusions), in the report's order."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="report_sections")
    section_kind = models.CharField("раздел", max_length=12, choices=SectionKind.choices)
    number = models.PositiveSmallIntegerField("№", validators=[MinValueValidator(1)])
    title = models.CharField("заголовок", max_length=500, blank=True, validators=[validate_single_line_text])
    text = models.TextField("текст", max_length=10000, blank=True, validators=[validate_free_text])
    source = models.CharField("источник", max_length=300, blank=True, validators=[validate_single_line_text])

    class Meta:
        verbose_name = "пункт аналитического раздела отчёта"
        verbose_name_plural = "аналитические разделы отчёта"
        ordering = ["contest", "section_kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "section_kind", "number"],
                name="one_report_section_item",
                violation_error_message="Пункт с этим номером в разделе уже есть.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_section_kind_display()}, {self.number}"
