#!/usr/bin/env python
"""`make bench` (part `api`): an API list endpoint vs a bare Django view over the same 100 rows.

On `--database` (an existing one, as `make bench` passes its 1M clone; without it a throwaway
`bench_api` with `--tiers` synthetic tiers is created and dropped), with a viewer's DRF token, it
starts gunicorn on 127.0.0.1 (DEBUG off; settings `scripts/bench_api_site.py`, which adds the bare
view) and, side by side in one run, alternating rounds of each, drives 20 concurrent keep-alive
clients at

  (api)  GET /api/v1/tiers/?page_size=100   with `Authorization: Token ...` (DRF: token lookup,
         throttle, filters, `count`, the `.values()` page through TierOutputSerializer, JSON)
  (bare) GET /bench/bare-tiers/             the same 100 rows from the same selector as `.values()`
         dicts in a JsonResponse, nothing else

and reports p50 and p95 latency, throughput and the ratios (target: api p95 within 2x of bare).
Section `api` of docs/benchmarks.md.

    python scripts/bench_api.py [--database bench_run | --tiers 10000] [--seconds 10] [--rounds 3] [--clients 20]

Only the standard library on the client side (threads and http.client), as scripts/load.py.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import sys
import threading
import time

import benchlib
from benchlib import Target

API_PATH = "/api/v1/tiers/?page_size=100"
BARE_PATH = "/bench/bare-tiers/"
TARGET_RATIO = 2.0


def drive(port: int, path: str, headers: dict[str, str], clients: int, seconds: float) -> dict[str, float]:
    """`clients` threads, each on one keep-alive connection, requesting `path` until the deadline."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        while time.monotonic() < deadline:
            started = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200 or len(json.loads(body)["results"]) != 100:
                with lock:
                    failures.append(f"{response.status} {body[:200]!r}")
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        sys.exit(f"{path}: {len(failures)} failed requests, e.g. {failures[0]}")
    return {
        "requests": len(latencies),
        "rps": len(latencies) / (time.monotonic() - started),
        "p50_ms": 1000 * benchlib.percentile(latencies, 0.50),
        "p95_ms": 1000 * benchlib.percentile(latencies, 0.95),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="An existing database to measure (not created, not dropped).")
    parser.add_argument("--tiers", type=int, default=10_000, help="Synthetic tiers of the throwaway database.")
    parser.add_argument("--seconds", type=float, default=10.0, help="Seconds per endpoint per round.")
    parser.add_argument("--rounds", type=int, default=3, help="Alternating rounds (api, bare); medians kept.")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_API_PORT", "8766")))
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: 2 x CPUs + 1, max 9)")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--quick", action="store_true", help="Two rounds of 4 s.")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.seconds = 2, 4.0
    workers = args.workers or benchlib.default_workers()
    load_before = benchlib.load_average()
    database = benchlib.bench_database_name(args.database or "bench_api")
    # The throttle still runs (its cache lookups are part of the API's cost) but never refuses.
    env = benchlib.child_env(database, DJANGO_SETTINGS_MODULE="bench_api_site", API_THROTTLE_USER="100000000/minute")
    if args.database is None:
        benchlib.database_create(database)
    try:
        if args.database is None:
            print(f"preparing {database}: migrate, {args.tiers:,} synthetic tiers", flush=True)
            benchlib.manage(env, "migrate", "--noinput")
            benchlib.manage(env, "generate_synthetic", "--tiers", str(args.tiers))
        token = benchlib.accounts(env)["viewer"]["token"]
        rounds: dict[str, list[dict[str, float]]] = {"api": [], "bare": []}
        with benchlib.gunicorn(env, port=args.port, workers=workers, threads=args.threads):
            api_headers = {"Authorization": f"Token {token}", "Host": "127.0.0.1"}
            bare_headers = {"Host": "127.0.0.1"}
            drive(args.port, API_PATH, api_headers, args.clients, 2)  # warm every worker
            drive(args.port, BARE_PATH, bare_headers, args.clients, 2)
            for number in range(args.rounds):
                rounds["api"].append(drive(args.port, API_PATH, api_headers, args.clients, args.seconds))
                rounds["bare"].append(drive(args.port, BARE_PATH, bare_headers, args.clients, args.seconds))
                api, bare = rounds["api"][-1], rounds["bare"][-1]
                print(
                    f"  round {number + 1}: api p50 {api['p50_ms']:.1f} ms p95 {api['p95_ms']:.1f} ms"
                    f" | bare p50 {bare['p50_ms']:.1f} ms p95 {bare['p95_ms']:.1f} ms",
                    flush=True,
                )
    finally:
        if args.database is None:
            benchlib.database_drop(database)
    summary = {
        kind: {key: benchlib.median([sample[key] for sample in samples]) for key in samples[0]}
        for kind, samples in rounds.items()
    }
    targets = [
        Target(
            "API / bare view, p95 under 20 clients",
            summary["api"]["p95_ms"] / summary["bare"]["p95_ms"],
            TARGET_RATIO,
            "x",
        ),
    ]
    benchlib.results_save("api", targets, summary=summary)
    benchlib.write_section("api", render(summary, targets, args, workers, load_before))
    return 0


def render(
    summary: dict[str, dict[str, float]], targets: list[Target], args: argparse.Namespace, workers: int, load: str
) -> str:
    api, bare = summary["api"], summary["bare"]
    data = f"database `{args.database}`" if args.database else f"{args.tiers:,} synthetic tiers"
    return "\n".join(
        [
            "## API list vs a bare view (`scripts/bench_api.py`)",
            "",
            f"Measured {benchlib.now_utc()} on {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}),"
            f" load average {load} before, {benchlib.load_average()} after; {data} in PostgreSQL; gunicorn"
            f" {workers} gthread workers x {args.threads} threads, DEBUG off; {args.clients} concurrent keep-alive"
            f" clients on the same machine; {args.rounds} alternating rounds of {args.seconds:.0f} s per endpoint,"
            " medians of the rounds.",
            "",
            *benchlib.TARGET_HEADER,
            *(target.row() for target in targets),
            "",
            "| endpoint | requests | req/s | p50 ms | p95 ms |",
            "|---|---:|---:|---:|---:|",
            f"| API `{API_PATH}` (token) | {api['requests']:.0f} | {api['rps']:.0f} | {api['p50_ms']:.1f} |"
            f" {api['p95_ms']:.1f} |",
            f"| bare `.values()` + JsonResponse, same 100 rows | {bare['requests']:.0f} | {bare['rps']:.0f} |"
            f" {bare['p50_ms']:.1f} | {bare['p95_ms']:.1f} |",
            "",
            "The bare view runs the same selector's query for the same rows, without authentication, count,"
            " serializer or content negotiation. Absolute latencies on this shared machine are mostly queueing for"
            " the two CPUs: compare the ratio, measured in the same minutes on the same server.",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
