"""Throwaway databases: create (or clone from a template), drop, and the names the scripts may drop."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from benchlib.paths import ADMIN_URL


def database_url(name: str) -> str:
    return f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}"


def admin_execute(statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """One statement on the maintenance database (autocommit: CREATE/DROP DATABASE need it)."""
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        cursor = connection.execute(statement, params)  # type: ignore[arg-type]  # built from trusted names
        return cursor.fetchall() if cursor.description else []


def database_exists(name: str) -> bool:
    return bool(admin_execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]))


def database_drop(name: str) -> None:
    admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_create(name: str, *, template: str | None = None, attempts: int = 40) -> None:
    """A new empty (or cloned) database; a clone waits while someone else holds the template open."""
    import psycopg

    database_drop(name)
    statement = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
    for attempt in range(attempts):
        try:
            admin_execute(statement)
            return
        except psycopg.errors.ObjectInUse:
            if attempt == attempts - 1:
                raise
            time.sleep(3)


def bench_database_name(name: str) -> str:
    """Refuses names that could be a real database: everything the scripts drop says 'bench' or 'load'."""
    if "bench" not in name and "load" not in name:
        raise SystemExit(f"a benchmark database's name must contain 'bench' ({name!r} does not)")
    return name
