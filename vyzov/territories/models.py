"""The territory tree (federal district → subject → municipality) and organisations.

Each model that the access policy scopes declares `access_paths`: for every level of a grant
(district, subject, municipality, organisation), the lookup that leads from a row to that level.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from vyzov.core.models import BaseModel
from vyzov.core.text import normalize_for_search
from vyzov.core.validators import validate_single_line_text


class FederalDistrict(models.Model):
    code = models.CharField("код", max_length=8, unique=True)
    name = models.CharField("название", max_length=100, unique=True)
    centre = models.CharField("центр", max_length=100, blank=True)

    access_paths = {"district": "pk"}
    view_permission = "territories.view"

    class Meta:
        verbose_name = "федеральный округ"
        verbose_name_plural = "федеральные округа"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Subject(models.Model):
    code = models.CharField(
        "код",
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^\d{2}$", "Код субъекта — две цифры.")],
    )
    name = models.CharField("название", max_length=150, unique=True)
    district = models.ForeignKey(
        FederalDistrict, verbose_name="федеральный округ", on_delete=models.PROTECT, related_name="subjects"
    )
    kind = models.CharField("вид", max_length=40)
    admin_centre = models.CharField("административный центр", max_length=100, blank=True)
    timezone = models.CharField("часовой пояс", max_length=64)
    child_population = models.PositiveIntegerField(
        "детское население (0–17 лет)",
        null=True,
        blank=True,
        help_text="Численность детей в субъекте; пусто, если не загружена.",
    )
    is_pilot = models.BooleanField("пилотный регион «Вызова»", default=False)
    aliases = models.CharField("другие названия", max_length=300, blank=True)

    access_paths = {"district": "district", "subject": "pk"}
    view_permission = "territories.view"

    class Meta:
        verbose_name = "субъект РФ"
        verbose_name_plural = "субъекты РФ"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MunicipalityKind(models.TextChoices):
    URBAN_OKRUG = "urban_okrug", "городской округ"
    MUNICIPAL_DISTRICT = "municipal_district", "муниципальный район"
    MUNICIPAL_OKRUG = "municipal_okrug", "муниципальный округ"
    URBAN_SETTLEMENT = "urban_settlement", "городское поселение"
    RURAL_SETTLEMENT = "rural_settlement", "сельское поселение"
    INTRACITY_TERRITORY = "intracity_territory", "внутригородская территория"


class Municipality(models.Model):
    subject = models.ForeignKey(
        Subject, verbose_name="субъект РФ", on_delete=models.PROTECT, related_name="municipalities"
    )
    name = models.CharField("название", max_length=200)
    kind = models.CharField("вид", max_length=32, choices=MunicipalityKind.choices)
    population = models.PositiveIntegerField("население", null=True, blank=True)
    is_regional_centre = models.BooleanField("административный центр субъекта", default=False)
    search_name = models.CharField(max_length=200, editable=False, db_index=True)

    access_paths = {"district": "subject__district", "subject": "subject", "municipality": "pk"}
    view_permission = "territories.view"

    class Meta:
        verbose_name = "муниципальное образование"
        verbose_name_plural = "муниципальные образования"
        ordering = ["subject__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "name", "kind"], name="municipality_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_name = normalize_for_search(self.name)
        super().save(*args, **kwargs)


class OrganizationKind(models.TextChoices):
    ORPHAN_INSTITUTION = "orphan_institution", "организация для детей-сирот"
    SOCIAL_INSTITUTION = "social_institution", "социозащитное учреждение"
    FAMILY_SERVICE = "family_service", "служба «Дети в семье»"
    NGO = "ngo", "некоммерческая организация"
    GUARDIANSHIP_BODY = "guardianship_body", "орган опеки и попечительства"
    MINORS_COMMISSION = "minors_commission", "комиссия по делам несовершеннолетних (КДНиЗП)"
    RESOURCE_CENTRE = "resource_centre", "ресурсно-методический центр"
    REGIONAL_AUTHORITY = "regional_authority", "орган исполнительной власти субъекта"
    MUNICIPAL_ADMINISTRATION = "municipal_administration", "администрация муниципального образования"
    EDUCATION = "education", "образовательная организация"
    HEALTH = "health", "медицинская организация"
    OTHER = "other", "иная организация"


class Organization(BaseModel):
    name = models.CharField("полное название", max_length=300, validators=[validate_single_line_text])
    short_name = models.CharField(
        "краткое название", max_length=150, blank=True, validators=[validate_single_line_text]
    )
    kind = models.CharField("тип", max_length=32, choices=OrganizationKind.choices)
    subject = models.ForeignKey(
        Subject, verbose_name="субъект РФ", on_delete=models.PROTECT, related_name="organizations"
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name="муниципальное образование",
        on_delete=models.PROTECT,
        related_name="organizations",
        null=True,
        blank=True,
        help_text="Пусто для организаций регионального уровня.",
    )
    address = models.CharField("адрес", max_length=300, blank=True, validators=[validate_single_line_text])
    capacity = models.PositiveIntegerField(
        "проектная мощность (мест)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5000)],
    )
    inn = models.CharField(
        "ИНН",
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^(\d{10}|\d{12})$", "ИНН — 10 цифр (организация) или 12 цифр.")],
    )
    phone = models.CharField("телефон", max_length=50, blank=True)
    email = models.EmailField("электронная почта", blank=True)
    website = models.URLField("сайт", blank=True)
    is_active = models.BooleanField("действует", default=True)
    search_name = models.CharField(max_length=450, editable=False, db_index=True)

    access_paths = {
        "district": "subject__district",
        "subject": "subject",
        "municipality": "municipality",
        "organization": "pk",
    }
    view_permission = "territories.view"

    class Meta:
        verbose_name = "организация"
        verbose_name_plural = "организации"
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["subject", "kind"], name="org_subject_kind")]

    def __str__(self) -> str:
        return self.short_name or self.name

    derived_fields = ("search_name",)

    def compute_derived(self) -> None:
        self.search_name = normalize_for_search(f"{self.name} {self.short_name}")

    def clean(self) -> None:
        if self.municipality_id and self.subject_id and self.municipality.subject_id != self.subject_id:
            raise ValidationError(
                {"municipality": "Муниципальное образование относится к другому субъекту РФ."}
            )
