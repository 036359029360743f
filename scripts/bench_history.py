#!/usr/bin/env python
"""The benchmark history at scale: backfill cost per day, storage bytes per day, and reading one bucket's series.

In a throwaway PostgreSQL database (default `bench_history`, created and dropped here), it generates
`--tiers N` synthetic tiers with `--days` of daily price changes (`generate_synthetic --daily-changes`,
one change per 1,000 tiers a day), then:

  (1) backfills the history with the real service (`history_services.benchmark_history_fill`, the
      path of `manage.py backfill_benchmark_history`), over every owed day or, with `--backfill-days K`,
      the K most recent owed days only (a year at 1M tiers is hours of work), timing each day;
  (2) measures the storage of the history tables (pg_total_relation_size: heap, TOAST and indexes)
      per recorded day;
  (3) reads one bucket's series `--reads` times each: the whole market, one operator and one cell,
      through the selector (`history_series`) and through GET /api/v1/benchmarks/history/ (a logged-in
      DRF client: auth, filters, serializer, JSON), reporting the median and the slowest.

    python scripts/bench_history.py [--tiers 1000000] [--days 365] [--backfill-days 20] [--reads 30] [--keep]
    python scripts/bench_history.py --database D --reuse --keep --backfill-days -1   # re-measure a kept database
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from typing import Any

import benchlib


def timed(function: Any, repeat: int) -> dict[str, float]:
    times = benchlib.timed_ms(function, repeat)
    return {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1)}


def measure(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone
    from rest_framework.test import APIClient

    from competition.benchmarks import services
    from competition.benchmarks.history import selectors as history_selectors
    from competition.benchmarks.history import services as history_services
    from competition.benchmarks.history.models import BenchmarkHistoryDay, BenchmarkHistoryPoint
    from plans.models import Tier

    today = timezone.localdate()
    owed = history_services.benchmark_history_days(until=today)
    days = list(owed)
    if args.backfill_days < 0:  # measure what an earlier (kept) run recorded
        days = []
    elif args.backfill_days:
        days = days[-args.backfill_days :]
    parameters = services.benchmark_parameters_default()
    per_day = []
    started = time.perf_counter()
    for day in days:
        t0 = time.perf_counter()
        history_services.benchmark_history_compute_day(day=day, reason=owed[day], parameters=parameters)
        per_day.append(time.perf_counter() - t0)
        print(f"  {day}: {per_day[-1]:.2f} s", file=sys.stderr, flush=True)
    backfill_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        for model in (BenchmarkHistoryDay, BenchmarkHistoryPoint):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
        cursor.execute(
            "SELECT pg_total_relation_size(%s) + pg_total_relation_size(%s)",
            [BenchmarkHistoryDay._meta.db_table, BenchmarkHistoryPoint._meta.db_table],
        )
        history_bytes = int(cursor.fetchone()[0])
    recorded = BenchmarkHistoryDay.objects.count()
    points = BenchmarkHistoryPoint.objects.count()

    user, _ = get_user_model().objects.get_or_create(username="bench-history")
    client = APIClient(SERVER_NAME="127.0.0.1", HTTP_HOST="127.0.0.1")
    client.force_authenticate(user)
    scopes: dict[str, dict[str, Any]] = {
        "market": {},
        "operator cmcc": {"operator": "cmcc"},
        "cell 31/cmcc": {"province": "31", "operator": "cmcc"},
    }
    reads = {}
    for name, scope in scopes.items():
        count = len(list(history_selectors.history_series(bucket="1-7", metric="per_gb", **scope)))
        selector = timed(
            lambda s=scope: list(history_selectors.history_series(bucket="1-7", metric="per_gb", **s)), args.reads
        )

        def api(s: dict[str, str] = scope) -> None:
            response = client.get("/api/v1/benchmarks/history/", {"bucket": "1-7", "metric": "per_gb", **s})
            assert response.status_code == 200, response.content[:300]

        reads[name] = {"points": count, "selector": selector, "api": timed(api, args.reads)}
    return {
        "tiers_in_table": Tier.objects.count(),
        "tiers_in_effect_today": Tier.objects.current().count(),
        "owed_days": len(owed),
        "backfilled_days": len(days),
        "backfill_s": round(backfill_s, 1),
        "per_day_s": {
            "median": round(statistics.median(per_day), 2) if per_day else None,
            "max": round(max(per_day), 2) if per_day else None,
        },
        "recorded_days": recorded,
        "points": points,
        "points_per_day": round(points / recorded, 1) if recorded else None,
        "history_bytes": history_bytes,
        "bytes_per_day": round(history_bytes / recorded) if recorded else None,
        "reads": reads,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiers", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365, help="Days of daily price changes (ending today).")
    parser.add_argument(
        "--backfill-days",
        type=int,
        default=0,
        help="Backfill only the K most recent owed days (-1: none, measure what a --keep run recorded).",
    )
    parser.add_argument("--reads", type=int, default=30)
    parser.add_argument("--database", default="bench_history")
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--reuse", action="store_true", help="Measure an existing database (kept by --keep).")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    env = benchlib.child_env(benchlib.bench_database_name(args.database))
    if args.measure:
        os.environ.update(env)
        print(json.dumps(measure(args)))
        return
    if not args.reuse:
        benchlib.database_create(args.database)
    try:
        if not args.reuse:
            benchlib.manage(env, "migrate", "-v0")
            benchlib.manage(env, "generate_synthetic", "--tiers", str(args.tiers), "--daily-changes", str(args.days))
        command = [benchlib.PYTHON, __file__, "--measure", "--database", args.database, "--reads", str(args.reads)]
        figures = benchlib.run_json([*command, "--backfill-days", str(args.backfill_days)], env)
        print(json.dumps({"tiers": args.tiers, "days": args.days, **figures}, indent=2))
    finally:
        if not args.keep:
            benchlib.database_drop(args.database)


if __name__ == "__main__":
    main()
