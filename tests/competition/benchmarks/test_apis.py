"""GET /api/v1/benchmarks/per-gb/, matrix/ and baskets/."""

from __future__ import annotations

import csv
import io

import pytest

from competition.benchmarks import scheduling

pytestmark = pytest.mark.django_db

PER_GB = "/api/v1/benchmarks/per-gb/"


@pytest.fixture
def computed(seed):
    return scheduling.benchmarks_recompute(trigger="cli")


def test_it_requires_login(api_client, computed):
    response = api_client.get(PER_GB, {"bucket": "1-7"})
    assert response.status_code in (401, 403)


def test_it_returns_the_7_day_table_with_its_median(viewer_client, computed):
    response = viewer_client.get(PER_GB, {"bucket": "1-7"})
    assert response.status_code == 200
    body = response.json()
    assert body["bucket"] == "1-7"
    assert body["median_per_gb_cny"] == "3.00"
    assert (body["min_per_gb_cny"], body["max_per_gb_cny"]) == ("1.67", "4.39")
    assert (body["sample_count"], body["tier_count"], body["count"]) == (5, 7, 7)
    assert body["run_id"] == computed.pk
    assert body["methodology_version"] == "1.2"
    assert body["computed_at"]
    first_day, zhejiang, jiangxi, shanghai, beijing, shenzhen, telecom = body["results"]
    assert (zhejiang["branch"], zhejiang["price_per_gb_cny"], zhejiang["rank"], zhejiang["index"]) == (
        "浙江联通",
        "1.67",
        1,
        "55.56",
    )
    assert (beijing["branch"], beijing["plan"], beijing["price_cny"], beijing["data_gb"]) == (
        "北京移动",
        "灵动卡",
        "100.00",
        "30.000",
    )
    assert (beijing["price_per_gb_cny"], beijing["rank"], beijing["index"]) == ("3.33", 4, "111.11")
    assert shanghai["index"] == "100.00"
    assert jiangxi["confidence"] == "inferred"
    assert shenzhen["price_per_gb_cny"] == "4.39"
    assert (telecom["price_per_gb_cny"], telecom["per_gb_undefined_reason"], telecom["rank"]) == (
        None,
        "data_unknown",
        None,
    )
    assert (first_day["is_promotional"], first_day["price_per_gb_cny"], first_day["rank"]) == (True, "0.00", None)


def test_it_defaults_to_the_7_day_bucket(viewer_client, computed):
    assert viewer_client.get(PER_GB).json()["bucket"] == "1-7"


def test_it_answers_the_other_buckets(viewer_client, computed):
    for bucket, median in (("8-14", "3.89"), ("15-29", "2.60"), ("30+", "3.00")):
        body = viewer_client.get(PER_GB, {"bucket": bucket}).json()
        assert (body["bucket"], body["median_per_gb_cny"]) == (bucket, median)


def test_it_rejects_an_unknown_bucket_naming_the_valid_ones(viewer_client, computed):
    response = viewer_client.get(PER_GB, {"bucket": "7"})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "bucket"
    assert "1-7, 8-14, 15-29, 30+" in error["message"]


def test_it_filters_rows_by_operator_and_province(viewer_client, computed):
    body = viewer_client.get(PER_GB, {"bucket": "1-7", "operator": "cmcc", "province": "31"}).json()
    assert [row["plan"] for row in body["results"]] == ["首日3GB免费流量体验卡", "熊猫卡"]
    assert body["median_per_gb_cny"] == "3.00"  # the bucket's figures do not change with the filter


