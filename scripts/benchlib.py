"""What every benchmark script shares: throwaway databases, child processes, gunicorn, figures, the report.

The scripts (scripts/bench*.py, scripts/load.py) import it as `benchlib` (scripts/ is on sys.path
when a script runs). Nothing here knows what a script measures: databases (create, clone from a
template, drop), the environment of a child process, gunicorn on loopback, percentiles, a target
with its ratio, the machine's description and the one way a script rewrites its own section of
docs/benchmarks.md.
"""

from __future__ import annotations

import datetime
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(sys.executable).parent
ADMIN_URL = os.environ.get("BENCH_ADMIN_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REPORT = ROOT / "docs" / "benchmarks.md"
# Each part's figures as JSON, so `make bench` can summarise parts measured in earlier runs.
RESULTS_DIR = ROOT / "var" / "bench"


# --------------------------------------------------------------------------- databases


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


# --------------------------------------------------------------------------- child processes


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


# --------------------------------------------------------------------------- figures


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (0 for no values)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def timed_ms(function: Callable[[], Any], repeat: int, warm: int = 0) -> list[float]:
    """Milliseconds of `repeat` calls after `warm` untimed ones."""
    for _ in range(warm):
        function()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


@dataclass
class Target:
    """One target of issue 14 and what was measured against it (lower is better unless `at_least`)."""

    what: str
    value: float | None
    target: float
    unit: str
    at_least: bool = False

    @property
    def ratio(self) -> float | None:
        """Measured / target (at_least: target / measured), so under 1 is always met."""
        if self.value is None or self.value == 0:
            return None
        return self.target / self.value if self.at_least else self.value / self.target

    @property
    def shown(self) -> str:
        if self.value is None:
            return "n/a"
        return f"{self.value:,.0f}" if float(self.value).is_integer() else f"{self.value:,.2f}"

    @property
    def met(self) -> bool:
        return self.ratio is not None and self.ratio <= 1

    def line(self) -> str:
        value = self.shown
        ratio = "n/a" if self.ratio is None else f"{self.ratio:.2f}x"
        bound = "at least" if self.at_least else "under"
        return f"{self.what}: {value} {self.unit} (target {bound} {self.target:,g} {self.unit}; ratio {ratio}, " + (
            "met)" if self.met else "NOT met)"
        )

    def row(self) -> str:
        value = f"{self.shown} {self.unit}"
        ratio = "n/a" if self.ratio is None else f"{self.ratio:.2f}x"
        bound = "≥" if self.at_least else "≤"
        verdict = "met" if self.met else "**not met**"
        return f"| {self.what} | {value} | {bound} {self.target:,g} {self.unit} | {ratio} | {verdict} |"


TARGET_HEADER = ["| what | measured | target | ratio | |", "|---|---:|---:|---:|---|"]


def results_save(part: str, targets: Sequence[Target], **figures: Any) -> None:
    """Keep a part's targets (and any figures) for the summary of `make bench`, and print the targets."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    # `make bench` names the size of the market it measures (BENCH_TIERS) so its summary can say it.
    measured_at = now_utc() + (f", {os.environ['BENCH_TIERS']} tiers" if os.environ.get("BENCH_TIERS") else "")
    payload = {"part": part, "measured_at": measured_at, "targets": [asdict(t) for t in targets], **figures}
    (RESULTS_DIR / f"{part}.json").write_text(json.dumps(payload, indent=1, default=str), encoding="utf-8")
    for target in targets:
        print(f"  {target.line()}", flush=True)


def results_load(part: str) -> dict[str, Any] | None:
    path = RESULTS_DIR / f"{part}.json"
    if not path.exists():
        return None
    data = dict(json.loads(path.read_text(encoding="utf-8")))
    data["targets"] = [Target(**target) for target in data["targets"]]
    return data


# --------------------------------------------------------------------------- the machine and the report


def now_utc() -> str:
    return f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC"


def measured() -> str:
    """'Measured <now>' and, under `make bench`, the size of the market (BENCH_TIERS)."""
    tiers = os.environ.get("BENCH_TIERS")
    return f"Measured {now_utc()}" + (f" at {tiers} synthetic tiers" if tiers else "")


def load_average() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def machine() -> dict[str, str]:
    """CPU, memory, OS, versions and the load average, for the report's header."""
    import psycopg

    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), cpu)
    memory = "unknown"
    with open("/proc/meminfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    with psycopg.connect(ADMIN_URL) as connection:
        version = connection.execute("SHOW server_version").fetchone()
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "postgresql": version[0] if version else "unknown",
        "load": load_average(),
    }


def machine_line(info: Mapping[str, str] | None = None) -> str:
    info = info or machine()
    return (
        f"{info['cpu']}, {info['cores']} cores, {info['memory']}; {info['os']}; Python {info['python']}; "
        f"PostgreSQL {info['postgresql']}; load average (1/5/15 min) {info['load']}"
    )


def section_markers(name: str) -> tuple[str, str]:
    return f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"


def write_section(name: str, body: str, path: Path = REPORT) -> None:
    """Replace section `name` of the report (between its markers), or append it; the rest stays as it is."""
    start, end = section_markers(name)
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    section = f"{start}\n{body.strip()}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
