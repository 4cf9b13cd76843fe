"""XLSX ranking and the printable one-page region summary (DOCX)."""

from __future__ import annotations

import io

from django.utils import timezone
from docx import Document
from docx.shared import Pt

from .reference import BASELINE_DATE, TARGET_DATE

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

RANKING_HEADER = [
    "Место",
    "Субъект РФ",
    "Федеральный округ",
    "Пилотный регион",
    f"На {BASELINE_DATE:%d.%m.%Y}",
    "Последнее значение",
    "Изменение, %",
    "Пройдено пути к цели, %",
    "Прогноз на 31.12.2026",
    "Оценка",
    "На 10 000 детей",
]


def _round(value, digits=1):
    return None if value is None else round(value, digits)


def ranking_row(position: int, row) -> list:
    progress = row.progress
    return [
        position,
        row.subject.name,
        row.subject.district.code,
        "да" if row.subject.is_pilot else "нет",
        row.baseline,
        row.latest,
        _round(row.change_percent),
        _round(progress.share_of_way if progress else None),
        _round(progress.forecast if progress else None, 0),
        progress.status_label if progress else "нет данных",
        _round(row.per_10k),
    ]


def _fmt(value, suffix="") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", " ").replace(".", ",") + suffix
    return f"{value:,}".replace(",", " ") + suffix


def region_summary_docx(page) -> bytes:
    """One page: the subject's progress to its target, the latest figures, the comparison with the
    pilot group, the largest municipalities."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10)
    document.add_heading(f"{page.subject.name}: мониторинг численности детей в учреждениях", level=1)
    document.add_paragraph(
        f"Сводка на {timezone.localdate():%d.%m.%Y}. Федеральный округ: {page.subject.district.name}. "
        + ("Пилотный регион специального проекта «Вызов»." if page.subject.is_pilot else "")
    )
    row = page.row
    progress = row.progress
    table = document.add_table(rows=0, cols=2)
    table.style = "Light Grid Accent 1"
    lines = [
        (f"Базовое значение на {BASELINE_DATE:%d.%m.%Y}", _fmt(row.baseline)),
        (
            "Последнее значение"
            + (f" ({progress.latest_date:%d.%m.%Y})" if progress and progress.latest_date else ""),
            _fmt(row.latest),
        ),
        ("Изменение с базовой даты", _fmt(progress.change_percent if progress else None, " %")),
        (f"Цель на {TARGET_DATE:%d.%m.%Y}", _fmt(progress.target if progress else None)),
        ("Пройдено пути к цели", _fmt(progress.share_of_way if progress else None, " %")),
        ("Нужно было бы сейчас (по прямой)", _fmt(progress.needed_now if progress else None)),
        ("Прогноз на срок цели (линейный тренд)", _fmt(progress.forecast if progress else None)),
        ("Оценка", progress.status_label if progress else "нет данных"),
        (
            "Группа 14 пилотных регионов: изменение",
            _fmt(page.pilot.change_percent if page.pilot else None, " %"),
        ),
    ]
    for label, value in lines:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    document.add_heading("Показатели по кварталам", level=2)
    quarters = sorted({as_of for _indicator, points in page.indicator_series for as_of, _value in points})[
        -4:
    ]
    grid = document.add_table(rows=1, cols=1 + len(quarters))
    grid.style = "Light Grid Accent 1"
    grid.rows[0].cells[0].text = "Показатель"
    for index, as_of in enumerate(quarters, start=1):
        grid.rows[0].cells[index].text = f"{as_of:%d.%m.%Y}"
    for indicator, points in page.indicator_series:
        values = dict(points)
        cells = grid.add_row().cells
        cells[0].text = indicator.name
        for index, as_of in enumerate(quarters, start=1):
            cells[index].text = _fmt(values.get(as_of))
    if page.municipal:
        document.add_heading(f"Муниципалитеты (на {page.municipal_as_of:%d.%m.%Y}), крупнейшие", level=2)
        for name, value, suppressed in page.municipal[:10]:
            document.add_paragraph(
                f"{name}: {'меньше порога' if suppressed else _fmt(value)}", style="List Bullet"
            )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
