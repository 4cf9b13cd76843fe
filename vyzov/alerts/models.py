"""Signals about children at risk (001: «выявление и регистрация таких фактов, проверка сигнала»).

A specialist registers what was reported, by whom and when; the check is an assignment
(`consilium.ActionItem`, the system's one mechanism of assignments) with a responsible organisation,
person and deadline; the check ends with an outcome linked to the family and to what it led to.
"""

from __future__ import annotations

from django.db import models

from vyzov.core.models import BaseModel
from vyzov.core.validators import validate_free_text, validate_single_line_text, validate_work_date


class AlertSource(models.TextChoices):
    """Who reported (001: «работники образовательных организаций, учреждений здравоохранения, участковые
    инспекторы и инспекторы ПДН, представители общественных организаций, родственники, соседи»)."""

    SCHOOL = "school", "образовательная организация"
    HOSPITAL = "hospital", "медицинская организация"
    POLICE = "police", "полиция (участковый, ПДН)"
    SOCIAL = "social", "организация социального обслуживания"
    NEIGHBOURS = "neighbours", "соседи, родственники"
    HOTLINE = "hotline", "телефон доверия"
    NGO = "ngo", "общественная организация (НКО)"
    CITIZEN = "citizen", "гражданин лично"
    OTHER = "other", "другое"


class AlertStatus(models.TextChoices):
    REGISTERED = "registered", "зарегистрирован"
    CHECKING = "checking", "проверяется"
    CLOSED = "closed", "проверен"


class AlertOutcome(models.TextChoices):
    NOT_CONFIRMED = "not_confirmed", "не подтвердился"
    SOP = "sop", "подтвердился: семья поставлена на учёт (СОП)"
    TZHS = "tzhs", "подтвердился: семья признана находящейся в ТЖС"
    SUPPORT = "support", "подтвердился: открыто сопровождение семьи"
    CONSILIUM = "consilium", "подтвердился: случай направлен на консилиум"
    OTHER_MEASURES = "other", "подтвердился: приняты иные меры"


# Outcomes that need a family of the register (a status or a support case is about a family).
FAMILY_OUTCOMES = {AlertOutcome.SOP, AlertOutcome.TZHS, AlertOutcome.SUPPORT}


class Alert(BaseModel):
    """A signal about a child at risk, its check and the check's outcome."""

    subject = models.ForeignKey(
        "territories.Subject", verbose_name="субъект РФ", on_delete=models.PROTECT, related_name="+"
    )
    municipality = models.ForeignKey(
        "territories.Municipality",
        verbose_name="муниципальное образование",
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_on = models.DateField("дата поступления", validators=[validate_work_date])
    source = models.CharField("источник", max_length=16, choices=AlertSource.choices)
    source_detail = models.CharField(
        "кто сообщил",
        max_length=300,
        blank=True,
        help_text="Например: школа № 5, классный руководитель",
        validators=[validate_single_line_text],
    )
    content = models.TextField("что сообщили", max_length=5000, validators=[validate_free_text])
    family = models.ForeignKey(
        "cases.Family",
        verbose_name="семья",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    child = models.ForeignKey(
        "cases.Child",
        verbose_name="ребёнок",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    person_description = models.TextField(
        "о ком сигнал (если семьи нет в реестре)",
        max_length=2000,
        blank=True,
        help_text="Кто ребёнок и семья, где живут — всё, что известно",
        validators=[validate_free_text],
    )
    status = models.CharField(
        "состояние", max_length=12, choices=AlertStatus.choices, default=AlertStatus.REGISTERED
    )
    check_item = models.OneToOneField(
        "consilium.ActionItem",
        verbose_name="поручение о проверке",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField("итог проверки", max_length=16, choices=AlertOutcome.choices, blank=True)
    outcome_note = models.TextField(
        "результат проверки", max_length=5000, blank=True, validators=[validate_free_text]
    )
    checked_on = models.DateField(
        "дата завершения проверки", null=True, blank=True, validators=[validate_work_date]
    )
    family_case = models.ForeignKey(
        "support.FamilyCase",
        verbose_name="сопровождение семьи",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    access_paths = {"district": "subject__district", "subject": "subject", "municipality": "municipality"}
    view_permission = "cases.view_child"

    class Meta:
        verbose_name = "сигнал о ребёнке в опасности"
        verbose_name_plural = "сигналы о детях в опасности"
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["subject", "status", "received_on"], name="alert_subject_status")]
        constraints = [
            models.CheckConstraint(
                name="alert_closed_has_outcome",
                condition=~models.Q(status="closed") | ~models.Q(outcome=""),
                violation_error_message="У проверенного сигнала должен быть итог проверки.",
            ),
        ]

    def __str__(self) -> str:
        return f"Сигнал № {self.pk}"
