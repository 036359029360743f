"""recompute_benchmarks and benchmark_table."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from competition.benchmarks import scheduling, selectors
from competition.models import BenchmarkRun

pytestmark = pytest.mark.django_db


def run_command(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_recompute_benchmarks_stores_a_complete_run(seed):
    output = run_command("recompute_benchmarks")
    run = selectors.benchmark_run_latest()
    assert run.status == BenchmarkRun.Status.COMPLETE
    assert run.trigger == "cli"
    assert f"Benchmark run #{run.pk} complete" in output
    assert "21 tiers, 17 ranked" in output


def test_recompute_benchmarks_can_rank_promotional_tiers(seed):
    run_command("recompute_benchmarks", "--include-promotional")
    first_day = selectors.benchmark_row_list(bucket="1-7").first()
    assert first_day.is_promotional
    assert first_day.rank == 1
    assert selectors.benchmark_run_latest().parameters["include_promotional"] is True


def test_recompute_benchmarks_gives_up_when_another_run_keeps_the_lease(seed):
    with scheduling.benchmark_lease(), pytest.raises(CommandError, match="another benchmark recompute is running"):
        run_command("recompute_benchmarks", "--wait", "0")


def test_benchmark_table_prints_csv_with_the_documented_columns(seed):
    run_command("recompute_benchmarks")
    output = run_command("benchmark_table", "--bucket", "1-7", "--format", "csv")
    assert output.startswith("\ufeff")  # the one export writer's byte-order mark
    rows = list(csv.DictReader(io.StringIO(output.removeprefix("\ufeff"))))
    assert {
        "branch_name_zh",
        "plan_name_zh",
        "validity_days",
        "price_cny",
        "data_gb",
        "price_per_gb_cny",
        "rank",
        "index",
    } <= set(rows[0])
    by_branch = {(row["branch_name_zh"], row["plan_name_zh"]): row for row in rows}
    beijing = by_branch[("北京移动", "灵动卡")]
    assert (beijing["validity_days"], beijing["price_cny"], beijing["data_gb"]) == ("7", "100.00", "30.000")
    assert (beijing["price_per_gb_cny"], beijing["rank"], beijing["index"]) == ("3.33", "4", "111.11")
    assert by_branch[("上海电信", "中国电信短期卡")]["price_per_gb_cny"] == ""
    assert [row["rank"] for row in rows] == ["", "1", "2", "3", "4", "5", ""]


def test_benchmark_table_prints_an_aligned_table_with_the_median(seed):
    run_command("recompute_benchmarks")
    output = run_command("benchmark_table", "--bucket", "1-7")
    assert "median 3.00 CNY/GB · min 1.67 · max 4.39 · 5 ranked of 7" in output
    beijing = next(line for line in output.splitlines() if "北京移动" in line)
    assert beijing.split()[:5] == ["4", "11", "cmcc", "北京移动", "灵动卡"]
    assert "111.11" in beijing


def test_benchmark_table_marks_a_median_of_two_tiers_as_a_low_sample(seed):
    run_command("recompute_benchmarks")
    output = run_command("benchmark_table", "--bucket", "8-14")
    # 8-14 days: 北京移动's 10-day and 深圳联通's 11-day tiers only.
    assert "median 3.89 CNY/GB · min 3.43 · max 4.36 · 2 ranked of 2 · LOW SAMPLE" in output


def test_benchmark_table_filters_by_operator(seed):
    run_command("recompute_benchmarks")
    rows = list(
        csv.DictReader(
            io.StringIO(run_command("benchmark_table", "--format", "csv", "--operator", "cucc").removeprefix("\ufeff"))
        )
    )
    assert {row["branch_name_zh"] for row in rows} == {"浙江联通", "深圳联通"}


def test_benchmark_table_says_what_to_run_before_the_first_run():
    with pytest.raises(CommandError, match="recompute_benchmarks"):
        run_command("benchmark_table", "--bucket", "1-7")


def test_benchmark_table_rejects_an_unknown_bucket():
    with pytest.raises(CommandError, match="invalid choice"):
        run_command("benchmark_table", "--bucket", "7")


def test_generate_synthetic_creates_exactly_the_tiers_asked_for_over_every_province_and_operator():
    from django.db import connection

    from plans.models import Tier

    output = run_command("generate_synthetic", "--tiers", "3000", "--seed", "7")
    assert "generated 3000 tiers" in output
    tiers = Tier.objects.select_related("plan__branch")
    assert tiers.count() == 3000
    assert len({tier.plan.branch.province_id for tier in tiers}) == 31
    assert len({tier.plan.branch.operator_id for tier in tiers}) == 4
    # Distinct validities within a plan keep the one-current-tier-per-validity rule.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT plan_id, validity_days FROM plans_tier WHERE effective_to IS NULL "
            "GROUP BY plan_id, validity_days HAVING count(*) > 1) AS duplicates"
        )
        assert cursor.fetchone()[0] == 0
    run = scheduling.benchmarks_recompute()
    assert 2500 < run.input_tier_count < 3000  # closed tiers, perk packs and withdrawn plans are left out
    assert selectors.benchmark_bucket_summary(bucket="1-7").sample_count > 0


def test_generate_synthetic_refuses_a_database_that_is_not_throwaway(monkeypatch):
    from django.db import connection

    monkeypatch.setitem(connection.settings_dict, "NAME", "telecom")
    with pytest.raises(CommandError, match="refusing to write synthetic rows"):
        run_command("generate_synthetic", "--tiers", "10")
