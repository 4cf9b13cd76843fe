"""Benchmark of the agenda rule on the national data set (run by `manage.py bench`)."""

from __future__ import annotations

import statistics

from django.db.models import Count
from django.utils import timezone

from vyzov.bench.measure import Measurement, percentile, time_calls
from vyzov.cases.models import Child
from vyzov.consilium.agenda import agenda_candidates
from vyzov.consilium.models import Consilium, Level
from vyzov.territories.models import Subject

TARGET_MS = 300


def run(*, runs: int, log=print) -> list[Measurement]:
    busiest = (
        Child.objects.filter(current_organization__isnull=False)
        .values("subject")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    subject = Subject.objects.get(pk=busiest["subject"])
    consilium = Consilium.objects.filter(subject=subject, level=Level.REGIONAL).first() or Consilium(
        title="Замеры", level=Level.REGIONAL, subject=subject
    )
    today = timezone.localdate()
    result = agenda_candidates(consilium, as_of=today)
    timings = time_calls(lambda: agenda_candidates(consilium, as_of=today), runs=runs)
    log(f"Повестка: {subject.name}, детей в организациях {busiest['n']}, в повестке {len(result)}")
    return [
        Measurement(
            name=f"Повестка регионального консилиума ({busiest['n']} детей)",
            runs=runs,
            p50_ms=round(statistics.median(timings), 1),
            p95_ms=round(percentile(timings, 0.95), 1),
            target_ms=TARGET_MS,
            extra={"детей в повестке": len(result)},
        )
    ]
