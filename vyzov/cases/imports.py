"""XLSX import of a region's list of children in institutions (one row per child with placement).

The whole file is checked first; nothing is written unless every row is valid, or until the user
explicitly asks to load the valid rows and keep a report of the rest. Every problem is reported
as (row, column, message) in Russian.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from openpyxl.styles import Font

from vyzov.accounts.models import User
from vyzov.core.models import AuditAction
from vyzov.core.services import audit_entry_create
from vyzov.core.text import normalize_for_search, normalize_text
from vyzov.core.validators import normalize_birth_certificate, normalize_snils
from vyzov.core.xlsx import (
    FORMULA_MESSAGE,
    TableColumn,
    XlsxFileError,
    XlsxTable,
    XlsxTimeLimitError,
    cell_date,
    check_xlsx_upload,
    new_workbook,
    workbook_bytes,
)
from vyzov.territories.models import Municipality, Organization, Subject

from .models import (
    PLACEMENT_ORGANIZATION_KINDS,
    Case,
    Child,
    Event,
    EventKind,
    ImportJob,
    ImportStatus,
    LegalStatus,
    Placement,
    PlacementKind,
    RouteGoal,
    Sex,
)
from .selectors import CROSS_REGION_DUPLICATE, DUPLICATE_RULES, duplicate_keys

MAX_FILE_BYTES = getattr(settings, "VYZOV_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
MAX_ROWS = getattr(settings, "VYZOV_IMPORT_MAX_ROWS", 20_000)
MAX_STORED_ERRORS = 5_000
logger = logging.getLogger(__name__)
PROGRESS_EVERY = 250


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    required: bool
    example: Any


COLUMNS = [
    Column("last_name", "Фамилия", True, "Тестова"),
    Column("first_name", "Имя", True, "Анна"),
    Column("middle_name", "Отчество", False, "Ивановна"),
    Column("birth_date", "Дата рождения", True, "12.05.2015"),
    Column("sex", "Пол (м/ж)", True, "ж"),
    Column("snils", "СНИЛС", False, "112-233-445 95"),
    Column("birth_certificate", "Свидетельство о рождении", False, "IV-МЮ 123456"),
    Column("legal_status", "Правовой статус", True, LegalStatus.HAS_PARENTS.label),
    Column("has_living_parents", "Есть живые родители (да/нет)", False, "да"),
    Column("disability", "Инвалидность (да/нет)", False, "нет"),
    Column("municipality", "Муниципальное образование", True, "Барнаул"),
    Column("organization", "Организация (название или ИНН)", True, "Центр содействия № 1"),
    Column("placement_kind", "Вид устройства", True, PlacementKind.TEMPORARY_PARENTS_REQUEST.label),
    Column("start_date", "Дата помещения", True, "01.09.2025"),
    Column("basis", "Основание помещения", True, "Заявление матери от 28.08.2025"),
    Column("planned_end_date", "Срок временного помещения до", False, "01.03.2026"),
    Column("goal", "Цель маршрута", False, RouteGoal.RETURN_HOME.label),
]
COLUMN_TITLES = {column.key: column.title for column in COLUMNS}


class ImportFileError(XlsxFileError):
    """The file as a whole cannot be read; the message says why, in Russian."""


@dataclass
class ParsedRow:
    row_number: int
    child: Child
    placement: Placement
    goal: str


@dataclass
class ValidationResult:
    total_rows: int = 0
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    # Likely duplicates in another region: (row, child pk, what matches) — for the federal team only.
    cross_region: list[tuple[int, int, str]] = field(default_factory=list)


# ---- reading the file ---------------------------------------------------------------------------


def check_upload(source) -> None:
    """Refuse what is not a readable XLSX before anything is stored (bytes or the upload object)."""
    try:
        check_xlsx_upload(source, max_bytes=MAX_FILE_BYTES)
    except XlsxFileError as error:
        raise ImportFileError(str(error)) from None


TABLE_COLUMNS = [TableColumn(column.key, column.title, column.required) for column in COLUMNS]
ROW_POSITIONS = {column.key: index for index, column in enumerate(COLUMNS)}


def _open_table(source) -> XlsxTable:
    try:
        table = XlsxTable(source, columns=TABLE_COLUMNS, max_bytes=MAX_FILE_BYTES, max_rows=MAX_ROWS)
    except XlsxFileError as error:
        raise ImportFileError(str(error)) from None
    if table.missing_columns:
        table.close()
        missing = ", ".join(f"«{column.title}»" for column in table.missing_columns)
        raise ImportFileError(
            f"Нет обязательных столбцов: {missing}. Первая строка должна быть заголовком из шаблона."
        )
    return table


# ---- values -------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # The one normaliser of core: spaces collapse, control characters stay for the validators to name
    # (str.split() would quietly turn \x1c–\x1f, \x0b, \x0c into spaces).
    return normalize_text(str(value))


def _date(value) -> dt.date:
    return cell_date(value)


def _yes_no(value, default: bool) -> bool:
    text = normalize_for_search(_text(value))
    if not text:
        return default
    if text in {"да", "д", "yes", "1", "true", "есть"}:
        return True
    if text in {"нет", "н", "no", "0", "false"}:
        return False
    raise ValidationError("Ожидается «да» или «нет».")


def _choice(value, choices, *, extra: dict[str, str] | None = None) -> str:
    text = normalize_for_search(_text(value))
    lookup = {normalize_for_search(label): code for code, label in choices}
    lookup.update({normalize_for_search(code): code for code, _label in choices})
    lookup.update(extra or {})
    if text in lookup:
        return lookup[text]
    allowed = "; ".join(f"«{label}»" for _code, label in choices)
    raise ValidationError(f"Недопустимое значение. Возможные: {allowed}.")


SEX_EXTRA = {"м": Sex.MALE, "муж": Sex.MALE, "ж": Sex.FEMALE, "жен": Sex.FEMALE}


class _Directory:
    """Municipalities and organisations of the subject, loaded once per import."""

    def __init__(self, subject: Subject):
        self.municipalities: dict[str, list[Municipality]] = {}
        for municipality in Municipality.objects.filter(subject=subject):
            self.municipalities.setdefault(normalize_for_search(municipality.name), []).append(municipality)
        self.organizations: dict[str, list[Organization]] = {}
        for organization in Organization.objects.filter(
            subject=subject, kind__in=PLACEMENT_ORGANIZATION_KINDS, is_active=True
        ).select_related("municipality"):
            for key in {
                organization.search_name,
                normalize_for_search(organization.name),
                normalize_for_search(organization.short_name),
                organization.inn,
            }:
                if key:
                    self.organizations.setdefault(key, []).append(organization)

    def municipality(self, value) -> Municipality:
        found = self.municipalities.get(normalize_for_search(_text(value)), [])
        if not found:
            raise ValidationError("Такого муниципального образования нет в этом субъекте РФ.")
        if len(found) > 1:
            raise ValidationError("Название неоднозначно: таких муниципальных образований несколько.")
        return found[0]

    def organization(self, value) -> Organization:
        found = self.organizations.get(normalize_for_search(_text(value)), [])
        if not found:
            raise ValidationError(
                "Организация для детей-сирот или социозащитное учреждение с таким названием или ИНН "
                "не найдена в этом субъекте РФ."
            )
        if len({organization.pk for organization in found}) > 1:
            raise ValidationError("Название неоднозначно: укажите ИНН организации.")
        return found[0]


# ---- validation ---------------------------------------------------------------------------------

CHILD_EXCLUDE = [
    "subject",
    "municipality",
    "family",
    "current_organization",
    "merged_into",
    "created_by",
    "updated_by",
]
PLACEMENT_EXCLUDE = ["child", "organization", "created_by", "updated_by"]


def _parse_row(
    values: tuple, positions: dict[str, int], directory: _Directory, subject: Subject, row_number: int
) -> tuple[ParsedRow | None, list[tuple[int, str, str]]]:
    errors: list[tuple[int, str, str]] = []

    def cell(key):
        index = positions.get(key)
        return values[index] if index is not None and index < len(values) else None

    def convert(key, converter, *args, **kwargs):
        try:
            return converter(cell(key), *args, **kwargs)
        except ValidationError as error:
            errors.extend((row_number, COLUMN_TITLES[key], message) for message in error.messages)
            return None

    for column in COLUMNS:
        if column.required and not _text(cell(column.key)):
            errors.append((row_number, column.title, "Обязательное поле не заполнено."))
    if errors:
        return None, errors

    child = Child(
        last_name=_text(cell("last_name")),
        first_name=_text(cell("first_name")),
        middle_name=_text(cell("middle_name")),
        birth_date=convert("birth_date", _date),
        sex=convert("sex", _choice, Sex.choices, extra=SEX_EXTRA),
        snils=normalize_snils(_text(cell("snils"))),
        birth_certificate=normalize_birth_certificate(_text(cell("birth_certificate"))),
        legal_status=convert("legal_status", _choice, LegalStatus.choices),
        has_living_parents=convert("has_living_parents", _yes_no, True),
        disability=convert("disability", _yes_no, False),
        subject=subject,
        municipality=convert("municipality", directory.municipality),
    )
    organization = convert("organization", directory.organization)
    placement = Placement(
        organization=organization,
        kind=convert("placement_kind", _choice, PlacementKind.choices),
        start_date=convert("start_date", _date),
        basis=_text(cell("basis")),
        planned_end_date=convert("planned_end_date", _date) if _text(cell("planned_end_date")) else None,
    )
    goal = convert("goal", _choice, RouteGoal.choices) if _text(cell("goal")) else RouteGoal.UNDETERMINED
    if errors:
        return None, errors
    child.compute_derived()
    for instance, exclude in ((child, CHILD_EXCLUDE), (placement, PLACEMENT_EXCLUDE)):
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                title = _field_title(name)
                errors.extend((row_number, title, message) for message in messages)
    if not errors and placement.start_date < child.birth_date:
        errors.append(
            (row_number, COLUMN_TITLES["start_date"], "Дата помещения раньше даты рождения ребёнка.")
        )
    if errors:
        return None, errors
    return ParsedRow(row_number=row_number, child=child, placement=placement, goal=goal), []


FIELD_TO_COLUMN = {"kind": "placement_kind", "organization": "organization"}


def _field_title(name: str) -> str:
    key = FIELD_TO_COLUMN.get(name, name)
    return COLUMN_TITLES.get(key, "строка целиком")


RULE_COLUMNS = {
    "СНИЛС": "snils",
    "свидетельство о рождении": "birth_certificate",
    "ФИО и дата рождения": "last_name",
}


def _keys(child: Child) -> list[tuple[str, dict]]:
    return duplicate_keys(
        snils=child.snils,
        birth_certificate=child.birth_certificate,
        search_name=child.search_name,
        birth_date=child.birth_date,
    )


def _duplicate_errors(
    rows: list[ParsedRow], *, subject: Subject | None = None, cross_region: list | None = None
) -> list[tuple[int, str, str]]:
    """Rows that repeat each other or a child already in the register (the register's one rule).
    A match in another region is reported without its number and collected in `cross_region`."""
    errors = []
    seen: dict[tuple, int] = {}
    for row in rows:
        for reason, lookup in _keys(row.child):
            key = (reason, tuple(lookup.values()))
            if key in seen:
                errors.append(
                    (
                        row.row_number,
                        COLUMN_TITLES[RULE_COLUMNS[reason]],
                        f"Повторяет строку {seen[key]} этого файла (совпадает {reason}).",
                    )
                )
                break
            seen[key] = row.row_number
    for start in range(0, len(rows), 1000):
        chunk = rows[start : start + 1000]
        # One query per chunk: the first column of each rule narrows, the exact match is made below.
        firsts: dict[str, set] = {fields[0]: set() for _reason, fields in DUPLICATE_RULES}
        for row in chunk:
            for _reason, lookup in _keys(row.child):
                first = next(iter(lookup))
                firsts[first].add(lookup[first])
        condition = Q(pk__in=[])
        for name, values in firsts.items():
            if values:
                condition |= Q(**{f"{name}__in": values})
        existing: dict[tuple, tuple[int, int]] = {}
        for child in Child.objects.filter(condition, merged_into__isnull=True).only(
            "pk", "subject_id", "snils", "birth_certificate", "search_name", "birth_date"
        ):
            for reason, lookup in _keys(child):
                existing[(reason, tuple(lookup.values()))] = (child.pk, child.subject_id)
        for row in chunk:
            for reason, lookup in _keys(row.child):
                pk, other_subject = existing.get((reason, tuple(lookup.values())), (None, None))
                if pk and subject is not None and other_subject != subject.pk:
                    message = f"{CROSS_REGION_DUPLICATE} (совпадает {reason})"
                    if cross_region is not None:
                        cross_region.append((row.row_number, pk, reason))
                elif pk:
                    message = f"Возможный дубль: ребёнок № {pk} уже в реестре (совпадает {reason})."
                if pk:
                    errors.append((row.row_number, COLUMN_TITLES[RULE_COLUMNS[reason]], message))
                    break
    return errors


def validate_file(
    source, *, subject: Subject, progress=None, deadline: float | None = None
) -> ValidationResult:
    """Read and check every row as it streams; `progress(processed, total)` is called as rows are checked.

    `source` is bytes or a file object (the upload or the stored file); the row count is known before
    the first row is checked (a file over the limit is refused at once), and past `deadline`
    (a `time.monotonic()` value) the check stops with ImportFileError.
    """
    with _open_table(source) as table:
        if not table.total_rows:
            raise ImportFileError("В файле нет строк с данными: заполните шаблон, начиная со второй строки.")
        directory = _Directory(subject)
        result = ValidationResult(total_rows=table.total_rows)
        try:
            for offset, row in enumerate(table.rows(deadline=deadline)):
                if row.formulas:
                    result.errors.extend(
                        (row.number, COLUMN_TITLES[key], FORMULA_MESSAGE) for key in row.formulas
                    )
                else:
                    values = tuple(row.values.get(column.key) for column in COLUMNS)
                    parsed, errors = _parse_row(
                        values, ROW_POSITIONS, directory, subject, row_number=row.number
                    )
                    if parsed:
                        result.rows.append(parsed)
                    result.errors.extend(errors)
                if progress and (offset + 1) % PROGRESS_EVERY == 0:
                    progress(offset + 1, table.total_rows)
        except XlsxFileError as error:
            raise ImportFileError(str(error)) from None
    duplicate_errors = _duplicate_errors(result.rows, subject=subject, cross_region=result.cross_region)
    if duplicate_errors:
        bad_rows = {row for row, _column, _message in duplicate_errors}
        result.rows = [row for row in result.rows if row.row_number not in bad_rows]
        result.errors.extend(duplicate_errors)
    result.errors.sort()
    return result


# ---- writing ------------------------------------------------------------------------------------


@transaction.atomic
def write_rows(*, actor: User, rows: list[ParsedRow], batch_size: int = 2000) -> int:
    """Write validated rows: children, their cases, placements and timeline events, in bulk."""
    today = timezone.localdate()
    for start in range(0, len(rows), batch_size):
        chunk = rows[start : start + batch_size]
        children = []
        for row in chunk:
            child = row.child
            child.current_organization = row.placement.organization
            child.placed_since = row.placement.start_date
            child.created_by = child.updated_by = actor
            child.compute_derived()
            children.append(child)
        Child.objects.bulk_create(children)
        Case.objects.bulk_create(
            Case(child=row.child, goal=row.goal, opened_on=today, created_by=actor, updated_by=actor)
            for row in chunk
        )
        placements = []
        for row in chunk:
            row.placement.child = row.child
            row.placement.created_by = row.placement.updated_by = actor
            placements.append(row.placement)
        Placement.objects.bulk_create(placements)
        events = []
        for row in chunk:
            events.append(
                Event(
                    child=row.child,
                    kind=EventKind.REGISTERED,
                    date=today,
                    title="Внесён в реестр (загрузка списка)",
                    created_by=actor,
                )
            )
            events.append(
                Event(
                    child=row.child,
                    kind=EventKind.PLACEMENT,
                    date=row.placement.start_date,
                    title=f"Помещён: {row.placement.organization} — {row.placement.get_kind_display()}",
                    created_by=actor,
                )
            )
        Event.objects.bulk_create(events)
    return len(rows)


JOB_FAILED_MESSAGE = (
    "Загрузка прервана из-за внутренней ошибки: ничего не записано. "
    "Попробуйте ещё раз; если ошибка повторится, сообщите администратору номер загрузки."
)


def job_time_limit() -> int:
    """Seconds an import job may run (checked inside the row loop and by `fail_stale_jobs`)."""
    return int(getattr(settings, "IMPORT_JOB_TIME_LIMIT", 600))


def time_limit_message() -> str:
    minutes = max(1, job_time_limit() // 60)
    return (
        f"Загрузка остановлена: она шла дольше {minutes} мин. Ничего не записано. "
        "Разделите файл на части и загрузите их по очереди."
    )


def import_job_fail(job: ImportJob, message: str) -> ImportJob:
    """End a job as failed with a Russian message (whatever state it was in)."""
    job.status, job.failure, job.finished_at = ImportStatus.FAILED, message[:500], timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(
        status=job.status, failure=job.failure, finished_at=job.finished_at
    )
    return job


def run_import_job(job: ImportJob) -> ImportJob:
    """Run a job to its end: done, waiting for the user's decision, or failed — never left running."""
    try:
        return _run_import_job(job)
    except Exception:
        logger.exception("Import job %s failed", job.pk)
        return import_job_fail(job, JOB_FAILED_MESSAGE)


def _run_import_job(job: ImportJob) -> ImportJob:
    """Validate the job's file and write it (all rows, or the valid ones if the user asked)."""

    def progress(processed: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=processed, total_rows=total)

    actor = job.created_by
    deadline = time.monotonic() + job_time_limit()
    # Claim the job: one that was failed meanwhile (by `fail_stale_jobs`) or run already stays as it is.
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.QUEUED).update(
        status=ImportStatus.VALIDATING, processed_rows=0
    )
    if not claimed:
        job.refresh_from_db()
        return job
    job.status = ImportStatus.VALIDATING
    try:
        with job.file.open("rb") as handle:
            result = validate_file(handle, subject=job.subject, progress=progress, deadline=deadline)
    except XlsxTimeLimitError:
        return import_job_fail(job, time_limit_message())
    except ImportFileError as error:
        return import_job_fail(job, str(error))
    job.total_rows = job.processed_rows = result.total_rows
    job.valid_rows = len(result.rows)
    job.error_count = len(result.errors)
    job.errors = [list(error) for error in result.errors[:MAX_STORED_ERRORS]]
    _record_cross_region(job, result.cross_region)
    if result.errors and not job.accept_valid_rows:
        job.status, job.finished_at = ImportStatus.NEEDS_DECISION, timezone.now()
        if not _save_if_still(job, ImportStatus.VALIDATING):
            job.refresh_from_db()
        return job
    if time.monotonic() > deadline:
        return import_job_fail(job, time_limit_message())
    job.status = ImportStatus.IMPORTING
    if not _save_if_still(job, ImportStatus.VALIDATING):
        job.refresh_from_db()
        return job
    try:
        # The rows and the job's «done» commit together, and only if the job is still the worker's
        # and within its time: a job the watchdog failed meanwhile writes nothing, as its page says.
        with transaction.atomic():
            job.imported_rows = write_rows(actor=actor, rows=result.rows)
            if time.monotonic() > deadline:
                raise _TimeLimitPassed
            job.status, job.finished_at = ImportStatus.DONE, timezone.now()
            if not _save_if_still(job, ImportStatus.IMPORTING):
                raise _NoLongerRunning
            audit_entry_create(
                actor=actor,
                action=AuditAction.IMPORT,
                target=job,
                details={
                    "rows": job.total_rows,
                    "imported": job.imported_rows,
                    "errors": job.error_count,
                    "accept_valid_rows": job.accept_valid_rows,
                },
            )
    except _TimeLimitPassed:
        job.imported_rows = 0
        return import_job_fail(job, time_limit_message())
    except _NoLongerRunning:
        job.refresh_from_db()
    return job


