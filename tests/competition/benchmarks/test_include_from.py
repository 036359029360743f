"""include_from=1: "from" prices (floors) counted in ranks, indexes and medians on request; left out by default."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import numpy as np
import openpyxl
import pandas as pd
import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from competition.benchmarks import analytics, scheduling
from competition.benchmarks.analytics.eligibility import price_counts
from plans.models import Plan, Tier
from tests.competition.benchmarks.test_analytics import FROM_PRICE, TABLE_1, row, summary
from tests.factories import PlanFactory, TierFactory

PER_GB = "/api/v1/benchmarks/per-gb/"


# --------------------------------------------------------------------------- the rule (pure)


def test_a_from_price_counts_only_when_asked_for() -> None:
    assert (bool(price_counts(False, True)), bool(price_counts(False, True, include_from=True))) == (False, True)


def test_a_promotional_price_stays_out_even_with_from_prices_in() -> None:
    assert bool(price_counts(True, False, include_from=True)) is False


def test_the_rule_works_on_arrays_element_by_element() -> None:
    counted = price_counts(np.array([False, True, False]), np.array([False, False, True]), include_promotional=True)

    assert counted.tolist() == [True, True, False]


def test_the_table_ranks_a_floor_first_only_in_its_with_from_columns() -> None:
    rows, summaries = analytics.benchmark_table_compute(analytics.tiers_frame([*TABLE_1, FROM_PRICE]))

    floor, zhejiang = row(rows, 22), row(rows, 15)
    assert (floor["rank"] is pd.NA, floor["rank_with_from"]) == (True, 1)
    assert (zhejiang["rank"], zhejiang["rank_with_from"]) == (1, 2)
    assert (zhejiang["index_hundredths"], zhejiang["index_with_from_hundredths"]) == (5556, 6250)
    seven = summary(summaries, "1-7")
    # 0.01, 1.67, 2.33, 3.00, 3.33, 4.39: the median is (2.33 + 3.00) / 2 once the floor counts.
    assert (seven["median_per_gb_cents"], seven["sample_count"]) == (300, 5)
    assert (seven["median_per_gb_cents_with_from"], seven["sample_count_with_from"]) == (267, 6)
    assert seven["min_per_gb_cents_with_from"] == 1


# --------------------------------------------------------------------------- through the doors


@pytest.fixture
def floor(seed) -> Tier:
    """A 7-day "from 1 CNY" tier with 100 GB in 上海移动's branch (0.01 per GB), and a run over it."""
    plan = PlanFactory(
        branch=Plan.objects.get(name_zh="熊猫卡").branch,
        segment=Plan.Segment.INBOUND_SHORT_TERM,
        name_zh="低至卡",
        name_en="From Card",
    )
    tier = TierFactory(
        plan=plan, validity_days=7, price_cny=Decimal("1"), data_gb=Decimal("100"), price_qualifier="from"
    )
    scheduling.benchmarks_recompute(trigger="cli")
    return tier


def floor_row(body: dict) -> dict:
    return next(r for r in body["results"] if r["plan"] == "低至卡")


def test_the_api_leaves_a_floor_unranked_and_out_of_the_median_by_default(floor, viewer_client: APIClient) -> None:
    body = viewer_client.get(PER_GB, {"bucket": "1-7"}).json()

    assert (body["include_from"], body["median_per_gb_cny"], body["sample_count"]) == (False, "3.00", 5)
    assert (floor_row(body)["rank"], floor_row(body)["price_qualifier"]) == (None, "from")


def test_the_api_counts_a_floor_with_include_from_1(floor, viewer_client: APIClient) -> None:
    body = viewer_client.get(PER_GB, {"bucket": "1-7", "include_from": "1"}).json()

    assert (body["include_from"], body["median_per_gb_cny"], body["min_per_gb_cny"], body["sample_count"]) == (
        True,
        "2.67",
        "0.01",
        6,
    )
    assert (floor_row(body)["rank"], floor_row(body)["index"]) == (1, "0.38")
    zhejiang = next(r for r in body["results"] if r["branch"] == "浙江联通")
    assert (zhejiang["rank"], zhejiang["index"]) == (2, "62.50")


def test_the_api_refuses_an_include_from_it_cannot_read(floor, viewer_client: APIClient) -> None:
    response = viewer_client.get(PER_GB, {"bucket": "1-7", "include_from": "maybe"})

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "include_from",
            "message": "Use include_from=1 to count from prices, or 0 (the default) to leave them out.",
            "code": "invalid",
        }
    ]


def test_the_schema_documents_include_from_on_the_per_gb_endpoint(viewer_client: APIClient) -> None:
    schema = viewer_client.get("/api/schema/", {"format": "json"}).json()

    parameters = schema["paths"][PER_GB]["get"]["parameters"]
    (include_from,) = [p for p in parameters if p["name"] == "include_from"]
    assert (include_from["in"], include_from["schema"]["enum"]) == ("query", ["0", "1", "false", "true"])


