"""Targeted aid by the regional NGO operators: funds and their incomes, aid requests with the seed's
forms of aid and eligibility checklist, approvals within the fund's balance, payments and outcomes."""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from vyzov.core.models import BaseModel
from vyzov.core.numbers import format_rub
from vyzov.core.validators import validate_free_text, validate_single_line_text, validate_work_date


class _Money(TypedDict):
    max_digits: int
    decimal_places: int


MONEY: _Money = {"max_digits": 14, "decimal_places": 2}
MIN_AMOUNT = Decimal("0.01")
MAX_AMOUNT = Decimal("5000000")  # a single form of aid above 5 million roubles is not plausible


class Operator(BaseModel):
    """The regional NGO operator: an organisation of kind НКО, one per region."""

    organization = models.OneToOneField(
        "territories.Organization", verbose_name="НКО", on_delete=models.PROTECT, related_name="aid_operator"
    )
    subject = models.ForeignKey(
        "territories.Subject", verbose_name="субъект РФ", on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField("действует", default=True)
    # The appointment (004, «НКО – региональный оператор»: criteria of the choice and the operator's tasks).
    # Each criterion and role: yes, no, or not assessed (empty); nullable columns add no table rebuild.
    appointed_on = models.DateField("дата назначения", null=True, blank=True, validators=[validate_work_date])
    criterion_presidential_grants = models.BooleanField(
        "опыт работы с Фондом президентских грантов (преимущество)", null=True, blank=True
    )
    criterion_property_staff = models.BooleanField(
        "имущество, штатные сотрудники, значимый годовой оборот", null=True, blank=True
    )
    criterion_reputation = models.BooleanField("хорошая репутация в социальной сфере", null=True, blank=True)
    criterion_cooperation = models.BooleanField(
        "готовность и возможность сотрудничать с государством", null=True, blank=True
    )
    criterion_family_help = models.BooleanField(
        "опыт помощи семьям в ТЖС (гуманитарной, юридической, социальной, психологической)",
        null=True,
        blank=True,
    )
    selection_note = models.TextField(  # noqa: DJ001 (nullable: an added column without a table rebuild)
        "обоснование выбора", max_length=3000, null=True, blank=True, validators=[validate_free_text]
    )
    role_fund_manager = models.BooleanField(
        "оператор внебюджетных средств проекта «Вызов»", null=True, blank=True
    )
    role_leading_operator = models.BooleanField(
        "ведущий оператор региона по профилактике социального сиротства, в т. ч. по адресной помощи",
        null=True,
        blank=True,
    )
    role_resource_ngo = models.BooleanField(
        "ресурсная НКО для других общественных организаций", null=True, blank=True
    )

    access_paths = {"district": "subject__district", "subject": "subject", "organization": "organization"}
    view_permission = "ngo_aid.view"

    CRITERIA = (
        "criterion_presidential_grants",
        "criterion_property_staff",
        "criterion_reputation",
        "criterion_cooperation",
        "criterion_family_help",
    )
    ROLES = ("role_fund_manager", "role_leading_operator", "role_resource_ngo")

    class Meta:
        verbose_name = "НКО-оператор"
        verbose_name_plural = "НКО-операторы"
        ordering = ["subject__name"]

    def __str__(self) -> str:
        return str(self.organization)


class Fund(BaseModel):
    """The operator's fund. Its balance is always computed (incomes − approvals), never typed."""

    operator = models.OneToOneField(
        Operator, verbose_name="оператор", on_delete=models.PROTECT, related_name="fund"
    )
    title = models.CharField(
        "название", max_length=200, default="Фонд адресной помощи", validators=[validate_single_line_text]
    )

    access_paths = {
        "district": "operator__subject__district",
        "subject": "operator__subject",
        "organization": "operator__organization",
    }
    view_permission = "ngo_aid.view"

    class Meta:
        verbose_name = "фонд"
        verbose_name_plural = "фонды"

    def __str__(self) -> str:
        return f"{self.title}: {self.operator}"

    @property
    def audit_subject_id(self) -> int:
        return self.operator.subject_id


class IncomeSource(models.TextChoices):
    EXTRABUDGETARY = "extrabudgetary", "внебюджетные средства"
    GRANT = "grant", "грант"
    DONATIONS = "donations", "пожертвования"
    SUBSIDY = "subsidy", "субсидия"


class FundIncome(BaseModel):
    fund = models.ForeignKey(Fund, verbose_name="фонд", on_delete=models.PROTECT, related_name="incomes")
    source = models.CharField("источник", max_length=20, choices=IncomeSource.choices)
    amount = models.DecimalField(
        "сумма, руб.",
        **MONEY,
        validators=[MinValueValidator(MIN_AMOUNT), MaxValueValidator(Decimal("1000000000"))],
    )
    received_on = models.DateField("дата поступления", validators=[validate_work_date])
    document = models.CharField(
        "документ",
        max_length=200,
        help_text="Договор, соглашение, платёжное поручение…",
        validators=[validate_single_line_text],
    )

    access_paths = Fund.access_paths | {k: f"fund__{v}" for k, v in Fund.access_paths.items()}
    view_permission = "ngo_aid.view"

    class Meta:
        verbose_name = "поступление"
        verbose_name_plural = "поступления"
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {format_rub(self.amount)}"

    @property
    def audit_subject_id(self) -> int:
        return self.fund.operator.subject_id


class AidForm(models.Model):
    """A form of material aid (002 lists 16); the federal team may add more."""

    code = models.SlugField("код", max_length=50, unique=True)
    title = models.CharField("форма помощи", max_length=400, validators=[validate_single_line_text])
    condition = models.CharField(
        "условие", max_length=400, blank=True, validators=[validate_single_line_text]
    )
    order = models.PositiveSmallIntegerField("порядок", default=0)
    is_active = models.BooleanField("используется", default=True)

    class Meta:
        verbose_name = "форма помощи"
        verbose_name_plural = "формы помощи"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.title


class RequestStatus(models.TextChoices):
    DRAFT = "draft", "черновик"
    SUBMITTED = "submitted", "на рассмотрении"
    RETURNED = "returned", "возвращена на доработку"
    APPROVED = "approved", "одобрена"
    REJECTED = "rejected", "отклонена"
    PAID = "paid", "оплачена"
    REPORTED = "reported", "результат внесён"
    WITHDRAWN = "withdrawn", "отозвана"


COMMITTED_STATUSES = (RequestStatus.APPROVED, RequestStatus.PAID, RequestStatus.REPORTED)


class ReferralChannel(models.TextChoices):
    CONSILIUM = "consilium", "решение межведомственного консилиума"
    CURATOR = "curator", "региональный куратор"
    SERVICE = "service", "служба «Дети в семье»"
    GUARDIANSHIP = "guardianship", "орган опеки и попечительства"
    ADMINISTRATION = (
        "administration",
        "администрация муниципалитета, учреждение, уполномоченный по правам ребёнка",
    )
    FAMILY = "family", "прямое обращение семьи"


class Outcome(models.TextChoices):
    RISK_REMOVED = "risk_removed", "риск разлучения снят"
    RETURNED_HOME = "returned_home", "ребёнок вернулся в семью"
    PLACEMENT_PREVENTED = "placement_prevented", "помещение в учреждение предотвращено"
    RIGHTS_RESTORED = "rights_restored", "ограничение отменено / права восстановлены"
    NO_EFFECT = "no_effect", "ситуация не изменилась"
    OTHER = "other", "иное"


class AidRequest(BaseModel):
    operator = models.ForeignKey(
        Operator, verbose_name="НКО-оператор", on_delete=models.PROTECT, related_name="requests"
    )
    subject = models.ForeignKey(
        "territories.Subject", verbose_name="субъект РФ", on_delete=models.PROTECT, related_name="+"
    )
    family = models.ForeignKey(
        "cases.Family", verbose_name="семья", on_delete=models.PROTECT, related_name="aid_requests"
    )
    children = models.ManyToManyField("cases.Child", verbose_name="дети", blank=True, related_name="+")
    children_count = models.PositiveSmallIntegerField(
        "детей в семье", validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    channel = models.CharField("кто направил", max_length=20, choices=ReferralChannel.choices)
    referring_organization = models.ForeignKey(
        "territories.Organization",
        verbose_name="направившая организация",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="направил",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    consilium_decision = models.ForeignKey(
        "consilium.Decision",
        verbose_name="решение консилиума",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    justification = models.TextField("обоснование", max_length=5000, validators=[validate_free_text])
    eligibility = models.JSONField("проверка условий", default=dict, blank=True)
    status = models.CharField(
        "состояние", max_length=12, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    approved_amount = models.DecimalField("одобрено, руб.", **MONEY, null=True, blank=True)
    decision_note = models.TextField(
        "причина отказа / возврата", blank=True, max_length=2000, validators=[validate_free_text]
    )
    decided_at = models.DateTimeField("решение принято", null=True, blank=True)
    outcome = models.CharField("результат для семьи", max_length=24, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(
        "пояснение к результату", blank=True, max_length=2000, validators=[validate_free_text]
    )

    access_paths = {
        "district": "subject__district",
        "subject": "subject",
        "organization": "operator__organization",
    }
    view_permission = "ngo_aid.view"

    class Meta:
        verbose_name = "заявка на помощь"
        verbose_name_plural = "заявки на помощь"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject", "status"], name="aid_subject_status")]

    def __str__(self) -> str:
        return f"Заявка № {self.pk}"

    @property
    def requested_amount(self) -> Decimal:
        return sum((line.amount or Decimal(0) for line in self.lines.all()), Decimal(0))

    @property
    def is_editable(self) -> bool:
        return self.status in (RequestStatus.DRAFT, RequestStatus.RETURNED)


class AidRequestLine(models.Model):
    request = models.ForeignKey(AidRequest, on_delete=models.CASCADE, related_name="lines")
    form = models.ForeignKey(AidForm, verbose_name="форма помощи", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(
        "сумма, руб.",
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_AMOUNT), MaxValueValidator(MAX_AMOUNT)],
    )
    in_kind = models.CharField(
        "в натуральной форме", max_length=300, blank=True, validators=[validate_single_line_text]
    )

    class Meta:
        verbose_name = "форма помощи в заявке"
        verbose_name_plural = "формы помощи в заявке"

    def __str__(self) -> str:
        return f"{self.form}: {format_rub(self.amount) if self.amount is not None else self.in_kind}"

    def clean(self) -> None:
        if self.amount is None and not self.in_kind.strip():
            raise ValidationError("Укажите сумму или описание помощи в натуральной форме.")


class Payment(BaseModel):
    request = models.ForeignKey(
        AidRequest, verbose_name="заявка", on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(
        "сумма, руб.", **MONEY, validators=[MinValueValidator(MIN_AMOUNT), MaxValueValidator(MAX_AMOUNT)]
    )
    paid_on = models.DateField("дата оплаты", validators=[validate_work_date])
    payee = models.CharField("получатель", max_length=300, validators=[validate_single_line_text])
    document = models.CharField("платёжный документ", max_length=200, validators=[validate_single_line_text])

    access_paths = {k: f"request__{v}" for k, v in AidRequest.access_paths.items()}
    view_permission = "ngo_aid.view"

    class Meta:
        verbose_name = "выплата"
        verbose_name_plural = "выплаты"
        ordering = ["paid_on", "id"]

    def __str__(self) -> str:
        return f"{format_rub(self.amount)} {self.paid_on:%d.%m.%Y}"

    @property
    def audit_subject_id(self) -> int:
        return self.request.subject_id


class RegionalMeasure(BaseModel):
    """A regional support measure already granted to a family: aid the NGO operator must not duplicate."""

    family = models.ForeignKey(
        "cases.Family", verbose_name="семья", on_delete=models.PROTECT, related_name="regional_measures"
    )
    form = models.ForeignKey(AidForm, verbose_name="форма помощи", on_delete=models.PROTECT, related_name="+")
    granted_on = models.DateField("назначена", validators=[validate_work_date])
    document = models.CharField("документ", max_length=200, validators=[validate_single_line_text])

    access_paths = {
        "district": "family__subject__district",
        "subject": "family__subject",
        "municipality": "family__municipality",
    }
    view_permission = "ngo_aid.view"

    class Meta:
        verbose_name = "региональная мера поддержки"
        verbose_name_plural = "региональные меры поддержки"

    def __str__(self) -> str:
        return f"{self.form} ({self.granted_on:%d.%m.%Y})"
