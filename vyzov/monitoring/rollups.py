"""Roll-ups municipality → subject → federal district → country (and the group of pilot regions).

Computed when accepted figures change and stored in RollUp; pages only read them. A subject's value
combines its municipal figures when it has any for that indicator and quarter, otherwise it is the
figure entered for the subject as a whole. Only accepted reports count. How values combine — sum,
average or not at all — is the indicator's `aggregation`, decided by `aggregation.combine` alone: an
indicator that is not aggregatable gets no district, country or pilot-group row (and no subject row
made of municipal figures), so no page shows a fake total.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction

from vyzov.territories.models import Subject

from .aggregation import combine
from .models import Figure, Indicator, ReportStatus, RollUp, RollUpLevel

COUNTRY_KEY = "RU"
PILOT_KEY = "pilot"


def _indicators() -> dict[int, Indicator]:
    return {indicator.pk: indicator for indicator in Indicator.objects.only("aggregation", "is_stock")}


def subject_values(
    *, as_of: dt.date, indicators: dict[int, Indicator] | None = None
) -> dict[tuple[int, int], int]:
    """{(subject_id, indicator_id): value} of accepted figures at one quarter date."""
    indicators = _indicators() if indicators is None else indicators
    accepted = Figure.objects.filter(as_of=as_of, report__status=ReportStatus.ACCEPTED).order_by()
    values = {
        (row["subject_id"], row["indicator_id"]): row["value"]
        for row in accepted.filter(municipality__isnull=True).values("subject_id", "indicator_id", "value")
    }
    municipal: dict[tuple[int, int], list[int]] = defaultdict(list)
    for subject_id, indicator_id, value in accepted.filter(municipality__isnull=False).values_list(
        "subject_id", "indicator_id", "value"
    ):
        municipal[(subject_id, indicator_id)].append(value)
    for (subject_id, indicator_id), parts in municipal.items():
        combined = combine(indicators[indicator_id], parts)
        if combined is not None:
            values[(subject_id, indicator_id)] = combined
    return values


@transaction.atomic
def recompute(*, as_of: dt.date) -> int:
    """Rebuild every roll-up of one quarter date. Returns the number of roll-up rows written."""
    subjects = {
        subject.pk: subject
        for subject in Subject.objects.select_related("district").only("code", "is_pilot", "district__code")
    }
    indicators = _indicators()
    rows: list[RollUp] = []
    groups: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    for (subject_id, indicator_id), value in subject_values(as_of=as_of, indicators=indicators).items():
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
            groups[(level, key, indicator_id)].append(value)
    for (level, key, indicator_id), values in groups.items():
        combined = combine(indicators[indicator_id], values)
        if combined is None:
            continue  # not aggregatable: no total at all
        rows.append(
            RollUp(
                level=level,
                key=key,
                indicator_id=indicator_id,
                as_of=as_of,
                value=combined,
                subjects_reporting=len(values),
            )
        )
    RollUp.objects.filter(as_of=as_of).delete()
    RollUp.objects.bulk_create(rows)
    return len(rows)


def recompute_all() -> int:
    dates = Figure.objects.order_by().values_list("as_of", flat=True).distinct()
    return sum(recompute(as_of=as_of) for as_of in sorted(set(dates)))
