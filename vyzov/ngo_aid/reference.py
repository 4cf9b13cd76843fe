"""The forms of aid (16, from the programme's brochure) and the operators of the 14 pilot regions."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from vyzov.territories.models import Organization, OrganizationKind, Subject

from .models import AidForm, Fund, Operator

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def load_forms() -> int:
    rows = read_csv("ngo_aid_forms.csv")
    for row in rows:
        AidForm.objects.update_or_create(
            code=row["code"],
            defaults={"title": row["form"], "condition": row["condition"], "order": int(row["no"])},
        )
    return len(rows)


def eligibility_conditions() -> list[dict[str, str]]:
    return read_csv("ngo_aid_eligibility.csv")


@transaction.atomic
def ensure_operators(*, pilot_rows: list[dict[str, str]]) -> int:
    """An Operator and its fund for every pilot region's NGO named in the brochure (if the NGO exists)."""
    count = 0
    for row in pilot_rows:
        organization = Organization.objects.filter(
            subject__code=row["subject_code"], kind=OrganizationKind.NGO, name=row["ngo_operator"]
        ).first()
        if organization is None:
            continue
        operator, _ = Operator.objects.get_or_create(
            organization=organization, defaults={"subject": Subject.objects.get(code=row["subject_code"])}
        )
        Fund.objects.get_or_create(operator=operator)
        count += 1
    return count
