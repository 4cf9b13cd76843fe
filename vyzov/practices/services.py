"""Writes of the practice library: entered directly by the federal team and regions, or published from
an accepted contest application. Each keeps the search columns current."""

from __future__ import annotations

import csv
import secrets
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction

from vyzov.accounts.access import Perm, require
from vyzov.accounts.models import User
from vyzov.core.models import AuditAction
from vyzov.core.seeds import with_titles
from vyzov.core.services import audit_entry_create
from vyzov.core.text import normalize_for_search
from vyzov.core.uploads import check_upload
from vyzov.territories.models import Subject

from .models import LibraryDocument, Practice, PracticeFile, Theme, ThemeSource

DATA = Path(__file__).resolve().parent / "data"
CONTEST_DATA = Path(__file__).resolve().parents[1] / "contests" / "data"
FILE_TYPES = {
    ".pdf": b"%PDF",
    ".docx": b"PK\x03\x04",
    ".pptx": b"PK\x03\x04",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".png": b"\x89PNG",
}
MAX_FILE_BYTES = 20 * 1024 * 1024


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_themes() -> None:
    """The 13 themes of the 2017 criteria and the six elements of the «Вызов» regional system."""
    for row in _csv(CONTEST_DATA / "contest_2017_criteria.csv"):
        if row["kind"] == "критерий":
            Theme.objects.update_or_create(
                source=ThemeSource.CONTEST, number=int(row["no"]), defaults={"title": row["title"]}
            )
    for row in _csv(DATA / "vyzov_elements.csv"):
        Theme.objects.update_or_create(
            source=ThemeSource.VYZOV, number=int(row["item_no"]), defaults={"title": row["item_text"]}
        )


def refresh_search(practices: list[Practice]) -> None:
    """The normalised text (SQLite search) and, on PostgreSQL, the weighted `russian` tsvector."""
    for practice in practices:
        practice.search_text = normalize_for_search(
            " ".join(
                [
                    practice.title,
                    practice.description,
                    practice.results,
                    practice.organization,
                    practice.settlement,
                ]
            )
        )
    Practice.objects.bulk_update(practices, ["search_text"])
    if connection.vendor == "postgresql":
        Practice.objects.filter(pk__in=[p.pk for p in practices]).update(
            search_vector=(
                SearchVector("title", weight="A", config="russian")
                + SearchVector("description", "organization", "settlement", weight="B", config="russian")
                + SearchVector("results", weight="C", config="russian")
            )
        )


@transaction.atomic
def practice_create(
    *, actor: User, data: Mapping[str, Any], uploaded: UploadedFile[Any] | None = None
) -> Practice:
    practice = Practice(**data)
    require(actor, Perm.PRACTICES_EDIT, practice)
    if practice.municipality is not None and practice.municipality.subject_id != practice.subject_id:
        raise ValidationError({"municipality": "Муниципалитет из другого субъекта РФ."})
    if practice.municipality is not None and not practice.settlement:
        practice.settlement = practice.municipality.name
    practice.full_clean()
    practice.created_by = practice.updated_by = actor
    practice.save()
    if uploaded is not None:
        file_add(actor=actor, practice=practice, uploaded=uploaded)
    refresh_search([practice])
    audit_entry_create(
        actor=actor, action=AuditAction.CREATE, target=practice, subject_id=practice.subject_id
    )
    return practice


@transaction.atomic
def file_add(*, actor: User, practice: Practice, uploaded: UploadedFile[Any]) -> PracticeFile:
    require(actor, Perm.PRACTICES_EDIT, practice)
    suffix = check_upload(uploaded, allowed=FILE_TYPES, max_bytes=MAX_FILE_BYTES)
    stored = PracticeFile(
        practice=practice, original_name=(uploaded.name or "")[-200:], size=uploaded.size or 0
    )
    stored.file.save(f"practice-{practice.pk}-{secrets.token_hex(6)}{suffix}", uploaded, save=False)
    stored.save()
    return stored


@dataclass(frozen=True)
class PracticeToPublish:
    """A practice described elsewhere (a contest application) that goes to the library as it is."""

    title: str
    theme_title: str  # matched against the contest themes (as contests copy their criteria)
    subject_id: int
    municipality_id: int | None
    settlement: str
    organization: str
    description: str
    results: str
    year: int
    category: str
    source_note: str


def practices_publish(*, actor: User, items: Sequence[PracticeToPublish]) -> list[Practice]:
    """Practices described elsewhere go to the library under their theme, in the order given. The caller
    (contests) decides which are due and keeps the link to what it published."""
    themes = {
        normalize_for_search(theme.title): theme for theme in Theme.objects.filter(source=ThemeSource.CONTEST)
    }
    created = [
        Practice.objects.create(
            title=item.title,
            theme=themes.get(normalize_for_search(item.theme_title)),
            subject_id=item.subject_id,
            municipality_id=item.municipality_id,
            settlement=item.settlement,
            organization=item.organization,
            description=item.description,
            results=item.results,
            year=item.year,
            category=item.category,
            source_note=item.source_note,
            created_by=actor,
            updated_by=actor,
        )
        for item in items
    ]
    refresh_search(created)
    return created


