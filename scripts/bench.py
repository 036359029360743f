#!/usr/bin/env python
"""`make bench`: every performance target of issue 14, side by side in one run, into docs/benchmarks.md.

1. A template database of `--tiers` synthetic tiers (default 1,000,000): seed, `generate_synthetic`,
   one recompute. Built once, under a temporary name renamed when complete, then reused by every
   run (`bench_1m_template`, `bench_100k_template`, ...; `--rebuild-template` builds it again).
2. A clone of it for this run (`CREATE DATABASE ... TEMPLATE`, seconds instead of minutes), with this
   checkout's migrations applied; dropped at the end unless `--keep`.
3. The parts, in this order, each a script of its own that writes its own section of the report
   (so a failed or skipped part leaves the others' figures in place):

   recompute  scripts/bench_recompute.py  full recompute vs the floor, peak RSS       (1.5x, 1.5 GB)
   pages      scripts/bench_pages.py      every comparison page and API read, warm   (300 ms, 1 MB)
   edit       scripts/bench_edit.py       a tier edit to visible in the API, real worker   (5 s)
   api        scripts/bench_api.py        API list vs a bare view, 20 clients, p95    (2x)
   import     scripts/bench_import.py     20,000 new tiers (own small database)      (2,000 rows/s)

4. A summary section of every target with its ratio (parts not run this time show their last figures,
   with the time they were measured).

    python scripts/bench.py [--tiers 1000000] [--only pages,edit] [--skip import] [--keep]

A part that fails or exceeds its time limit is reported and the next one runs; the exit status is 1
if any part failed. The whole run at 1M tiers takes about 15 minutes once the template exists.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass

import benchlib

# Seconds a part may take before it is stopped (at 1M tiers, on a shared 2-core machine).
PARTS: dict[str, tuple[str, int]] = {
    "recompute": ("bench_recompute.py", 900),
    "pages": ("bench_pages.py", 1200),
    "edit": ("bench_edit.py", 600),
    "api": ("bench_api.py", 600),
    "import": ("bench_import.py", 600),
}
ON_CLONE = {"recompute", "pages", "edit", "api"}


@dataclass
class Outcome:
    part: str
    seconds: float
    error: str = ""


def size_label(tiers: int) -> str:
    if tiers % 1_000_000 == 0:
        return f"{tiers // 1_000_000}m"
    return f"{tiers // 1000}k" if tiers % 1000 == 0 else str(tiers)


def template_build(name: str, tiers: int) -> None:
    """Seed + tiers + one run into `<name>_building`, renamed to `name` only when all of it worked."""
    building = f"{name}_building"
    benchlib.database_create(building)
    env = benchlib.child_env(building)
    started = time.perf_counter()
    try:
        benchlib.manage(env, "migrate", "--noinput", "-v0")
        benchlib.manage(env, "load_seed")
        benchlib.manage(env, "generate_synthetic", "--tiers", str(tiers))
        benchlib.manage(env, "recompute_benchmarks")
    except BaseException:
        benchlib.database_drop(building)
        raise
    benchlib.admin_execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    print(f"template {name}: {tiers:,} tiers built in {time.perf_counter() - started:.0f} s", flush=True)


def run_part(part: str, arguments: list[str], tiers: int) -> Outcome:
    script, limit = PARTS[part]
    print(f"\n=== {part} ({script}, at most {limit // 60} min)", flush=True)
    started = time.perf_counter()
    command = [benchlib.PYTHON, str(benchlib.ROOT / "scripts" / script), *arguments]
    try:
        # Streamed: a part's progress and targets are on screen as they come.
        env = {**os.environ, "BENCH_TIERS": f"{tiers:,}" if part in ON_CLONE else ""}
        completed = subprocess.run(command, cwd=benchlib.ROOT, env=env, timeout=limit, check=False)
        error = f"exit status {completed.returncode}" if completed.returncode else ""
    except subprocess.TimeoutExpired:
        error = f"stopped after {limit} s"
    outcome = Outcome(part, time.perf_counter() - started, error)
    print(f"=== {part}: {'FAILED, ' + error if error else 'done'} in {outcome.seconds:.0f} s", flush=True)
    return outcome


def render_summary(args: argparse.Namespace, outcomes: list[Outcome], info: dict[str, str], started: str) -> str:
    lines = [
        "## Summary: issue 14's targets (`make bench`)",
        "",
        f"Run {started} at {args.tiers:,} synthetic tiers (template `{args.template}`); {benchlib.machine_line(info)}"
        f" before, {benchlib.load_average()} after. The machine is shared: compare the ratios more than the",
        "seconds. A ratio is measured / target (target / measured for rows per second): at most 1.00x is met.",
        "",
        "| part | measured at | what | measured | target | ratio | |",
        "|---|---|---|---:|---:|---:|---|",
    ]
    failed = {outcome.part: outcome.error for outcome in outcomes if outcome.error}
    for part in PARTS:
        results = benchlib.results_load(part)
        if part in failed:
            lines.append(f"| {part} | {started} | **failed: {failed[part]}** | | | | |")
        if results is None:
            continue
        for target in results["targets"]:
            lines.append(f"| {part} | {results['measured_at']} {target.row()}")
    durations = ", ".join(f"{outcome.part} {outcome.seconds:.0f} s" for outcome in outcomes)
    lines += ["", f"Time per part this run: {durations}."]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiers", type=int, default=1_000_000, help="Synthetic tiers of the template.")
    parser.add_argument("--template", help="Template database (default bench_<size>_template).")
    parser.add_argument("--rebuild-template", action="store_true", help="Build the template again.")
    parser.add_argument("--database", default="bench_run", help="This run's clone of the template.")
    parser.add_argument("--only", default="", help=f"Comma-separated parts to run (of {', '.join(PARTS)}).")
    parser.add_argument("--skip", default="", help="Comma-separated parts to leave out.")
    parser.add_argument("--keep", action="store_true", help="Keep the clone afterwards.")
    parser.add_argument("--quick", action="store_true", help="Fewer samples per page and shorter API rounds.")
    args = parser.parse_args()
    args.template = benchlib.bench_database_name(args.template or f"bench_{size_label(args.tiers)}_template")
    clone = benchlib.bench_database_name(args.database)
    chosen = [part for part in PARTS if (not args.only or part in args.only.split(",")) and part not in args.skip]
    unknown = set(filter(None, (args.only + "," + args.skip).split(","))) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    started = benchlib.now_utc()
    info = benchlib.machine()
    print(f"machine: {benchlib.machine_line(info)}", flush=True)
    outcomes: list[Outcome] = []
    needs_clone = bool(ON_CLONE & set(chosen))
    if needs_clone:
        if args.rebuild_template:
            benchlib.database_drop(args.template)
        if not benchlib.database_exists(args.template):
            print(f"building the template {args.template} ({args.tiers:,} tiers; once)", flush=True)
            template_build(args.template, args.tiers)
        began = time.perf_counter()
        benchlib.database_create(clone, template=args.template)
        benchlib.manage(benchlib.child_env(clone), "migrate", "--noinput", "-v0")
        print(f"clone {clone} of {args.template} ready in {time.perf_counter() - began:.0f} s", flush=True)
    quick = ["--quick"] if args.quick else []
    try:
        for part in chosen:
            arguments = ["--database", clone, *quick] if part in ON_CLONE else quick
            outcomes.append(run_part(part, arguments, args.tiers))
    finally:
        if needs_clone and not args.keep:
            benchlib.database_drop(clone)
    summary = render_summary(args, outcomes, info, started)
    benchlib.write_section("summary", summary)
    print("\n" + summary + f"\n\nwritten to {benchlib.REPORT}")
    return 1 if any(outcome.error for outcome in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
