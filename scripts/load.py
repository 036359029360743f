"""`make load`: 50 readers and 5 writers for 60 s against gunicorn on loopback, on PostgreSQL.

What it does, bounded in time and confined to 127.0.0.1:
1. prepares its own PostgreSQL database (default `telecom_load`; LOAD_DATABASE_URL changes it):
   migrate, load_seed, collectstatic, one viewer per reader and one analyst per writer, each with
   a DRF token and a logged-in session, and one plan per writer so writers never contend;
2. starts gunicorn (gthread workers) on 127.0.0.1 and waits for /healthz;
3. runs the readers (API lists, CSV export, stored benchmarks, comparison pages, health) and the
   writers (audited tier corrections, new tiers and their deletion through the API), each on one
   keep-alive connection, until the deadline;
4. stops gunicorn and writes throughput, p50/p95/p99 latency and errors to docs/load.md
   (exit status 1 when any request failed).

Only the standard library on the client side: threads with http.client keep the numbers about
the server, and nothing else has to be installed.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import random
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import benchlib

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/telecom_load"

# What an analyst's browser and notebook ask for, weighted roughly as they do.
READS: list[tuple[str, str, str]] = [
    ("api tiers", "/api/v1/tiers/?operator=cmcc", "token"),
    ("api tiers", "/api/v1/tiers/?validity_days=7", "token"),
    ("api tiers csv", "/api/v1/tiers/?format=csv", "token"),
    ("api plans", "/api/v1/plans/?province=31", "token"),
    ("api benchmarks", "/api/v1/benchmarks/per-gb/?bucket=1-7", "token"),
    ("api benchmarks", "/api/v1/benchmarks/per-gb/?bucket=30%2B", "token"),
    ("api launches", "/api/v1/launches/", "token"),
    ("page compare", "/compare/", "session"),
    ("page compare", "/compare/benchmarks/?bucket=1-7", "session"),
    ("health", "/healthz", "none"),
]

SETUP = r"""
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from rest_framework.authtoken.models import Token
from operators.models import Branch, Source
from plans.models import Plan
from plans.services import plan_create, tier_create

User = get_user_model()
branch = Branch.objects.order_by("pk").first()
source = Source.objects.order_by("pk").first()

def account(name, role):
    user, _ = User.objects.get_or_create(username=name, defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=role))
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return user, Token.objects.get_or_create(user=user)[0].key, session.session_key

readers, writers = [], []
for number in range(READERS):
    _, token, session = account(f"load-reader-{number}", "viewer")
    readers.append({"token": token, "session": session})
for number in range(WRITERS):
    user, token, session = account(f"load-writer-{number}", "analyst")
    plan = Plan.objects.filter(branch=branch, name_zh=f"压测套餐{number}").first()
    if plan is None:
        plan = plan_create(actor=user, branch=branch, name_zh=f"压测套餐{number}", source=source)
    tier = plan.tiers.current().filter(validity_days=7).first()
    if tier is None:
        tier = tier_create(actor=user, plan=plan, validity_days=7, price_cny="10.00", source=source)
    writers.append({"token": token, "plan": plan.pk, "tier": tier.pk, "source": source.pk, "version": tier.version})
