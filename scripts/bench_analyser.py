#!/usr/bin/env python
"""How long the draft analyser and the rank sensitivity table take as the tiers grow.

In a throwaway PostgreSQL database (default `bench_analyser`, created and dropped here, like
scripts/bench.py does), for each size it generates synthetic tiers with
`manage.py generate_synthetic --tiers N` and, in a fresh process, times (best of 3):

  - analyser, province: six 7-day drafts with a province (the market read is the 1-7 day bucket
    and that province's tiers, narrowed in SQL);
  - analyser, national: the same without a province (the baskets' market is every tier in effect);
  - sensitivity 1-7 and 30+: every tier of the bucket ranked under each metric (computed, not the
    stored rows the page reads: scripts/bench_sensitivity.py times those).

    python scripts/bench_analyser.py [--sizes 10000,100000] [--output docs/analyser.md]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import benchlib


def measure() -> dict[str, Any]:
    benchlib.setup_django()
    from django.utils import timezone

    from competition.analyser import selectors
    from competition.analyser.validation import analyser_input_validate
    from plans.models import Tier

    province = Tier.objects.values_list("plan__branch__province__code", flat=True).first()
    draft = {"validity_days": 7, "price_cny": "60.00", "data_gb": "30", "domestic_voice_min": 100, "intl_voice_min": 0}
    with_province = analyser_input_validate({"drafts": [draft] * 6, "province": province})
    national = analyser_input_validate({"drafts": [draft] * 6})

    def computed(bucket: str) -> Any:
        return selectors.rank_sensitivity_computed(
            bucket=bucket, as_of=timezone.localdate(), profiles=selectors.basket_profiles()
        )

    def best(function: Any) -> float:
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            function()
            timings.append(time.perf_counter() - started)
        return round(min(timings), 3)

    return {
        "tiers": Tier.objects.count(),
        "analyser_province_s": best(lambda: selectors.drafts_analyse(analyser_input=with_province)),
        "analyser_national_s": best(lambda: selectors.drafts_analyse(analyser_input=national)),
        # The computed path (what the stored table's follow-up runs per bucket, and a request before it has).
        "sensitivity_1_7_s": best(lambda: computed("1-7")),
        "sensitivity_1_7_rows": len(computed("1-7").rows),
        "sensitivity_30_s": best(lambda: computed("30+")),
    }


def render(results: list[dict[str, Any]], info: dict[str, str]) -> str:
    lines = [
        "| tiers | analyser, 6 drafts + province (s) | analyser, 6 drafts, national (s) | sensitivity 1-7 (s) | "
        "rows 1-7 | sensitivity 30+ (s) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results:
        lines.append(
            f"| {row['tiers']:,} | {row['analyser_province_s']} | {row['analyser_national_s']} | "
            f"{row['sensitivity_1_7_s']} | {row['sensitivity_1_7_rows']:,} | {row['sensitivity_30_s']} |"
        )
    lines.append("")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    lines.append(
        f"Machine: {info.get('cpu', 'unknown')}, {info.get('cores', '?')} cores, "
        f"PostgreSQL {info.get('postgresql', '')}; "
        f"best of 3 runs; load average when written {load} (a shared machine: read the ratios, not the seconds)."
    )
    return "\n".join(lines) + "\n"


def main() -> None:
    if sys.argv[1:2] == ["measure"]:
        print(json.dumps(measure()))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--database", default="bench_analyser")
    parser.add_argument("--output", type=Path, default=benchlib.ROOT / "docs" / "analyser.md")
    args = parser.parse_args()
    env = benchlib.child_env(benchlib.bench_database_name(args.database))
    benchlib.database_create(args.database)
    results = []
    try:
        benchlib.manage(env, "migrate", "--noinput", "-v0")
        for size in [int(value) for value in args.sizes.split(",")]:
            benchlib.manage(env, "generate_synthetic", "--tiers", str(size), "--replace")
            results.append(benchlib.run_json([benchlib.PYTHON, __file__, "measure"], env))
            print(results[-1])
    finally:
        benchlib.database_drop(args.database)
    table = render(results, benchlib.machine())
    benchlib.write_section("analyser", table, path=args.output)
    print(table)


if __name__ == "__main__":
    main()
