"""Figures as the programme's documents give them (`ReferenceFigure`, loaded from vyzov_indicators.csv),
shown «по материалам программы» beside the figures computed from the regions' data, and the two
national figures derived from them.

The documents give the country no baseline and no current value: 002 says that the 14 pilot regions'
21 152 children were 35 % of all children in institutions on 01.07.2024 and that the country fell by
18,2 %; 004 says «около 60 000». The national estimate is computed from those three rows and is always
labelled as a derived estimate, never as a figure of the documents.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.db.models import Q

from vyzov.core.seeds import title_by_number, with_titles
from vyzov.territories.models import Subject
from vyzov.territories.reference import read_csv as read_territory_csv

from .aggregation import Across, combine
from .models import Figure, FigureSource, Indicator, ReferenceFigure, ReportStatus, RollUp, RollUpLevel
from .reference import DATA_DIR
from .rollups import COUNTRY_KEY, PILOT_KEY

LABEL = "по материалам программы"
# Rows of vyzov_indicators.csv used by the derivation: 21 152 children (pilot, 01.07.2024), their
# share of the country (35 %), the country's change (−18,2 %).
PILOT_BASELINE_ROW, PILOT_SHARE_ROW, COUNTRY_CHANGE_ROW = 3, 4, 7
# The overview's groups, in the order a federal analyst reads them.
OVERVIEW_GROUPS: list[tuple[str, list[int]]] = [
    ("Дети в учреждениях", [3, 50, 4, 51, 5, 6, 7, 8, 43, 9, 10]),
    ("Семьи в социально опасном положении", [45]),
    ("Межведомственные консилиумы", [17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27]),
    ("Службы «Дети в семье»", [31, 32, 33, 34, 35, 36, 37, 38, 39, 40]),
    ("Региональные кураторы", [11, 12, 13, 14, 15, 16]),
    ("НКО-операторы адресной помощи", [28, 29, 30]),
    ("Проект не указан (слайд 004 «Мы видим, что изменить систему возможно!»)", [47, 48, 49]),
    ("Цель и инструменты", [1, 2, 41, 42]),
]
NUMERIC = re.compile(r"^[\d\s.,]+$")


@dataclass
class DocumentFigure:
    """One programme-document figure as a page shows it."""

    name: str
    as_in_seed: str
    date: str
    document: str
    note: str = ""
    computed: str = ""
    derived: bool = False


@dataclass(frozen=True)
class NationalEstimate:
    baseline: int
    latest: int
    explanation: str


@cache
def _seed_rows() -> dict[int, dict[str, str]]:
    """The columns ReferenceFigure does not keep (qualifier, note), from the same CSV."""
    with (DATA_DIR / "vyzov_indicators.csv").open(encoding="utf-8", newline="") as handle:
        return {int(row["id"]): row for row in csv.DictReader(handle)}


def document_name(source: str) -> str:
    """«002_e19f…txt, раздел …» → the document's title, «, раздел …» (one rule: core.seeds)."""
    return with_titles(source)


def ru(value: float | Decimal | int, digits: int = 0) -> str:
    text = f"{abs(value):,.{digits}f}".replace(",", " ").replace(".", ",")
    return ("−" if value < 0 else "") + text


def _as_in_seed(figure: ReferenceFigure) -> str:
    row = _seed_rows().get(figure.seed_id, {})
    text = figure.value_as_in_seed
    if NUMERIC.match(text) and figure.unit:
        text = f"{text} {figure.unit}"
    qualifier = row.get("qualifier", "")
    return f"{qualifier} {text}".strip()


def document_figure(figure: ReferenceFigure, *, computed: str = "") -> DocumentFigure:
    row = _seed_rows().get(figure.seed_id, {})
    name = figure.indicator_name
    if figure.scope and not name.endswith(figure.scope):
        name = f"{name} ({figure.scope})"
    return DocumentFigure(
        name=name,
        as_in_seed=_as_in_seed(figure),
        date=figure.date_or_period,
        document=document_name(figure.source),
        note=row.get("note", ""),
        computed=computed,
    )


