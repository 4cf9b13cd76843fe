"""scripts/backup.py and scripts/restore_drill.py against the PostgreSQL on this machine: a backup
restores with every row and file, and the drill reports (exit 1) any difference from the manifest."""

import json
import os
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import backup as backup_script  # noqa: E402
import restore_drill  # noqa: E402

SERVER = os.environ.get("DRILL_SERVER_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def _server_available() -> bool:
    try:
        psycopg.connect(SERVER, connect_timeout=2).close()
    except psycopg.OperationalError:
        return False
    return True


pytestmark = pytest.mark.skipif(not _server_available(), reason=f"no PostgreSQL at {SERVER}")


@pytest.fixture
def source(tmp_path):
    """A small database (two tables) and a media folder with nested files."""
    name = f"vyzov_backup_src_{os.getpid()}"
    with psycopg.connect(SERVER, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = restore_drill._with_database(SERVER, name)
    with psycopg.connect(url) as connection:
        connection.execute("CREATE TABLE child (id serial PRIMARY KEY, name text)")
        connection.execute("INSERT INTO child (name) SELECT 'ребёнок ' || n FROM generate_series(1, 250) n")
        connection.execute("CREATE TABLE empty_one (id int)")
    media = tmp_path / "media"
    (media / "support/library/2026").mkdir(parents=True)
    (media / "support/library/2026/памятка.pdf").write_bytes(b"%PDF-1.4 demo")
    (media / "protocol.docx").write_bytes(os.urandom(4096))
    yield url, media
    with psycopg.connect(SERVER, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _backup(url, media, tmp_path) -> Path:
    assert (
        backup_script.main(["--database-url", url, "--media", str(media), "--out", str(tmp_path / "b")]) == 0
    )
    return tmp_path / "b/latest"


def test_backup_writes_dump_media_and_manifest_and_the_drill_passes(source, tmp_path, capsys):
    latest = _backup(*source, tmp_path)
    manifest = json.loads((latest / "manifest.json").read_text())
    assert manifest["tables"] == {"public.child": 250, "public.empty_one": 0}
    assert set(manifest["files"]) == {"support/library/2026/памятка.pdf", "protocol.docx"}
    assert (latest / "database.dump").read_bytes()[:5] == b"PGDMP"  # custom format
    with tarfile.open(latest / "media.tar") as archive:
        assert sorted(archive.getnames()) == ["protocol.docx", "support/library/2026/памятка.pdf"]

    assert restore_drill.main(["--backup", str(latest), "--target-url", SERVER]) == 0
    assert "пройдены" in capsys.readouterr().out
    with psycopg.connect(SERVER) as connection:  # the drill database is dropped afterwards
        left = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [f"vyzov_drill_{os.getpid()}"]
        )
        assert not left.fetchone()


def test_the_drill_fails_on_a_wrong_row_count_or_a_changed_file(source, tmp_path, capsys):
    latest = _backup(*source, tmp_path)
    manifest = json.loads((latest / "manifest.json").read_text())
    manifest["tables"]["public.child"] = 251
    manifest["files"]["protocol.docx"] = "0" * 64
    (latest / "manifest.json").write_text(json.dumps(manifest))

    assert restore_drill.main(["--backup", str(latest), "--target-url", SERVER]) == 1
    errors = capsys.readouterr().err
    assert "таблица public.child: ожидалось 251, после восстановления 250" in errors
    assert "файл protocol.docx" in errors


def test_the_drill_fails_on_a_damaged_archive(source, tmp_path, capsys):
    latest = _backup(*source, tmp_path)
    extra = tmp_path / "intruder.txt"
    extra.write_text("not from the backup")
    with tarfile.open(latest / "media.tar", "a") as archive:
        archive.add(extra, arcname="intruder.txt")
    assert restore_drill.main(["--backup", str(latest), "--target-url", SERVER]) == 1
    errors = capsys.readouterr().err
    assert "архив media.tar" in errors and "файл intruder.txt: лишний" in errors


def test_backup_refuses_sqlite(tmp_path, capsys):
    assert backup_script.main(["--database-url", "sqlite:///x.db", "--out", str(tmp_path)]) == 2
    assert "PostgreSQL" in capsys.readouterr().err
