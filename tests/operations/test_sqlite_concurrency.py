"""The embedded SQLite (`make run`) under two writers at once: the second one waits, it does not fail.

Before: one slow request holding a write transaction made another user's request (read, then write)
fail at once with «database is locked» (HTTP 400/500), and the background worker died of it.
"""

import threading
import time

import pytest
from django.conf import settings
from django.db import OperationalError
from django.db.utils import ConnectionHandler

from config.settings.base import SQLITE_OPTIONS


@pytest.fixture(autouse=True)
def _database_files(django_db_blocker):
    """These tests open SQLite files of their own, not the test database."""
    with django_db_blocker.unblock():
        yield


def _wrapper(path, options):
    handler = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": options}}
    )
    return handler["default"]


def _two_writers(path, options) -> list:
    """A slow request writes and holds its transaction for 1.5 s; meanwhile a second request reads and
    then writes (what a view does). Returns what happened to the second one."""
    setup = _wrapper(path, options)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS note (id INTEGER PRIMARY KEY, text TEXT)")
    setup.close()
    holding = threading.Event()
    outcome: list = []

    def slow_writer():
        connection = _wrapper(path, options)
        try:
            connection.ensure_connection()
            connection._start_transaction_under_autocommit()  # what transaction.atomic() begins with
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO note (text) VALUES ('slow')")
                holding.set()
                time.sleep(1.5)
            connection.commit()
        finally:
            connection.close()

    def user_request():
        holding.wait(5)
        connection = _wrapper(path, options)
        try:
            connection.ensure_connection()
            connection._start_transaction_under_autocommit()
            with connection.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM note")
                cursor.execute("INSERT INTO note (text) VALUES ('user')")
            connection.commit()
            outcome.append("ok")
        except OperationalError as error:
            outcome.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=slow_writer), threading.Thread(target=user_request)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcome


def test_settings_give_the_embedded_database_wal_and_a_busy_timeout():
    assert SQLITE_OPTIONS["transaction_mode"] == "IMMEDIATE"
    assert SQLITE_OPTIONS["timeout"] >= 10
    assert "journal_mode=WAL" in SQLITE_OPTIONS["init_command"]
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_second_writer_waits_for_the_first_with_the_project_options(tmp_path):
    assert _two_writers(tmp_path / "db.sqlite3", SQLITE_OPTIONS) == ["ok"]
    connection = _wrapper(tmp_path / "db.sqlite3", SQLITE_OPTIONS)
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("SELECT text FROM note ORDER BY id").fetchall() == [("slow",), ("user",)]
    connection.close()


def test_without_them_the_second_writer_fails_at_once(tmp_path):
    """The control: Django's defaults (deferred transactions) fail the same request «database is locked»."""
    outcome = _two_writers(tmp_path / "db.sqlite3", {"timeout": 5})
    assert outcome and "locked" in outcome[0]
