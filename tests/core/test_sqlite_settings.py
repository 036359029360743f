"""The embedded SQLite default survives concurrent writers: WAL, and BEGIN IMMEDIATE with a busy timeout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dj_database_url
from django.db import DatabaseError, connections, transaction
from django.db.utils import ConnectionHandler

from config.settings.base import BASE_DIR, SQLITE_OPTIONS, with_sqlite_options


@contextmanager
def sqlite_connections(path: Path, count: int) -> Iterator[list[Any]]:
    """`count` separate connections to one SQLite file, configured as the settings configure it,
    registered under their own aliases for the test's duration (transaction.atomic finds them)."""
    config = with_sqlite_options(dict(dj_database_url.parse(f"sqlite:///{path}")))
    full = ConnectionHandler({"default": config}).settings["default"]
    aliases = [f"sqlite_wal_{index}" for index in range(count)]
    for alias in aliases:
        connections.settings[alias] = dict(full)
    try:
        yield [connections[alias] for alias in aliases]
    finally:
        for alias in aliases:
            connections[alias].close()
            del connections[alias]
            del connections.settings[alias]


def test_the_local_settings_default_to_sqlite_in_wal_with_immediate_transactions():
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    script = "import json; from django.conf import settings; print(json.dumps(settings.DATABASES['default']))"
    output = subprocess.run(
        [sys.executable, "-c", script], env=environment, cwd=BASE_DIR, capture_output=True, text=True, check=True
    ).stdout
    database = json.loads(output.strip().splitlines()[-1])
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["OPTIONS"] == {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;",
    }


def test_postgres_gets_no_sqlite_options():
    config = with_sqlite_options(dict(dj_database_url.parse("postgres://u@localhost:5432/db")))
    assert "transaction_mode" not in config.get("OPTIONS", {})


def test_options_a_url_names_itself_win():
    config = with_sqlite_options({"ENGINE": "django.db.backends.sqlite3", "OPTIONS": {"timeout": 5}})
    assert config["OPTIONS"] == {**SQLITE_OPTIONS, "timeout": 5}


def test_a_connection_from_the_settings_is_wal_and_begins_immediate(tmp_path, django_db_blocker):
    with django_db_blocker.unblock(), sqlite_connections(tmp_path / "db.sqlite3", 1) as (connection,):
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 20_000
        assert connection.transaction_mode == "IMMEDIATE"
        executed: list[str] = []
        recorder = connection.execute_wrapper(lambda execute, sql, *args: executed.append(sql) or execute(sql, *args))
        with recorder, transaction.atomic(using=connection.alias):
            connection.cursor().execute("SELECT 1")
        assert "BEGIN IMMEDIATE" in executed


def test_a_second_writer_waits_for_the_first_instead_of_failing(tmp_path, django_db_blocker):
    with django_db_blocker.unblock(), sqlite_connections(tmp_path / "db.sqlite3", 2) as (first, second):
        outcome = two_writers(first, second)
    assert outcome == {"sqlite_wal_0": "ok", "sqlite_wal_1": "ok", "count": 2}


def two_writers(first: Any, second: Any) -> dict[str, Any]:
    """Two read-then-write transactions, the second started while the first holds its read."""
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (n integer)")
        cursor.execute("INSERT INTO counter VALUES (0)")
    outcome: dict[str, Any] = {}
    holding = threading.Event()

    def read_then_write(alias: str, hold: float) -> None:
        # A read, then a write in one transaction: under deferred transactions the second writer's
        # upgrade from read to write lock fails at once with "database is locked".
        connection = connections[alias]  # each thread has its own connection
        try:
            with transaction.atomic(using=alias), connection.cursor() as cursor:
                cursor.execute("SELECT n FROM counter")
                (value,) = cursor.fetchone()
                holding.set()
                time.sleep(hold)
                cursor.execute("UPDATE counter SET n = %s", [value + 1])
            outcome[alias] = "ok"
        except DatabaseError as error:  # e.g. OperationalError: database is locked
            outcome[alias] = repr(error)
        finally:
            connection.close()

    writer = threading.Thread(target=read_then_write, args=(first.alias, 0.5))
    writer.start()
    assert holding.wait(5)
    holding.clear()
    read_then_write(second.alias, 0)
    writer.join()

    with first.cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        outcome["count"] = cursor.fetchone()[0]
    return outcome
