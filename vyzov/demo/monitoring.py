"""Demo history of monitoring: the programme's published totals split over the regions.

The documents give totals only for the 14 pilot regions (21 152 on 01.07.2024 → 16 446 on 01.10.2025),
not per region. For the country they give no number: the demo uses the derived estimate of
`programme_figures.national_estimate()` (21 152 ÷ 35 % ≈ 60 434, minus 18,2 % ≈ 49 435), labelled as
such on every page. Children in СОП families add up to 004's «около 220 000» at every quarter date,
with Красноярский край at its «около 4 000». The demo splits them over the subjects in proportion
to child population and a deterministic regional rate (higher in the pilot regions, which were
chosen for the largest numbers and shares), so every total is exact; each figure is marked with the
source «демо: распределение итогов из материалов программы». Quarters in between are interpolated.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from vyzov.accounts.models import User
from vyzov.core.bulk import bulk_insert
from vyzov.monitoring import rollups
from vyzov.monitoring.models import Figure, FigureSource, Indicator, QuarterReport, ReportStatus
from vyzov.monitoring.programme_figures import national_estimate
from vyzov.monitoring.reference import BASELINE_DATE, MAIN_INDICATOR, read_csv, reference_figure, set_targets
from vyzov.territories.models import Subject
from vyzov.territories.reference import reference_municipalities

QUARTERS = [
    dt.date(2024, 7, 1),
    dt.date(2024, 10, 1),
    dt.date(2025, 1, 1),
    dt.date(2025, 4, 1),
    dt.date(2025, 7, 1),
    dt.date(2025, 10, 1),
]
LATEST = QUARTERS[-1]
KRASNOYARSK_BASELINE = 4_600  # 004: «более 4 500» children in institutions (undated)
# 004: «около 220 000» children in СОП families in the country, «около 4 000» in Красноярский край
SOP_CHILDREN_ROW, KRASNOYARSK_SOP_ROW = 45, 46


def apportion(total: int, weights: list[float]) -> list[int]:
    """Whole numbers in proportion to the weights that add up exactly to the total (largest remainder)."""
    whole = sum(weights)
    shares = [total * weight / whole for weight in weights]
    values = [int(share) for share in shares]
    order = sorted(range(len(shares)), key=lambda i: shares[i] - values[i], reverse=True)
    for i in order[: total - sum(values)]:
        values[i] += 1
    return values


def demo_totals() -> dict[tuple[str, dt.date], int]:
    totals = {}
    estimate = national_estimate()
    for row in read_csv("demo_totals.csv"):
        as_of = dt.date.fromisoformat(row["as_of"])
        value = row["children_in_institutions"]
        if not value and row["scope"] == "country":  # derived, never presented as the documents' figure
            value = estimate.baseline if as_of == BASELINE_DATE else estimate.latest
        elif not value:  # the pilot totals are read from the programme's figures, not retyped
            seed_id = 3 if as_of == BASELINE_DATE else 5
            value = reference_figure(seed_id).value
        totals[(row["scope"], as_of)] = int(value)
    return totals


def sop_children_split(subjects: list[Subject], rng: random.Random) -> dict[str, int]:
    """004's «около 220 000» children in СОП families over the subjects by child population, with
    Красноярский край at its «около 4 000»."""
    total = int(reference_figure(SOP_CHILDREN_ROW).value)
    fixed = {"24": int(reference_figure(KRASNOYARSK_SOP_ROW).value)}
    free = [s for s in subjects if s.code not in fixed]
    weights = [(s.child_population or 100_000) * rng.uniform(0.7, 1.4) for s in free]
    split = dict(zip([s.code for s in free], apportion(total - sum(fixed.values()), weights), strict=True))
    return split | {code: value for code, value in fixed.items() if any(s.code == code for s in subjects)}


def _split(
    subjects: list[Subject], total_start: int, total_end: int, rng: random.Random, fixed: dict[str, int]
) -> dict[str, tuple[int, int]]:
    rates = {s.code: rng.uniform(0.7, 1.4) for s in subjects}
    free = [s for s in subjects if s.code not in fixed]
    start = dict(fixed)
    start.update(
        zip(
            [s.code for s in free],
            apportion(
                total_start - sum(fixed.values()),
                [(s.child_population or 100_000) * rates[s.code] for s in free],
            ),
            strict=True,
        )
    )
    declines = {s.code: rng.uniform(0.6, 1.4) for s in subjects}
    target_drop = 1 - total_end / total_start
    end_weights = [max(0.05, start[s.code] * (1 - target_drop * declines[s.code])) for s in subjects]
    end = dict(zip([s.code for s in subjects], apportion(total_end, end_weights), strict=True))
    return {s.code: (start[s.code], end[s.code]) for s in subjects}


@transaction.atomic
def load(*, seed: int = 2024) -> int:
    """Create accepted demo reports for every subject and quarter (skipped if monitoring has data)."""
    if Figure.objects.exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 — demo data
    totals = demo_totals()
    subjects = list(Subject.objects.order_by("code"))
    pilots = [s for s in subjects if s.is_pilot]
    others = [s for s in subjects if not s.is_pilot]
    values = _split(
        pilots,
        totals[("pilot", BASELINE_DATE)],
        totals[("pilot", LATEST)],
        rng,
        fixed={"24": KRASNOYARSK_BASELINE},
    )
    values |= _split(
        others,
        totals[("country", BASELINE_DATE)] - totals[("pilot", BASELINE_DATE)],
        totals[("country", LATEST)] - totals[("pilot", LATEST)],
        rng,
        fixed={},
    )
    sop_children = sop_children_split(subjects, rng)
    indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
    reviewer = User.objects.filter(username="fed_analyst").first()
    figures: list[Figure] = []
    for subject in subjects:
        start, end = values[subject.code]
        for index, as_of in enumerate(QUARTERS):
            report = QuarterReport.objects.create(
                subject=subject, as_of=as_of, status=ReportStatus.ACCEPTED, reviewed_by=reviewer
            )
            share = index / (len(QUARTERS) - 1)
            main = (
                start
                if index == 0
                else end
                if as_of == LATEST
                else round(start + (end - start) * share * rng.uniform(0.85, 1.15))
            )
            figures += _subject_figures(
                report, subject, main, indicators, rng, pilot=subject.is_pilot, sop=sop_children[subject.code]
            )
            if subject.is_pilot:
                figures += _municipal_split(report, subject, main, indicators[MAIN_INDICATOR])
    for figure in figures:
        figure.source = FigureSource.DEMO
    bulk_insert(figures, batch_size=2000)
    set_targets(baselines={code: start for code, (start, _end) in values.items()})
    for as_of in QUARTERS:
        rollups.recompute(as_of=as_of)
    return len(figures)


def _subject_figures(report, subject, main, indicators, rng, *, pilot: bool, sop: int) -> list[Figure]:
    with_parents = round(main * rng.uniform(0.72, 0.86))
    temporary = round(main * rng.uniform(0.15, 0.32))
    left = round(main * rng.uniform(0.28, 0.4) if pilot else main * rng.uniform(0.2, 0.3))
    returned = round(left * rng.uniform(0.58, 0.7))
    family = round(left * rng.uniform(0.12, 0.2))
    placed = round(left * rng.uniform(0.7, 0.95))
    sop_families = round(sop / rng.uniform(1.7, 2.1))
    values = {
        MAIN_INDICATOR: main,
        "children_with_parents": with_parents,
        "children_temporary_request": temporary,
        "children_placed_quarter": placed,
        "children_left_quarter": left,
        "children_returned_home_quarter": returned,
        "children_family_placement_quarter": family,
        "sop_families": sop_families,
        "sop_children": sop,
        "tzhs_families": round(sop_families * rng.uniform(1.5, 2.5)),
    }
    return [
        Figure(report=report, indicator=indicators[code], subject=subject, as_of=report.as_of, value=value)
        for code, value in values.items()
        if code in indicators
    ]


def _municipal_split(report, subject, main, indicator) -> list[Figure]:
    """Pilot regions report «children in institutions» by municipality: the same total, split by population."""
    municipalities = reference_municipalities(subject)
    if not municipalities:
        return []
    split = apportion(main, [m.population or 10_000 for m in municipalities])
    return [
        Figure(
            report=report,
            indicator=indicator,
            subject=subject,
            municipality=municipality,
            as_of=report.as_of,
            value=value,
        )
        for municipality, value in zip(municipalities, split, strict=True)
    ]
