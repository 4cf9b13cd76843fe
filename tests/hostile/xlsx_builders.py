"""Hostile spreadsheet files built in code (nothing is stored in the repository)."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "{shared}</Types>"
)
SHARED_OVERRIDE = (
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>{shared}</Relationships>'
)
SHARED_REL = (
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = "</sheetData></worksheet>"
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    + "]>"
)


def cell(value) -> str:
    if value is None:
        return "<c/>"
    if isinstance(value, int | float):
        return f"<c><v>{value}</v></c>"
    if isinstance(value, str) and value.startswith("="):
        return f"<c><f>{escape(value[1:])}</f><v>0</v></c>"
    return f'<c t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def row_xml(values) -> str:
    return "<row>" + "".join(cell(value) for value in values) + "</row>"


def package(
    sheet: bytes | str,
    *,
    shared: bytes | str | None = None,
    extra: dict[str, bytes] | None = None,
    compression=zipfile.ZIP_DEFLATED,
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr(
            "[Content_Types].xml", CONTENT_TYPES.format(shared=SHARED_OVERRIDE if shared else "")
        )
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr(
            "xl/_rels/workbook.xml.rels", WORKBOOK_RELS.format(shared=SHARED_REL if shared else "")
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared is not None:
            archive.writestr("xl/sharedStrings.xml", shared)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def table(header, rows, **kwargs) -> bytes:
    return package(SHEET_HEAD + row_xml(header) + "".join(row_xml(r) for r in rows) + SHEET_TAIL, **kwargs)


def entity_bomb_in_sheet(header) -> bytes:
    sheet = (
        BILLION_LAUGHS
        + SHEET_HEAD.split("?>", 1)[1]
        + row_xml(header)
        + '<row><c t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        + SHEET_TAIL
    )
    return package(sheet)


def entity_bomb_in_shared_strings(header) -> bytes:
    shared = (
        BILLION_LAUGHS
        + '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        "<si><t>&lol9;</t></si></sst>"
    )
    sheet = SHEET_HEAD + row_xml(header) + '<row><c t="s"><v>0</v></c></row>' + SHEET_TAIL
    return package(sheet, shared=shared)


def malformed(header) -> bytes:
    return package(SHEET_HEAD + row_xml(header) + "<row><c><v>1</v></row></sheetData>")


def row_bomb(header, rows: int, values) -> bytes:
    """A small file of a huge repetitive sheet, written in chunks (never whole in memory)."""
    buffer = io.BytesIO()
    chunk = (row_xml(values) * 10_000).encode()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(shared=""))
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.format(shared=""))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write((SHEET_HEAD + row_xml(header)).encode())
            for _ in range(rows // 10_000):
                part.write(chunk)
            part.write(SHEET_TAIL.encode())
    return buffer.getvalue()


def zip_bomb(header) -> bytes:
    return table(header, [], extra={"xl/media/padding.bin": b"\0" * (8 * 1024 * 1024)})


def with_macro(header, rows) -> bytes:
    return table(header, rows, extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})


def encrypted_zip(header) -> bytes:
    data = bytearray(table(header, []))
    # Set the «encrypted» flag bit in every local and central header.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (index := data.find(signature, start)) != -1:
            data[index + offset] |= 0x1
            start = index + 4
    return bytes(data)


def truncated(header, rows) -> bytes:
    data = table(header, rows)
    return data[: len(data) // 2]
