"""Benchmark of the global search on the national data set (run by `manage.py bench`)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count

from vyzov.accounts.models import Role, ScopeLevel
from vyzov.bench.cases import bench_user, client_for, rotating
from vyzov.bench.measure import Measurement, measure_page
from vyzov.cases.models import Child
from vyzov.territories.models import Subject

TARGET_MS = 300
SURNAMES = 20


def with_typo(surname: str) -> str:
    """The surname as typed in a hurry: two inner letters swapped («Иванова» → «Иванвоа»)."""
    if len(surname) < 5:
        return surname
    middle = len(surname) // 2
    return surname[:middle] + surname[middle + 1] + surname[middle] + surname[middle + 2 :]


def run(*, runs: int, log=print) -> list[Measurement]:
    # The most frequent surnames of the register: the heaviest searches.
    surnames = [
        row["last_name"]
        for row in Child.objects.values("last_name").annotate(n=Count("id")).order_by("-n")[:SURNAMES]
    ]
    busiest = Child.objects.values("subject").annotate(n=Count("id")).order_by("-n").first()
    subject = Subject.objects.get(pk=busiest["subject"])
    admin = bench_user("bench_fed_admin", Role.FEDERAL_ADMIN, level=ScopeLevel.COUNTRY)
    curator = bench_user(
        f"bench_curator_{subject.code}", Role.REGIONAL_CURATOR, level=ScopeLevel.SUBJECT, subject=subject
    )
    typos = [f"/search/?{urlencode({'q': with_typo(surname)})}" for surname in surnames]
    log(f"Поиск: {len(surnames)} частых фамилий с опечаткой, например «{with_typo(surnames[0])}»")
    return [
        measure_page(
            "Поиск: фамилия с опечаткой (вся страна)",
            client_for(admin),
            rotating(typos),
            runs=runs,
            target_ms=TARGET_MS,
        ),
        measure_page(
            f"Поиск: фамилия с опечаткой (субъект {subject.code})",
            client_for(curator),
            rotating(typos),
            runs=runs,
            target_ms=TARGET_MS,
        ),
        measure_page(
            "Поиск: фамилия без опечатки (вся страна)",
            client_for(admin),
            rotating([f"/search/?{urlencode({'q': surname})}" for surname in surnames]),
            runs=runs,
            target_ms=TARGET_MS,
        ),
    ]
