"""XLSX import of quarterly figures: one row per (subject, quarter, indicator[, municipality]).

Every row is checked first; then each report's rows go through the same rules as the form
(totals ≥ parts, comments on large changes). Nothing is written unless the whole file is valid.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from openpyxl.styles import Font

from vyzov.accounts.access import Perm, allows, require_perm
from vyzov.accounts.models import User
from vyzov.cases.imports import STALE_JOB_MESSAGE, job_time_limit
from vyzov.cases.models import ImportStatus
from vyzov.core.models import AuditAction
from vyzov.core.numbers import parse_int
from vyzov.core.services import audit_entry_create
from vyzov.core.text import normalize_for_search, normalize_text
from vyzov.core.validators import validate_single_line_text
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
from vyzov.territories.models import Municipality, Subject

from . import services
from .models import (
    DataSet,
    Figure,
    FigureImportJob,
    FigureSource,
    Indicator,
    QuarterReport,
    validate_quarter_date,
)

logger = logging.getLogger(__name__)
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
COLUMNS = ["Код субъекта", "Отчётная дата", "Код показателя", "Муниципалитет", "Значение", "Комментарий"]
REQUIRED = {"Код субъекта", "Отчётная дата", "Код показателя", "Значение"}
TABLE_COLUMNS = [TableColumn(title, title, title in REQUIRED) for title in COLUMNS]
COMMENT_MAX_LENGTH = Figure._meta.get_field("comment").max_length
# Reporting dates of the programme's monitoring: quarters from 2015 to the next year.
FIRST_REPORT_YEAR = 2015


class FigureImportError(Exception):
    def __init__(self, errors: list[tuple[int, str, str]]):
        self.errors = errors
        super().__init__(f"{len(errors)} ошибок")


def _date(value) -> dt.date:
    # The formats the figures import has always read (the register import also reads ДД/ММ/ГГГГ).
    return cell_date(value, formats=("%d.%m.%Y", "%Y-%m-%d"))


def validate_report_year(value: dt.date) -> None:
    """A reporting date within the plausible range of the monitoring (2015 … next year)."""
    last = timezone.localdate().year + 1
    if not FIRST_REPORT_YEAR <= value.year <= last:
        raise ValidationError(f"Отчётная дата должна быть в {FIRST_REPORT_YEAR}–{last} годах.")


# The form's own field parses typed values: «1e3», «1,5» and «1.0» are refused here exactly as there.


def _value(raw) -> int:
    if isinstance(raw, bool) or raw is None or str(raw).strip() == "":
        raise ValidationError("Введите целое число.")
    if isinstance(raw, float):
        if not raw.is_integer():
            raise ValidationError("Значение — целое число людей или семей.")
        raw = int(raw)
    if isinstance(raw, int):
        if raw < 0:
            raise ValidationError("Значение не может быть отрицательным.")
        return raw
    # The one parser of numbers typed the Russian way (as in the quarter form): «1 500» with ordinary
    # or non-breaking spaces; «1e3», «1,5» refused.
    value = parse_int(raw)
    if value < 0:
        raise ValidationError("Значение не может быть отрицательным.")
    return value


def import_figures(*, actor: User, data, progress=None, deadline: float | None = None, finish=None) -> int:
    """Validate the whole file, then save it report by report in one transaction. Returns rows saved.

    `data` is bytes or the upload object (its size is checked before it is read). `finish(count)` is
    called inside the writing transaction after the last figure: whatever it raises rolls them back
    (the background job marks itself done there, only if it still may)."""
    try:
        table = XlsxTable(data, columns=TABLE_COLUMNS, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    except XlsxFileError as error:
        raise FigureImportError([(0, "файл", str(error))]) from None
    with table:
        if table.missing_columns:
            raise FigureImportError(
                [(1, column.title, "Нет обязательного столбца.") for column in table.missing_columns]
            )
        try:
            return _import_rows(actor=actor, table=table, progress=progress, deadline=deadline, finish=finish)
        except XlsxFileError as error:
            raise FigureImportError([(0, "файл", str(error))]) from None


def _import_rows(
    *, actor: User, table: XlsxTable, progress=None, deadline: float | None = None, finish=None
) -> int:
    subjects = {subject.code: subject for subject in Subject.objects.all()}
    indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
    # An indicator belongs to one data set: its rows go to that data set's report.
    data_sets = {
        link.indicator_id: link.dataset
        for link in DataSet.indicators.through.objects.select_related("dataset")
    }
    municipalities: dict[tuple[int, str], Municipality] = {
        (m.subject_id, m.search_name): m for m in Municipality.objects.all()
    }
    errors: list[tuple[int, str, str]] = []
    grouped: dict[tuple[str, str, dt.date], list[tuple[int, services.FigureInput]]] = {}
    seen: dict[tuple, int] = {}
    count = 0
    for row in table.rows(deadline=deadline):
        number = row.number
        count += 1
        if progress and count % 500 == 0:
            progress(count, table.total_rows)
        if row.formulas:
            errors.extend((number, title, FORMULA_MESSAGE) for title in row.formulas)
            continue

        def cell(title, values=row.values):
            return values.get(title)

        row_errors = []
        code = str(cell("Код субъекта") or "").strip().zfill(2)
        subject = subjects.get(code)
        if subject is None:
            row_errors.append((number, "Код субъекта", "Нет такого субъекта РФ."))
        elif not allows(actor, Perm.MONITORING_EDIT, QuarterReport(subject=subject)):
            row_errors.append((number, "Код субъекта", "Вы не можете вводить данные этого субъекта РФ."))
        try:
            as_of = _date(cell("Отчётная дата"))
            validate_report_year(as_of)
            validate_quarter_date(as_of)
        except ValidationError as error:
            as_of = None
            row_errors.append((number, "Отчётная дата", error.messages[0]))
        indicator = indicators.get(str(cell("Код показателя") or "").strip())
        if indicator is None:
            row_errors.append(
                (number, "Код показателя", "Нет такого показателя: см. лист «Коды показателей» шаблона.")
            )
        elif indicator.pk not in data_sets:
            row_errors.append((number, "Код показателя", "Показатель не входит ни в один набор данных."))
        elif as_of is not None and not data_sets[indicator.pk].allows_date(as_of):
            row_errors.append(
                (
                    number,
                    "Отчётная дата",
                    f"Набор «{data_sets[indicator.pk].name}» собирается раз в "
                    f"{data_sets[indicator.pk].get_period_type_display()}: эта дата ему не подходит.",
                )
            )
        try:
            value = _value(cell("Значение"))
        except ValidationError as error:
            value = None
            row_errors.append((number, "Значение", error.messages[0]))
        municipality = None
        name = str(cell("Муниципалитет") or "").strip()
        if name and subject:
            municipality = municipalities.get((subject.pk, normalize_for_search(name)))
            if municipality is None:
                row_errors.append((number, "Муниципалитет", "Нет такого муниципалитета в этом субъекте РФ."))
        # The one normaliser and validator of free text, as on the quarter page and in the API.
        comment = normalize_text(str(cell("Комментарий") or ""))
        try:
            validate_single_line_text(comment)
        except ValidationError as error:
            row_errors.append((number, "Комментарий", error.messages[0]))
        if len(comment) > COMMENT_MAX_LENGTH:
            row_errors.append(
                (number, "Комментарий", f"Не длиннее {COMMENT_MAX_LENGTH} символов (сейчас {len(comment)}).")
            )
        if row_errors:
            errors.extend(row_errors)
            continue
        key = (subject.code, as_of, indicator.code, municipality.pk if municipality else None)
        if key in seen:
            errors.append(
                (
                    number,
                    "Код показателя",
                    f"Повторяет строку {seen[key]}: тот же показатель, территория и дата.",
                )
            )
            continue
        seen[key] = number
        grouped.setdefault((subject.code, data_sets[indicator.pk].code, as_of), []).append(
            (number, services.FigureInput(indicator, value, comment, municipality))
        )
    if count == 0 and not errors:
        raise FigureImportError([(0, "файл", "В файле нет строк с данными.")])
    if errors:
        raise FigureImportError(errors)

    reports = {}
    data_sets_by_code = {data_set.code: data_set for data_set in data_sets.values()}
    for (code, data_set_code, as_of), items in grouped.items():
        report = services.report_for(
            actor=actor, subject=subjects[code], as_of=as_of, data_set=data_sets_by_code[data_set_code]
        )
        reports[(code, data_set_code, as_of)] = report
        try:
            services.validate_figures(report, [item for _number, item in items])
        except ValidationError as error:
            first_row = items[0][0]
            rows_by_key = {services.FigureKey.of(item): n for n, item in items}
            by_key = error.by_key if isinstance(error, services.FigureErrors) else {None: error.messages}
            for key, texts in by_key.items():
                row_number = rows_by_key.get(key, first_row) if key else first_row
                column = "Значение" if key in rows_by_key else "отчёт"
                errors.extend((row_number, column, text) for text in texts)
    if errors:
        raise FigureImportError(sorted(errors))

    with transaction.atomic():
        saved = 0
        for key, items in grouped.items():
            report = reports[key]
            _report, changed = services.figures_enter(
                actor=actor,
                subject=report.subject,
                as_of=report.as_of,
                data_set=report.data_set,
                inputs=[item for _n, item in items],
                source=FigureSource.IMPORT,
            )
            saved += changed
        audit_entry_create(
            actor=actor,
            action=AuditAction.IMPORT,
            object_repr="Показатели мониторинга (XLSX)",
            details={"rows": count, "changed": saved, "reports": len(grouped)},
        )
        if finish is not None:
            finish(count)
    return count


def template_bytes() -> bytes:
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = "Показатели"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(["22", "01.10.2025", "children_in_institutions", "", 1234, ""])
    codes = workbook.create_sheet("Коды показателей")
    codes.append(
        [
            "Код показателя",
            "Показатель",
            "Единица",
            "Часть показателя",
            "Набор данных",
            "Периодичность",
            "Вводится",
        ]
    )
    for cell in codes[1]:
        cell.font = Font(bold=True)
    # The data sets now being collected, as the federal team configured them.
    for data_set in DataSet.objects.filter(is_active=True).order_by("name"):
        for indicator in (
            data_set.indicators.filter(is_active=True).select_related("part_of").order_by("order", "code")
        ):
            codes.append(
                [
                    indicator.code,
                    indicator.name,
                    indicator.unit,
                    indicator.part_of.code if indicator.part_of else "",
                    data_set.name,
                    data_set.get_period_type_display(),
                    indicator.get_territory_level_display(),
                ]
            )
    return workbook_bytes(workbook)


# ---- the background job -------------------------------------------------------------------------

MAX_STORED_ERRORS = 5_000
JOB_FAILED_MESSAGE = (
    "Загрузка прервана из-за внутренней ошибки: ничего не записано. "
    "Попробуйте ещё раз; если ошибка повторится, сообщите администратору номер загрузки."
)


def check_upload(uploaded) -> None:
    """Refuse at once what is not a readable XLSX (from the upload object, before it is stored)."""
    try:
        check_xlsx_upload(uploaded, max_bytes=MAX_BYTES)
    except XlsxFileError as error:
        raise ValidationError({"file": str(error)}) from None


def _job_fail(job: FigureImportJob, message: str, errors=()) -> FigureImportJob:
    errors = list(errors)
    job.status, job.failure, job.finished_at = ImportStatus.FAILED, message[:500], timezone.now()
    job.error_count, job.errors = len(errors), [list(error) for error in errors[:MAX_STORED_ERRORS]]
    FigureImportJob.objects.filter(pk=job.pk).update(
        status=job.status,
        failure=job.failure,
        finished_at=job.finished_at,
        error_count=job.error_count,
        errors=job.errors,
    )
    return job


def run_figure_import_job(job: FigureImportJob) -> FigureImportJob:
    """Run a job to its end — done or failed, never left running (any exception fails it)."""
    claimed = FigureImportJob.objects.filter(pk=job.pk, status=ImportStatus.QUEUED).update(
        status=ImportStatus.VALIDATING, processed_rows=0
    )
    if not claimed:
        job.refresh_from_db()
        return job

    def progress(processed: int, total: int) -> None:
        FigureImportJob.objects.filter(pk=job.pk).update(processed_rows=processed, total_rows=total)

    deadline = time.monotonic() + job_time_limit()

    def finish(count: int) -> None:
        # Runs in the transaction that wrote the figures: past the time limit, or once the watchdog
        # has failed the job, the figures are rolled back and the job's failure stays true.
        if time.monotonic() > deadline:
            raise XlsxTimeLimitError(
                "Загрузка шла дольше отведённого времени и остановлена. Разделите файл на части."
            )
        locked = FigureImportJob.objects.select_for_update().filter(pk=job.pk, status=ImportStatus.VALIDATING)
        if not locked.exists():
            raise _NoLongerRunning
        job.status, job.finished_at = ImportStatus.DONE, timezone.now()
        job.total_rows = job.processed_rows = job.imported_rows = count
        FigureImportJob.objects.filter(pk=job.pk).update(
            status=job.status,
            finished_at=job.finished_at,
            total_rows=count,
            processed_rows=count,
            imported_rows=count,
        )

    try:
        with job.file.open("rb") as handle:
            import_figures(
                actor=job.created_by, data=handle, progress=progress, deadline=deadline, finish=finish
            )
    except FigureImportError as error:
        files = [text for row, column, text in error.errors if row == 0 and column == "файл"]
        message = (
            f"{files[0]} Ничего не записано."
            if files
            else f"Файл не загружен: ошибок {len(error.errors)}. Ничего не записано."
        )
        return _job_fail(job, message, error.errors)
    except _NoLongerRunning:
        job.refresh_from_db()
    except Exception:
        logger.exception("Figure import job %s failed", job.pk)
        return _job_fail(job, JOB_FAILED_MESSAGE)
    return job


class _NoLongerRunning(Exception):
    """The job was ended meanwhile (by `fail_stale_figure_jobs`): its figures are rolled back."""


def fail_stale_figure_jobs(*, now=None) -> int:
    """Mark as failed every figures job in flight for longer than the time limit."""
    now = now or timezone.now()
    return FigureImportJob.objects.filter(
        status__in=[ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.IMPORTING],
        updated_at__lt=now - dt.timedelta(seconds=job_time_limit()),
    ).update(status=ImportStatus.FAILED, failure=STALE_JOB_MESSAGE, finished_at=now)


def figure_import_job_create(*, actor: User, uploaded_file) -> FigureImportJob:
    """Store an uploaded file of figures and queue its check; an unreadable file is refused at once."""
    from .tasks import run_figure_import  # the task module imports this one

    require_perm(actor, Perm.MONITORING_EDIT)
    check_upload(uploaded_file)  # from the upload object: its size first, then only the zip directory
    uploaded_file.seek(0)
    job = FigureImportJob(original_name=(uploaded_file.name or "figures.xlsx")[:255])
    job.file.save(f"{uuid.uuid4().hex}.xlsx", File(uploaded_file), save=False)
    job.created_by = job.updated_by = actor
    job.save()
    run_figure_import.enqueue(job.pk)
    return job
