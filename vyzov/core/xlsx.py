"""XLSX in and out: the one writer (streaming, neutralised formulas) and the one reader of uploads
(size before reading, bomb checks, defusedxml, row limits while streaming, formula cells named)."""

from __future__ import annotations

import io
import posixpath
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from defusedxml.ElementTree import iterparse as defused_iterparse
from django.core.exceptions import ImproperlyConfigured
from django.http import FileResponse
from django.utils import timezone
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

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
    workbook = new_workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    bold = Font(bold=True)
    header_cells = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=safe_cell_value(title))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([safe_cell_value(value) for value in row])
    spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — FileResponse closes it
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def new_workbook(*, write_only: bool = False) -> Workbook:
    """The one way the system starts a workbook; save it with `workbook_bytes` (or `xlsx_response`)."""
    return Workbook(write_only=write_only)


def safe_append(sheet, values: Iterable) -> None:
    """Append a row whose text can never run as a formula."""
    sheet.append([safe_cell_value(value) for value in values])


def neutralise_formulas(workbook: Workbook) -> None:
    """Turn every formula-like cell of an in-memory workbook into text (headers and lists included)."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or isinstance(cell.value, str):
                    safe = safe_cell_value(cell.value)
                    if safe != cell.value or cell.data_type == "f":
                        cell.value = safe
                        cell.data_type = "s"


def workbook_bytes(workbook: Workbook) -> bytes:
    """The file of a workbook the system wrote, after every cell is made safe."""
    if not workbook.write_only:
        neutralise_formulas(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class XlsxFileError(Exception):
    """An uploaded file cannot be read as XLSX; the message says why, in Russian."""


# ---- the one reader of uploaded tables ----------------------------------------------------------
#
# Both importers (the register's list of children and the monitoring figures) read through
# `XlsxTable`: the size is checked from the upload object before anything is read, the archive is
# checked for bombs, every XML part is parsed by defusedxml (openpyxl uses it when it is installed;
# `_require_defusedxml` fails closed otherwise), rows are counted by a cheap streaming pass that stops
# at the limit, and only then are the rows read one by one.

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An XML part of a real table compresses 5–20 times; a bomb compresses hundreds of times.
MAX_COMPRESSION_RATIO = 100
MAX_PART_BYTES = 60 * 1024 * 1024  # no part of an accepted workbook unpacks to more than this
FORMULA_MESSAGE = "Формулы не допускаются, вставьте значение."


class XlsxTimeLimitError(XlsxFileError):
    """Reading the file took longer than its time limit."""


@dataclass(frozen=True)
class TableColumn:
    key: str
    title: str
    required: bool = False


@dataclass
class TableRow:
    number: int  # the row's number in the sheet (the header is row 1)
    values: dict[str, object]
    formulas: tuple[str, ...] = ()  # keys of the cells that hold a formula instead of a value


DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y")
DATE_MESSAGE = "Дата записывается как ДД.ММ.ГГГГ."


def cell_date(value, *, formats: Sequence[str] = DATE_FORMATS) -> date:
    """A date cell of an uploaded table: a date (or date-time) stored by Excel, or text typed as
    ДД.ММ.ГГГГ (or in one of `formats`); anything else is a ValidationError with the Russian message."""
    from django.core.exceptions import ValidationError

    from .text import normalize_text

    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = normalize_text(str(value)) if value is not None else ""
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError(DATE_MESSAGE)


def upload_size(source) -> int:
    """The size of bytes, an UploadedFile, a FieldFile or any seekable stream — without reading it."""
    if isinstance(source, bytes | bytearray):
        return len(source)
    size = getattr(source, "size", None)
    if isinstance(size, int):
        return size
    position = source.tell()
    source.seek(0, io.SEEK_END)
    size = source.tell()
    source.seek(position)
    return size


def _stream(source):
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source)
    source.seek(0)
    return source


def _require_defusedxml() -> None:
    import openpyxl

    if not openpyxl.DEFUSEDXML:  # pragma: no cover — a broken installation
        raise ImproperlyConfigured("defusedxml must be installed: uploaded XML is parsed with it.")


def _xml_error(error: Exception) -> XlsxFileError:
    if isinstance(error, XlsxFileError):
        return error
    # openpyxl wraps what went wrong in a ValueError: the cause tells an entity bomb from broken XML.
    chain, cause = [], error
    while cause is not None and len(chain) < 10:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    error = next(
        (e for e in chain if isinstance(e, DefusedXmlException | ElementTree.ParseError | etree.LxmlError)),
        error,
    )
    if isinstance(error, DefusedXmlException):
        return XlsxFileError(
            "Файл не принят: в нём есть XML-сущности (DTD), которых Excel не создаёт. "
            "Сохраните таблицу заново как XLSX."
        )
    if isinstance(error, ElementTree.ParseError | etree.LxmlError):
        return XlsxFileError(
            "Файл повреждён: XML внутри файла не читается. Сохраните таблицу заново как XLSX."
        )
    return XlsxFileError("Файл повреждён: его не удаётся открыть как XLSX.")


def check_xlsx_upload(source, *, max_bytes: int) -> None:
    """Refuse an empty, oversized, password-protected, legacy, macro, broken or bomb-like file.

    Works on the upload object: the size comes from its metadata, then only the zip directory is read.
    """
    size = upload_size(source)
    if size == 0:
        raise XlsxFileError("Файл пустой.")
    if size > max_bytes:
        raise XlsxFileError(f"Файл больше {max_bytes // (1024 * 1024)} МБ. Разделите его на части.")
    stream = _stream(source)
    head = stream.read(8)
    stream.seek(0)
    if head == OLE_SIGNATURE:
        raise XlsxFileError(
            "Файл защищён паролем или сохранён в старом формате XLS. Снимите пароль и сохраните как XLSX."
        )
    if head[:4] != b"PK\x03\x04":
        raise XlsxFileError("Это не файл XLSX. Скачайте шаблон и заполните его.")
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise XlsxFileError("Файл повреждён: его не удаётся открыть как XLSX.") from None
    finally:
        stream.seek(0)
    names = {info.filename for info in infos}
    if any(info.flag_bits & 0x1 for info in infos):
        raise XlsxFileError("Файл зашифрован. Снимите пароль и сохраните как XLSX.")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise XlsxFileError("Файлы с макросами (XLSM) не принимаются. Сохраните таблицу как XLSX.")
    unpacked = sum(info.file_size for info in infos)
    # An XLSX is a zip archive: refuse one that unpacks to far more than a real table (a zip bomb).
    if unpacked > 30 * max_bytes or any(
        info.file_size > MAX_PART_BYTES
        or (
            info.file_size > 1024 * 1024
            and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
        )
        for info in infos
    ):
        raise XlsxFileError("Файл распаковывается в слишком большой объём — он не похож на таблицу.")
    if "xl/workbook.xml" not in names:
        raise XlsxFileError("Файл повреждён: в нём нет рабочей книги Excel.")


def check_xlsx(data: bytes, *, max_bytes: int) -> None:
    """The same checks for bytes already in memory (kept for callers that have bytes)."""
    check_xlsx_upload(data, max_bytes=max_bytes)


_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_VALUE_NAMES = ("v", "is", "f")


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def first_sheet_path(archive: zipfile.ZipFile) -> str | None:
    """The part name of the workbook's first sheet, read with defusedxml (None if it cannot be told)."""
    workbook = defused_fromstring(archive.read("xl/workbook.xml"))
    sheet = next((element for element in workbook.iter() if _local(element.tag) == "sheet"), None)
    if sheet is None:
        return None
    relation_id = sheet.get(_REL_ID)
    relations = defused_fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for relation in relations:
        if relation.get("Id") == relation_id and relation.get("Target"):
            target = relation.get("Target")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            return path if path in archive.namelist() else None
    return None


