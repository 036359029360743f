#!/usr/bin/env python
"""How fast the tier import writes new tiers: rows per second, this checkout against another one.

In a throwaway PostgreSQL database (default `bench_import`, created and dropped here; the dev
database is never touched) a child process migrates, makes the plans a market file names (28
plans, one tier per plan and validity, plans named by id and by name in turn, as an export
does) and times `plans.importing.tier_import` on a CSV of N new tiers: a dry run, then the real
import, each in a fresh database. With `--before PATH` (a checkout of an earlier commit, e.g.
`git worktree add /tmp/before main`) the same file is imported there too, at `--before-rows`
rows (the per-row engine is slow enough that 20,000 rows would take minutes), and the ratio is
printed. The figures go to docs/import-benchmarks.md (linked from docs/benchmarks.md).

    python scripts/bench_import.py [--rows 20000] [--before /tmp/before --before-rows 2000] [--output FILE]
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("BENCH_ADMIN_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
MAX_VALIDITY = 731
TARGET_ROWS_PER_SECOND = 2000


def admin_execute(statement: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(statement)


def child(checkout: Path, database: str, rows: int, dry_run: bool) -> dict[str, Any]:
    """Run one measurement in a fresh database, in a process rooted at `checkout`."""
    admin_execute(f'DROP DATABASE IF EXISTS "{database}"')
    admin_execute(f'CREATE DATABASE "{database}"')
    env = {
        **os.environ,
        "DATABASE_URL": f"{ADMIN_URL.rsplit('/', 1)[0]}/{database}",
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "CELERY_BROKER_URL": "",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(checkout),
    }
    try:
        migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"]
        subprocess.run(migrate, cwd=checkout, env=env, check=True)
        arguments = [sys.executable, str(Path(__file__).resolve()), "--child", str(rows)]
        if dry_run:
            arguments.append("--dry-run")
        output = subprocess.run(arguments, cwd=checkout, env=env, check=True, capture_output=True, text=True).stdout
        return dict(json.loads(output.strip().splitlines()[-1]))
    finally:
        admin_execute(f'DROP DATABASE IF EXISTS "{database}"')


def measure(rows: int, dry_run: bool) -> dict[str, Any]:
    """In the child: make the plans, write the file, time the import."""
    import django

    django.setup()
    from django.db import connection

    from operators.models import Branch, Operator, Province, Source
    from plans.importing import tier_import
    from plans.models import Plan, Tier

    operator = Operator.objects.create(code="cmcc", name_zh="中国移动", name_en="China Mobile", short_name_zh="移动")
    province = Province.objects.create(code="11", name_zh="北京", name_en="Beijing", region="east")
    branch = Branch.objects.create(operator=operator, province=province, name_zh="北京移动", name_en="CM Beijing")
    source = Source.objects.create(
        publication="bench", publisher="bench", issue="1", title="bench", published_on=datetime.date(2025, 5, 1)
    )
    plans = [
        Plan.objects.create(branch=branch, name_zh=f"套餐{n}", name_en=f"Plan {n}", source=source)
        for n in range(rows // MAX_VALIDITY + 1)
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["plan", "plan_name", "branch_name", "validity_days", "price_cny", "data_gb", "effective_from"])
    for index in range(rows):
        plan = plans[index // MAX_VALIDITY]
        by_name = index % 2 == 1
        writer.writerow(
            [
                "" if by_name else plan.pk,
                plan.name_zh if by_name else "",
                branch.name_zh if by_name else "",
                index % MAX_VALIDITY + 1,
                f"{10 + index % 500}.00",
                1 + index % 50,
                "2025-06-01",
            ]
        )
    content = buffer.getvalue().encode("utf-8")
    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        result = tier_import(content=content, filename="market.csv", actor=None, dry_run=dry_run)
        seconds = time.perf_counter() - started
    if not result.ok:
        raise SystemExit("; ".join(str(error) for error in result.errors[:5]))
    return {
        "rows": rows,
        "dry_run": dry_run,
        "seconds": seconds,
        "rows_per_second": rows / seconds,
        "queries": queries,
        "stored": Tier.objects.count(),
    }


def render(figures: dict[str, Any]) -> str:
    now = datetime.datetime.now(tz=datetime.UTC)
    lines = [
        "# Tier import speed",
        "",
        "Written by `python scripts/bench_import.py` (see its docstring); rerun it to refresh these figures.",
        f"Measured {now:%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores; load average before: {figures['load']}.",
        "The machine is shared: compare the ratio more than the seconds.",
        "",
        "New tiers from one CSV (28 plans, plans named by id and by name in turn), PostgreSQL, one fresh",
        "database per run, wall clock of `tier_import` alone (reading, validation, writes, history).",
        "",
        "| engine | rows | dry run | seconds | rows/s | queries | queries per row |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for label, run in figures["runs"]:
        lines.append(
            f"| {label} | {run['rows']:,} | {'yes' if run['dry_run'] else 'no'} | {run['seconds']:.2f} | "
            f"{run['rows_per_second']:,.0f} | {run['queries']:,} | {run['queries'] / run['rows']:.2f} |"
        )
    after = next(run for label, run in figures["runs"] if label == "bulk (this branch)" and not run["dry_run"])
    lines += [
        "",
        f"Target: at least {TARGET_ROWS_PER_SECOND:,} rows/s for 20,000 new tiers: {after['rows_per_second']:,.0f} "
        f"rows/s = {after['rows_per_second'] / TARGET_ROWS_PER_SECOND:.1f}x the target.",
    ]
    before = [run for label, run in figures["runs"] if label.startswith("per row") and not run["dry_run"]]
    if before:
        ratio = after["rows_per_second"] / before[0]["rows_per_second"]
        lines.append(f"Bulk vs the per-row engine (real import): {ratio:,.0f}x the rows per second.")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--dry-run", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--before", type=Path, help="A checkout of the engine to compare with.")
    parser.add_argument("--before-rows", type=int, default=2000)
    parser.add_argument("--database", default="bench_import")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "import-benchmarks.md")
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(measure(args.child, args.dry_run)))
        return
    figures: dict[str, Any] = {"load": " / ".join(f"{value:.1f}" for value in os.getloadavg()), "runs": []}
    for dry_run in (True, False):
        run = child(ROOT, args.database, args.rows, dry_run)
        figures["runs"].append(("bulk (this branch)", run))
        print(f"bulk, {args.rows} rows, dry run {dry_run}: {run['rows_per_second']:,.0f} rows/s", flush=True)
    if args.before:
        for dry_run in (True, False):
            run = child(args.before.resolve(), args.database, args.before_rows, dry_run)
            figures["runs"].append((f"per row ({args.before.name})", run))
            print(f"per row, {args.before_rows} rows, dry run {dry_run}: {run['rows_per_second']:,.0f} rows/s")
    text = render(figures)
    args.output.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
