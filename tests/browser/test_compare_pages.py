"""An analyst's first visit, in a real browser: log in, change the bucket, open a plan, switch language, get CSV."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def log_in(page: Any, live_server: Any, credentials: tuple[str, str], path: str = "/compare/") -> None:
    page.goto(f"{live_server.url}{path}")
    # Anonymous visitors land on the login form, which sends them back where they were going.
    assert "/accounts/login/" in page.url
    username, password = credentials
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(re.compile(re.escape(path.split("?")[0])))


def matrix_value(page: Any, province: str, operator: str) -> str:
    return page.get_attribute(f"#matrix tr[data-province='{province}'] td[data-operator='{operator}']", "data-value")


def test_an_analyst_logs_in_and_changes_the_bucket(chinese_page, live_server, seeded, analyst_login, tmp_path) -> None:
    page = chinese_page
    log_in(page, live_server, analyst_login)
    assert page.inner_text("h1") == "哪里最便宜"
    assert page.get_attribute("#matrix", "data-bucket") == "1-7"
    assert matrix_value(page, "11", "cmcc") == "3.33"
    assert matrix_value(page, "36", "cmcc") == "2.33"
    save_screenshot(page, "matrix", tmp_path)

    # Changing the select submits the GET form: the URL carries the choice, the grid follows it.
    page.select_option("#id_bucket", "15-29")
    page.wait_for_url(re.compile(r"bucket=15-29"))
    assert page.get_attribute("#matrix", "data-bucket") == "15-29"
    # 北京移动 灵动卡 15 days: 150 CNY for 50 GB.
    assert matrix_value(page, "11", "cmcc") == "3.00"
    assert "15-29" in page.inner_text("#matrix caption")


def test_an_analyst_opens_a_plan_and_sees_its_price_chart(
    chinese_page, live_server, seeded, analyst_login, tmp_path
) -> None:
    page = chinese_page
    log_in(page, live_server, analyst_login)
    page.click("#matrix tr[data-province='11'] td[data-operator='cmcc'] a")
    page.wait_for_url(re.compile(r"/compare/plans/\d+/$"))
    assert page.inner_text("h1") == "北京移动 · 灵动卡"
    # The seed dates none of 灵动卡's prices: each is listed once as published, none pinned to the time axis.
    assert page.locator("#price-history-chart").count() == 0
    assert page.locator("#undated-prices li").count() == 4
    assert "当前资费" in page.inner_text("main")
    save_screenshot(page, "plan-detail", tmp_path)


def test_an_analyst_switches_to_english(chinese_page, live_server, seeded, analyst_login) -> None:
    page = chinese_page
    log_in(page, live_server, analyst_login, "/compare/benchmarks/?bucket=1-7")
    assert page.inner_text("h1") == "基准表"
    page.select_option("#language-select", "en")
    page.wait_for_load_state("load")
    page.wait_for_selector("html[lang='en']")
    assert page.inner_text("h1") == "Benchmark tables"
    # The filters survive the switch (next = the full path), and bilingual names follow the language.
    assert "bucket=1-7" in page.url
    assert "China Mobile Jiangxi" in page.inner_text("#benchmark-table")
    assert page.locator("#benchmark-table th[scope='col']").first.inner_text() == "Rank"


def test_an_analyst_downloads_the_matrix_as_csv(chinese_page, live_server, seeded, analyst_login) -> None:
    page = chinese_page
    log_in(page, live_server, analyst_login, "/compare/?bucket=1-7&metric=per_gb")
    with page.expect_download() as download_info:
        page.click("a[data-csv='matrix']")
    download = download_info.value
    assert download.suggested_filename == "matrix-1-7-per_gb.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    values = {(r["province_code"], r["operator_code"]): r["value_cny"] for r in rows if r["value_cny"]}
    assert values == {
        ("11", "cmcc"): "3.33",
        ("31", "cmcc"): "3.00",
        ("33", "cucc"): "1.67",
        ("36", "cmcc"): "2.33",
        ("44", "cucc"): "4.39",
    }
    # The same cells as the table on screen, in the same order.
    shown = page.eval_on_selector_all(
        "#matrix td[data-operator]",
        "cells => cells.map(c => [c.closest('tr').dataset.province, c.dataset.operator])",
    )
    assert [[r["province_code"], r["operator_code"]] for r in rows] == shown


def test_the_main_pages_render_for_screenshots(chinese_page, live_server, seeded, analyst_login, tmp_path) -> None:
    """Every main page draws without a script error; with SAVE_SCREENSHOTS=1 they land in docs/screenshots."""
    page = chinese_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server, analyst_login)
    pages = {
        "matrix-basket": "/compare/?metric=basket&profile=week-data",
        "provinces": "/compare/provinces/?province=11&province=31&province=44",
        "benchmarks": "/compare/benchmarks/?bucket=1-7",
        "basket": "/compare/basket/?days=7&data_gb=20&domestic_min=30&intl_min=0",
        "launches": "/compare/launches/?operator=cucc",
        "strategies": "/compare/strategies/?theme=quantum",
        "plans": "/compare/plans/",
        "analyser": "/compare/analyser/?d0-label=Q3&d0-validity_days=7&d0-price_cny=60.00&d0-data_gb=30"
        "&d0-domestic_voice_min=100&d0-intl_voice_min=0&province=31",
        "sensitivity": "/compare/sensitivity/?bucket=1-7",
        "changes": "/compare/changes/",
    }
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        assert page.locator("table.data caption").count() >= 1, name
        if name == "provinces":
            page.wait_for_function("() => Chart.getChart(document.getElementById('per-gb-chart'))")
        save_screenshot(page, name, tmp_path)
    # On a tablet the page itself must not scroll sideways: wide tables scroll inside their own box.
    page.set_viewport_size({"width": 768, "height": 1024})
    page.goto(f"{live_server.url}/compare/")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 768
    save_screenshot(page, "matrix-tablet", tmp_path)
    assert errors == []


def test_an_analyst_sees_a_price_change_as_steps_over_real_dates(
    chinese_page, live_server, seeded, analyst_login, tmp_path
) -> None:
    import datetime

    from competition.benchmarks import services
    from competition.benchmarks.history import services as history_services
    from plans.models import Plan
    from tests.competition.benchmarks.dated_changes import price_change

    price_change(plan_zh="熊猫卡", validity_days=7, price="60.00", day=datetime.date(2026, 6, 1))
    history_services.benchmark_history_fill(parameters=services.benchmark_parameters_default())
    page = chinese_page
    log_in(page, live_server, analyst_login, "/compare/trends/?bucket=1-7")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('trend-median-chart'))")
    trend = page.evaluate(
        """() => {
            const chart = Chart.getChart(document.getElementById('trend-median-chart'));
            const market = chart.data.datasets[0];
            return {type: chart.options.scales.x.type, stepped: market.stepped, first: market.data[0],
                    second: market.data[1], lines: chart.data.datasets.length};
        }"""
    )
    # The market before the change (熊猫卡 3.00 per GB, median 3.00) and from 2026-06-01 (2.00: median 2.33).
    assert (trend["type"], trend["stepped"], trend["lines"]) == ("linear", True, 3)
    assert trend["first"] == {"x": 1780185600000, "y": 3.0}  # 2026-05-31 as milliseconds since 1970 (UTC)
    assert trend["second"] == {"x": 1780272000000, "y": 2.33}
    save_screenshot(page, "trends", tmp_path)

    plan = Plan.objects.get(name_zh="熊猫卡")
    page.goto(f"{live_server.url}/compare/plans/{plan.pk}/")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('price-history-chart'))")
    steps = page.evaluate(
        """() => {
            const chart = Chart.getChart(document.getElementById('price-history-chart'));
            return chart.data.datasets.map(d => [d.label, d.stepped, d.data[0]]);
        }"""
    )
    assert steps == [["7 天", True, {"x": 1780272000000, "y": 60}]]
    assert "7 天：90.00 元 （至 2026-06-01）" in page.inner_text("#undated-prices")
