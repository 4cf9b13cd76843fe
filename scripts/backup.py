"""`make backup`: one consistent backup of «Вызов» — the PostgreSQL database and the uploaded files.

Writes <out>/<UTC time>/ with
  database.dump   pg_dump custom format (restore with pg_restore),
  media.tar       MEDIA_ROOT as a tar archive,
  manifest.json   every table's row count and every file's SHA-256, plus the archives' own checksums;
and points <out>/latest at it. The row counts are taken in the very snapshot pg_dump dumps
(pg_export_snapshot), so they are exact even while the application keeps writing.

Usage: DATABASE_URL=postgres://… MEDIA_ROOT=/var/lib/vyzov/media python scripts/backup.py --out DIR
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
PG_DUMP = shutil.which("pg_dump") or "pg_dump"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def table_names(connection) -> list[tuple[str, str]]:
    return connection.execute(
        "SELECT schemaname, tablename FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"
    ).fetchall()


def row_counts(connection) -> dict[str, int]:
    counts = {}
    for schema, table in table_names(connection):
        query = sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table))
        counts[f"{schema}.{table}"] = connection.execute(query).fetchone()[0]
    return counts


def tar_media(media: Path, target: Path) -> dict[str, str]:
    """Archive the media folder; the checksums are of the bytes that went into the archive."""
    files = {}
    with tarfile.open(target, "w") as archive:
        if media.is_dir():
            for path in sorted(p for p in media.rglob("*") if p.is_file() and not p.is_symlink()):
                relative = path.relative_to(media).as_posix()
                archive.add(path, arcname=relative, recursive=False)
    with tarfile.open(target) as archive:
        for member in archive.getmembers():
            if member.isfile():
                files[member.name] = hashlib.sha256(archive.extractfile(member).read()).hexdigest()
    return files


def backup(*, database_url: str, media: Path, out: Path) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = out / stamp
    folder.mkdir(parents=True)
    dump = folder / "database.dump"
    with psycopg.connect(database_url) as connection:
        connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        # pg_dump reads the same snapshot while this transaction stays open.
        subprocess.run(  # noqa: S603
            [PG_DUMP, "--format=custom", f"--snapshot={snapshot}", f"--file={dump}", database_url],
            check=True,
        )
        counts = row_counts(connection)
        database = connection.info.dbname
    files = tar_media(media, folder / "media.tar")
    manifest = {
        "format": 1,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": database,
        "tables": counts,
        "files": files,
        "archives": {
            "database.dump": sha256_of(dump),
            "media.tar": sha256_of(folder / "media.tar"),
        },
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    latest = out / "latest"
    if latest.is_symlink() or latest.exists():
        latest.unlink()
    latest.symlink_to(stamp)
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument(
        "--media",
        type=Path,
        default=Path(
            os.environ.get("MEDIA_ROOT", Path(os.environ.get("VYZOV_VAR_DIR", ROOT / "var")) / "media")
        ),
    )
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "backups")
    args = parser.parse_args(argv)
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        print(
            "Резервная копия делается только с PostgreSQL: задайте DATABASE_URL=postgres://…", file=sys.stderr
        )
        return 2
    folder = backup(database_url=args.database_url, media=args.media, out=args.out)
    manifest = json.loads((folder / "manifest.json").read_text())
    print(
        f"Резервная копия: {folder} (таблиц: {len(manifest['tables'])}, "
        f"строк: {sum(manifest['tables'].values())}, файлов: {len(manifest['files'])})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