@transaction.atomic
def load_reference_practices() -> int:
    """Practices and documents named in the sources: the cities' figures from the 2016/2017 contest reports
    (grouped by city and criterion), every practice the reports name (`data/report_practices.csv`) and
    the brochure's example documents (`data/programme_documents.csv`). Each part once."""
    created = 0
    load_themes()
    if not Practice.objects.filter(source_note__startswith="Отчёт о конкурсе").exists():
        created += _load_figure_practices()
    created += load_report_practices()
    created += load_library_documents()
    return created


def _load_figure_practices() -> int:
    subjects = {s.code: s for s in Subject.objects.all()}
    contest_themes = {t.number: t for t in Theme.objects.filter(source=ThemeSource.CONTEST)}
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in _csv(CONTEST_DATA / "contest_practice_figures.csv"):
        if row["settlement"] and row["subject_code"]:
            groups[(row["year"], row["settlement"], row["subject_code"], row["criterion_no"])].append(row)
    practices = []
    for (year, settlement, code, criterion), figures in groups.items():
        theme = contest_themes.get(int(criterion)) if criterion else None
        practices.append(
            Practice(
                title=f"{settlement}: {theme.title if theme else figures[0]['figure']}"[:300],
                theme=theme,
                subject=subjects[code],
                settlement=settlement,
                year=int(year),
                description="; ".join(f"{f['figure']} — {f['value_as_in_seed']}" for f in figures),
                results=figures[0]["period"],
                source_note=with_titles(f"Отчёт о конкурсе {year} г. ({figures[0]['source']})")[:300],
            )
        )
    Practice.objects.bulk_create(practices)
    refresh_search(list(Practice.objects.filter(search_text="")))
    return len(practices)


REPORT_PRACTICE_NOTE = "Практика, названная в отчёте о конкурсе"


@transaction.atomic
def load_report_practices() -> int:
    """Every practice the 2016 and 2017 contest reports name, with its city, subject and year, the
    description quoted from the report; under the 2017 criterion whose heading it appears under. Once."""
    if Practice.objects.filter(source_note__startswith=REPORT_PRACTICE_NOTE).exists():
        return 0
    load_themes()
    subjects = {s.code: s for s in Subject.objects.all()}
    contest_themes = {t.number: t for t in Theme.objects.filter(source=ThemeSource.CONTEST)}
    practices = [
        Practice(
            title=row["title"][:300],
            theme=contest_themes.get(int(row["criterion_no"])) if row["criterion_no"] else None,
            subject=subjects[row["subject_code"]],
            settlement=row["settlement"],
            year=int(row["year"]),
            description=row["description"],
            source_note=with_titles(f"{REPORT_PRACTICE_NOTE} {row['year']} г. ({row['source']})")[:300],
        )
        for row in _csv(DATA / "report_practices.csv")
    ]
    for practice in practices:
        practice.full_clean(exclude=["subject", "theme"])
    Practice.objects.bulk_create(practices)
    refresh_search(list(Practice.objects.filter(source_note__startswith=REPORT_PRACTICE_NOTE)))
    return len(practices)


# Where a regional «Вызов» material is about one element of the model, this word in it says which.
ELEMENT_WORDS = {"куратор": 2, "консилиум": 3, "рабочей групп": 1, "нко": 4, "служб": 5, "ресурсно": 6}


def _element(text: str) -> int | None:
    text = text.casefold()
    found = sorted((text.find(word), number) for word, number in ELEMENT_WORDS.items() if word in text)
    return found[0][1] if found else None


@transaction.atomic
def load_library_documents() -> int:
    """The brochure's example documents of the pilot regions and the materials attached to it (the
    strategic-session scenario and presentation template among them), as the brochure names them. Once."""
    if LibraryDocument.objects.exists():
        return 0
    load_themes()
    subjects = {s.code: s for s in Subject.objects.all()}
    element_themes = {t.number: t for t in Theme.objects.filter(source=ThemeSource.VYZOV)}
    documents = []
    for row in _csv(DATA / "programme_documents.csv"):
        element = _element(row["title"])
        document = LibraryDocument(
            title=row["title"],
            kind_label=row["kind"],
            subject=subjects[row["subject_code"]] if row["subject_code"] else None,
            theme=element_themes.get(element) if element else None,
            description=row["description"],
            note=row["note"],
            source=with_titles(row["source"])[:300],
        )
        document.full_clean(exclude=["subject", "theme"], validate_constraints=False)
        documents.append(document)
    LibraryDocument.objects.bulk_create(documents)
    return len(documents)
