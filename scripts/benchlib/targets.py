"""Figures: percentiles, timings, a target with its ratio, and each part's results kept for `make bench`."""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from benchlib.paths import RESULTS_DIR
from benchlib.sections import now_utc


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (0 for no values)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def timed_ms(function: Callable[[], Any], repeat: int, warm: int = 0) -> list[float]:
    """Milliseconds of `repeat` calls after `warm` untimed ones."""
    for _ in range(warm):
        function()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


@dataclass
class Target:
    """One target of issue 14 and what was measured against it (lower is better unless `at_least`)."""

    what: str
    value: float | None
    target: float
    unit: str
    at_least: bool = False

    @property
    def ratio(self) -> float | None:
        """Measured / target (at_least: target / measured), so under 1 is always met."""
        if self.value is None or self.value == 0:
            return None
        return self.target / self.value if self.at_least else self.value / self.target

    @property
    def shown(self) -> str:
        if self.value is None:
            return "n/a"
        return f"{self.value:,.0f}" if float(self.value).is_integer() else f"{self.value:,.2f}"

    @property
    def met(self) -> bool:
        return self.ratio is not None and self.ratio <= 1

    def line(self) -> str:
        value = self.shown
        ratio = "n/a" if self.ratio is None else f"{self.ratio:.2f}x"
        bound = "at least" if self.at_least else "under"
        return f"{self.what}: {value} {self.unit} (target {bound} {self.target:,g} {self.unit}; ratio {ratio}, " + (
            "met)" if self.met else "NOT met)"
        )

    def row(self) -> str:
        value = f"{self.shown} {self.unit}"
        ratio = "n/a" if self.ratio is None else f"{self.ratio:.2f}x"
        bound = "≥" if self.at_least else "≤"
        verdict = "met" if self.met else "**not met**"
        return f"| {self.what} | {value} | {bound} {self.target:,g} {self.unit} | {ratio} | {verdict} |"


TARGET_HEADER = ["| what | measured | target | ratio | |", "|---|---:|---:|---:|---|"]


def results_save(part: str, targets: Sequence[Target], **figures: Any) -> None:
    """Keep a part's targets (and any figures) for the summary of `make bench`, and print the targets."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    # `make bench` names the size of the market it measures (BENCH_TIERS) so its summary can say it.
    measured_at = now_utc() + (f", {os.environ['BENCH_TIERS']} tiers" if os.environ.get("BENCH_TIERS") else "")
    payload = {"part": part, "measured_at": measured_at, "targets": [asdict(t) for t in targets], **figures}
    (RESULTS_DIR / f"{part}.json").write_text(json.dumps(payload, indent=1, default=str), encoding="utf-8")
    for target in targets:
        print(f"  {target.line()}", flush=True)


def results_load(part: str) -> dict[str, Any] | None:
    path = RESULTS_DIR / f"{part}.json"
    if not path.exists():
        return None
    data = dict(json.loads(path.read_text(encoding="utf-8")))
    data["targets"] = [Target(**target) for target in data["targets"]]
    return data