print("LOAD-SETUP " + json.dumps({"readers": readers, "writers": writers}))
"""


@dataclass
class Sample:
    kind: str
    seconds: float
    ok: bool


@dataclass
class Recorder:
    samples: list[Sample] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.samples.append(Sample(kind, seconds, ok))
            if not ok and len(self.failures) < 20:
                self.failures.append(f"{kind}: {detail}")


class Client:
    """One keep-alive connection; reconnects after a transport error (which counts as a failure)."""

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port = port
        self.headers = headers
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, method: str, path: str, body: dict | None = None, extra: dict | None = None) -> tuple[int, bytes]:
        headers = {**self.headers, **(extra or {})}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            self.connection.request(method, path, body=payload, headers=headers)
            response = self.connection.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            return 0, repr(error).encode()


def timed(recorder: Recorder, kind: str, expected: set[int], call) -> tuple[int, bytes]:
    started = time.perf_counter()
    status, body = call()
    ok = status in expected
    recorder.add(kind, time.perf_counter() - started, ok, f"HTTP {status} {body[:200]!r}")
    return status, body


def reader(port: int, account: dict, deadline: float, recorder: Recorder, seed: int) -> None:
    client = Client(port, {"Host": "127.0.0.1"})
    token = {"Authorization": f"Token {account['token']}"}
    session = {"Cookie": f"sessionid={account['session']}"}
    order = random.Random(seed)
    while time.monotonic() < deadline:
        kind, path, auth = order.choice(READS)
        extra = token if auth == "token" else session if auth == "session" else {}
        timed(recorder, kind, {200}, lambda p=path, e=extra: client.call("GET", p, extra=e))


def writer(port: int, account: dict, deadline: float, recorder: Recorder, number: int) -> None:
    client = Client(port, {"Host": "127.0.0.1", "Authorization": f"Token {account['token']}"})
    step = 0
    version = account["version"]  # each writer owns its tier: the version it last saw is the current one
    while time.monotonic() < deadline:
        step += 1
        # A notes edit in place: audited, a history row, the benchmarks marked pending.
        status, body = timed(
            recorder,
            "write tier patch",
            {200},
            lambda s=step, v=version: client.call(
                "PATCH",
                f"/api/v1/tiers/{account['tier']}/",
                {"notes": f"load {number}-{s}"},
                extra={"If-Match": f'"{v}"'},
            ),
        )
        if status == 200:
            version = json.loads(body)["version"]
        if step % 4 == 0:
            new_tier = {
                "plan": account["plan"],
                "validity_days": 100 + step,
                "price_cny": "12.50",
                "data_gb": "2.000",
                "source": account["source"],
            }
            status, body = timed(
                recorder, "write tier create", {201}, lambda t=new_tier: client.call("POST", "/api/v1/tiers/", t)
            )
            if status == 201:
                created = json.loads(body)["id"]
                timed(
                    recorder,
                    "write tier delete",
                    {204},
                    lambda c=created: client.call("DELETE", f"/api/v1/tiers/{c}/", extra={"If-Match": '"1"'}),
                )


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit((parts.scheme.replace("postgres", "postgresql", 1), parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def report(recorder: Recorder, seconds: float, args: argparse.Namespace, workers: int, *, queued: bool) -> str:
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in recorder.samples:
        by_kind[sample.kind].append(sample)
    total = len(recorder.samples)
    errors = sum(not sample.ok for sample in recorder.samples)
    lines = [
        "# Load test",
        "",
        f"`make load` on {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC: {args.readers} readers and "
        f"{args.writers} writers for {seconds:.0f} s against gunicorn ({workers} gthread workers x "
        f"{args.threads} threads) on 127.0.0.1, PostgreSQL, seed data, "
        f"{'Redis + one Celery worker for the recompute' if queued else 'Celery eager (recompute in the request)'}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}. Client and server share the machine.",
        "",
        f"**{total} requests, {total / seconds:.0f} req/s, {errors} errors.**",
        "",
        f"Machine load average when the run started: {args.load_before:.1f} (other work shares the CPUs; "
        "latency grows with it). Readers pick at random from: "
        + ", ".join(f"`{path}`" for _kind, path, _auth in READS)
        + ". Writers (one plan each) PATCH a tier's notes (audited correction), and every fourth step "
        "POST a new tier and DELETE it again. Every request counts as an error unless it gets its "
        "expected status (200, 201, 204).",
        "",
        "| requests | count | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    groups = [("all", recorder.samples), *sorted(by_kind.items())]
    for kind, samples in groups:
        latencies = [sample.seconds * 1000 for sample in samples]
        p50, p95, p99 = (benchlib.percentile(latencies, share) for share in (0.5, 0.95, 0.99))
        lines.append(
            f"| {kind} | {len(samples)} | {len(samples) / seconds:.1f} | {p50:.0f} | "
            f"{p95:.0f} | {p99:.0f} | {max(latencies):.0f} | "
            f"{sum(not sample.ok for sample in samples)} |"
        )
    if recorder.failures:
        lines += ["", "First failures:", "", *(f"- `{failure}`" for failure in recorder.failures)]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("LOAD_SECONDS", "60")))
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--writers", type=int, default=5)
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOAD_PORT", "8765")))
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: 2 x CPUs + 1, max 9)")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--output", type=Path, default=benchlib.ROOT / "docs" / "load.md")
    args = parser.parse_args()
    args.load_before = os.getloadavg()[0]
    workers = args.workers or benchlib.default_workers()
    database_url = os.environ.get("LOAD_DATABASE_URL", DEFAULT_DATABASE_URL)
    # As deployed: with Redis on loopback, writes queue the recompute and a Celery worker runs it;
    # without Redis, the embedded default (eager, in the writer's request) is what gets measured.
    broker = f"redis://127.0.0.1:6379/{os.environ.get('LOAD_REDIS_DB', '12')}" if _answers(6379) else ""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": database_url,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "CELERY_BROKER_URL": broker,
        "LOG_LEVEL": "WARNING",
    }
    print(f"preparing {database_url.rsplit('/', 1)[-1]} (migrate, seed, accounts)", flush=True)
    ensure_database(database_url)
    benchlib.manage(env, "migrate", "--noinput")
    benchlib.manage(env, "load_seed")
    benchlib.manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    benchlib.manage(env, "recompute_benchmarks")
    setup = SETUP.replace("READERS", str(args.readers)).replace("WRITERS", str(args.writers))
    output = benchlib.manage(env, "shell", "-c", setup)
    accounts = json.loads(output.split("LOAD-SETUP ", 1)[1])

    worker = None
    if broker:
        worker = subprocess.Popen(
            [str(benchlib.BIN / "celery"), "-A", "config", "worker", "--concurrency", "1", "--loglevel", "WARNING"],
            cwd=benchlib.ROOT,
            env=env,
        )
    try:
        with benchlib.gunicorn(env, port=args.port, workers=workers, threads=args.threads):
            recorder = Recorder()
            # Warm every worker (imports, first queries) so the figures are about steady state.
            warm = Recorder()
            for number in range(workers * 4 if accounts["readers"] else 0):
                reader(args.port, accounts["readers"][0], time.monotonic() + 0.05, warm, number)
            print(f"running {args.readers} readers + {args.writers} writers for {args.seconds:.0f}s", flush=True)
            started = time.monotonic()
            deadline = started + args.seconds
            threads = [
                threading.Thread(target=reader, args=(args.port, account, deadline, recorder, number), daemon=True)
                for number, account in enumerate(accounts["readers"][: args.readers])
            ] + [
                threading.Thread(target=writer, args=(args.port, account, deadline, recorder, number), daemon=True)
                for number, account in enumerate(accounts["writers"][: args.writers])
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=args.seconds + 60)
            elapsed = time.monotonic() - started
    finally:
        benchlib.stop(worker)
    text = report(recorder, elapsed, args, workers, queued=bool(broker))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    return 1 if any(not sample.ok for sample in recorder.samples) else 0


if __name__ == "__main__":
    sys.exit(main())
