"""The seed's dates as precise as seed 003 gives them: as-of dates of key figures, undated facts, expected steps."""

from __future__ import annotations

import datetime

from django.test import Client
from rest_framework.test import APIClient

from competition.models import KeyFigure, Launch, StrategyMilestone


def test_it_dates_the_micro_drama_users_to_december_2024_by_month(seed) -> None:
    figure = KeyFigure.objects.get(label_zh="微短剧用户规模（截至2024年12月）")

    assert (figure.as_of, figure.as_of_precision, figure.status) == (datetime.date(2024, 12, 1), "month", "happened")


def test_it_dates_the_2030_quantum_market_forecast_to_the_year_and_marks_it_expected(seed) -> None:
    figure = KeyFigure.objects.get(label_zh="2030年全球量子通信市场规模预计（突破）")

    assert (figure.as_of, figure.as_of_precision, figure.status) == (datetime.date(2030, 1, 1), "year", "expected")


def test_it_dates_the_240_hour_transit_stay_to_the_day_it_took_effect(seed) -> None:
    figure = KeyFigure.objects.get(label_zh="过境免签停留时间")

    assert (figure.as_of, figure.as_of_precision) == (datetime.date(2024, 12, 17), "day")


def test_it_leaves_a_figure_the_text_does_not_date_without_as_of_or_precision(seed) -> None:
    figure = KeyFigure.objects.get(label_zh="全面互免签证国家")  # "截至目前": no date

    assert (figure.as_of, figure.as_of_precision) == (None, None)


def test_it_gives_an_undated_launch_no_precision(seed) -> None:
    launch = Launch.objects.get(branch__name_zh="上海移动", name_zh="联网终端设备租赁方案")

    assert (launch.launched_on, launch.date_precision, launch.status) == (None, None, "happened")


def test_it_gives_an_undated_milestone_no_precision(seed) -> None:
    milestone = StrategyMilestone.objects.get(description_zh__startswith="牵头国际标准ITU-T")

    assert (milestone.happened_on, milestone.date_precision) == (None, None)


def test_it_marks_the_market_launch_expected_mid_to_late_march_as_expected(seed) -> None:
    milestone = StrategyMilestone.objects.get(description_zh__contains="预计3月中下旬正式推向市场")

    assert (milestone.happened_on, milestone.date_precision, milestone.status) == (
        datetime.date(2025, 3, 1),
        "month",
        "expected",
    )


def test_the_api_shows_a_figures_as_of_precision_and_status(seed, viewer_client: APIClient) -> None:
    (strategy,) = viewer_client.get("/api/v1/strategies/", {"operator": "", "q": "微短剧市场规模与用户"}).json()[
        "results"
    ]
    figures = {f["label_zh"]: f for f in strategy["key_figures"]}

    assert (
        figures["2027年微短剧市场规模预计（突破）"]["as_of"],
        figures["2027年微短剧市场规模预计（突破）"]["as_of_precision"],
    ) == (
        "2027-01-01",
        "year",
    )
    assert figures["2027年微短剧市场规模预计（突破）"]["status"] == "expected"


def test_the_api_shows_an_undated_launch_with_a_null_precision(seed, viewer_client: APIClient) -> None:
    (launch,) = viewer_client.get("/api/v1/launches/", {"q": "魔都WiFi"}).json()["results"]

    assert (launch["launched_on"], launch["date_precision"], launch["status"]) == (None, None, "happened")


def test_the_strategies_page_shows_month_precision_and_the_expected_step(seed, client: Client, viewer) -> None:
    client.force_login(viewer)

    page = client.get("/compare/strategies/", {"theme": "inbound_visitors"}).content.decode()
    drama = client.get("/compare/strategies/", {"theme": "short_drama"}).content.decode()

    assert '<time datetime="2025-03-01">2025-03</time> <span class="badge inferred">expected</span>' in page
    assert '59.7 % <small class="meta">(2024-12)</small>' in drama
