"""Reads of the read-only pages and API from a read replica; every write, and everything else, from the primary.

With DATABASE_REPLICA_URL set (config.settings.base), the `replica` alias exists and this router
is installed. `ReplicaReadsMiddleware` marks a request whose method is safe (GET, HEAD, OPTIONS)
and whose path starts with one of READ_REPLICA_PATHS (the comparison pages and the API) as one
that may read from the replica; inside it, and inside `replica_reads()`, reads go to `replica`.

What never reads from the replica, whatever the request:
- writes and `select_for_update()` (Django asks db_for_write for both);
- reads inside an open transaction on the primary (they must see its own uncommitted writes);
- the admin, the login and everything else not listed: a person who just saved a change must
  see it on the next page, and replication lag would hide it.
Tests exercise it with a `replica` alias that mirrors the test database (config.settings.test).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_READ_REPLICA_PATHS = ("/compare/", "/api/v1/")

_replica_reads: contextvars.ContextVar[bool] = contextvars.ContextVar("replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Let reads in this block go to the replica (a command or task that only reports, say)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    """Database router: reads to `replica` when allowed (see the module docstring), all else to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        if _replica_reads.get() and replica_configured() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two doors to it

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS  # the replica gets its schema by replication


class ReplicaReadsMiddleware:
    """Marks the safe requests of the read-only pages and API as ones that may read from the replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        paths = tuple(getattr(settings, "READ_REPLICA_PATHS", DEFAULT_READ_REPLICA_PATHS))
        if request.method in SAFE_METHODS and request.path.startswith(paths) and replica_configured():
            with replica_reads():
                return self.get_response(request)
        return self.get_response(request)
