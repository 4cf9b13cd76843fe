"""XLSX import of quarterly figures: one row per (subject, quarter, indicator[, municipality]).

Every row is checked first; then each report's rows go through the same rules as the form
(totals ≥ parts, comments on large changes). Nothing is written unless the whole file is valid.
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Font

from vyzov.accounts.access import Perm, allows
from vyzov.core.models import AuditAction
from vyzov.core.services import audit_entry_create
from vyzov.core.text import normalize_for_search
from vyzov.core.xlsx import XlsxFileError, check_xlsx, read_rows
from vyzov.territories.models import Municipality, Subject

from . import services
from .models import FigureSource, Indicator, QuarterReport, validate_quarter_date

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
COLUMNS = ["Код субъекта", "Отчётная дата", "Код показателя", "Муниципалитет", "Значение", "Комментарий"]
REQUIRED = {"Код субъекта", "Отчётная дата", "Код показателя", "Значение"}


class FigureImportError(Exception):
    def __init__(self, errors: list[tuple[int, str, str]]):
        self.errors = errors
        super().__init__(f"{len(errors)} ошибок")


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError("Дата записывается как ДД.ММ.ГГГГ.")


def _value(raw) -> int:
    if isinstance(raw, bool) or raw is None or str(raw).strip() == "":
        raise ValidationError("Введите целое число.")
    try:
        number = float(str(raw).replace(" ", "").replace(",", "."))
    except ValueError:
        raise ValidationError("Введите целое число.") from None
    if not number.is_integer():
        raise ValidationError("Значение — целое число людей или семей.")
    if number < 0:
        raise ValidationError("Значение не может быть отрицательным.")
    return int(number)


def import_figures(*, actor, data: bytes) -> int:
    """Validate the whole file, then save it report by report in one transaction. Returns rows saved."""
    try:
        check_xlsx(data, max_bytes=MAX_BYTES)
        rows = read_rows(data)
        header = next(rows, None)
    except XlsxFileError as error:
        raise FigureImportError([(0, "файл", str(error))]) from None
    if header is None:
        raise FigureImportError([(0, "файл", "В файле нет ни одной строки.")])
    positions = {str(title).strip(): index for index, title in enumerate(header) if title}
    missing = [title for title in COLUMNS if title in REQUIRED and title not in positions]
    if missing:
        raise FigureImportError([(1, title, "Нет обязательного столбца.") for title in missing])

    subjects = {subject.code: subject for subject in Subject.objects.all()}
    indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
    municipalities: dict[tuple[int, str], Municipality] = {
        (m.subject_id, m.search_name): m for m in Municipality.objects.all()
    }
    errors: list[tuple[int, str, str]] = []
    grouped: dict[tuple[str, dt.date], list[tuple[int, services.FigureInput]]] = {}
    count = 0
    for number, values in enumerate(rows, start=2):
        if not any(value not in (None, "") for value in values):
            continue
        count += 1
        if count > MAX_ROWS:
            raise FigureImportError([(number, "файл", f"Больше {MAX_ROWS} строк: разделите файл.")])

        def cell(title, values=values):
            index = positions.get(title)
            return values[index] if index is not None and index < len(values) else None

        row_errors = []
        code = str(cell("Код субъекта") or "").strip().zfill(2)
        subject = subjects.get(code)
        if subject is None:
            row_errors.append((number, "Код субъекта", "Нет такого субъекта РФ."))
        elif not allows(actor, Perm.MONITORING_EDIT, QuarterReport(subject=subject)):
            row_errors.append((number, "Код субъекта", "Вы не можете вводить данные этого субъекта РФ."))
        try:
            as_of = _date(cell("Отчётная дата"))
            validate_quarter_date(as_of)
        except ValidationError as error:
            as_of = None
            row_errors.append((number, "Отчётная дата", error.messages[0]))
        indicator = indicators.get(str(cell("Код показателя") or "").strip())
        if indicator is None:
            row_errors.append(
                (number, "Код показателя", "Нет такого показателя: см. лист «Показатели» шаблона.")
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
        if row_errors:
            errors.extend(row_errors)
            continue
        comment = str(cell("Комментарий") or "").strip()[:500]
        grouped.setdefault((subject.code, as_of), []).append(
            (number, services.FigureInput(indicator, value, comment, municipality))
        )
    if count == 0 and not errors:
        raise FigureImportError([(0, "файл", "В файле нет строк с данными.")])
    if errors:
        raise FigureImportError(errors)

    reports = {}
    for (code, as_of), items in grouped.items():
        report = services.report_for(actor=actor, subject=subjects[code], as_of=as_of)
        reports[(code, as_of)] = report
        try:
            services.validate_figures(report, [item for _number, item in items])
        except ValidationError as error:
            first_row = items[0][0]
            messages = error.message_dict if hasattr(error, "error_dict") else {"отчёт": error.messages}
            for key, texts in messages.items():
                rows_of_key = [n for n, item in items if item.indicator.code == key.split("@")[0]] or [
                    first_row
                ]
                errors.extend((rows_of_key[0], key, text) for text in texts)
    if errors:
        raise FigureImportError(sorted(errors))

    with transaction.atomic():
        saved = 0
        for key, items in grouped.items():
            report = reports[key]
            if report.pk is None:
                report = services.report_for(
                    actor=actor, subject=report.subject, as_of=report.as_of, create=True
                )
            saved += services.figures_save(
                actor=actor, report=report, inputs=[item for _n, item in items], source=FigureSource.IMPORT
            )
        audit_entry_create(
            actor=actor,
            action=AuditAction.IMPORT,
            object_repr="Показатели мониторинга (XLSX)",
            details={"rows": count, "changed": saved, "reports": len(grouped)},
        )
    return count


def template_bytes() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Показатели"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(["22", "01.10.2025", "children_in_institutions", "", 1234, ""])
    codes = workbook.create_sheet("Коды показателей")
    codes.append(["Код показателя", "Показатель", "Часть показателя"])
    for indicator in Indicator.objects.select_related("part_of").order_by("order"):
        codes.append([indicator.code, indicator.name, indicator.part_of.code if indicator.part_of else ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