def test_the_page_ranks_a_floor_only_with_include_from(floor, client: Client, viewer) -> None:
    client.force_login(viewer)

    def csv_row(query: str) -> dict[str, str]:
        response = client.get(f"/compare/benchmarks/?bucket=1-7&format=csv&table=benchmark{query}")
        rows = csv.DictReader(io.StringIO(response.getvalue().decode().lstrip("\ufeff")))
        return next(r for r in rows if r["plan_name_zh"] == "低至卡")

    default, counted = csv_row(""), csv_row("&include_from=1")
    assert (default["rank"], default["price_qualifier"], default["bucket_median_per_gb_cny"]) == ("", "from", "3.00")
    assert (counted["rank"], counted["include_from"], counted["bucket_median_per_gb_cny"]) == ("1", "true", "2.67")
    html = client.get("/compare/benchmarks/?bucket=1-7&include_from=1").content.decode()
    assert "are counted in ranks and the median" in html
    assert "from ¥1.00" in html


def test_the_command_counts_a_floor_with_include_from(floor) -> None:
    out = io.StringIO()
    call_command("benchmark_table", "--bucket", "1-7", "--format", "csv", "--include-from", stdout=out)

    rows = list(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    floor_line = next(r for r in rows if r["plan_name_zh"] == "低至卡")
    assert (floor_line["rank"], floor_line["price_qualifier"], floor_line["bucket_median_per_gb_cny"]) == (
        "1",
        "from",
        "2.67",
    )


# --------------------------------------------------------------------------- what an export says about itself


def test_the_per_gb_csv_carries_the_run_the_as_of_and_the_bucket_median(floor, viewer_client: APIClient) -> None:
    response = viewer_client.get(PER_GB, {"bucket": "1-7", "operator": "cmcc", "format": "csv"})

    rows = list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    run = scheduling.BenchmarkRun.objects.filter(status="complete").latest("computed_at")
    first = rows[0]
    assert (first["run_id"], first["as_of"], first["bucket"]) == (
        str(run.pk),
        timezone.localdate(run.computed_at).isoformat(),
        "1-7",
    )
    assert (first["bucket_median_per_gb_cny"], first["bucket_sample_count"], first["include_from"]) == (
        "3.00",
        "5",
        "false",
    )
    body = viewer_client.get(PER_GB, {"bucket": "1-7"}).json()
    assert (first["computed_at"], body["as_of"]) == (body["computed_at"], first["as_of"])


def test_the_per_gb_csv_rows_name_the_province_and_branch_in_both_languages(floor, viewer_client: APIClient) -> None:
    response = viewer_client.get(PER_GB, {"bucket": "1-7", "province": "11", "format": "csv"})

    (beijing,) = csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff")))
    assert (beijing["province_code"], beijing["province_name_zh"], beijing["province_name_en"]) == (
        "11",
        "北京",
        "Beijing",
    )
    assert (beijing["branch_name_zh"], beijing["branch_name_en"], beijing["operator_code"]) == (
        "北京移动",
        "China Mobile Beijing",
        "cmcc",
    )
    assert (beijing["plan_name_zh"], beijing["plan_name_en"], beijing["price_qualifier"]) == (
        "灵动卡",
        "Smart Card",
        "exact",
    )


def test_the_per_gb_file_name_carries_the_bucket_and_filters(floor, viewer_client: APIClient) -> None:
    response = viewer_client.get(PER_GB, {"bucket": "30+", "operator": "cmcc", "include_from": "1", "format": "csv"})

    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="benchmarks-per-gb-bucket-30plus-operator-cmcc-include-from-{today}.csv"'
    )


def test_the_per_gb_xlsx_has_an_about_sheet_an_autofilter_and_fitted_widths(floor, viewer_client: APIClient) -> None:
    response = viewer_client.get(PER_GB, {"bucket": "1-7", "format": "xlsx"})

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    table, about = workbook.worksheets
    header = [cell.value for cell in table[1]]
    assert table.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}{table.max_row}"
    assert table.max_row == 9  # the header and the bucket's 8 tiers
    branch = openpyxl.utils.get_column_letter(header.index("branch_name_en") + 1)
    assert table.column_dimensions[branch].width == len("China Telecom Shanghai") + 2  # the longest, plus margin
    facts = dict(about.iter_rows(min_row=2, values_only=True))
    assert (facts["table"], facts["bucket"], facts["bucket_median_per_gb_cny"], facts["bucket_sample_count"]) == (
        "benchmarks-per-gb",
        "1-7",
        Decimal("3.00"),
        5,
    )
    assert facts["run_id"] == scheduling.BenchmarkRun.objects.filter(status="complete").latest("computed_at").pk
