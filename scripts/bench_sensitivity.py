#!/usr/bin/env python
"""Rank sensitivity at scale: the page, the API and the follow-up task that stores the ranks, in-process.

On an existing database (a clone of bench_1m_template): the Django test client (a superuser's
session, DEBUG off) requests the page and the API a few times; the first request warms, the
median of the others is reported with its query count (CaptureQueriesContext). `--store` first
runs the follow-up task's work for the latest run (`sensitivity_store`, every bucket, as after a
full recompute) and then once more for one patched bucket, and reports their durations.
Numbers go to docs/analyser.md by hand (section "Measured").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_x DJANGO_SETTINGS_MODULE=config.settings.local \\
        CELERY_BROKER_URL= python scripts/bench_sensitivity.py [--store] [--repeat 4] [--bucket 1-7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", action="store_true", help="run and time the follow-up task's work first")
    parser.add_argument("--repeat", type=int, default=4, help="timed requests after the warm-up (default 4)")
    parser.add_argument("--bucket", default="1-7")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    if args.store:
        from competition.analyser import sensitivity
        from competition.analyser.models import BenchmarkSensitivityBucket
        from competition.benchmarks import selectors

        run = selectors.benchmark_run_latest()
        assert run is not None, "no benchmark run"
        began = time.perf_counter()
        stored = sensitivity.sensitivity_store(run_id=run.pk, buckets=None)
        print(f"store all buckets (new run): {time.perf_counter() - began:.2f} s, rows {stored}")
        for marker in BenchmarkSensitivityBucket.objects.filter(run_id=run.pk).order_by("bucket"):
            print(f"  {marker.bucket}: {marker.row_count:,} rows, {marker.duration_ms} ms")
        # A patch of one bucket at the next revision: the follow-up re-ranks that bucket, marks the others.
        run.revision += 1
        run.save(update_fields=["revision"])
        began = time.perf_counter()
        stored = sensitivity.sensitivity_store(run_id=run.pk, revision=run.revision, buckets=[args.bucket])
        print(f"store one patched bucket {args.bucket}: {time.perf_counter() - began:.2f} s, rows {stored}")

    user = get_user_model().objects.filter(is_superuser=True).first()
    if user is None:
        user = get_user_model().objects.create_superuser("bench-sensitivity", "b@example.com", "x")
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    storages = {**settings.STORAGES, "staticfiles": static}
    with override_settings(STORAGES=storages, DEBUG=False, ALLOWED_HOSTS=["*"]):
        client = Client()
        client.force_login(user)
        for url in (
            f"/compare/sensitivity/?bucket={args.bucket}",
            f"/api/v1/benchmarks/sensitivity/?bucket={args.bucket}",
            f"/api/v1/benchmarks/sensitivity/?bucket={args.bucket}&page=last",
        ):
            timings, queries, size = [], 0, 0
            for attempt in range(args.repeat + 1):
                with CaptureQueriesContext(connection) as captured:
                    began = time.perf_counter()
                    response = client.get(url)
                    elapsed = time.perf_counter() - began
                assert response.status_code == 200, (url, response.status_code)
                if attempt:
                    timings.append(elapsed * 1000)
                queries, size = len(captured), len(response.content)
            print(
                f"{url}: median {statistics.median(timings):.0f} ms "
                f"(min {min(timings):.0f}, max {max(timings):.0f}), {queries} queries, {size / 1e3:.0f} kB"
            )
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
