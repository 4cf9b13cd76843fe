"""The all-Russian inspections of the regional prevention systems as 004 records them (column
«Всероссийская инспекция системы профилактики» of the slide «Работаем сразу по нескольким
направлениям», copied into `vyzov_pilot_regions.csv`, `inspection_004`).

The cells are of three kinds: «2025— инспекция в регионе; 2024— кабинетный анализ» (a kind and a year),
«25.11.2024 – 27.11.2024» (dates, no kind) and a tick (an inspection, neither kind nor date). Only what
the cell says is kept: a year becomes 01.01–31.12 with «в документе указан только год», and a tick
gives no record because nothing about it can be dated.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .models import InspectionKind

KINDS = {label: value for value, label in InspectionKind.choices}
YEAR_ENTRY = re.compile(r"(\d{4})\s*[—–-]\s*([^;]+)")
DATES = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})\s*[—–-]\s*(\d{2})\.(\d{2})\.(\d{4})")
YEAR_ONLY = "в документе (004) указан только год"
SOURCE = "презентация «Специальный проект „Вызов“» (004), слайд «Работаем сразу по нескольким направлениям»"


@dataclass(frozen=True)
class DocumentedInspection:
    kind: str
    date_from: dt.date
    date_to: dt.date
    period_note: str


def parse_004(cell: str) -> list[DocumentedInspection]:
    cell = cell.strip()
    if match := DATES.search(cell):
        day1, month1, year1, day2, month2, year2 = (int(x) for x in match.groups())
        return [DocumentedInspection("", dt.date(year1, month1, day1), dt.date(year2, month2, day2), "")]
    found = []
    for year, label in YEAR_ENTRY.findall(cell):
        kind = KINDS.get(label.strip().rstrip("."), "")
        found.append(
            DocumentedInspection(kind, dt.date(int(year), 1, 1), dt.date(int(year), 12, 31), YEAR_ONLY)
        )
    return sorted(found, key=lambda inspection: inspection.date_from)


def findings_text() -> str:
    return f"Выводы инспекции в материалах программы не приведены. Источник: {SOURCE}."
