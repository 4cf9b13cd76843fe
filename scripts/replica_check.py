"""Run by scripts/replica_drill.sh against a real primary and streaming replica: the router reads
from the standby only inside an analytical request, always writes to the primary, and what the
primary wrote arrives on the replica. Exits 1 with the reason on any failure."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections, router  # noqa: E402
from django.db.utils import DatabaseError, OperationalError, ProgrammingError  # noqa: E402

from vyzov.core import db_routing  # noqa: E402


def check(condition: bool, message: str) -> None:
    if not condition:
        print(f"ОШИБКА: {message}", file=sys.stderr)
        sys.exit(1)
    print(f"  ✓ {message}")


def wait_for(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except (ProgrammingError, OperationalError):
            pass
        time.sleep(0.2)
    return False


def in_recovery(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return cursor.fetchone()[0]


def main() -> None:
    from django_tasks_db.models import DBTaskResult, get_date_max

    check(
        not in_recovery("default") and in_recovery("replica"),
        "«replica» — настоящая реплика в режиме восстановления",
    )
    call_command("migrate", "django_tasks_database", verbosity=0)  # a small real table, on the primary only
    check(wait_for(lambda: DBTaskResult.objects.using("replica").count() == 0), "таблица доехала до реплики")

    check(router.db_for_read(DBTaskResult) == "default", "вне аналитического запроса чтение — с основного")
    token = db_routing._use_replica.set(True)
    try:
        check(router.db_for_read(DBTaskResult) == "replica", "в аналитическом запросе чтение — с реплики")
        job = DBTaskResult.objects.create(
            status="READY", args_kwargs={"args": [], "kwargs": {}}, task_path="drill.task",
            backend_name="default", queue_name="default", run_after=get_date_max(),
        )  # fmt: skip
        check(
            DBTaskResult.objects.using("default").filter(pk=job.pk).exists(), "запись ушла на основной сервер"
        )
        check(
            wait_for(lambda: DBTaskResult.objects.filter(pk=job.pk).exists()),
            "запись видна через маршрутизатор с реплики (потоковая репликация работает)",
        )
    finally:
        db_routing._use_replica.reset(token)
    try:
        with connections["replica"].cursor() as cursor:
            cursor.execute(f"DELETE FROM {DBTaskResult._meta.db_table}")  # noqa: S608 — a model's own table
        refused = False
    except DatabaseError as error:
        refused = getattr(error.__cause__, "sqlstate", "") == "25006"  # read_only_sql_transaction
    check(refused, "реплика отказывается писать (read-only)")
    print("Учения с репликой пройдены.")


if __name__ == "__main__":
    main()
