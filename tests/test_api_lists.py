"""Every list endpoint: a fixed number of queries whatever the page size (no N+1), and CSV/XLSX
exports with exactly the JSON's rows and columns."""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import (
    BranchFactory,
    ExchangeRateFactory,
    IndicatorValueFactory,
    KeyFigureFactory,
    LaunchFactory,
    OperatorFactory,
    PartnerFactory,
    PerkFactory,
    PlanFactory,
    ProvinceFactory,
    SourceFactory,
    StrategyMilestoneFactory,
    TierFactory,
)
from tests.responses import body


def plan_with_perks(number: int) -> None:
    plan = PlanFactory(branch=BranchFactory())
    plan.perks.add(PerkFactory(), PerkFactory())


def launch_with_partners(number: int) -> None:
    launch = LaunchFactory(branch=BranchFactory())
    launch.partners.add(PartnerFactory())
    launch.plans.add(PlanFactory())


def strategy_with_children(number: int) -> None:
    figure = KeyFigureFactory()
    StrategyMilestoneFactory(strategy=figure.strategy)


LISTS: list[tuple[str, Callable[[int], object]]] = [
    ("/api/v1/operators/", lambda n: OperatorFactory()),
    ("/api/v1/provinces/", lambda n: ProvinceFactory(code=str(20 + n))),
    ("/api/v1/branches/", lambda n: BranchFactory()),
    ("/api/v1/sources/", lambda n: SourceFactory()),
    ("/api/v1/perks/", lambda n: PerkFactory()),
    ("/api/v1/plans/", plan_with_perks),
    ("/api/v1/tiers/", lambda n: TierFactory(plan=PlanFactory(branch=BranchFactory()))),
    ("/api/v1/partners/", lambda n: PartnerFactory()),
    ("/api/v1/launches/", launch_with_partners),
    ("/api/v1/strategies/", strategy_with_children),
    ("/api/v1/indicators/", lambda n: IndicatorValueFactory(province=ProvinceFactory(code=str(20 + n)))),
    (
        "/api/v1/exchange-rates/",
        lambda n: ExchangeRateFactory(rate_on=datetime.date(2025, 1, 1) + datetime.timedelta(n)),
    ),
]


def queries_for(client: APIClient, url: str, page_size: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"page_size": page_size})
    assert len(response.json()["results"]) == page_size
    return len(captured)


@pytest.mark.parametrize(("url", "make"), LISTS, ids=[url.split("/")[3] for url, _ in LISTS])
def test_it_lists_50_rows_in_as_many_queries_as_5(url: str, make: Callable[[int], object], viewer_client, db):
    for number in range(50):
        make(number)

    five = queries_for(viewer_client, url, 5)
    fifty = queries_for(viewer_client, url, 50)

    assert fifty == five
    # count and page, plus one per related list a page reads at once (core.api.rows): a plan's perks
    # (ids and names together), a launch's partners and plans, a strategy's milestones and key figures;
    # the tiers first read the table's size estimate (core.counting: at a million tiers it is the count)
    assert five == {"plans": 3, "launches": 4, "strategies": 4, "tiers": 3}.get(url.split("/")[3], 2)


def test_it_exports_every_tier_in_a_fixed_number_of_queries(viewer_client, db):
    for _ in range(30):
        TierFactory(plan=PlanFactory(branch=BranchFactory()))

    with CaptureQueriesContext(connection) as captured:
        response = viewer_client.get("/api/v1/tiers/", {"format": "csv"})
        text = body(response).decode("utf-8-sig")  # a streamed export reads its rows while it is sent

    assert text.count("\r\n") == 31
    assert len(captured) == 2  # the count (for the export cap) and the rows


def as_csv_text(value: Any) -> str:
    """A JSON value as the CSV writes it: null empty, booleans lower-case, lists joined with "; "."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        if all(not isinstance(item, dict | list) for item in value):
            return "; ".join(str(item) for item in value)
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@pytest.mark.parametrize(("url", "make"), LISTS, ids=[url.split("/")[3] for url, _ in LISTS])
def test_it_exports_csv_and_xlsx_with_the_json_rows(url: str, make: Callable[[int], object], viewer_client, db):
    for number in range(3):
        make(number)
    expected = viewer_client.get(url, {"page_size": 100}).json()["results"]

    csv = viewer_client.get(url, {"format": "csv"})
    xlsx = viewer_client.get(url, {"format": "xlsx"})

    frame = pd.read_csv(io.BytesIO(body(csv)), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(expected[0])
    assert frame.to_dict("records") == [{k: as_csv_text(v) for k, v in row.items()} for row in expected]
    sheet = pd.read_excel(io.BytesIO(body(xlsx)), dtype=object)
    assert list(sheet.columns) == list(expected[0])
    assert [int(value) for value in sheet["id"]] == [row["id"] for row in expected]
    name = url.split("/")[3]
    assert csv["Content-Disposition"].startswith(f'attachment; filename="{name}-')
    assert xlsx["Content-Disposition"].endswith('.xlsx"')
