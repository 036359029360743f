"""Child processes: a Django process's environment, commands run to their end, accounts, gunicorn on loopback."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchlib.databases import database_url
from benchlib.paths import BIN, PYTHON, ROOT


def child_env(database: str, **extra: str) -> dict[str, str]:
    """The environment of a Django process on `database` (local settings, DEBUG off, no broker unless given)."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url(database),
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DJANGO_DEBUG": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "CELERY_BROKER_URL": "",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "scripts"), str(ROOT)]),
        }
    )
    env.update(extra)
    return env


def run(args: Sequence[str], env: Mapping[str, str], *, cwd: Path = ROOT, stderr: bool = False) -> str:
    """Run a command to its end; its stdout, or exit with its output when it fails.

    `stderr=True` lets the child's stderr through to ours (a measuring child's progress lines).
    """
    result = subprocess.run(
        list(args),
        cwd=cwd,
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=None if stderr else subprocess.PIPE,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.stderr.write(result.stdout + (result.stderr or ""))
        raise SystemExit(f"failed: {' '.join(args)[:300]}")
    return result.stdout


def manage(env: Mapping[str, str], *args: str, cwd: Path = ROOT) -> str:
    return run([PYTHON, "manage.py", *args], env, cwd=cwd)


def run_json(args: Sequence[str], env: Mapping[str, str], *, cwd: Path = ROOT) -> Any:
    """Run a measuring child that prints its figures as JSON on its last line (its stderr shown as it comes)."""
    return json.loads(run(args, env, cwd=cwd, stderr=True).strip().splitlines()[-1])


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stop(process: subprocess.Popen[Any] | None, timeout: float = 15) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# A viewer (token + session) and a superuser (session, for the admin), made by `manage.py shell`.
ACCOUNTS = r"""
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from rest_framework.authtoken.models import Token
from core.roles import VIEWER

def account(name, superuser):
    user, _ = get_user_model().objects.get_or_create(
        username=name, defaults={"is_staff": True, "is_superuser": superuser}
    )
    user.groups.add(Group.objects.get_or_create(name=VIEWER)[0])
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {"username": name, "token": Token.objects.get_or_create(user=user)[0].key, "session": session.session_key}

print("BENCH-ACCOUNTS " + json.dumps({"viewer": account("bench-viewer", False), "admin": account("bench-admin", True)}))
"""


def accounts(env: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """{'viewer': {...}, 'admin': {...}}, each with username, token and session key."""
    output = manage(env, "shell", "-c", ACCOUNTS)
    return dict(json.loads(output.split("BENCH-ACCOUNTS ", 1)[1]))


# --------------------------------------------------------------------------- gunicorn on loopback


def wait_healthy(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer /healthz on 127.0.0.1:{port} within {timeout:.0f}s")


def default_workers() -> int:
    return min(2 * (os.cpu_count() or 1) + 1, 9)


def gunicorn_start(
    env: Mapping[str, str], *, port: int, workers: int, threads: int = 4, timeout: int = 30
) -> subprocess.Popen[Any]:
    """gunicorn (gthread workers) serving config.wsgi on 127.0.0.1:`port`, once it answers /healthz."""
    server = subprocess.Popen(
        [
            *(str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}"),
            *("--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads)),
            *("--timeout", str(timeout), "--log-level", "warning", "--graceful-timeout", "5"),
        ],
        cwd=ROOT,
        env=dict(env),
    )
    try:
        wait_healthy(port)
    except BaseException:
        stop(server)
        raise
    return server


@contextmanager
def gunicorn(
    env: Mapping[str, str], *, port: int, workers: int, threads: int = 4, timeout: int = 30
) -> Iterator[subprocess.Popen[Any]]:
    """gunicorn_start's server for the `with` block, stopped on exit."""
    server = gunicorn_start(env, port=port, workers=workers, threads=threads, timeout=timeout)
    try:
        yield server
    finally:
        stop(server)
