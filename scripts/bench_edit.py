#!/usr/bin/env python
"""Edit to visible: a tier's new price, through the write service, until the benchmark API shows it.

On an existing database with a benchmark run (`make bench` passes its 1M clone), with a real Celery
workers as production runs them (`celery -A config worker -Q benchmarks` and `-Q default`, the
latter for the follow-ups of a publish: stored sensitivity, basket input) on a Redis database of the benchmark's own
(`--redis-db`, default BENCH_REDIS_DB or 2; flushed first) and gunicorn serving the API: for each of
`--edits` ranked tiers of one cell (1-7 days, Shanghai, China Mobile), the price is changed through
`plans.services.tier_update` (the path the admin and the API use) to one far below the market, so
the tier's successor heads `GET /api/v1/benchmarks/per-gb/?bucket=1-7&province=31&operator=cmcc`,
which is polled every 0.1 s until it lists the new price. Seconds from the call to the service to
the first response that shows it.

Target (issue 14 item 2): visible within 5 s. Section `edit` of docs/benchmarks.md.

    python scripts/bench_edit.py --database bench_run [--edits 3] [--timeout 120]
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from typing import Any

import benchlib
from benchlib import Target

TARGET_SECONDS = 5.0
CELL = {"bucket": "1-7", "province": "31", "operator": "cmcc"}
POLL_SECONDS = 0.1


def visible(connection: http.client.HTTPConnection, token: str, plan_id: int, validity: int, price: str) -> bool:
    query = "&".join(f"{key}={value}" for key, value in CELL.items())
    connection.request(
        "GET",
        f"/api/v1/benchmarks/per-gb/?{query}&page_size=50",
        headers={"Host": "127.0.0.1", "Authorization": f"Token {token}"},
    )
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        return False
    return any(
        row["plan_id"] == plan_id and row["validity_days"] == validity and row["price_cny"] == price
        for row in json.loads(body)["results"]
    )


def measure(port: int, token: str, edits: int, timeout: float) -> list[float | None]:
    """In a Django process with the broker set: edit, then poll the API until the edit shows."""
    benchlib.setup_django()
    from django.db import transaction
    from django.utils import timezone

    from competition.benchmarks.models import BenchmarkRow
    from plans.models import Tier
    from plans.services import tier_update

    today = timezone.localdate()
    run_id = BenchmarkRow.objects.order_by("-run_id").values_list("run_id", flat=True).first()
    candidates = BenchmarkRow.objects.filter(
        run_id=run_id,
        bucket=CELL["bucket"],
        province_code=CELL["province"],
        operator_code=CELL["operator"],
        rank__isnull=False,
    ).values_list("tier_id", flat=True)[: edits * 5]
    tiers = list(
        Tier.objects.in_effect(on=today)
        .filter(pk__in=list(candidates), effective_from__lt=today - datetime.timedelta(days=1))
        .select_related("source")[:edits]
    )
    if len(tiers) < edits:
        raise SystemExit(f"only {len(tiers)} tiers to edit in {CELL}")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    seconds: list[float | None] = []
    for number, tier in enumerate(tiers):
        # A cent or so per GB: far below any synthetic price, so the successor heads the cell's first page.
        price = Decimal("0.01") * (number + 1)
        began = time.perf_counter()
        with transaction.atomic():
            tier_update(tier=tier, changes={"price_cny": price}, actor=None, effective_on=today, source=tier.source)
        deadline = began + timeout
        shown = None
        while time.perf_counter() < deadline:
            if visible(connection, token, tier.plan_id, tier.validity_days, f"{price:.2f}"):
                shown = time.perf_counter() - began
                break
            time.sleep(POLL_SECONDS)
        seconds.append(shown)
        if shown is None:  # the next edits would wait as long: the part stays bounded
            break
        after = f"not within {timeout:.0f} s" if shown is None else f"{shown:.2f} s"
        print(f"  edit {number + 1}: tier {tier.pk} to {price} CNY, visible after {after}", file=sys.stderr)
    return seconds


def worker_ready(log_path: Any, process: subprocess.Popen[Any], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the Celery worker exited; see {log_path}")
        if " ready." in log_path.read_text(encoding="utf-8", errors="replace"):
            return
        time.sleep(0.5)
    raise SystemExit(f"the Celery worker was not ready within {timeout:.0f} s; see {log_path}")


def render(seconds: list[float | None], targets: list[Target], load: str, redis_db: int) -> str:
    shown = ", ".join("not within the timeout" if value is None else f"{value:.1f}" for value in seconds)
    query = "&".join(f"{key}={value}" for key, value in CELL.items())
    return "\n".join(
        [
            "## Edit to visible, real worker (`scripts/bench_edit.py`)",
            "",
            f"{benchlib.measured()}; load average {load} before, {benchlib.load_average()} after. Two Celery",
            f"workers as in production (`-Q benchmarks` and `-Q default`, concurrency 1 each, Redis db {redis_db}),",
            "gunicorn for the API. Each edit is",
            "a price change through `plans.services.tier_update` (committed; the tier is superseded), then",
            f"`GET /api/v1/benchmarks/per-gb/?{query}` every {POLL_SECONDS} s until the successor's price shows.",
            "",
            *benchlib.TARGET_HEADER,
            *(target.row() for target in targets),
            "",
            f"Seconds per edit, call to visible: {shown}.",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=150, help="Seconds to wait for one edit to show.")
    parser.add_argument("--redis-db", type=int, default=int(os.environ.get("BENCH_REDIS_DB", "2")))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_EDIT_PORT", "8768")))
    parser.add_argument("--quick", action="store_true", help="One edit.")
    args = parser.parse_args()
    if args.quick:
        args.edits = 1
    import redis

    broker = f"redis://127.0.0.1:6379/{args.redis_db}"
    redis.Redis.from_url(broker).flushdb()  # this benchmark's own database: no stale task may run first
    env = benchlib.child_env(benchlib.bench_database_name(args.database), CELERY_BROKER_URL=broker, LOG_LEVEL="INFO")
    token = benchlib.accounts(env)["viewer"]["token"]
    load = benchlib.load_average()
    benchlib.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    workers = []
    try:
        for queue in ("benchmarks", "default"):
            log_path = benchlib.RESULTS_DIR / f"edit-worker-{queue}.log"
            with log_path.open("w", encoding="utf-8") as log:
                worker = subprocess.Popen(
                    [
                        *(str(benchlib.BIN / "celery"), "-A", "config", "worker", "-Q", queue, "-n", f"{queue}@%h"),
                        *("--concurrency", "1", "--loglevel", "INFO", "--without-gossip", "--without-mingle"),
                    ],
                    cwd=benchlib.ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            workers.append(worker)
            worker_ready(log_path, worker)
        with benchlib.gunicorn({**env, "LOG_LEVEL": "WARNING"}, port=args.port, workers=2):
            command = [benchlib.PYTHON, __file__, "measure", str(args.port), token, str(args.edits)]
            seconds = benchlib.run_json([*command, str(args.timeout)], env)
    finally:
        for worker in workers:
            benchlib.stop(worker, timeout=30)
    shown = [value for value in seconds if value is not None]
    targets = [
        Target(
            f"edit to visible, median of {len(seconds)}", benchlib.median(shown) if shown else None, TARGET_SECONDS, "s"
        ),
        Target("edit to visible, slowest", max(shown) if len(shown) == len(seconds) else None, TARGET_SECONDS, "s"),
    ]
    benchlib.results_save("edit", targets, seconds=seconds)
    benchlib.write_section("edit", render(seconds, targets, load, args.redis_db))


if __name__ == "__main__":
    if sys.argv[1:2] == ["measure"]:
        port, token, edits, timeout = sys.argv[2:6]
        print(json.dumps(measure(int(port), token, int(edits), float(timeout))))
    else:
        main()
