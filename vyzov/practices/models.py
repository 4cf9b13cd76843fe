"""The library of practices: what municipalities and regions do that works, by theme (the 13 themes of
the contest criteria and the elements of the «Вызов» model), searchable in Russian."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from vyzov.core.models import BaseModel
from vyzov.core.validators import validate_free_text, validate_single_line_text


class ThemeSource(models.TextChoices):
    CONTEST = "contest", "тема конкурса (критерии 2017 г.)"
    VYZOV = "vyzov", "элемент модели «Вызов»"


class Theme(models.Model):
    source = models.CharField("источник", max_length=10, choices=ThemeSource.choices)
    number = models.PositiveSmallIntegerField("№")
    title = models.CharField("тема", max_length=500, validators=[validate_single_line_text])

    class Meta:
        verbose_name = "тема практик"
        verbose_name_plural = "темы практик"
        ordering = ["source", "number"]
        constraints = [models.UniqueConstraint(fields=["source", "number"], name="one_theme_number")]

    def __str__(self) -> str:
        return self.title


class Practice(BaseModel):
    title = models.CharField("практика", max_length=300, validators=[validate_single_line_text])
    theme = models.ForeignKey(
        Theme, verbose_name="тема", on_delete=models.PROTECT, null=True, blank=True, related_name="practices"
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
    settlement = models.CharField(
        "населённый пункт", max_length=200, blank=True, validators=[validate_single_line_text]
    )
    organization = models.CharField(
        "организация", max_length=300, blank=True, validators=[validate_single_line_text]
    )
    description = models.TextField("описание", max_length=20000, validators=[validate_free_text])
    results = models.TextField("результаты", max_length=10000, blank=True, validators=[validate_free_text])
    year = models.PositiveSmallIntegerField("год")
    category = models.CharField(
        "категория участника конкурса", max_length=300, blank=True, validators=[validate_single_line_text]
    )
    source_note = models.CharField(
        "источник", max_length=300, blank=True, validators=[validate_single_line_text]
    )
    search_text = models.TextField(editable=False, blank=True)
    search_vector = SearchVectorField(null=True, editable=False)

    access_paths = {"district": "subject__district", "subject": "subject", "municipality": "municipality"}
    view_permission = "practices.view"

    class Meta:
        verbose_name = "практика"
        verbose_name_plural = "практики"
        ordering = ["-year", "title"]
        indexes = [models.Index(fields=["year", "subject"], name="practice_year_subject")]

    def __str__(self) -> str:
        return self.title


class PracticeFile(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="practices/%Y/")
    original_name = models.CharField("файл", max_length=200)
    size = models.PositiveIntegerField("размер, байт")

    class Meta:
        verbose_name = "файл практики"
        verbose_name_plural = "файлы практик"

    def __str__(self) -> str:
        return self.original_name


class LibraryDocument(BaseModel):
    """A document of the programme's materials kept in the library: the regions' resolutions, protocols
    and methodical recommendations that the brochure gives as examples, the standard strategic-session
    scenario and presentation template. Where the materials give only the name, `note` says so."""

    title = models.CharField("документ", max_length=500, validators=[validate_single_line_text])
    kind_label = models.CharField("вид", max_length=100, blank=True, validators=[validate_single_line_text])
    subject = models.ForeignKey(
        "territories.Subject",
        verbose_name="субъект РФ",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    theme = models.ForeignKey(
        Theme,
        verbose_name="элемент модели",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.TextField("описание", max_length=5000, blank=True, validators=[validate_free_text])
    note = models.CharField("примечание", max_length=300, blank=True, validators=[validate_single_line_text])
    source = models.CharField("источник", max_length=300, blank=True, validators=[validate_single_line_text])

    class Meta:
        verbose_name = "документ библиотеки"
        verbose_name_plural = "документы библиотеки"
        ordering = ["subject__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["title", "source"],
                name="one_library_document",
                violation_error_message="Этот документ уже в библиотеке.",
            )
        ]

    def __str__(self) -> str:
        return self.title
