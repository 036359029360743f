#!/usr/bin/env python
"""The change feed and watching at scale: the feed's first page, and one change against 10,000 watches.

In one throwaway PostgreSQL database (default `bench_changes`, created and dropped here; the dev
database is never touched) it generates `--tiers` synthetic tiers (`manage.py generate_synthetic`),
a year of daily changes in the feed's read model, and `--watches` users with one watch each, then
measures in one process (median of `--repeat` runs after two warm-ups):

  feed       the first page (50 rows) of `competition.changes.selectors` unfiltered and with each
             filter, the same through GET /api/v1/changes/ (which also COUNTs the matches), the
             /compare/changes/ page and the Atom feed;
  matching   `competition.watching.services.notifications_for_changes` for one change against the
             watches (load the index, match, insert the notifications), when few match and when all
             10,000 match (10,000 notifications inserted);
  real path  one price change through `plans.services.tier_update`, from the commit to its change
             event derived from the history record and matched against the watches (the eager task);
  thresholds `notifications_for_run` for 10,000 threshold watches against two stored benchmark runs.

The year of changes is written straight into the read model (ChangeEvent rows by COPY, spread over
365 days, over the synthetic branches, plans and buckets): deriving millions of events through the
services would take hours and measures the write path, which "real path" measures once per change.

    python scripts/bench_changes.py [--tiers 1000000] [--changes-per-day 1000] [--watches 10000] [--keep]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import benchlib


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiers", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--changes-per-day", type=int, default=1000)
    parser.add_argument("--watches", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database", default="bench_changes")
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--reuse", action="store_true", help="Measure an existing --keep database again.")
    args = parser.parse_args()
    env = benchlib.child_env(benchlib.bench_database_name(args.database))
    if not args.reuse:
        benchlib.database_create(args.database)
    try:
        if not args.reuse:
            benchlib.manage(env, "migrate", "--noinput", "-v0")
            started = time.perf_counter()
            benchlib.manage(env, "generate_synthetic", "--tiers", str(args.tiers), "--replace")
            print(f"{args.tiers} tiers generated in {time.perf_counter() - started:.1f} s", flush=True)
        options = [str(args.days), str(args.changes_per_day), str(args.watches), str(args.repeat), str(int(args.reuse))]
        # Streamed, so a section's figures are on screen as soon as it is measured.
        subprocess.run([benchlib.PYTHON, __file__, "measure", *options], cwd=benchlib.ROOT, env=env, check=True)
    finally:
        if not args.keep:
            benchlib.database_drop(args.database)


# --------------------------------------------------------------------------- the measuring process


def timed(function: Callable[[], Any], repeat: int) -> float:
    """Median milliseconds of `repeat` calls after two warm-ups."""
    return benchlib.median(benchlib.timed_ms(function, repeat, warm=2))


def measure(days: int, per_day: int, watches: int, repeat: int, reuse: bool) -> None:
    import django

    django.setup()
    import datetime
    import io

    import numpy as np
    from django.contrib.auth.models import User
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from competition.changes import selectors
    from competition.changes.models import ChangeEvent
    from competition.watching import services
    from competition.watching.models import Notification, Watch
    from operators.models import Branch, Operator, Province
    from plans.models import Plan, Tier

    setup_test_environment()  # the test client's host, a local-memory email backend
    results: dict[str, Any] = {}
    rng = np.random.default_rng(20250501)
    today = timezone.localdate()
    branches = list(Branch.objects.values_list("id", "operator__code", "province__code", "name_zh", "name_en"))
    plans = list(Plan.objects.values_list("id", "branch_id", "name_zh", "name_en").order_by("id"))
    branch_of = {row[0]: row for row in branches}
    total = days * per_day
    if not reuse:
        started = time.perf_counter()
        kinds = np.array(["new_tier", "price_change", "allowance_change", "withdrawal", "launch", "milestone"])
        kind = kinds[rng.choice(6, size=total, p=[0.3, 0.4, 0.15, 0.1, 0.03, 0.02])]
        day = rng.integers(0, days, size=total)
        plan_index = rng.integers(0, len(plans), size=total)
        validity = rng.choice([1, 3, 7, 10, 15, 30, 90], size=total)
        buffer = io.StringIO()
        for number in range(total):
            plan_id, branch_id, plan_zh, plan_en = plans[plan_index[number]]
            _, operator, province, who_zh, who_en = branch_of[branch_id]
            changed = today - datetime.timedelta(days=int(day[number]))
            tiered = kind[number] not in ("launch", "milestone")
            days_valid = int(validity[number])
            bucket = (
                "1-7" if days_valid <= 7 else "8-14" if days_valid <= 14 else "15-29" if days_valid <= 29 else "30+"
            )
            buffer.write(
                "\t".join(
                    [
                        kind[number],
                        changed.isoformat(),
                        f"{changed.isoformat()} 10:00:00+00",
                        "bench.synthetic",
                        str(number + 1),
                        "f",
                        operator,
                        province if kind[number] != "milestone" else "",
                        str(branch_id),
                        str(plan_id) if tiered else "\\N",
                        str(number + 1) if tiered else "\\N",
                        str(number + 1),
                        bucket if tiered else "",
                        str(days_valid) if tiered else "\\N",
                        who_zh,
                        who_en,
                        plan_zh,
                        plan_en,
                        "90.00",
                        "60.00",
                        "[]",
                        f"{changed.isoformat()} 10:05:00+00",
                    ]
                )
                + "\n"
            )
        columns = (
            "kind, changed_on, recorded_at, history_model, history_id, correction, operator_code, province_code, "
            "branch_id, plan_id, tier_id, object_id, bucket, validity_days, who_zh, who_en, subject_zh, "
            "subject_en, price_before_cny, price_after_cny, fields_changed, matched_at"
        )
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY competition_changeevent ({columns}) FROM STDIN") as copy:
                copy.write(buffer.getvalue())
            cursor.execute("ANALYZE competition_changeevent")
        results["events_written_s"] = round(time.perf_counter() - started, 1)
    results["events"] = ChangeEvent.objects.count()
    results["tiers"] = Tier.objects.count()

    # ------------------------------------------------------------------ feed
    since = today - datetime.timedelta(days=30)
    cases: dict[str, dict[str, Any]] = {
        "unfiltered": {},
        "province=31": {"province": "31"},
        "operator=cmcc&bucket=1-7": {"operator": "cmcc", "bucket": "1-7"},
        "kind=launch": {"kind": "launch"},
        f"since={since}&province=44": {"since": since, "province": "44"},
    }
    feed: dict[str, float] = {}
    for name, filters in cases.items():

        def first_page(f: dict[str, Any] = filters) -> None:
            selectors.change_event_page(selectors.change_event_list(**f), page=1, page_size=50)

        feed[name] = timed(first_page, repeat)
    results["feed_selector_ms"] = feed
    print(json.dumps({"feed_selector_ms": feed, "events": results["events"]}), flush=True)
    reader, _ = User.objects.get_or_create(username="bench-reader", defaults={"is_superuser": True})
    client = Client()
    client.force_login(reader)
    api: dict[str, float] = {}
    for name, filters in cases.items():
        query = {key: str(value) for key, value in filters.items()}

        def get(query: dict[str, str] = query) -> None:
            response = client.get("/api/v1/changes/", query)
            assert response.status_code == 200, response.content[:300]

        api[name] = timed(get, repeat)
    results["feed_api_ms"] = api
    results["page_ms"] = timed(lambda: client.get("/compare/changes/", {"province": "31"}), repeat)
    secret = services.watching_settings_get(user=reader).feed_secret
    results["atom_ms"] = timed(lambda: client.get(f"/compare/changes/feed/{reader.pk}/{secret}/"), repeat)

    # ------------------------------------------------------------------ matching
    Watch.objects.all().delete()
    Notification.objects.all().delete()
    User.objects.filter(username__startswith="bench-watcher-").delete()
    User.objects.bulk_create([User(username=f"bench-watcher-{n}", email="") for n in range(watches)], batch_size=5000)
    users = list(User.objects.filter(username__startswith="bench-watcher-").values_list("id", flat=True))
    operators = dict(Operator.objects.values_list("code", "id"))
    provinces = dict(Province.objects.values_list("code", "id"))
    random_watches = []
    for number, user_id in enumerate(users):
        branch_id, operator, province, _, _ = branches[int(rng.integers(len(branches)))]
        shape = number % 10
        fields: dict[str, Any] = {}
        if shape < 4:
            fields["province_id"] = provinces[province]
        elif shape < 6:
            fields["operator_id"] = operators[operator]
        elif shape < 8:
            fields.update(operator_id=operators[operator], province_id=provinces[province], bucket="1-7")
        elif shape < 9:
            fields["plan_id"] = plans[int(rng.integers(len(plans)))][0]
        else:
            fields["branch_id"] = branch_id
        random_watches.append(Watch(user_id=user_id, **fields))
    Watch.objects.bulk_create(random_watches, batch_size=5000)
    sample = list(ChangeEvent.objects.order_by("?").values_list("id", flat=True)[: repeat + 2])

    def match_one() -> None:
        services.notifications_for_changes(event_ids=[sample.pop()])

    results["match_random_10k_ms"] = timed(match_one, repeat)
    results["match_random_notified_avg"] = round(Notification.objects.count() / (repeat + 2), 1)

    Watch.objects.all().delete()
    Watch.objects.bulk_create(
        [Watch(user_id=user_id, province_id=provinces["31"]) for user_id in users], batch_size=5000
    )
    shanghai = list(ChangeEvent.objects.filter(province_code="31").values_list("id", flat=True)[: repeat + 2])

    def match_all() -> None:
        services.notifications_for_changes(event_ids=[shanghai.pop()])

    before = Notification.objects.count()
    results["match_all_10k_ms"] = timed(match_all, repeat)
    results["match_all_notified_avg"] = round((Notification.objects.count() - before) / (repeat + 2), 1)
    print(
        json.dumps(
            {key: value for key, value in results.items() if key.startswith(("match", "feed_api", "page", "atom"))}
        ),
        flush=True,
    )

    # ------------------------------------------------------------------ the real path, once per change
    from plans.signals import tiers_changed

    # Only the change feed and watching: the benchmark recompute the same commit triggers is `make bench`'s.
    tiers_changed.disconnect(dispatch_uid="competition_benchmarks_on_tiers_changed")
    shanghai_tiers = list(
        Tier.objects.in_effect(on=today)
        .filter(plan__branch__province__code="31", effective_from__lt=today - datetime.timedelta(days=1))
        .select_related("plan", "source")[: repeat + 2]
    )
    from plans.services.tiers import tier_update

    def price_change() -> None:
        tier = shanghai_tiers.pop()
        with transaction.atomic():
            tier_update(
                tier=tier, changes={"price_cny": tier.price_cny + 1}, actor=None, effective_on=today, source=tier.source
            )

    before = Notification.objects.count()
    results["real_path_ms"] = timed(price_change, min(repeat, len(shanghai_tiers) - 2))
    results["real_path_notified"] = Notification.objects.count() - before
    print(json.dumps({"real_path_ms": results["real_path_ms"], "notified": results["real_path_notified"]}), flush=True)

    # ------------------------------------------------------------------ thresholds
    from competition.benchmarks import scheduling

    Watch.objects.all().delete()
    Watch.objects.bulk_create(
        [
            Watch(
                user_id=user_id,
                condition="cheapest_below" if n % 2 else "rank_one_changes",
                bucket=["1-7", "8-14", "15-29", "30+"][n % 4],
                province_id=provinces[branches[n % len(branches)][2]] if n % 3 else None,
                threshold_cny="2.50" if n % 2 else None,
            )
            for n, user_id in enumerate(users)
        ],
        batch_size=5000,
    )
    first = scheduling.benchmarks_recompute(trigger="bench")
    Tier.objects.filter(plan__branch__province__code="31").update(price_cny=1)
    second = scheduling.benchmarks_recompute(trigger="bench")
    assert first is not None and second is not None
    results["threshold_runs_s"] = [
        round((first.duration_ms or 0) / 1000, 1),
        round((second.duration_ms or 0) / 1000, 1),
    ]
    results["thresholds_10k_ms"] = timed(lambda: services.notifications_for_run(run_id=second.pk), repeat)
    results["threshold_notified"] = Notification.objects.filter(run_id=second.pk).count()
    print(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "measure":
        days, per_day, watches, repeat = (int(value) for value in sys.argv[2:6])
        measure(days, per_day, watches, repeat, reuse=bool(int(sys.argv[6])))
    else:
        main()
