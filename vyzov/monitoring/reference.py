"""Reference data of monitoring: the indicator catalogue, child population of the subjects, the
programme's own aggregate figures (vyzov_indicators.csv) and the −25 % targets of the pilot regions."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from vyzov.core.seeds import with_titles
from vyzov.territories.models import Subject

from .expressions import part_total_rules
from .models import (
    DEFAULT_DEADLINE_DAYS,
    MAIN_DATA_SET,
    MAIN_DATA_SET_NAME,
    DataSet,
    Indicator,
    ReferenceFigure,
    Target,
    ValidationRule,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
BASELINE_DATE = dt.date(2024, 7, 1)
TARGET_DATE = dt.date(2026, 12, 31)
TARGET_REDUCTION = Decimal("25")
MAIN_INDICATOR = "children_in_institutions"


def read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def load_indicators() -> int:
    rows = read_csv("indicators.csv")
    for row in rows:
        Indicator.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "unit": row["unit"],
                "direction": row["direction"],
                "is_stock": row["is_stock"] == "1",
                "parts_are_exclusive": row["parts_are_exclusive"] == "1",
                "from_register": row["from_register"] == "1",
                "order": int(row["order"]),
                "description": row["description"],
            },
        )
    for row in rows:
        if row["part_of"]:
            Indicator.objects.filter(code=row["code"]).update(
                part_of=Indicator.objects.get(code=row["part_of"])
            )
    load_main_data_set([row["code"] for row in rows])
    load_validation_rules()
    return len(rows)


def load_main_data_set(codes: list[str]) -> DataSet:
    """The main data set with the catalogue's indicators (added, never removed: the federal team may
    have changed it); «children in institutions» is required, as it always was."""
    data_set, _created = DataSet.objects.get_or_create(
        code=MAIN_DATA_SET, defaults={"name": MAIN_DATA_SET_NAME, "deadline_days": DEFAULT_DEADLINE_DAYS}
    )
    data_set.indicators.add(*Indicator.objects.filter(code__in=codes))
    data_set.required_indicators.add(*Indicator.objects.filter(code=MAIN_INDICATOR))
    return data_set


def load_validation_rules() -> int:
    """The rules «part ≤ total» of the catalogue as rows (created once; the federal team edits them)."""
    rows = read_csv("indicators.csv")
    rules = part_total_rules(
        [
            (row["code"], row["name"], row["part_of"] or None, row["parts_are_exclusive"] == "1")
            for row in rows
        ]
    )
    for rule in rules:
        ValidationRule.objects.get_or_create(code=rule["code"], defaults=rule)
    return len(rules)


@transaction.atomic
def load_child_population() -> int:
    rows = read_csv("child_population.csv")
    for row in rows:
        Subject.objects.filter(code=row["code"]).update(child_population=int(row["child_population"]))
    return len(rows)


@transaction.atomic
def load_reference_figures() -> int:
    rows = read_csv("vyzov_indicators.csv")
    for row in rows:
        ReferenceFigure.objects.update_or_create(
            seed_id=int(row["id"]),
            defaults={
                "scope": row["scope"],
                "indicator_name": row["indicator"],
                "value": Decimal(row["value"]),
                "value_as_in_seed": row["value_as_in_seed"],
                "unit": row["unit"],
                "date_or_period": row["date_or_period"],
                "source": with_titles(row["source"])[:400],
            },
        )
    return len(rows)


def reference_figure(seed_id: int) -> ReferenceFigure | None:
    return ReferenceFigure.objects.filter(seed_id=seed_id).first()


def load_all() -> None:
    load_indicators()
    load_child_population()
    load_reference_figures()


def set_targets(*, baselines: dict[str, int]) -> int:
    """−25 % by 31.12.2026 from the 01.07.2024 value, for the pilot regions given by code."""
    indicator = Indicator.objects.get(code=MAIN_INDICATOR)
    count = 0
    for subject in Subject.objects.filter(code__in=baselines, is_pilot=True):
        Target.objects.update_or_create(
            subject=subject,
            defaults={
                "indicator": indicator,
                "baseline_date": BASELINE_DATE,
                "baseline_value": baselines[subject.code],
                "reduction_percent": TARGET_REDUCTION,
                "target_date": TARGET_DATE,
            },
        )
        count += 1
    return count
