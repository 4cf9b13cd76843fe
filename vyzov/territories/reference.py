"""Loading of the reference territories shipped in vyzov/territories/data (from the programme's seeds)."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from .models import FederalDistrict, Municipality, Subject

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def load_territories() -> dict[str, int]:
    """Create or refresh districts, subjects and municipalities. Safe to run again."""
    districts = {}
    for row in read_csv("federal_districts.csv"):
        districts[row["code"]], _ = FederalDistrict.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "centre": row["centre"]}
        )
    pilot_codes = {row["subject_code"] for row in read_csv("vyzov_pilot_regions.csv")}
    subjects = {}
    for row in read_csv("subjects.csv"):
        subjects[row["code"]], _ = Subject.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "district": districts[row["federal_district"]],
                "kind": row["type"],
                "admin_centre": row["admin_centre"],
                "timezone": row["timezone"],
                "aliases": row["aliases"],
                "is_pilot": row["code"] in pilot_codes,
            },
        )
    municipalities = 0
    for row in read_csv("municipalities.csv"):
        Municipality.objects.get_or_create(
            subject=subjects[row["subject_code"]],
            name=row["name"],
            kind=row["kind"],
            defaults={
                "population": int(row["population"]),
                "is_regional_centre": row["is_regional_centre"] == "1",
            },
        )
        municipalities += 1
    return {"districts": len(districts), "subjects": len(subjects), "municipalities": municipalities}


def reference_municipalities(subject: Subject) -> list[Municipality]:
    """The subject's municipalities from the shipped reference list (not whatever else the database
    holds), largest first: demo data built on them stays the same when the demo is loaded again."""
    rows = [row for row in read_csv("municipalities.csv") if row["subject_code"] == subject.code]
    rows.sort(key=lambda row: (row["is_regional_centre"] != "1", -int(row["population"])))
    by_name = {m.name: m for m in subject.municipalities.filter(name__in=[row["name"] for row in rows])}
    return [by_name[row["name"]] for row in rows if row["name"] in by_name]