def national_estimate(figures: dict[int, ReferenceFigure] | None = None) -> NationalEstimate | None:
    """21 152 ÷ 0,35 for 01.07.2024 and that minus 18,2 % for 01.10.2025 — an estimate, not a seed figure."""
    if figures is None:
        figures = reference_figures(PILOT_BASELINE_ROW, PILOT_SHARE_ROW, COUNTRY_CHANGE_ROW)
    pilot, share, change = (
        figures.get(PILOT_BASELINE_ROW),
        figures.get(PILOT_SHARE_ROW),
        figures.get(COUNTRY_CHANGE_ROW),
    )
    if not (pilot and share and change) or not share.value:
        return None
    baseline = int((pilot.value * 100 / share.value).to_integral_value())
    latest = int((baseline * (1 - change.value / 100)).to_integral_value())
    explanation = (
        f"расчётная оценка: в материалах программы числа по стране нет; {ru(pilot.value)} детей в 14 "
        f"регионах — {ru(share.value)} % от всех ⇒ ≈ {ru(baseline)} на 01.07.2024; снижение по стране "
        f"на {ru(change.value, 1)} % ⇒ ≈ {ru(latest)} на 01.10.2025"
    )
    return NationalEstimate(baseline=baseline, latest=latest, explanation=explanation)


def reference_figures(*seed_ids: int) -> dict[int, ReferenceFigure]:
    figures = ReferenceFigure.objects.all()
    if seed_ids:
        figures = figures.filter(seed_id__in=seed_ids)
    return {figure.seed_id: figure for figure in figures}


def demo_in_use(*, subject: Subject | None = None) -> bool:
    """Whether accepted figures (of one subject, or any) are demo values."""
    figures = Figure.objects.filter(source=FigureSource.DEMO, report__status=ReportStatus.ACCEPTED)
    if subject is not None:
        figures = figures.filter(subject=subject)
    return figures.exists()


FLOW_YEAR = 2025  # 002: 22 981 left and 14 825 returned home in (incomplete) 2025


def _rollups(latest_date: dt.date | None) -> tuple[dict[str, int], int | None]:
    """One query: the pilot group's 2025 flows combined over the quarters by indicator (the one rule
    of `aggregation.combine`), and the country's СОП children."""
    points: dict[str, list[int]] = {}
    kinds: dict[str, Indicator] = {}
    sop = None
    rows = (
        RollUp.objects.filter(
            Q(level=RollUpLevel.PILOT_GROUP, key=PILOT_KEY, as_of__year=FLOW_YEAR)
            & Q(indicator__code__in=["children_left_quarter", "children_returned_home_quarter"])
            | Q(level=RollUpLevel.COUNTRY, key=COUNTRY_KEY, indicator__code="sop_children", as_of=latest_date)
        )
        .select_related("indicator")
        .only("level", "value", "indicator__code", "indicator__aggregation", "indicator__is_stock")
        .order_by("as_of")
    )
    for row in rows:
        if row.level == RollUpLevel.COUNTRY:
            sop = row.value
        else:
            points.setdefault(row.indicator.code, []).append(row.value)
            kinds[row.indicator.code] = row.indicator
    flows = {
        code: combined
        for code, values in points.items()
        if (combined := combine(kinds[code], values, across=Across.PERIODS)) is not None
    }
    return flows, sop


