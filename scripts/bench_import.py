#!/usr/bin/env python
"""How fast the tier import writes new tiers: rows per second, this checkout against another one.

In a throwaway PostgreSQL database (default `bench_import`, created and dropped here; the dev
database is never touched) a child process migrates, makes the plans a market file names (28
plans, one tier per plan and validity, plans named by id and by name in turn, as an export
does) and times `plans.importing.tier_import` on a CSV of N new tiers: a dry run, then the real
import, each in a fresh database. With `--before PATH` (a checkout of an earlier commit, e.g.
`git worktree add /tmp/before main`) the same file is imported there too, at `--before-rows`
rows (the per-row engine is slow enough that 20,000 rows would take minutes), and the ratio is
printed. Target (issue 14 item 3): at least 2,000 rows/s for 20,000 new tiers. Section `import` of
docs/benchmarks.md.

    python scripts/bench_import.py [--rows 20000] [--before /tmp/before --before-rows 2000] [--quick]
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
import os
import time
from pathlib import Path
from typing import Any

import benchlib
from benchlib import Target

MAX_VALIDITY = 731
TARGET_ROWS_PER_SECOND = 2000


def child(checkout: Path, database: str, rows: int, dry_run: bool) -> dict[str, Any]:
    """Run one measurement in a fresh database, in a process rooted at `checkout`."""
    benchlib.database_create(database)
    # The checkout's own code first; benchlib (this script's folder) after it.
    env = benchlib.child_env(database, PYTHONPATH=os.pathsep.join([str(checkout), str(Path(__file__).parent)]))
    try:
        benchlib.manage(env, "migrate", "--noinput", "-v", "0", cwd=checkout)
        arguments = [benchlib.PYTHON, str(Path(__file__).resolve()), "--child", str(rows)]
        if dry_run:
            arguments.append("--dry-run")
        return dict(benchlib.run_json(arguments, env, cwd=checkout))
    finally:
        benchlib.database_drop(database)


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


def render(figures: dict[str, Any], targets: list[Target]) -> str:
    lines = [
        "## Tier import (`scripts/bench_import.py`)",
        "",
        f"Measured {benchlib.now_utc()}; load average {figures['load']} before, {benchlib.load_average()} after.",
        "New tiers from one CSV (28 plans, plans named by id and by name in turn), PostgreSQL, one fresh",
        "database per run, wall clock of `plans.importing.tier_import` alone (reading, validation, writes, history).",
        "",
        *benchlib.TARGET_HEADER,
        *(target.row() for target in targets),
        "",
        "| engine | rows | dry run | seconds | rows/s | queries | queries per row |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for label, run in figures["runs"]:
        lines.append(
            f"| {label} | {run['rows']:,} | {'yes' if run['dry_run'] else 'no'} | {run['seconds']:.2f} | "
            f"{run['rows_per_second']:,.0f} | {run['queries']:,} | {run['queries'] / run['rows']:.2f} |"
        )
    before = [run for label, run in figures["runs"] if label.startswith("per row") and not run["dry_run"]]
    if before:
        after = next(run for label, run in figures["runs"] if label == "this checkout" and not run["dry_run"])
        ratio = after["rows_per_second"] / before[0]["rows_per_second"]
        lines += ["", f"This checkout vs the per-row engine (real import): {ratio:,.0f}x the rows per second."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--dry-run", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--before", type=Path, help="A checkout of the engine to compare with.")
    parser.add_argument("--before-rows", type=int, default=2000)
    parser.add_argument("--database", default="bench_import")
    parser.add_argument("--quick", action="store_true", help="The real import only (no dry run).")
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(measure(args.child, args.dry_run)))
        return
    database = benchlib.bench_database_name(args.database)
    figures: dict[str, Any] = {"load": benchlib.load_average(), "runs": []}
    for dry_run in (False,) if args.quick else (True, False):
        run = child(benchlib.ROOT, database, args.rows, dry_run)
        figures["runs"].append(("this checkout", run))
        print(f"  {args.rows} rows, dry run {dry_run}: {run['rows_per_second']:,.0f} rows/s", flush=True)
    if args.before:
        for dry_run in (True, False):
            run = child(args.before.resolve(), database, args.before_rows, dry_run)
            figures["runs"].append((f"per row ({args.before.name})", run))
            print(f"  per row, {args.before_rows} rows, dry run {dry_run}: {run['rows_per_second']:,.0f} rows/s")
    real = next(run for label, run in figures["runs"] if label == "this checkout" and not run["dry_run"])
    targets = [
        Target(
            f"import of {args.rows:,} new tiers",
            real["rows_per_second"],
            TARGET_ROWS_PER_SECOND,
            "rows/s",
            at_least=True,
        )
    ]
    benchlib.results_save("import", targets, runs=figures["runs"])
    benchlib.write_section("import", render(figures, targets))


if __name__ == "__main__":
    main()
