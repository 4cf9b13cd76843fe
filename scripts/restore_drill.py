"""`make restore-drill`: prove a backup restores — into a fresh database and a fresh media folder.

Checks the archives' checksums, restores database.dump with pg_restore into a new database
(vyzov_drill_<pid> on the same server unless --target-url), unpacks media.tar into a temporary folder,
then compares every table's row count and every file's SHA-256 with manifest.json. Prints each
mismatch and exits 1 if there is any; drops the drill database and folder afterwards (--keep keeps them).

Usage: DATABASE_URL=postgres://… python scripts/restore_drill.py --backup var/backups/latest
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from urllib.parse import urlparse

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent))
from backup import ROOT, row_counts, sha256_of

PG_RESTORE = shutil.which("pg_restore") or "pg_restore"


def _with_database(url: str, name: str) -> str:
    return urlparse(url)._replace(path=f"/{name}").geturl()


def compare(expected: dict[str, object], actual: dict[str, object], what: str) -> list[str]:
    problems = []
    for key in sorted(set(expected) | set(actual)):
        if key not in actual:
            problems.append(f"{what} {key}: нет после восстановления (ожидалось {expected[key]})")
        elif key not in expected:
            problems.append(f"{what} {key}: лишний после восстановления ({actual[key]})")
        elif expected[key] != actual[key]:
            problems.append(f"{what} {key}: ожидалось {expected[key]}, после восстановления {actual[key]}")
    return problems


def files_in(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): sha256_of(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def drill(*, backup: Path, server_url: str, keep: bool = False) -> list[str]:
    backup = backup.resolve()
    manifest = json.loads((backup / "manifest.json").read_text())
    problems = compare(
        manifest["archives"], {name: sha256_of(backup / name) for name in manifest["archives"]}, "архив"
    )
    name = f"vyzov_drill_{os.getpid()}"
    maintenance = _with_database(server_url, "postgres")
    media = Path(tempfile.mkdtemp(prefix="vyzov-drill-media-"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        target = _with_database(server_url, name)
        restored = subprocess.run(  # noqa: S603
            [
                PG_RESTORE,
                "--no-owner",
                "--exit-on-error",
                f"--dbname={target}",
                str(backup / "database.dump"),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if restored.returncode != 0:
            problems.append(f"pg_restore завершился с ошибкой: {restored.stderr.strip()}")
        with psycopg.connect(target) as connection:
            problems += compare(manifest["tables"], row_counts(connection), "таблица")
        with tarfile.open(backup / "media.tar") as archive:
            archive.extractall(media, filter="data")
        problems += compare(manifest["files"], files_in(media), "файл")
    finally:
        if keep:
            print(f"Оставлены: база {name}, файлы {media}")
        else:
            shutil.rmtree(media, ignore_errors=True)
            with psycopg.connect(maintenance, autocommit=True) as connection:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
    if not problems:
        print(
            f"Учения по восстановлению пройдены: {len(manifest['tables'])} таблиц "
            f"({sum(manifest['tables'].values())} строк) и {len(manifest['files'])} файлов совпали с описью."
        )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backup", type=Path, default=ROOT / "var" / "backups" / "latest")
    parser.add_argument(
        "--target-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="сервер PostgreSQL, на котором создаётся база для учений (по умолчанию — из DATABASE_URL)",
    )
    parser.add_argument("--keep", action="store_true", help="не удалять восстановленные базу и файлы")
    args = parser.parse_args(argv)
    if not args.target_url.startswith(("postgres://", "postgresql://")):
        print("Нужен сервер PostgreSQL: задайте DATABASE_URL или --target-url.", file=sys.stderr)
        return 2
    problems = drill(backup=args.backup, server_url=args.target_url, keep=args.keep)
    for problem in problems:
        print(f"РАСХОЖДЕНИЕ: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
