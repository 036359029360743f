"""The landing matrix, the benchmark tables and the basket calculator, on the seed's stored benchmark run."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from competition.benchmarks import scheduling
from competition.models import BenchmarkRun
from tests.factories import BranchFactory, PlanFactory, TierFactory
from tests.responses import csv_dicts

# The header's unread notification count (competition.watching.context_processors.inbox): one COUNT.
HEADER_QUERIES = 1

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(seed) -> BenchmarkRun:
    """The seed's benchmarks, computed as `make run` and `recompute_benchmarks` do."""
    return scheduling.benchmarks_recompute(trigger="test")


@pytest.fixture
def signed_in(client: Client, viewer, run) -> Client:
    client.force_login(viewer)
    return client


def cells_by_place(response) -> dict[tuple[str, str], object]:
    return {
        (cell.province.code, cell.operator.code): cell for row in response.context["matrix"].rows for cell in row.cells
    }


def test_it_shows_the_1_to_7_day_per_gb_matrix_by_default(signed_in: Client) -> None:
    response = signed_in.get("/compare/")
    matrix = response.context["matrix"]
    assert (matrix.bucket, matrix.metric) == ("1-7", "per_gb")
    cells = cells_by_place(response)
    assert cells[("11", "cmcc")].value == Decimal("3.33")
    assert cells[("36", "cmcc")].value == Decimal("2.33")
    assert cells[("31", "cmcc")].value == Decimal("3.00")
    assert cells[("33", "cucc")].value == Decimal("1.67")
    shenzhen = cells[("44", "cucc")]
    assert (shenzhen.value, shenzhen.branch_name_zh, shenzhen.price_cny, shenzhen.data_gb) == (
        Decimal("4.39"),
        "深圳联通",
        Decimal("79.00"),
        Decimal("18.000"),
    )
    html = response.content.decode()
    assert 'data-value="3.33"' in html and 'data-value="2.33"' in html
    assert '<th scope="col">' in html and "<caption>" in html


