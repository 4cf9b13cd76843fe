"""Roll-ups municipality → subject → federal district → country (and the group of pilot regions).

Computed when accepted figures change and stored in RollUp; pages only read them. A subject's value
is the sum of its municipal figures when it has any for that indicator and quarter, otherwise the
figure entered for the subject as a whole. Only accepted reports count.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Sum

from vyzov.territories.models import Subject

from .models import Figure, ReportStatus, RollUp, RollUpLevel

COUNTRY_KEY = "RU"
PILOT_KEY = "pilot"


def subject_values(*, as_of: dt.date) -> dict[tuple[int, int], int]:
    """{(subject_id, indicator_id): value} of accepted figures at one quarter date."""
    accepted = Figure.objects.filter(as_of=as_of, report__status=ReportStatus.ACCEPTED)
    values = {
        (row["subject_id"], row["indicator_id"]): row["value"]
        for row in accepted.filter(municipality__isnull=True).values("subject_id", "indicator_id", "value")
    }
    municipal = (
        accepted.filter(municipality__isnull=False)
        .values("subject_id", "indicator_id")
        .annotate(total=Sum("value"))
        .order_by()
    )
    for row in municipal:
        values[(row["subject_id"], row["indicator_id"])] = row["total"]
    return values


@transaction.atomic
def recompute(*, as_of: dt.date) -> int:
    """Rebuild every roll-up of one quarter date. Returns the number of roll-up rows written."""
    subjects = {
        subject.pk: subject
        for subject in Subject.objects.select_related("district").only("code", "is_pilot", "district__code")
    }
    rows: list[RollUp] = []
    totals: dict[tuple[str, str, int], list[int]] = defaultdict(lambda: [0, 0])
    for (subject_id, indicator_id), value in subject_values(as_of=as_of).items():
        subject = subjects[subject_id]
        rows.append(
            RollUp(
                level=RollUpLevel.SUBJECT,
                key=subject.code,
                indicator_id=indicator_id,
                as_of=as_of,
                value=value,
            )
        )
        keys = [(RollUpLevel.DISTRICT, subject.district.code), (RollUpLevel.COUNTRY, COUNTRY_KEY)]
        if subject.is_pilot:
            keys.append((RollUpLevel.PILOT_GROUP, PILOT_KEY))
        for level, key in keys:
            total = totals[(level, key, indicator_id)]
            total[0] += value
            total[1] += 1
    for (level, key, indicator_id), (value, count) in totals.items():
        rows.append(
            RollUp(
                level=level,
                key=key,
                indicator_id=indicator_id,
                as_of=as_of,
                value=value,
                subjects_reporting=count,
            )
        )
    RollUp.objects.filter(as_of=as_of).delete()
    RollUp.objects.bulk_create(rows)
    return len(rows)


def recompute_all() -> int:
    dates = Figure.objects.order_by().values_list("as_of", flat=True).distinct()
    return sum(recompute(as_of=as_of) for as_of in sorted(set(dates)))