class _TimeLimitPassed(Exception):
    """Writing the rows went past the job's time limit: roll them back."""


class _NoLongerRunning(Exception):
    """The job was ended meanwhile (by `fail_stale_jobs`): roll its rows back."""


def _save_if_still(job: ImportJob, status: str) -> bool:
    """Save the job only if its row is still in `status` (locked until the caller's transaction ends)."""
    with transaction.atomic():
        if not ImportJob.objects.select_for_update().filter(pk=job.pk, status=status).exists():
            return False
        job.save()
    return True


def _record_cross_region(job: ImportJob, found: list[tuple[int, int, str]]) -> None:
    from .services import cross_region_duplicates_record  # services import this module

    others = Child.objects.in_bulk({pk for _row, pk, _reason in found})
    for row_number, pk, reason in found:
        cross_region_duplicates_record(
            actor=job.created_by,
            others=[others[pk]],
            import_job=job,
            row_number=row_number,
            reasons={pk: reason},
        )


STALE_JOB_MESSAGE = (
    "Загрузка не завершилась вовремя (обработчик был остановлен или перегружен). "
    "Ничего не записано. Загрузите файл ещё раз."
)


def fail_stale_jobs(*, now=None) -> int:
    """Mark as failed every job in flight for longer than the time limit (e.g. its worker was restarted)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=job_time_limit())
    stale = ImportJob.objects.filter(
        status__in=[ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.IMPORTING],
        updated_at__lt=cutoff,
    )
    return stale.update(
        status=ImportStatus.FAILED,
        failure=STALE_JOB_MESSAGE,
        finished_at=now,
    )


# ---- template and report ------------------------------------------------------------------------


def template_workbook(*, subject: Subject) -> bytes:
    """The import template: the header, one example row, and the allowed values of the subject."""
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = "Дети"
    sheet.append([column.title for column in COLUMNS])
    sheet.append([column.example for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(
            14, len(column.title) + 2
        )
    lists = workbook.create_sheet("Справочники")
    lists.append(
        [
            "Муниципальные образования",
            "Организации",
            "ИНН",
            "Правовой статус",
            "Вид устройства",
            "Цель маршрута",
        ]
    )
    municipalities = list(Municipality.objects.filter(subject=subject).values_list("name", flat=True))
    organizations = list(
        Organization.objects.filter(
            subject=subject, kind__in=PLACEMENT_ORGANIZATION_KINDS, is_active=True
        ).values_list("name", "inn")
    )
    columns = [
        municipalities,
        [name for name, _inn in organizations],
        [inn for _name, inn in organizations],
        LegalStatus.labels,
        PlacementKind.labels,
        RouteGoal.labels,
    ]
    for index in range(max(len(values) for values in columns)):
        lists.append([values[index] if index < len(values) else None for values in columns])
    return workbook_bytes(workbook)