def test_it_exports_csv_with_the_documented_columns(viewer_client, computed):
    response = viewer_client.get(PER_GB, {"bucket": "1-7", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {"branch", "plan", "validity_days", "price_cny", "data_gb", "price_per_gb_cny", "rank", "index"} <= set(
        rows[0]
    )
    beijing = next(row for row in rows if row["branch"] == "北京移动")
    assert (beijing["price_per_gb_cny"], beijing["rank"], beijing["index"]) == ("3.33", "4", "111.11")
    assert len(rows) == 7


def test_it_says_so_when_nothing_has_been_computed(viewer_client):
    response = viewer_client.get(PER_GB, {"bucket": "1-7"})
    assert response.status_code == 404
    assert "recompute_benchmarks" in response.json()["detail"]


def test_the_matrix_endpoint_returns_the_cheapest_cells(viewer_client, computed):
    body = viewer_client.get("/api/v1/benchmarks/matrix/", {"bucket": "1-7", "metric": "per_gb"}).json()
    cells = {(cell["province"], cell["operator"]): cell["value_cny"] for cell in body["results"]}
    assert cells == {
        ("11", "cmcc"): "3.33",
        ("31", "cmcc"): "3.00",
        ("33", "cucc"): "1.67",
        ("36", "cmcc"): "2.33",
        ("44", "cucc"): "4.39",
    }
    assert body["metric"] == "per_gb"


def test_the_matrix_endpoint_rejects_an_unknown_metric(viewer_client, computed):
    response = viewer_client.get("/api/v1/benchmarks/matrix/", {"bucket": "1-7", "metric": "cheapness"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "metric"


def test_the_basket_endpoint_returns_costs_per_province_and_operator(viewer_client, computed):
    body = viewer_client.get("/api/v1/benchmarks/baskets/", {"profile": "week-light"}).json()
    costs = [(cost["province"], cost["operator"], cost["cost_cny"]) for cost in body["results"]]
    assert costs == [
        ("36", "cmcc", "70.00"),
        ("44", "cucc", "79.00"),
        ("31", "cmcc", "90.00"),
        ("33", "cucc", "159.00"),
    ]
    assert [profile["slug"] for profile in body["profiles"]] == ["week-light", "week-data", "fortnight", "month"]


def test_the_basket_endpoint_exports_csv(viewer_client, computed):
    response = viewer_client.get("/api/v1/benchmarks/baskets/", {"profile": "month", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    jiangxi = next(row for row in rows if row["province"] == "36")
    assert (jiangxi["cost_cny"], jiangxi["repeats"], jiangxi["price_cny"]) == ("350.00", "5", "70.00")


def test_an_unranked_promotional_tier_has_a_null_index(viewer_client, computed):
    first_day = viewer_client.get(PER_GB, {"bucket": "1-7"}).json()["results"][0]
    # 上海移动's free first-day card: per GB 0.00 but promotional, so outside the median and unindexed.
    assert (first_day["plan"], first_day["rank"], first_day["index"]) == ("首日3GB免费流量体验卡", None, None)


def test_a_median_of_five_tiers_is_not_a_low_sample(viewer_client, computed):
    body = viewer_client.get(PER_GB, {"bucket": "1-7"}).json()
    assert (body["sample_count"], body["low_sample"]) == (5, False)


def test_a_median_of_two_tiers_is_a_low_sample(viewer_client, computed):
    # 8-14 days: 北京移动 灵动卡 10 days (120/35) and 深圳联通 11 days (109/25), nothing else.
    body = viewer_client.get(PER_GB, {"bucket": "8-14"}).json()
    assert (body["median_per_gb_cny"], body["sample_count"], body["low_sample"]) == ("3.89", 2, True)


def test_matrix_cells_carry_their_sample_count_and_low_sample_mark(viewer_client, computed):
    body = viewer_client.get("/api/v1/benchmarks/matrix/", {"bucket": "1-7", "metric": "per_gb"}).json()
    beijing = next(cell for cell in body["results"] if (cell["province"], cell["operator"]) == ("11", "cmcc"))
    assert (beijing["value_cny"], beijing["sample_count"], beijing["low_sample"]) == ("3.33", 1, True)


def test_no_matrix_cell_is_cheapest_where_its_province_has_one_operator_with_data(viewer_client, computed):
    body = viewer_client.get("/api/v1/benchmarks/matrix/", {"bucket": "1-7", "metric": "per_gb"}).json()
    assert [cell for cell in body["results"] if cell["cheapest_in_province"]] == []


def test_the_cheaper_of_two_operators_is_cheapest_in_province(viewer_client, computed):
    body = viewer_client.get("/api/v1/benchmarks/matrix/", {"bucket": "30+", "metric": "per_day"}).json()
    shanghai = {cell["operator"]: cell for cell in body["results"] if cell["province"] == "31"}
    assert (shanghai["cmcc"]["value_cny"], shanghai["ctcc"]["value_cny"]) == ("6.67", "6.50")
    assert (shanghai["cmcc"]["cheapest_in_province"], shanghai["ctcc"]["cheapest_in_province"]) == (False, True)


def test_the_matrix_csv_carries_the_low_sample_and_cheapest_marks(viewer_client, computed):
    response = viewer_client.get("/api/v1/benchmarks/matrix/", {"bucket": "30+", "metric": "per_day", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    telecom = next(row for row in rows if (row["province"], row["operator"]) == ("31", "ctcc"))
    assert (telecom["value_cny"], telecom["low_sample"], telecom["cheapest_in_province"]) == ("6.50", "true", "true")


def test_a_basket_cost_carries_its_covering_tiers_and_low_sample_mark(viewer_client, computed):
    body = viewer_client.get("/api/v1/benchmarks/baskets/", {"profile": "week-light", "province": "44"}).json()
    (shenzhen,) = body["results"]
    # 深圳联通's 7-day tier (79 CNY, 18 GB) covers 7 days / 5 GB / 30 + 10 min; so do its 11-, 15- and 30-day tiers.
    assert (shenzhen["cost_cny"], shenzhen["candidate_count"], shenzhen["low_sample"]) == ("79.00", 4, False)
