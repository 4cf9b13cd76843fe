"""Benchmarks of the register on the national data set (run by `manage.py bench`)."""

from __future__ import annotations

import datetime as dt
import itertools
import time

from django.db import transaction
from django.db.models import Count
from django.test import Client

from vyzov.accounts.models import Grant, Role, ScopeLevel, User
from vyzov.accounts.services import grant_build
from vyzov.bench.measure import Measurement, PeakMemory, measure_page
from vyzov.cases import exports, imports, selectors
from vyzov.cases.models import Child, Family, PlacementKind
from vyzov.cases.selectors import SORTS
from vyzov.core.keyset import cursor_for
from vyzov.core.validators import snils_checksum
from vyzov.core.xlsx import new_workbook, safe_append, workbook_bytes, xlsx_response
from vyzov.territories.models import Organization, Subject

LIST_TARGET_MS = 150
CARD_TARGET_MS = 150


def bench_user(username: str, role: str, **scope) -> User:
    user, _ = User.objects.get_or_create(username=username, defaults={"full_name": username})
    if not Grant.objects.filter(user=user, role=role).exists():
        grant = grant_build(role=role, **scope)
        grant.user = user
        grant.save()
    return user


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rotating(urls: list[str]):
    """Each request asks for the next object, so caches of one row do not flatter the card pages."""
    cycle = itertools.cycle(urls)
    return lambda: next(cycle)


