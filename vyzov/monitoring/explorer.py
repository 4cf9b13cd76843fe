"""The analytics explorer: any indicators × a territory level × quarters, as a pivot table, a chart,
an XLSX file and an API answer — one query object, one reader.

Values are read from the precomputed roll-ups (country, federal districts, the pilot group,
subjects) and, for municipalities, from the accepted municipal figures: accepted figures only, never
a draft. Rows are scoped by the access policy (a regional user sees the subjects and municipalities
of their region; the country, district and pilot aggregates are the situational centre's, open to
everyone who reads monitoring). Every cell passes the region page's small-cell rule
(`selectors.suppress`). Territories are paged so that a page never holds more than MAX_CELLS cells;
the XLSX file holds them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import QuerySet

from vyzov.accounts.access import Perm, scope
from vyzov.core.xlsx import new_workbook, safe_append, workbook_bytes
from vyzov.territories.models import FederalDistrict, Municipality, Subject

from .aggregation import is_aggregatable
from .models import Aggregation, Figure, Indicator, ReportStatus, RollUp, RollUpLevel
from .rollups import COUNTRY_KEY, PILOT_KEY
from .selectors import suppressor

MAX_CELLS = 3000
MAX_TERRITORIES_PER_PAGE = 100


class Level:
    COUNTRY = "country"
    DISTRICT = "district"
    PILOT = "pilot"
    SUBJECT = "subject"
    MUNICIPALITY = "municipality"

    CHOICES = [
        (COUNTRY, "Российская Федерация"),
        (DISTRICT, "федеральные округа"),
        (PILOT, "14 пилотных регионов (вместе)"),
        (SUBJECT, "субъекты РФ"),
        (MUNICIPALITY, "муниципалитеты"),
    ]
    VALUES = [value for value, _label in CHOICES]


class Layout:
    TERRITORY = "territory"
    PERIOD = "period"
    INDICATOR = "indicator"

    CHOICES = [
        (TERRITORY, "территории в строках"),
        (PERIOD, "кварталы в строках"),
        (INDICATOR, "показатели в строках"),
    ]
    VALUES = [value for value, _label in CHOICES]
    # (rows, column groups, columns) for each choice
    DIMENSIONS = {
        TERRITORY: ("territory", "indicator", "period"),
        PERIOD: ("period", "indicator", "territory"),
        INDICATOR: ("indicator", "territory", "period"),
    }


_ROLLUP_LEVEL = {
    Level.COUNTRY: RollUpLevel.COUNTRY,
    Level.DISTRICT: RollUpLevel.DISTRICT,
    Level.PILOT: RollUpLevel.PILOT_GROUP,
    Level.SUBJECT: RollUpLevel.SUBJECT,
}


@dataclass(frozen=True)
class Query:
    indicators: list[Indicator]
    level: str
    quarters: list[dt.date]
    within_district: FederalDistrict | None = None
    within_subject: Subject | None = None
    layout: str = Layout.TERRITORY
    page: int = 1


@dataclass(frozen=True)
class Territory:
    key: str  # the roll-up key (a subject's code, a district's code, RU, pilot) or a municipality's id
    name: str
    parent: str = ""


@dataclass(frozen=True)
class Value:
    value: int | None
    suppressed: bool
    subjects_reporting: int | None = None  # for values combined over subjects
    aggregation: str = ""  # how they were combined (the indicator's aggregation), for combined values

    @property
    def missing(self) -> bool:
        return self.value is None and not self.suppressed

    @property
    def not_aggregatable(self) -> bool:
        """A district, country or pilot-group cell of an indicator that has no total (never a fake one)."""
        return self.aggregation == Aggregation.NONE


@dataclass
class Result:
    query: Query
    territories: list[Territory]  # this page's
    territory_count: int
    page: int
    pages: int
    values: dict[tuple[str, int, dt.date], Value] = field(default_factory=dict)

    def value(self, territory: Territory, indicator: Indicator, as_of: dt.date) -> Value:
        return self.values.get((territory.key, indicator.pk, as_of), Value(None, False))


def quarter_text(as_of: dt.date) -> str:
    return f"{as_of:%d.%m.%Y}"


def territory_queryset(*, actor, query: Query) -> QuerySet | None:
    """The scoped subjects or municipalities of the query (None for the aggregate levels)."""
    if query.level == Level.SUBJECT:
        qs = scope(actor, Subject.objects.select_related("district"), Perm.MONITORING_VIEW)
        if query.within_district:
            qs = qs.filter(district=query.within_district)
        if query.within_subject:
            qs = qs.filter(pk=query.within_subject.pk)
        return qs.order_by("name")
    if query.level == Level.MUNICIPALITY:
        qs = scope(actor, Municipality.objects.select_related("subject"), Perm.MONITORING_VIEW)
        if query.within_district:
            qs = qs.filter(subject__district=query.within_district)
        if query.within_subject:
            qs = qs.filter(subject=query.within_subject)
        return qs.order_by("subject__name", "name", "pk")
    return None


def _aggregate_territories(query: Query) -> list[Territory]:
    if query.level == Level.COUNTRY:
        return [Territory(COUNTRY_KEY, "Российская Федерация")]
    if query.level == Level.PILOT:
        return [Territory(PILOT_KEY, "14 пилотных регионов")]
    districts = FederalDistrict.objects.order_by("name")
    if query.within_district:
        districts = districts.filter(pk=query.within_district.pk)
    return [Territory(district.code, district.name) for district in districts]


def per_page(query: Query) -> int:
    columns = max(1, len(query.indicators) * len(query.quarters))
    return max(1, min(MAX_TERRITORIES_PER_PAGE, MAX_CELLS // columns))


def run(*, actor, query: Query, all_pages: bool = False) -> Result:
    """Read the values of one page of territories (or of all of them) in three queries at most."""
    qs = territory_queryset(actor=actor, query=query)
    size = per_page(query)
    if qs is None:
        territories = _aggregate_territories(query)
        count = len(territories)
        pages, page = 1, 1
    else:
        count = qs.count()
        pages = max(1, -(-count // size))
        page = min(max(1, query.page), pages)
        rows = qs if all_pages else qs[(page - 1) * size : page * size]
        if query.level == Level.SUBJECT:
            territories = [Territory(s.code, s.name, s.district.name) for s in rows]
        else:
            territories = [Territory(str(m.pk), m.name, m.subject.name) for m in rows]
    result = Result(query, territories, count, page, pages)
    if not territories or not query.indicators or not query.quarters:
        return result
    suppress = suppressor(actor)  # the region page's rule, with the actor's permission looked up once
    indicator_ids = [indicator.pk for indicator in query.indicators]
    keys = [territory.key for territory in territories]
    if query.level == Level.MUNICIPALITY:
        rows = Figure.objects.filter(
            municipality_id__in=[int(key) for key in keys],
            indicator_id__in=indicator_ids,
            as_of__in=query.quarters,
            report__status=ReportStatus.ACCEPTED,
        ).values_list("municipality_id", "indicator_id", "as_of", "value")
        for municipality_id, indicator_id, as_of, number in rows:
            shown, suppressed = suppress(number)
            result.values[(str(municipality_id), indicator_id, as_of)] = Value(shown, suppressed)
        return result
    rows = RollUp.objects.filter(
        level=_ROLLUP_LEVEL[query.level],
        indicator_id__in=indicator_ids,
        as_of__in=query.quarters,
        key__in=keys,
    ).values_list("key", "indicator_id", "as_of", "value", "subjects_reporting")
    combined = query.level != Level.SUBJECT
    kinds = {indicator.pk: indicator.aggregation for indicator in query.indicators}
    if combined:  # the roll-ups hold no total of an indicator that is not aggregatable: say so
        for indicator in query.indicators:
            if not is_aggregatable(indicator):
                for key in keys:
                    for as_of in query.quarters:
                        result.values[(key, indicator.pk, as_of)] = Value(None, False, None, Aggregation.NONE)
    for key, indicator_id, as_of, number, reporting in rows:
        shown, suppressed = suppress(number)
        result.values[(key, indicator_id, as_of)] = (
            Value(shown, suppressed, reporting, kinds[indicator_id]) if combined else Value(shown, suppressed)
        )
    return result


# ---- the pivot table ---------------------------------------------------------------------------


@dataclass
class Pivot:
    corner: str
    groups: list[tuple[str, int]]  # the upper header: (label, how many columns)
    columns: list[str]
    rows: list[tuple[str, str, list[Value]]]  # (label, sub-label, cells)


def _dimension(result: Result, name: str) -> list[tuple[object, str, str]]:
    if name == "territory":
        return [(t, t.name, t.parent) for t in result.territories]
    if name == "indicator":
        return [(i, f"{i.name}, {i.unit}" if i.unit else i.name, "") for i in result.query.indicators]
    return [(q, quarter_text(q), "") for q in result.query.quarters]


CORNER = {"territory": "Территория", "period": "Отчётная дата", "indicator": "Показатель"}


def pivot(result: Result) -> Pivot:
    row_dim, group_dim, column_dim = Layout.DIMENSIONS[result.query.layout]
    rows_of, groups_of, columns_of = (
        _dimension(result, row_dim),
        _dimension(result, group_dim),
        _dimension(result, column_dim),
    )

    def cell(picks: dict[str, object]) -> Value:
        return result.value(picks["territory"], picks["indicator"], picks["period"])

    rows = []
    for row_item, row_label, row_sub in rows_of:
        cells = [
            cell({row_dim: row_item, group_dim: group_item, column_dim: column_item})
            for group_item, _g, _s in groups_of
            for column_item, _c, _s2 in columns_of
        ]
        rows.append((row_label, row_sub, cells))
    return Pivot(
        corner=CORNER[row_dim],
        groups=[(label, len(columns_of)) for _item, label, _s in groups_of],
        columns=[label for _group in groups_of for _item, label, _s in columns_of],
        rows=rows,
    )


# ---- the chart ----------------------------------------------------------------------------------

MAX_SERIES = 10


def chart(result: Result) -> dict:
    """Chart.js data: over quarters a line per territory and indicator (the first MAX_SERIES); for
    one quarter, bars per territory and indicator. Suppressed values are gaps, never numbers."""
    query = result.query
    series = []
    if len(query.quarters) > 1:
        labels = [quarter_text(as_of) for as_of in query.quarters]
        for territory in result.territories:
            for indicator in query.indicators:
                series.append(
                    {
                        "label": f"{territory.name}: {indicator.name}",
                        "data": [result.value(territory, indicator, q).value for q in query.quarters],
                    }
                )
        kind = "line"
    else:
        labels = [territory.name for territory in result.territories]
        as_of = query.quarters[0] if query.quarters else None
        for indicator in query.indicators:
            series.append(
                {
                    "label": indicator.name,
                    "data": [
                        result.value(territory, indicator, as_of).value if as_of else None
                        for territory in result.territories
                    ],
                }
            )
        kind = "bar"
    return {
        "kind": kind,
        "labels": labels,
        "series": series[:MAX_SERIES],
        "cut": max(0, len(series) - MAX_SERIES),
    }


# ---- flat rows (XLSX, API) ------------------------------------------------------------------------

FLAT_HEADER = [
    "Уровень",
    "Код территории",
    "Территория",
    "Входит в",
    "Код показателя",
    "Показатель",
    "Единица",
    "Отчётная дата",
    "Значение",
    "Скрыто (малое значение)",
    "Субъектов в своде",
    "Свод по территориям",
]


def flat_rows(result: Result) -> Iterator[dict]:
    level_label = dict(Level.CHOICES)[result.query.level]
    for territory in result.territories:
        for indicator in result.query.indicators:
            for as_of in result.query.quarters:
                value = result.value(territory, indicator, as_of)
                yield {
                    "level": result.query.level,
                    "level_label": level_label,
                    "territory": territory.key,
                    "territory_name": territory.name,
                    "parent": territory.parent,
                    "indicator": indicator.code,
                    "indicator_name": indicator.name,
                    "unit": indicator.unit,
                    "as_of": as_of,
                    "value": value.value,
                    "suppressed": value.suppressed,
                    "subjects_reporting": value.subjects_reporting,
                    "aggregation": value.aggregation,
                }


AGGREGATION_LABELS = dict(Aggregation.choices)


def _xlsx_cell(cell: Value) -> int | str | None:
    if cell.suppressed:
        return "< порога"
    if cell.not_aggregatable:
        return "не суммируется"
    return cell.value


def xlsx_bytes(result: Result) -> bytes:
    """The pivot as on the page (every territory) and the same values as a flat table."""
    workbook = new_workbook(write_only=True)
    table = pivot(result)
    sheet = workbook.create_sheet(title="Сводная таблица")
    safe_append(sheet, ["", *[label for label, span in table.groups for _ in range(span)]])
    safe_append(sheet, [table.corner, *table.columns])
    for label, sub, cells in table.rows:
        safe_append(
            sheet,
            [
                f"{label} ({sub})" if sub else label,
                *[_xlsx_cell(cell) for cell in cells],
            ],
        )
    data = workbook.create_sheet(title="Данные")
    safe_append(data, FLAT_HEADER)
    for row in flat_rows(result):
        safe_append(
            data,
            [
                row["level_label"],
                row["territory"],
                row["territory_name"],
                row["parent"],
                row["indicator"],
                row["indicator_name"],
                row["unit"],
                row["as_of"],
                row["value"],
                "да" if row["suppressed"] else "",
                row["subjects_reporting"],
                AGGREGATION_LABELS.get(row["aggregation"], ""),
            ],
        )
    return workbook_bytes(workbook)
