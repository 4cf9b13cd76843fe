"""Open data: the programme's aggregate indicators by subject and quarter, for anyone, without login.

Only the roll-ups are read — sums of figures the federal team has accepted — so a draft, a report
under review or a returned report never appears. Every value passes the region page's small-cell
rule as seen by an anonymous visitor (`selectors.suppress`): the same for everyone, so the data set
is cached as a whole and rebuilt only when the roll-ups change. No table with a person is read here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Count, Max

from vyzov.core.xlsx import safe_cell_value
from vyzov.territories.models import Subject

from .models import Indicator, RollUp, RollUpLevel
from .selectors import small_cell_threshold, suppress

LICENCE_NAME = "Creative Commons «Атрибуция» 4.0 Международная (CC BY 4.0)"
LICENCE_CODE = "CC-BY-4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.ru"
ATTRIBUTION = "Информационная система «Вызов»: данные квартального мониторинга, принятые федеральной командой"

CSV_HEADER = [
    "subject_code",
    "subject_name",
    "federal_district",
    "indicator_code",
    "indicator_name",
    "unit",
    "as_of",
    "value",
    "suppressed",
]


class Row(NamedTuple):
    subject_code: str
    subject_name: str
    district: str
    indicator_code: str
    indicator_name: str
    unit: str
    as_of: dt.date
    value: int | None
    suppressed: bool


@dataclass(frozen=True)
class Dataset:
    rows: list[Row]
    indicators: list[dict]
    quarters: list[dt.date]
    last_period: dt.date | None
    computed_at: dt.datetime | None
    threshold: int


def _version() -> str:
    state = RollUp.objects.aggregate(count=Count("id"), last_id=Max("id"), at=Max("computed_at"))
    return f"{state['count']}:{state['last_id']}:{state['at'].isoformat() if state['at'] else ''}"


def _build() -> Dataset:
    anonymous = AnonymousUser()
    subjects = {s.code: s for s in Subject.objects.select_related("district")}
    indicators = {i.pk: i for i in Indicator.objects.order_by("order", "code")}
    rows = []
    computed_at = None
    for key, indicator_id, as_of, number, at in (
        RollUp.objects.filter(level=RollUpLevel.SUBJECT)
        .order_by("key", "as_of", "indicator_id")
        .values_list("key", "indicator_id", "as_of", "value", "computed_at")
    ):
        subject, indicator = subjects.get(key), indicators.get(indicator_id)
        if subject is None or indicator is None:
            continue
        shown, suppressed = suppress(anonymous, number)
        rows.append(
            Row(
                subject.code,
                subject.name,
                subject.district.name,
                indicator.code,
                indicator.name,
                indicator.unit,
                as_of,
                shown,
                suppressed,
            )
        )
        computed_at = at if computed_at is None or at > computed_at else computed_at
    quarters = sorted({row.as_of for row in rows})
    return Dataset(
        rows=rows,
        indicators=[
            {
                "code": i.code,
                "name": i.name,
                "unit": i.unit,
                "is_stock": i.is_stock,
                "aggregation": i.aggregation,
                "direction": i.direction,
            }
            for i in indicators.values()
        ],
        quarters=quarters,
        last_period=quarters[-1] if quarters else None,
        computed_at=computed_at,
        threshold=small_cell_threshold(),
    )


class Snapshot:
    """The open data as of one request: every piece (the whole set, its description, a filtered
    table, a CSV or JSON file) is built once per state of the roll-ups and then served from the cache.
    Filters are checked against the data set before they become a cache key."""

    def __init__(self):
        self.version = _version()

    def _cached(self, name: str, build):
        key = f"open_data:{settings.VYZOV_SMALL_CELL_THRESHOLD}:{self.version}:{name}"
        value = cache.get(key)
        if value is None:
            value = build()
            cache.set(key, value, settings.VYZOV_OPEN_DATA_CACHE_SECONDS)
        return value

    def dataset(self) -> Dataset:
        return self._cached("all", _build)

    def meta(self) -> Dataset:
        """The data set without its rows (indicators, quarters, last period)."""
        return self._cached("meta", lambda: Dataset(**{**self.dataset().__dict__, "rows": []}))

    def known(self, *, indicator: str, as_of: dt.date | None) -> bool:
        meta = self.meta()
        return (not indicator or indicator in {item["code"] for item in meta.indicators}) and (
            as_of is None or as_of in meta.quarters
        )

    def rows(self, *, indicator: str = "", as_of: dt.date | None = None) -> list[Row]:
        if not self.known(indicator=indicator, as_of=as_of):
            return []  # no such indicator or period: nothing to publish, nothing to cache
        return self._cached(
            f"rows:{indicator}:{as_of or ''}",
            lambda: filtered(self.dataset(), indicator=indicator, as_of=as_of),
        )

    def csv(self, *, indicator: str = "", as_of: dt.date | None = None) -> str:
        if not self.known(indicator=indicator, as_of=as_of):
            return csv_text([])
        return self._cached(
            f"csv:{indicator}:{as_of or ''}", lambda: csv_text(self.rows(indicator=indicator, as_of=as_of))
        )

    def json(self, *, indicator: str = "", as_of: dt.date | None = None) -> str:
        if not self.known(indicator=indicator, as_of=as_of):
            return json_text(self.meta(), [])
        return self._cached(
            f"json:{indicator}:{as_of or ''}",
            lambda: json_text(self.meta(), self.rows(indicator=indicator, as_of=as_of)),
        )


def filtered(data: Dataset, *, indicator: str = "", as_of: dt.date | None = None) -> list[Row]:
    return [
        row
        for row in data.rows
        if (not indicator or row.indicator_code == indicator) and (as_of is None or row.as_of == as_of)
    ]


def csv_text(rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow(
            [
                row.subject_code,
                safe_cell_value(row.subject_name),
                safe_cell_value(row.district),
                row.indicator_code,
                safe_cell_value(row.indicator_name),
                safe_cell_value(row.unit),
                row.as_of.isoformat(),
                "" if row.value is None else row.value,
                "true" if row.suppressed else "false",
            ]
        )
    return buffer.getvalue()


def json_text(data: Dataset, rows: list[Row]) -> str:
    document = {
        "title": "Показатели программы «Вызов» по субъектам РФ и кварталам",
        "licence": {"name": LICENCE_NAME, "code": LICENCE_CODE, "url": LICENCE_URL},
        "attribution": ATTRIBUTION,
        "last_period": data.last_period.isoformat() if data.last_period else None,
        "computed_at": data.computed_at.isoformat() if data.computed_at else None,
        "small_cell_threshold": data.threshold,
        "note": "Значения меньше порога не раскрываются: value = null, suppressed = true.",
        "indicators": data.indicators,
        "data": [
            {
                "subject": row.subject_code,
                "subject_name": row.subject_name,
                "federal_district": row.district,
                "indicator": row.indicator_code,
                "as_of": row.as_of.isoformat(),
                "value": row.value,
                "suppressed": row.suppressed,
            }
            for row in rows
        ],
    }
    return json.dumps(document, ensure_ascii=False)


def rate_allowed(client: str) -> bool:
    """At most VYZOV_OPEN_DATA_RATE requests a minute from one client address."""
    key = f"open_data_rate:{client}:{int(dt.datetime.now(dt.UTC).timestamp() // 60)}"
    cache.add(key, 0, 90)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, 90)
        count = 1
    return count <= settings.VYZOV_OPEN_DATA_RATE