def run(*, runs: int, log=print) -> list[Measurement]:
    # The region and the organisation with the most children in institutions: the heaviest pages.
    busiest = (
        Child.objects.filter(current_organization__isnull=False)
        .values("subject")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    subject = Subject.objects.get(pk=busiest["subject"])
    organization = Organization.objects.get(
        pk=Child.objects.filter(subject=subject, current_organization__isnull=False)
        .values("current_organization")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["current_organization"]
    )
    admin = bench_user("bench_fed_admin", Role.FEDERAL_ADMIN, level=ScopeLevel.COUNTRY)
    curator = bench_user(
        f"bench_curator_{subject.code}", Role.REGIONAL_CURATOR, level=ScopeLevel.SUBJECT, subject=subject
    )
    admin_client, curator_client = client_for(admin), client_for(curator)
    log(
        f"Регион для замеров: {subject.name}; организация: {organization} "
        f"({Child.objects.filter(current_organization=organization).count()} детей)"
    )

    children = list(
        Child.objects.filter(subject=subject, current_organization__isnull=False, family__isnull=False)
        .order_by("pk")
        .values_list("pk", "family_id")[:: max(1, 50)][: runs + 10]
    )
    # Twenty surnames of the register, spread over the alphabet: a name search costs what the name costs.
    surnames = list(
        Child.objects.filter(merged_into__isnull=True)
        .order_by("pk")
        .values_list("last_name", flat=True)[:: max(1, Child.objects.count() // 20)][:20]
    )
    # The 150th page of the federal list: the keyset cursor of the row before it.
    deep_row = Child.objects.filter(merged_into__isnull=True).order_by(*SORTS["name"])[149 * 50 - 1]
    deep_cursor = cursor_for(deep_row, order=SORTS["name"])
    deep_family = Family.objects.order_by(*selectors.FAMILY_ORDER)[149 * 50 - 1]
    deep_family_cursor = cursor_for(deep_family, order=selectors.FAMILY_ORDER)
    measurements = [
        measure_page(
            "Список детей (федеральный, без фильтров)",
            admin_client,
            "/register/children/",
            runs=runs,
            target_ms=LIST_TARGET_MS,
        ),
        measure_page(
            f"Список детей: субъект {subject.code}",
            admin_client,
            f"/register/children/?subject={subject.code}",
            runs=runs,
            target_ms=LIST_TARGET_MS,
        ),
        measure_page(
            "Список детей: организация",
            curator_client,
            f"/register/children/?organization={organization.pk}",
            runs=runs,
            target_ms=LIST_TARGET_MS,
        ),
        measure_page(
            "Список детей: просрочен пересмотр",
            curator_client,
            "/register/children/?overdue_review=on",
            runs=runs,
            target_ms=LIST_TARGET_MS,
        ),
        *[
            measure_page(
                f"Список детей (федеральный): сортировка {sort}",
                admin_client,
                f"/register/children/?sort={sort}",
                runs=runs,
                target_ms=LIST_TARGET_MS,
            )
            for sort in ("-name", "birth_date", "-birth_date", "placed_since", "-placed_since", "next_review")
        ],
        measure_page(
            "Список детей (федеральный): страница 150 (keyset, после 7 450 строк)",
            admin_client,
            f"/register/children/?after={deep_cursor}",
            runs=runs,
            target_ms=LIST_TARGET_MS,
        ),
        measure_page(
            "Список детей: поиск по фамилии",
            admin_client,
            rotating([f"/register/children/?q={name}" for name in surnames]),
            runs=runs,
            target_ms=LIST_TARGET_MS,
        ),
        measure_page(
            "Семьи (федеральный)", admin_client, "/register/families/", runs=runs, target_ms=LIST_TARGET_MS
        ),
        measure_page(
            "Семьи (федеральный): страница 150 (keyset)",
            admin_client,
            f"/register/families/?after={deep_family_cursor}",
            runs=runs,
            target_ms=LIST_TARGET_MS,
        ),
        measure_page(
            "Карточка ребёнка",
            curator_client,
            rotating([f"/register/children/{pk}/" for pk, _family in children]),
            runs=runs,
            target_ms=CARD_TARGET_MS,
        ),
        measure_page(
            "Карточка семьи",
            curator_client,
            rotating([f"/register/families/{family}/" for _pk, family in children]),
            runs=runs,
            target_ms=CARD_TARGET_MS,
        ),
        measure_page(
            "API: список детей", admin_client, "/api/v1/children/", runs=runs, target_ms=LIST_TARGET_MS
        ),
        measure_page(
            "API: список детей, страница 150 (keyset)",
            admin_client,
            f"/api/v1/children/?after={deep_cursor}",
            runs=runs,
            target_ms=LIST_TARGET_MS,
        ),
        measure_page(
            "API: список семей", admin_client, "/api/v1/families/", runs=runs, target_ms=LIST_TARGET_MS
        ),
    ]
    measurements.append(_import(subject=subject, actor=curator, rows=10_000, log=log))
    measurements.append(_export(actor=admin, rows=100_000, log=log))
    return measurements


NAME_LETTERS = "абвгдежзик"  # a row number spelled in letters: person names take no digits


def bench_surname(n: int) -> str:
    """A distinct, valid surname for the n-th generated import row («Замеров» + the number in letters)."""
    return "Замеров" + "".join(NAME_LETTERS[int(digit)] for digit in str(n))


def _import_file(subject: Subject, rows: int) -> bytes:
    municipality_names = {}
    homes = list(
        Organization.objects.filter(
            subject=subject, kind__in=["orphan_institution"], is_active=True
        ).select_related("municipality")[:50]
    )
    workbook = new_workbook(write_only=True)
    sheet = workbook.create_sheet("Дети")
    safe_append(sheet, [column.title for column in imports.COLUMNS])
    base = 900_000_000 - rows
    for n in range(rows):
        home = homes[n % len(homes)]
        municipality = municipality_names.setdefault(home.pk, home.municipality.name)
        digits = f"{base + n:09d}"
        safe_append(
            sheet,
            [
                bench_surname(n),
                "Тест",
                "Замерович",
                dt.date(2010, 1, 1) + dt.timedelta(days=n % 4000),
                "м" if n % 2 else "ж",
                f"{digits[:3]}-{digits[3:6]}-{digits[6:]} {snils_checksum(digits):02d}",
                "",
                "есть родители (законные представители)",
                "да",
                "нет",
                municipality,
                home.inn or home.name,
                PlacementKind.TEMPORARY_PARENTS_REQUEST.label,
                dt.date(2025, 9, 1),
                "Заявление",
                None,
                None,
            ],
        )
    return workbook_bytes(workbook)


def _import(*, subject: Subject, actor: User, rows: int, log) -> Measurement:
    data = _import_file(subject, rows)
    log(f"Файл загрузки: {rows} строк, {len(data) / 1024 / 1024:.1f} МБ")
    with PeakMemory() as memory, transaction.atomic():
        started = time.perf_counter()
        result = imports.validate_file(data, subject=subject)
        validated = time.perf_counter()
        written = imports.write_rows(actor=actor, rows=result.rows)
        finished = time.perf_counter()
        transaction.set_rollback(True)  # keep the data set unchanged for the next run
    total_ms = (finished - started) * 1000
    return Measurement(
        name=f"Загрузка XLSX: {rows} строк",
        runs=1,
        p50_ms=round(total_ms),
        p95_ms=round(total_ms),
        target_ms=30_000,
        extra={
            "проверка, с": round(validated - started, 1),
            "запись, с": round(finished - validated, 1),
            "ошибок": len(result.errors),
            "записано": written,
            "рост памяти процесса (пик), МБ": memory.growth_mb,
        },
    )


def _export(*, actor: User, rows: int, log) -> Measurement:
    queryset = selectors.child_list(actor=actor, filters={})[:rows]
    with PeakMemory() as memory:
        started = time.perf_counter()
        response = xlsx_response(
            filename="bench.xlsx",
            sheet_title="Дети",
            header=exports.header(personal=True),
            rows=exports.rows(queryset, personal=True),
        )
        size = sum(len(chunk) for chunk in response.streaming_content)
        elapsed = (time.perf_counter() - started) * 1000
    log(f"Выгрузка: {size / 2**20:.1f} МБ")
    return Measurement(
        name=f"Выгрузка XLSX: {rows} строк",
        runs=1,
        p50_ms=round(elapsed),
        p95_ms=round(elapsed),
        target_ms=None,
        extra={
            "рост памяти процесса (пик), МБ": memory.growth_mb,
            "цель по памяти, МБ": 100,
            "в пределах": memory.growth_mb <= 100,
            "размер файла, МБ": round(size / 2**20, 1),
        },
    )
