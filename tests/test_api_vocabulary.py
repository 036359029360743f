"""The API's rows carry core.columns' names beside the ones clients already read: codes with names, zh with en."""

from __future__ import annotations

from rest_framework.test import APIClient


def test_a_tier_row_names_its_province_and_branch_in_both_languages(seed, viewer_client: APIClient) -> None:
    (row,) = viewer_client.get("/api/v1/tiers/", {"q": "灵动卡", "validity_days": 7}).json()["results"]

    assert (row["plan_name"], row["plan_name_zh"], row["branch_name"], row["branch_name_zh"]) == (
        "灵动卡",
        "灵动卡",
        "北京移动",
        "北京移动",
    )
    assert (row["province_code"], row["province_name_zh"], row["province_name_en"], row["operator_code"]) == (
        "11",
        "北京",
        "Beijing",
        "cmcc",
    )


def test_a_plan_row_names_its_province_beside_its_code(seed, viewer_client: APIClient) -> None:
    plans = viewer_client.get("/api/v1/plans/", {"province": "31", "q": "熊猫卡"}).json()["results"]

    assert [(p["province_code"], p["province_name_zh"], p["province_name_en"], p["branch_name_zh"]) for p in plans] == [
        ("31", "上海", "Shanghai", "上海移动")
    ]


def test_a_launch_row_names_its_operator_branch_and_province_in_both_languages(seed, viewer_client: APIClient) -> None:
    (launch,) = viewer_client.get("/api/v1/launches/", {"q": "幂方卡"}).json()["results"]

    assert (launch["operator"], launch["operator_code"], launch["operator_name_en"]) == ("cucc", "cucc", "China Unicom")
    assert (launch["branch_name"], launch["branch_name_zh"], launch["branch_name_en"]) == (
        "北京联通",
        "北京联通",
        "China Unicom Beijing",
    )
    assert (launch["province_code"], launch["province_name_zh"], launch["province_name_en"]) == (
        "11",
        "北京",
        "Beijing",
    )


def test_a_benchmark_row_keeps_its_first_names_and_adds_the_vocabularys(seed, viewer_client: APIClient) -> None:
    from competition.benchmarks import scheduling

    scheduling.benchmarks_recompute(trigger="cli")
    body = viewer_client.get("/api/v1/benchmarks/per-gb/", {"bucket": "1-7", "province": "36"}).json()

    (jiangxi,) = body["results"]
    assert (jiangxi["branch"], jiangxi["operator"], jiangxi["province"]) == ("江西移动", "cmcc", "36")
    assert (jiangxi["branch_name_zh"], jiangxi["operator_code"], jiangxi["province_code"]) == ("江西移动", "cmcc", "36")
    assert (jiangxi["province_name_zh"], jiangxi["province_name_en"], jiangxi["price_qualifier"]) == (
        "江西",
        "Jiangxi",
        "exact",
    )


def test_a_matrix_cell_names_its_province_in_both_languages(seed, viewer_client: APIClient) -> None:
    from competition.benchmarks import scheduling

    scheduling.benchmarks_recompute(trigger="cli")
    cells = viewer_client.get("/api/v1/benchmarks/matrix/", {"bucket": "1-7"}).json()["results"]

    zhejiang = next(cell for cell in cells if cell["province"] == "33")
    assert (zhejiang["province_name_zh"], zhejiang["province_name_en"], zhejiang["branch_name_en"]) == (
        "浙江",
        "Zhejiang",
        "China Unicom Zhejiang",
    )
