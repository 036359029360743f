"""A whole market in one file: 20,000 new tiers imported all or nothing, with the file's line numbers."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection

from plans.importing import tier_import
from plans.models import Plan, Tier
from plans.signals import tiers_changed
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db

COLUMNS = ["plan", "plan_name", "branch_name", "validity_days", "price_cny", "data_gb", "effective_from", "source"]
ROWS = 20_000


def market_file(plans: list[Plan], rows: int, *, overrides: dict[int, dict[str, str]] | None = None) -> bytes:
    """`rows` new tiers, one per plan and validity; plans named by id and by name in turn. Line = index + 2."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for index in range(rows):
        plan = plans[index // Tier.MAX_VALIDITY_DAYS]
        by_name = index % 2 == 1
        row = {
            "plan": "" if by_name else str(plan.pk),
            "plan_name": plan.name_zh if by_name else "",
            "branch_name": plan.branch.name_zh if by_name else "",
            "validity_days": str(index % Tier.MAX_VALIDITY_DAYS + 1),
            "price_cny": f"{10 + index % 500}.00",
            "data_gb": str(1 + index % 50),
            "effective_from": "2025-06-01",
            "source": "",
        }
        row.update((overrides or {}).get(index, {}))
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


@pytest.fixture
def market_plans(db) -> list[Plan]:
    return [PlanFactory() for _ in range(ROWS // Tier.MAX_VALIDITY_DAYS + 1)]


def test_a_file_of_20000_new_tiers_is_imported_whole_with_one_history_record_each(
    market_plans, analyst, django_capture_on_commit_callbacks
):
    heard: list[list[int]] = []

    def receiver(sender, plan_ids, **kwargs):
        heard.append(plan_ids)

    tiers_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            result = tier_import(content=market_file(market_plans, ROWS), filename="market.csv", actor=analyst)
    finally:
        tiers_changed.disconnect(receiver)
    assert result.summary == "market.csv: imported 20000 rows: 20000 new, 0 changed, 0 unchanged"
    tiers = Tier.objects.filter(plan__in=market_plans)
    assert tiers.count() == ROWS
    row_at_line_10002 = tiers.get(plan=market_plans[10000 // 731], validity_days=10000 % 731 + 1)
    assert (row_at_line_10002.price_cny, row_at_line_10002.data_gb) == (Decimal("10.00"), Decimal("1.000"))
    assert row_at_line_10002.source_id == market_plans[10000 // 731].source_id  # a new tier cites its plan's source
    record = Tier.history.get(id=row_at_line_10002.pk)
    assert (record.history_user_id, record.history_change_reason) == (analyst.pk, "import: market.csv line 10002")
    assert Tier.history.filter(id__in=tiers.values("pk")).count() == ROWS
    assert heard == [sorted(plan.pk for plan in market_plans)]  # one notice for the whole file


def test_bad_rows_among_20000_reject_the_whole_file_naming_their_lines(market_plans, analyst):
    overrides = {
        14_999: {"price_cny": "-5"},  # line 15001
        19_998: {"validity_days": "1", "plan": str(market_plans[0].pk), "plan_name": ""},  # line 20000 repeats line 2
        19_999: {"plan_name": "没有这个套餐", "plan": ""},  # line 20001
    }
    result = tier_import(
        content=market_file(market_plans, ROWS, overrides=overrides), filename="market.csv", actor=analyst
    )
    assert [str(error) for error in result.errors] == [
        "line 15001, price_cny: The price cannot be negative.",
        "line 20000, validity_days: Duplicates line 2: the same tier twice in one file.",
        "line 20001, plan_name: No plan named “没有这个套餐” in that branch.",
    ]
    assert result.summary == "market.csv: 3 error(s); nothing was imported"
    assert not Tier.objects.filter(plan__in=market_plans).exists()
    assert not Tier.history.filter(plan_id__in=[plan.pk for plan in market_plans]).exists()


def test_an_overlap_with_a_stored_tier_is_reported_on_its_line(market_plans, analyst):
    Tier.objects.create(
        plan=market_plans[1],
        validity_days=3,
        price_cny=Decimal("9.00"),
        source=market_plans[1].source,
        effective_to=datetime.date(2025, 7, 1),
    )
    result = tier_import(content=market_file(market_plans, 800), filename="market.csv", actor=analyst)
    # Index 733 (plan 1, 3 days) is line 735. The stored tier ended, so the row is a new tier, not an
    # update; its period (from 2025-06-01) overlaps the stored one's last month.
    assert [str(error) for error in result.errors] == [
        "line 735, effective_from: This period overlaps another tier of this plan with the same validity "
        "(¥9.00, undated, ending 2025-07-01)."
    ]
    assert Tier.objects.filter(plan__in=market_plans).count() == 1


def test_the_import_asks_the_same_number_of_queries_for_100_rows_as_for_1000(
    market_plans, analyst, django_assert_max_num_queries
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite caps a statement at 999 parameters, so its inserts come in batches of ~50 rows")
    # Lookups (operators, provinces, plans, sources), the tiers of its plans, the bulk inserts, savepoints.
    small = market_file(market_plans, 100)
    large = market_file(market_plans, 1000)
    with django_assert_max_num_queries(14):
        assert tier_import(content=small, filename="small.csv", actor=analyst, dry_run=True).ok
    with django_assert_max_num_queries(14):
        assert tier_import(content=large, filename="large.csv", actor=analyst, dry_run=True).ok
