"""`make prod` starts the production stack and /healthz sees the database, the broker and both workers.

It runs the real thing: scripts/prod.sh from the Makefile, the Procfile through honcho, gunicorn
on a free loopback port, the two Celery workers and beat, with config.settings.production, in a
database of its own (created by the script, dropped here) and a Redis database of its own. The
stack runs in a process group of its own, which the test stops (TERM, then KILL) and waits for.
Skipped without PostgreSQL and Redis, unless REQUIRE_SERVICES=1, where it fails instead.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.prod

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 240
REQUEST_ID = "make-prod-test-1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _services_or_skip() -> None:
    postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    if postgres and getattr(settings, "TEST_CELERY_BROKER_URL", ""):
        return
    if getattr(settings, "REQUIRE_SERVICES", False):
        pytest.fail("REQUIRE_SERVICES=1 but PostgreSQL or Redis does not answer: make prod must be tested")
    pytest.skip("make prod needs PostgreSQL and Redis")


def _health(port: int) -> dict | None:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"X-Request-ID": REQUEST_ID})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return dict(json.loads(response.read()))
    except OSError:
        return None


def _stop(process: subprocess.Popen) -> None:
    """Stop the stack's process group: honcho passes TERM on to gunicorn, the workers and beat."""
    for sig, grace in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
        # honcho is gone; give its children the rest of the grace to leave the group too.
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.5)


def _drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_make_prod_serves_and_health_reports_both_workers(tmp_path):
    _services_or_skip()
    port = _free_port()
    database = f"{os.environ.get('TEST_DB_NAME', 'test_telecom')}_make_prod"
    redis_db = max(int(os.environ.get("TEST_REDIS_DB", "15")) - 4, 0)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_SECRET_KEY"}
    }
    env.update(
        PROD_PORT=str(port),
        PROD_DB_NAME=database,
        PROD_REDIS_DB=str(redis_db),
        PROD_SEED="0",
        PROD_ENV_FILE=str(tmp_path / ".env.prod"),
        PROD_VAR_DIR=str(tmp_path / "var"),
        WEB_CONCURRENCY="1",
    )
    log = tmp_path / "prod.log"
    _drop_database(database)
    with log.open("wb") as output:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "prod"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        body = None
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline and process.poll() is None:
            body = _health(port)
            if body and len(body.get("workers", [])) >= 2:
                break
            time.sleep(2)
        output_text = log.read_text(errors="replace")
        assert body is not None, f"nothing answered on port {port}:\n{output_text[-4000:]}"
        assert body["status"] == "ok", output_text[-4000:]
        assert body["checks"] == {"database": "ok", "broker": "ok", "workers": "ok"}
        assert {name.split("@")[0] for name in body["workers"]} >= {"benchmarks", "jobs"}
        time.sleep(1)  # the request's log line is written after the response
        lines = [
            line.split("| ", 1)[-1] for line in log.read_text(errors="replace").splitlines() if "core.requests" in line
        ]
        request_lines = [json.loads(line) for line in lines if REQUEST_ID in line]
        assert request_lines, "no JSON request line with the request id"
        assert {k: request_lines[0][k] for k in ("level", "path", "status", "request_id")} == {
            "level": "INFO",
            "path": "/healthz",
            "status": 200,
            "request_id": REQUEST_ID,
        }
        name, _, value = (tmp_path / ".env.prod").read_text().strip().partition("=")
        assert (name, len(value) >= 60) == ("DJANGO_SECRET_KEY", True)
        assert (tmp_path / ".env.prod").stat().st_mode & 0o077 == 0  # readable by its owner only
    finally:
        _stop(process)
        _drop_database(database)
    assert process.poll() is not None
