"""Users and their grants: (role, scope). What a role may do is declared in access.py."""

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from vyzov.core.text import normalize_for_search
from vyzov.core.validators import validate_person_name, validate_single_line_text


class Role(models.TextChoices):
    FEDERAL_ADMIN = "federal_admin", "Администратор федерального уровня"
    FEDERAL_ANALYST = "federal_analyst", "Аналитик федеральной команды"
    REGIONAL_CURATOR = "regional_curator", "Региональный куратор"
    REGIONAL_SPECIALIST = "regional_specialist", "Специалист регионального министерства / МРГ"
    MUNICIPAL_SPECIALIST = "municipal_specialist", "Муниципальный специалист"
    INSTITUTION_STAFF = "institution_staff", "Сотрудник организации для детей-сирот"
    SERVICE_SPECIALIST = "service_specialist", "Специалист службы «Дети в семье»"
    NGO_OPERATOR = "ngo_operator", "Сотрудник регионального НКО-оператора"
    CONTEST_PARTICIPANT = "contest_participant", "Участник конкурса (муниципалитет)"
    CONTEST_EXPERT = "contest_expert", "Эксперт конкурса"
    ANALYST = "analyst", "Аналитик / информационный партнёр"


class ScopeLevel(models.TextChoices):
    COUNTRY = "country", "Российская Федерация"
    DISTRICT = "district", "Федеральный округ"
    SUBJECT = "subject", "Субъект РФ"
    MUNICIPALITY = "municipality", "Муниципальное образование"
    ORGANIZATION = "organization", "Организация"


class User(AbstractUser):
    full_name = models.CharField("ФИО", max_length=200, validators=[validate_person_name])
    position = models.CharField(
        "должность", max_length=200, blank=True, validators=[validate_single_line_text]
    )
    phone = models.CharField("телефон", max_length=50, blank=True)
    home_subject = models.ForeignKey(
        "territories.Subject",
        verbose_name="субъект РФ, где работает",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Для часового пояса и для проверки конфликта интересов экспертов.",
    )

    search_name = models.CharField(max_length=400, editable=False, db_index=True, default="")
    # Raised on every change of the user's grants (signals.py): the row is read on every request anyway,
    # so a process may keep the grants it loaded for (user, version) and know when they are stale.
    grants_version = models.PositiveIntegerField(default=0, editable=False)

    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        verbose_name = "пользователь"
        verbose_name_plural = "пользователи"
        ordering = ["full_name", "username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def audit_subject_id(self) -> int | None:
        return self.home_subject_id

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_name = normalize_for_search(f"{self.full_name} {self.username} {self.email}")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_name"} - {"grants_version"}
        elif not self._state.adding and self.pk is not None and not kwargs.get("force_insert"):
            # grants_version is raised by a single UPDATE when grants change; a user object loaded
            # before that must not write its older number back.
            kwargs["update_fields"] = {
                field.name for field in self._meta.concrete_fields if not field.primary_key
            } - {"grants_version"}
        super().save(*args, **kwargs)


class Grant(models.Model):
    """One role of a user over one part of the territory tree.

    Every ancestor of the scope is stored too (an organisation grant also names its municipality,
    subject and district), so the policy can filter by whichever level a table has.
    """

    user = models.ForeignKey(
        User, verbose_name="пользователь", on_delete=models.CASCADE, related_name="grants"
    )
    role = models.CharField("роль", max_length=32, choices=Role.choices)
    level = models.CharField("уровень", max_length=16, choices=ScopeLevel.choices)
    district = models.ForeignKey(
        "territories.FederalDistrict", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject = models.ForeignKey(
        "territories.Subject", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    municipality = models.ForeignKey(
        "territories.Municipality", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(
        "territories.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("выдано", auto_now_add=True)
    created_by = models.ForeignKey(
        User, verbose_name="кто выдал", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    access_paths = {
        "district": "district",
        "subject": "subject",
        "municipality": "municipality",
        "organization": "organization",
    }

    class Meta:
        verbose_name = "право доступа"
        verbose_name_plural = "права доступа"
        constraints = [
            models.CheckConstraint(
                name="grant_scope_matches_level",
                condition=(
                    Q(level="country", district__isnull=True, subject__isnull=True)
                    | Q(level="district", district__isnull=False, subject__isnull=True)
                    | Q(
                        level="subject",
                        subject__isnull=False,
                        municipality__isnull=True,
                        organization__isnull=True,
                    )
                    | Q(level="municipality", municipality__isnull=False, organization__isnull=True)
                    | Q(level="organization", organization__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.scope_label}"

    @property
    def scope_label(self) -> str:
        target = {
            ScopeLevel.DISTRICT: self.district,
            ScopeLevel.SUBJECT: self.subject,
            ScopeLevel.MUNICIPALITY: self.municipality,
            ScopeLevel.ORGANIZATION: self.organization,
        }.get(self.level)
        return str(target) if target else ScopeLevel.COUNTRY.label

    @property
    def audit_subject_id(self) -> int | None:
        return self.subject_id
