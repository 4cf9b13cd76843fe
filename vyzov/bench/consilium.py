"""Benchmark of the agenda rule and of the meeting page on the national data set (`manage.py bench`)."""

from __future__ import annotations

import statistics

from django.db.models import Count
from django.utils import timezone

from vyzov.accounts.models import Role, ScopeLevel
from vyzov.bench.cases import bench_user, client_for
from vyzov.bench.measure import Measurement, measure_page, percentile, time_calls
from vyzov.cases.models import Child
from vyzov.consilium import services
from vyzov.consilium.agenda import agenda_candidates
from vyzov.consilium.models import AgendaItem, AgendaReason, Consilium, Level, Meeting
from vyzov.territories.models import Subject

TARGET_MS = 300
AGENDA_SIZE = 5_000  # the meeting page's target: 5 000 children on the agenda
BENCH_PLACE = "Замеры: повестка"


def ensure_meeting(consilium: Consilium, *, actor) -> Meeting:
    """A planned meeting of the consilium with the rule's agenda topped up to AGENDA_SIZE children by the
    secretary's own additions (other children of the region), created once and kept."""
    meeting = Meeting.objects.filter(consilium=consilium, place=BENCH_PLACE).first()
    if meeting is None:
        meeting = services.meeting_create(
            actor=actor, consilium=consilium, date=timezone.localdate(), place=BENCH_PLACE
        )
    missing = AGENDA_SIZE - meeting.agenda.count()
    if missing > 0:
        extra = (
            Child.objects.filter(subject=consilium.subject_id, merged_into__isnull=True)
            .exclude(pk__in=meeting.agenda.values("child_id"))
            .values_list("pk", flat=True)[:missing]
        )
        AgendaItem.objects.bulk_create(
            AgendaItem(meeting=meeting, child_id=pk, reasons=[AgendaReason.MANUAL], note="Замеры")
            for pk in extra
        )
    return meeting


def run(*, runs: int, log=print) -> list[Measurement]:
    busiest = (
        Child.objects.filter(current_organization__isnull=False)
        .values("subject")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    subject = Subject.objects.get(pk=busiest["subject"])
    admin = bench_user("bench_fed_admin", Role.FEDERAL_ADMIN, level=ScopeLevel.COUNTRY)
    consilium = Consilium.objects.filter(subject=subject, level=Level.REGIONAL).first()
    if consilium is None:
        consilium = services.consilium_create(
            actor=admin, data={"title": "Замеры", "level": Level.REGIONAL, "subject": subject}
        )
    today = timezone.localdate()
    result = agenda_candidates(consilium, as_of=today)
    timings = time_calls(lambda: agenda_candidates(consilium, as_of=today), runs=runs)
    log(f"Повестка: {subject.name}, детей в организациях {busiest['n']}, в повестке {len(result)}")
    meeting = ensure_meeting(consilium, actor=admin)
    on_agenda = meeting.agenda.count()
    client = client_for(admin)
    url = f"/consilium/meetings/{meeting.pk}/"
    htmx = client_for(admin)
    htmx.defaults["HTTP_HX_REQUEST"] = "true"
    return [
        Measurement(
            name=f"Повестка регионального консилиума, правило ({busiest['n']} детей)",
            runs=runs,
            p50_ms=round(statistics.median(timings), 1),
            p95_ms=round(percentile(timings, 0.95), 1),
            target_ms=TARGET_MS,
            extra={"детей в повестке": len(result)},
        ),
        measure_page(
            f"Заседание: страница повестки ({on_agenda} детей)", client, url, runs=runs, target_ms=TARGET_MS
        ),
        measure_page(
            f"Заседание: раздел «{AgendaReason.REVIEW_DUE.label}», стр. 20 (htmx)",
            htmx,
            f"{url}?section={AgendaReason.REVIEW_DUE}&page=20",
            runs=runs,
            target_ms=TARGET_MS,
        ),
    ]
