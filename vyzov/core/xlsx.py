"""Safe XLSX output: streaming (constant memory) and neutralised formulas."""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

# A cell starting with one of these is run as a formula by spreadsheet programs (CSV/formula injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell_value(value):
    """A value that a spreadsheet shows as text, never evaluates."""
    if value is None or isinstance(value, bool | int | float | Decimal | date):
        if isinstance(value, datetime) and timezone.is_aware(value):
            return timezone.localtime(value).replace(tzinfo=None)
        return value
    text = str(value)
    if text.startswith(_FORMULA_PREFIXES):
        return "'" + text
    return text


def xlsx_response(
    *,
    filename: str,
    sheet_title: str,
    header: Sequence[str],
    rows: Iterable[Sequence],
) -> FileResponse:
    """Write rows one by one into a write-only workbook on disk and stream the file back.

    Memory stays constant whatever the number of rows: openpyxl's write-only mode keeps no cells,
    and the finished file is sent from a temporary file, not from memory.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    bold = Font(bold=True)
    header_cells = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([safe_cell_value(value) for value in row])
    spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — FileResponse closes it
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


class XlsxFileError(Exception):
    """An uploaded file cannot be read as XLSX; the message says why, in Russian."""


def check_xlsx(data: bytes, *, max_bytes: int) -> None:
    """Refuse an empty, oversized, password-protected, legacy, broken or bomb-like file at once."""
    if not data:
        raise XlsxFileError("Файл пустой.")
    if len(data) > max_bytes:
        raise XlsxFileError(f"Файл больше {max_bytes // (1024 * 1024)} МБ. Разделите его на части.")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise XlsxFileError(
            "Файл защищён паролем или сохранён в старом формате XLS. Снимите пароль и сохраните как XLSX."
        )
    if data[:4] != b"PK\x03\x04":
        raise XlsxFileError("Это не файл XLSX. Скачайте шаблон и заполните его.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise XlsxFileError("Файл повреждён: его не удаётся открыть как XLSX.") from None
    # An XLSX is a zip archive: refuse one that unpacks to far more than a real table (a zip bomb).
    if unpacked > 30 * max_bytes:
        raise XlsxFileError("Файл распаковывается в слишком большой объём — он не похож на таблицу.")
    if "xl/workbook.xml" not in names:
        raise XlsxFileError("Файл повреждён: в нём нет рабочей книги Excel.")


def read_rows(data: bytes) -> Iterator[tuple]:
    """The rows of the first sheet, values only, streamed."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise XlsxFileError("Файл повреждён: его не удаётся открыть как XLSX.") from error
    try:
        if not workbook.worksheets:
            raise XlsxFileError("В файле нет листов.")
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()
