"""The benchmark scripts' shared helpers: a section rewrite leaves the rest of the report alone; targets' ratios."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import benchlib

REPORT = """# Benchmarks

Written by hand.

<!-- bench:pages:start -->
old pages
<!-- bench:pages:end -->

## Load

By hand too.
"""


def test_write_section_replaces_only_its_own_section(tmp_path: Path) -> None:
    report = tmp_path / "benchmarks.md"
    report.write_text(REPORT, encoding="utf-8")

    benchlib.write_section("pages", "## Pages\n\nnew figures", path=report)

    assert report.read_text(encoding="utf-8") == REPORT.replace("old pages", "## Pages\n\nnew figures")


def test_write_section_appends_a_section_the_report_lacks(tmp_path: Path) -> None:
    report = tmp_path / "benchmarks.md"
    report.write_text(REPORT, encoding="utf-8")

    benchlib.write_section("edit", "edit figures", path=report)

    assert report.read_text(encoding="utf-8") == (
        REPORT + "\n<!-- bench:edit:start -->\nedit figures\n<!-- bench:edit:end -->\n"
    )


def test_write_section_twice_keeps_one_copy(tmp_path: Path) -> None:
    report = tmp_path / "benchmarks.md"
    report.write_text(REPORT, encoding="utf-8")

    benchlib.write_section("edit", "first", path=report)
    benchlib.write_section("edit", "second", path=report)

    text = report.read_text(encoding="utf-8")
    assert text.count("<!-- bench:edit:start -->") == 1
    assert "second" in text
    assert "first" not in text


def test_a_latency_over_its_target_has_a_ratio_above_one_and_is_not_met() -> None:
    target = benchlib.Target("slowest page", 450.0, 300, "ms")

    assert target.ratio == 1.5
    assert not target.met
    assert target.row() == "| slowest page | 450 ms | ≤ 300 ms | 1.50x | **not met** |"


def test_an_at_least_target_divides_the_target_by_the_measure() -> None:
    target = benchlib.Target("import", 4000.0, 2000, "rows/s", at_least=True)

    assert target.ratio == 0.5
    assert target.met
    assert target.line() == "import: 4,000 rows/s (target at least 2,000 rows/s; ratio 0.50x, met)"


def test_a_target_with_nothing_measured_is_not_met() -> None:
    target = benchlib.Target("edit to visible", None, 5, "s")

    assert target.ratio is None
    assert not target.met
    assert target.row() == "| edit to visible | n/a s | ≤ 5 s | n/a | **not met** |"


def test_percentile_is_the_nearest_rank() -> None:
    assert benchlib.percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.95) == 5.0
    assert benchlib.percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == 3.0
    assert benchlib.percentile([], 0.5) == 0.0


def test_a_database_name_without_bench_is_refused() -> None:
    try:
        benchlib.bench_database_name("telecom")
    except SystemExit as error:
        assert str(error) == "a benchmark database's name must contain 'bench' ('telecom' does not)"
    else:
        raise AssertionError("telecom was accepted")