def overview_figures(
    data, figures: dict[int, ReferenceFigure] | None = None
) -> list[tuple[str, list[DocumentFigure]]]:
    """The situational centre's panel: every national and pilot-group figure of the documents, each
    beside the value computed from the regions' data where the system has one."""
    figures = reference_figures() if figures is None else figures
    pilot, country = data.pilot, data.country
    latest_date = data.country_points[-1][0] if data.country_points else None
    flows, sop = _rollups(latest_date)
    computed: dict[int, str] = {}
    if pilot and pilot.baseline is not None:
        computed[3] = computed[50] = f"{ru(pilot.baseline)} на 01.07.2024"
        if pilot.latest is not None:
            computed[5] = f"{ru(pilot.latest)} на {pilot.latest_date:%d.%m.%Y}"
        if pilot.change_percent is not None:
            computed[6] = f"{ru(pilot.change_percent, 1)} %"
    if country and country.change_percent is not None:
        computed[7] = f"{ru(country.change_percent, 1)} %"
    if data.gap_points is not None:
        computed[8] = f"{ru(data.gap_points, 1)} п.п."
    if pilot and country and pilot.baseline and country.baseline:
        computed[4] = computed[51] = f"{ru(pilot.baseline * 100 / country.baseline, 1)} %"
    if country and country.baseline is not None:
        computed[43] = f"{ru(country.baseline)} на 01.07.2024"
    for seed_id, code in ((9, "children_left_quarter"), (10, "children_returned_home_quarter")):
        if code in flows:
            computed[seed_id] = f"{ru(flows[code])} (сумма квартальных отчётов с датами {FLOW_YEAR} г.)"
    if sop is not None and latest_date is not None:
        computed[45] = f"{ru(sop)} на {latest_date:%d.%m.%Y}"
    groups = []
    for title, ids in OVERVIEW_GROUPS:
        rows = [document_figure(figures[i], computed=computed.get(i, "")) for i in ids if i in figures]
        if title == "Дети в учреждениях" and (estimate := national_estimate(figures)):
            rows.append(
                DocumentFigure(
                    name="Дети в учреждениях по стране (Российская Федерация)",
                    as_in_seed=f"≈ {ru(estimate.baseline)} → ≈ {ru(estimate.latest)}",
                    date="01.07.2024 → 01.10.2025",
                    document="расчёт по строкам брошюры «Вызов» (2025): 21 152, 35 %, −18,2 %",
                    note=estimate.explanation,
                    computed=(
                        f"{ru(country.baseline)} → {ru(country.latest)}"
                        if country and country.baseline is not None and country.latest is not None
                        else ""
                    ),
                    derived=True,
                )
            )
        if rows:
            groups.append((title, rows))
    return groups


PILOT_COLUMNS = [
    ("curator_name", "Региональный куратор", "002, п. 2, таблица кураторов"),
    ("ngo_operator", "Региональный НКО-оператор", "002, п. 4, таблица НКО-операторов"),
    ("consilium_model", "Модель консилиумов", "002, п. 3"),
    ("dv_services", "Службы «Дети в семье»", "002, п. 5, таблица «Службы „Дети в семье“»"),
    ("dv_specialists", "Специалисты служб «Дети в семье»", "002, п. 5, таблица «Службы „Дети в семье“»"),
    (
        "dv_families_on_support",
        "Семьи на сопровождении служб «Дети в семье»",
        "002, п. 5, таблица «Службы „Дети в семье“»",
    ),
    ("inspection_004", "Всероссийская инспекция системы профилактики", "004, слайд «Работаем сразу…»"),
]


@cache
def _pilot_rows() -> dict[str, dict[str, str]]:
    return {row["subject_code"]: row for row in read_territory_csv("vyzov_pilot_regions.csv")}


def region_figures(*, subject: Subject, computed: dict[str, str] | None = None) -> list[DocumentFigure]:
    """A region's figures in the documents: the pilot regions' tables of 002 and the rows of
    vyzov_indicators.csv for that subject (Красноярский край in 004), beside the system's values."""
    computed = computed or {}
    rows: list[DocumentFigure] = []
    pilot = _pilot_rows().get(subject.code)
    if pilot:
        for column, name, where in PILOT_COLUMNS:
            value = pilot.get(column, "")
            if column == "consilium_model" and value:
                value = f"{value} ({pilot.get('consilium_levels', '')})".replace(" ()", "")
            if not value:
                continue
            number = where[:3]
            rows.append(
                DocumentFigure(
                    name=name,
                    as_in_seed=value,
                    date="2025" if number == "002" else "дата не указана",
                    document=f"{title_by_number(number)}{where[3:]}",
                    computed=computed.get(column, ""),
                )
            )
    for figure in ReferenceFigure.objects.filter(scope=subject.name):
        rows.append(document_figure(figure, computed=computed.get(f"seed_{figure.seed_id}", "")))
    return rows