def test_it_says_which_run_and_methodology_the_figures_come_from(signed_in: Client, run: BenchmarkRun) -> None:
    html = signed_in.get("/compare/").content.decode()
    assert f"benchmark run #{run.pk}, methodology version {run.methodology_version}" in html
    chinese = signed_in.get("/compare/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert chinese.count(f"（基准计算 #{run.pk}，方法版本 {run.methodology_version}，") == 1


def test_it_marks_the_cheapest_operator_where_two_operators_have_data(signed_in: Client) -> None:
    cells = cells_by_place(signed_in.get("/compare/?bucket=30%2B&metric=per_day"))
    # Shanghai, 30 days per day: 上海移动 熊猫卡 at 200 CNY (6.67) against 上海电信's short-term card at 195 (6.50).
    assert (cells[("31", "cmcc")].value, cells[("31", "ctcc")].value) == (Decimal("6.67"), Decimal("6.50"))
    assert (cells[("31", "cmcc")].cheapest_in_row, cells[("31", "ctcc")].cheapest_in_row) == (False, True)


def test_it_calls_no_operator_cheapest_where_only_one_has_data(signed_in: Client) -> None:
    response = signed_in.get("/compare/?bucket=1-7&metric=per_gb")
    cells = cells_by_place(response)
    # Every province of the seed has per-GB data from one operator only: being alone is not being cheapest.
    assert cells[("11", "cmcc")].value == Decimal("3.33")
    assert [cell for cell in cells.values() if cell.cheapest_in_row] == []
    assert "★ 3.33" not in response.content.decode()


def test_it_marks_a_cell_of_fewer_than_three_tiers_as_a_low_sample(signed_in: Client) -> None:
    response = signed_in.get("/compare/?bucket=1-7&metric=per_gb")
    beijing = cells_by_place(response)[("11", "cmcc")]
    assert (beijing.sample_count, beijing.low_sample) == (1, True)
    html = response.content.decode()
    assert 'data-operator="cmcc" data-value="3.33" data-low-sample="true"' in html
    chinese = signed_in.get("/compare/?bucket=1-7", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "样本不足" in chinese


def test_it_orders_the_operator_columns_by_priced_tiers_then_name(signed_in: Client) -> None:
    response = signed_in.get("/compare/")
    # The seed's run: 中国移动 has the most priced tiers, then 中国联通, then 中国电信; 中国广电 none.
    assert [operator.code for operator in response.context["matrix"].operators] == ["cmcc", "cucc", "ctcc", "cbn"]


def test_it_shows_a_known_plan_without_prices_as_priced_plan_not_recorded(signed_in: Client) -> None:
    response = signed_in.get("/compare/")
    # 北京联通's 无忧短期旅行通信卡套餐: the article names it with its validities but gives no prices.
    beijing_unicom = cells_by_place(response)[("11", "cucc")]
    assert beijing_unicom.note == "plan_unpriced"
    assert [plan.name_zh for plan in beijing_unicom.unpriced_plans] == ["无忧短期旅行通信卡套餐"]
    assert cells_by_place(response)[("11", "ctcc")].note == "no_tiers"
    english = response.content.decode()
    assert "Priced plan not recorded" in english
    chinese = signed_in.get("/compare/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "未收录有价格的套餐" in chinese


def test_it_explains_empty_cells(signed_in: Client) -> None:
    cells = cells_by_place(signed_in.get("/compare/"))
    # 上海电信's short-term card names no data volume: it cannot have a per-GB figure.
    assert cells[("31", "ctcc")].value is None
    assert cells[("31", "ctcc")].note == "data_unknown"
    assert cells[("11", "ctcc")].note == "no_tiers"
    html = signed_in.get("/compare/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "每GB价格无法计算：来源未给出流量" in html


def test_it_changes_bucket_and_metric_from_the_url(signed_in: Client) -> None:
    response = signed_in.get("/compare/?bucket=15-29&metric=per_day")
    cells = cells_by_place(response)
    assert (response.context["matrix"].bucket, response.context["matrix"].metric) == ("15-29", "per_day")
    # 北京移动 灵动卡 15 days at 150 CNY: 10.00 a day.
    assert cells[("11", "cmcc")].value == Decimal("10.00")
    assert cells[("11", "cmcc")].validity_days == 15


def test_it_costs_a_stored_visitor_basket_per_province_and_operator(signed_in: Client) -> None:
    cells = cells_by_place(signed_in.get("/compare/?metric=basket&profile=week-data"))
    assert cells[("36", "cmcc")].value == Decimal("70.00")
    assert cells[("44", "cucc")].value == Decimal("100.00")
    assert cells[("44", "cucc")].validity_days == 15


def test_it_falls_back_to_the_defaults_for_an_unknown_bucket(signed_in: Client) -> None:
    response = signed_in.get("/compare/?bucket=99&metric=nope")
    assert (response.context["matrix"].bucket, response.context["matrix"].metric) == ("1-7", "per_gb")


def test_its_matrix_csv_has_the_cells_of_the_table(signed_in: Client) -> None:
    page = signed_in.get("/compare/?bucket=1-7")
    rows = csv_dicts(signed_in.get("/compare/?bucket=1-7&format=csv&table=matrix"))
    shown = [(c.province.code, c.operator.code, c.value) for r in page.context["matrix"].rows for c in r.cells]
    assert [(r["province_code"], r["operator_code"]) for r in rows] == [(p, o) for p, o, _ in shown]
    values = {(r["province_code"], r["operator_code"]): r["value_cny"] for r in rows}
    assert values[("11", "cmcc")] == "3.33"
    assert values[("36", "cmcc")] == "2.33"
    beijing = next(r for r in rows if (r["province_code"], r["operator_code"]) == ("11", "cmcc"))
    assert (beijing["plan_name_zh"], beijing["cheapest_in_row"], beijing["sample_count"]) == ("灵动卡", "false", "1")
    assert beijing["low_sample"] == "true"


def test_it_says_so_before_any_benchmark_has_run(client: Client, viewer, seed) -> None:
    client.force_login(viewer)
    html = client.get("/compare/").content.decode()
    assert "No benchmark run has completed yet" in html


def test_it_ranks_the_1_to_7_day_benchmark_by_price_per_gb(signed_in: Client) -> None:
    response = signed_in.get("/compare/benchmarks/?bucket=1-7")
    rows = response.context["tables"]["benchmark"].rows
    ranked = [(r["rank"], r["branch_name_zh"], r["price_per_gb_cny"], r["index"]) for r in rows if r["rank"]]
    assert ranked == [
        (1, "浙江联通", Decimal("1.67"), Decimal("55.56")),
        (2, "江西移动", Decimal("2.33"), Decimal("77.78")),
        (3, "上海移动", Decimal("3.00"), Decimal("100.00")),
        (4, "北京移动", Decimal("3.33"), Decimal("111.11")),
        (5, "深圳联通", Decimal("4.39"), Decimal("146.30")),
    ]
    summary = response.context["summary"]
    assert (summary.min_per_gb_cny, summary.median_per_gb_cny, summary.max_per_gb_cny) == (
        Decimal("1.67"),
        Decimal("3.00"),
        Decimal("4.39"),
    )
    # Listed but unranked: the free first-day card (promotional) and 上海电信's card (data unknown).
    unranked = {r["plan_name_zh"]: r["per_gb_undefined_reason"] for r in rows if r["rank"] is None}
    assert unranked == {"首日3GB免费流量体验卡": "", "中国电信短期卡": "data_unknown"}


def test_the_benchmark_page_gives_an_unranked_tier_no_index(signed_in: Client) -> None:
    rows = signed_in.get("/compare/benchmarks/?bucket=1-7").context["tables"]["benchmark"].rows
    free_first_day = next(r for r in rows if r["plan_name_zh"] == "首日3GB免费流量体验卡")
    assert (free_first_day["price_per_gb_cny"], free_first_day["rank"], free_first_day["index"]) == (
        Decimal("0.00"),
        None,
        None,
    )
    csv_row = next(
        r
        for r in csv_dicts(signed_in.get("/compare/benchmarks/?bucket=1-7&format=csv&table=benchmark"))
        if r["plan_name_zh"] == "首日3GB免费流量体验卡"
    )
    assert (csv_row["rank"], csv_row["index"]) == ("", "")


def test_the_benchmark_page_marks_a_median_of_two_tiers_as_a_low_sample(signed_in: Client) -> None:
    low = signed_in.get("/compare/benchmarks/?bucket=8-14")
    assert (low.context["summary"].sample_count, low.context["summary_low_sample"]) == (2, True)
    assert '3.89 <span class="badge low-sample"' in low.content.decode()
    enough = signed_in.get("/compare/benchmarks/?bucket=1-7")
    assert (enough.context["summary"].sample_count, enough.context["summary_low_sample"]) == (5, False)
    assert "badge low-sample" not in enough.content.decode()


def test_a_basket_cost_from_fewer_than_three_covering_tiers_is_marked(signed_in: Client) -> None:
    response = signed_in.get("/compare/basket/?days=7&data_gb=20&domestic_min=30&intl_min=0")
    rows = {(r["province_code"], r["operator_code"]): r for r in response.context["tables"]["basket"].rows}
    # 江西移动 sells one tier (畅行卡 7 days); 北京移动's four 灵动卡 tiers all cover 20 GB.
    assert (rows[("36", "cmcc")]["candidate_count"], rows[("36", "cmcc")]["low_sample"]) == (1, True)
    assert (rows[("11", "cmcc")]["candidate_count"], rows[("11", "cmcc")]["low_sample"]) == (4, False)
    csv_row = next(
        r
        for r in csv_dicts(signed_in.get("/compare/basket/?days=7&data_gb=20&domestic_min=30&intl_min=0&format=csv"))
        if (r["province_code"], r["operator_code"]) == ("36", "cmcc")
    )
    assert csv_row["low_sample"] == "true"


def test_its_benchmark_csv_has_the_rows_in_rank_order(signed_in: Client) -> None:
    rows = csv_dicts(signed_in.get("/compare/benchmarks/?bucket=1-7&format=csv&table=benchmark"))
    assert [(r["rank"], r["branch_name_zh"], r["price_per_gb_cny"]) for r in rows if r["rank"]][:2] == [
        ("1", "浙江联通", "1.67"),
        ("2", "江西移动", "2.33"),
    ]
    response = signed_in.get("/compare/benchmarks/?bucket=1-7&format=csv&table=benchmark")
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="benchmark-bucket-1-7-{today}.csv"'


def test_it_answers_a_week_with_20_gb_with_the_cheapest_cover_per_province(signed_in: Client) -> None:
    response = signed_in.get("/compare/basket/?days=7&data_gb=20&domestic_min=30&intl_min=0")
    rows = response.context["tables"]["basket"].rows
    covered = [(r["province_code"], r["operator_code"], r["cost_cny"], r["plan_name_zh"]) for r in rows if r["covered"]]
    assert covered[:4] == [
        ("33", "cucc", Decimal("50.00"), "表1 浙江联通 第15-17行套餐"),
        ("36", "cmcc", Decimal("70.00"), "畅行卡"),
        ("31", "cmcc", Decimal("90.00"), "熊猫卡"),
        ("11", "cmcc", Decimal("100.00"), "灵动卡"),
    ]
    # 上海电信 states no data volume, so none of its tiers can be shown to cover 20 GB.
    assert ("31", "ctcc") in [(r["province_code"], r["operator_code"]) for r in rows if not r["covered"]]


def test_it_buys_a_tier_as_often_as_the_stay_needs(signed_in: Client) -> None:
    rows = signed_in.get("/compare/basket/?days=14&data_gb=1&domestic_min=0&intl_min=0").context["tables"]["basket"]
    jiangxi = next(r for r in rows.rows if (r["province_code"], r["operator_code"]) == ("36", "cmcc"))
    assert (jiangxi["repeats"], jiangxi["validity_days"], jiangxi["cost_cny"]) == (2, 7, Decimal("140.00"))


def test_its_basket_csv_has_the_rows_of_the_table(signed_in: Client) -> None:
    url = "/compare/basket/?days=7&data_gb=20&domestic_min=30&intl_min=0"
    page = signed_in.get(url).context["tables"]["basket"].rows
    rows = csv_dicts(signed_in.get(f"{url}&format=csv&table=basket"))
    assert [(r["province_code"], r["operator_code"], r["covered"]) for r in rows] == [
        (r["province_code"], r["operator_code"], "true" if r["covered"] else "false") for r in page
    ]
    assert (rows[0]["branch_name_zh"], rows[0]["cost_cny"]) == ("浙江联通", "50.00")


def test_its_first_visit_shows_the_default_profile_in_the_fields_and_names_it(signed_in: Client) -> None:
    response = signed_in.get("/compare/basket/")
    html = response.content.decode()
    for name, value in (("days", "7"), ("data_gb", "5"), ("domestic_min", "30"), ("intl_min", "10")):
        assert f'name="{name}" value="{value}"' in html
    assert response.context["answer"].profile.domestic_min == 30
    assert (
        "Showing the default visitor profile “7 days, 5 GB, 30 domestic min, 10 international min” "
        "(the stored basket week-light)." in html
    )


def test_a_field_left_empty_shows_the_default_it_uses(signed_in: Client) -> None:
    response = signed_in.get("/compare/basket/?days=14&data_gb=1&domestic_min=&intl_min=")
    html = response.content.decode()
    # No hidden default: the minutes the answer uses are the ones in the fields.
    assert 'name="domestic_min" value="30"' in html and 'name="intl_min" value="10"' in html
    profile = response.context["answer"].profile
    assert (profile.days, profile.data_gb, profile.domestic_min, profile.intl_min) == (14, Decimal("1"), 30, 10)
    assert response.context["default_profile"] is None
    assert 'id="default-profile"' not in html


def test_it_reads_as_a_visitors_usage_basket(signed_in: Client) -> None:
    chinese = signed_in.get("/compare/basket/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<h1>游客用量篮子</h1>" in chinese
    assert "用户篮子" not in chinese
    assert "<h1>Visitor usage basket</h1>" in signed_in.get("/compare/basket/").content.decode()


def test_it_shows_what_it_did_not_accept_in_the_profile(signed_in: Client) -> None:
    response = signed_in.get("/compare/basket/?days=0&data_gb=-1")
    assert response.status_code == 200
    assert response.context["answer"].profile.days == 7  # the default stay
    assert response.context["form"].errors.keys() == {"days", "data_gb"}


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/compare/", 13),
        ("/compare/?metric=basket&profile=week-data", 13),
        ("/compare/benchmarks/?bucket=1-7", 6),
        # Costed from every tier: the run is asked first, whether its compact basket input is ready.
        ("/compare/basket/?days=7&data_gb=20", 6),
    ],
)
def test_its_query_count_does_not_grow_with_the_data(
    signed_in: Client, django_assert_max_num_queries, url: str, queries: int
) -> None:
    with django_assert_max_num_queries(queries + HEADER_QUERIES):
        assert signed_in.get(url).status_code == 200
    for code in ("12", "13", "14"):  # three more provinces with a tier each, then a fresh run
        plan = PlanFactory(branch=BranchFactory(province__code=code))
        TierFactory(plan=plan, validity_days=7)
    scheduling.benchmarks_recompute(trigger="test")
    with django_assert_max_num_queries(queries + HEADER_QUERIES):
        assert signed_in.get(url).status_code == 200


def test_it_names_the_stored_visitor_profile_in_the_readers_language(signed_in: Client) -> None:
    url = "/compare/?metric=basket&profile=week-data"
    chinese = signed_in.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = signed_in.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "游客用量篮子“7 天、20 GB、国内 30 分钟、国际 0 分钟”的费用（元）" in chinese
    assert "Basket cost (CNY) of “7 days, 20 GB, 30 domestic min, 0 international min”" in english


def test_the_operator_columns_cost_no_query_over_the_run_rows(signed_in: Client) -> None:
    with CaptureQueriesContext(connection) as queries:
        signed_in.get("/compare/")

    assert not any("GROUP BY" in query["sql"] and "benchmarkrow" in query["sql"] for query in queries)