def count_rows(archive: zipfile.ZipFile, path: str, *, max_rows: int, max_blank_rows: int) -> int:
    """Rows with data in a sheet (the header included), by a cheap streaming pass that stops as soon as
    `max_rows` is passed (returning `max_rows + 1`) or there are more than `max_blank_rows` blank rows."""
    data_rows = blank_rows = 0
    with archive.open(path) as part:
        for _event, element in defused_iterparse(part):
            if _local(element.tag) != "row":
                continue
            if any(_local(child.tag) in _VALUE_NAMES for cell in element for child in cell):
                data_rows += 1
                if data_rows > max_rows:
                    return data_rows
            else:
                blank_rows += 1
                if blank_rows > max_blank_rows:
                    raise XlsxFileError(
                        "В файле слишком много пустых строк. Удалите их и сохраните таблицу заново."
                    )
            element.clear()
    return data_rows


class XlsxTable:
    """The first sheet of an uploaded workbook: a header row and data rows, streamed and bounded.

    `XlsxTable(source, columns=…, max_bytes=…, max_rows=…)` refuses the file (XlsxFileError) before a
    single data row is read if it is too big, not a workbook, a bomb, or lacks a required column.
    `total_rows` is the number of data rows (without the header); `rows()` yields `TableRow`s.
    """

    def __init__(self, source, *, columns: Sequence[TableColumn], max_bytes: int, max_rows: int):
        _require_defusedxml()
        check_xlsx_upload(source, max_bytes=max_bytes)
        self.columns = list(columns)
        self._workbook = None
        stream = _stream(source)
        limits = {"max_rows": max_rows + 1, "max_blank_rows": 2 * max_rows + 1000}
        try:
            # Count first, before openpyxl looks at the sheet (it parses a sheet without a stored
            # dimension to its end just to open it): a row bomb stops here, at the limit.
            with zipfile.ZipFile(stream) as archive:
                path = first_sheet_path(archive)
                rows_with_header = count_rows(archive, path, **limits) if path else None
            stream.seek(0)
            if rows_with_header is not None and rows_with_header - 1 > max_rows:
                raise XlsxFileError(
                    f"Строк с данными больше допустимого: можно не больше {max_rows}. Разделите файл на части."
                )
            self._workbook = load_workbook(stream, read_only=True, data_only=False)
            if not self._workbook.worksheets:
                raise XlsxFileError("В файле нет листов.")
            self._sheet = self._workbook.worksheets[0]
            self._sheet.reset_dimensions()  # the stored dimension may lie; read what is there
            if rows_with_header is None or path != self._sheet._worksheet_path.lstrip("/"):
                rows_with_header = count_rows(self._workbook._archive, self._sheet._worksheet_path, **limits)
            header = next(self._sheet.iter_rows(min_row=1, max_row=1, values_only=True), None)
        except XlsxFileError:
            self.close()
            raise
        except (MemoryError, ImproperlyConfigured):
            self.close()
            raise
        except Exception as error:
            self.close()
            raise _xml_error(error) from None
        if rows_with_header - 1 > max_rows:
            self.close()
            raise XlsxFileError(
                f"Строк с данными больше допустимого: можно не больше {max_rows}. Разделите файл на части."
            )
        if not header or not any(value not in (None, "") for value in header):
            self.close()
            raise XlsxFileError(
                "В файле нет строки заголовка: первая строка должна быть заголовком из шаблона."
            )
        self.total_rows = max(rows_with_header - 1, 0)
        self.positions, self.unknown_columns, self.missing_columns = self._match_header(header)

    def _match_header(self, header) -> tuple[dict[str, int], list[str], list[TableColumn]]:
        from .text import normalize_for_search

        by_title = {normalize_for_search(column.title): column for column in self.columns}
        positions: dict[str, int] = {}
        unknown: list[str] = []
        for index, value in enumerate(header):
            if value in (None, ""):
                continue
            column = by_title.get(normalize_for_search(str(value)))
            if column is None:
                unknown.append(str(value)[:100])
            elif column.key not in positions:
                positions[column.key] = index
        missing = [column for column in self.columns if column.required and column.key not in positions]
        return positions, unknown, missing

    def rows(self, *, deadline: float | None = None) -> Iterator[TableRow]:
        """Data rows, one by one; blank rows are skipped. Stops with XlsxTimeLimitError past `deadline`
        (a `time.monotonic()` value)."""
        width = max(self.positions.values(), default=0) + 1
        keys = [(key, index) for key, index in self.positions.items()]
        try:
            for number, cells in enumerate(
                self._sheet.iter_rows(min_row=2, max_col=width, values_only=False), start=2
            ):
                if deadline is not None and number % 100 == 0 and time.monotonic() > deadline:
                    raise XlsxTimeLimitError(
                        "Проверка файла заняла больше отведённого времени и остановлена. "
                        "Разделите файл на части."
                    )
                values, formulas = {}, []
                for key, index in keys:
                    cell = cells[index] if index < len(cells) else None
                    value = getattr(cell, "value", None)
                    if getattr(cell, "data_type", None) == "f":
                        formulas.append(key)
                        value = None
                    values[key] = value
                if not formulas and all(value in (None, "") for value in values.values()):
                    continue
                yield TableRow(number=number, values=values, formulas=tuple(formulas))
        except XlsxFileError:
            raise
        except MemoryError:
            raise
        except Exception as error:
            raise _xml_error(error) from None

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
