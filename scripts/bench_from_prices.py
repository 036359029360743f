#!/usr/bin/env python
"""What counting "from" prices on request costs a run: `benchmark_table_compute` timed on synthetic frames.

Since include_from, a run ranks every bucket twice (from prices out, then in) so a request never
recomputes. This times the pure table computation (no database) on N synthetic tiers, 1% of them
"from" prices, best of `--repeat` runs, in this checkout or (BENCH_ROOT=/path/to/other/checkout)
in another one, so the two can be compared on the same machine:

    python scripts/bench_from_prices.py --sizes 100000,1000000
    BENCH_ROOT=/work/main python scripts/bench_from_prices.py --sizes 100000,1000000
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(os.environ.get("BENCH_ROOT") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from competition.benchmarks import analytics  # noqa: E402


def synthetic_frame(size: int, *, seed: int = 7) -> pd.DataFrame:
    """`size` tiers over 31 provinces and 4 operators, validities 1-30 days, 1% of them floors."""
    rng = np.random.default_rng(seed)
    provinces = np.array([f"{code:02d}" for code in range(11, 42)])
    operators = np.array(["cmcc", "cucc", "ctcc", "cbn"])
    data = rng.integers(1_000, 100_000, size)
    frame = pd.DataFrame(
        {
            "tier_id": np.arange(1, size + 1),
            "plan_id": rng.integers(1, max(2, size // 3), size),
            "branch_id": rng.integers(1, 125, size),
            "operator_code": operators[rng.integers(0, 4, size)],
            "province_code": provinces[rng.integers(0, 31, size)],
            "branch_name_zh": "分公司",
            "plan_name_zh": "套餐",
            "plan_name_en": "Plan",
            "validity_days": rng.integers(1, 31, size),
            "price_cents": rng.integers(0, 40_000, size),
            "data_mgb": pd.array(np.where(rng.random(size) < 0.05, -1, data), dtype="Int64"),
            "data_unlimited": rng.random(size) < 0.01,
            "domestic_voice_min": pd.array(rng.integers(0, 500, size), dtype="Int64"),
            "intl_voice_min": pd.array(rng.integers(0, 200, size), dtype="Int64"),
            "is_promotional": rng.random(size) < 0.02,
            "is_from_price": rng.random(size) < 0.01,
            "confidence": "confirmed",
        }
    )
    frame["data_mgb"] = frame["data_mgb"].mask(frame["data_mgb"] < 0)
    return analytics.normalise_input(frame)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    print(f"checkout {ROOT}")
    for size in (int(value) for value in options.sizes.split(",")):
        frame = synthetic_frame(size)
        timings = []
        for _ in range(options.repeat):
            started = time.perf_counter()
            analytics.benchmark_table_compute(frame)
            timings.append(time.perf_counter() - started)
        print(f"{size:>9} tiers  benchmark_table_compute best {min(timings):.3f} s")


if __name__ == "__main__":
    main()
