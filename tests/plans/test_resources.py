"""The import-export resources: the tier export (whose file the one import engine reads back) and plans."""

from __future__ import annotations

from decimal import Decimal

import pytest
import tablib

from plans.importing import tier_import
from plans.models import Plan, Tier
from plans.resources import TIER_COLUMNS, PlanResource, TierResource
from tests.factories import AnalystFactory, PlanFactory, SourceFactory, TierFactory


@pytest.fixture
def plan(db):
    plan = PlanFactory(name_zh="灵动卡")
    TierFactory(plan=plan, validity_days=7, price_cny=Decimal("85.00"), data_gb=Decimal("30"), effective_from=None)
    return plan


def exported(resource_class=TierResource, **kwargs) -> tablib.Dataset:
    return resource_class().export(**kwargs)


def reimport(csv_text: str, *, dry_run: bool, user=None):
    """The admin's tier export fed back through the one import engine."""
    return tier_import(content=csv_text.encode("utf-8"), filename="tiers.csv", actor=user, dry_run=dry_run)


@pytest.mark.django_db
def test_the_tier_export_has_the_api_columns_and_computed_prices(plan):
    dataset = exported()

    assert dataset.headers == list(TIER_COLUMNS)
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["price_per_gb_cny"] == "2.83"
    assert row["price_per_day_cny"] == "12.14"
    assert row["operator_code"] == plan.branch.operator.code
    assert row["data_unlimited"] == "false"


@pytest.mark.django_db
def test_an_unedited_admin_export_imports_as_unchanged(plan):
    result = reimport(exported().csv, dry_run=True)

    assert result.ok, [str(error) for error in result.errors]
    assert result.counts == {"new": 0, "changed": 0, "unchanged": 1, "error": 0}


@pytest.mark.django_db
def test_an_edited_admin_export_imports_the_new_price(plan):
    analyst = AnalystFactory()
    printed = SourceFactory()
    dataset = exported()
    dataset.dict = [{**row, "price_cny": "79.00", "source": printed.pk} for row in dataset.dict]
    text = dataset.csv

    result = reimport(text, dry_run=False, user=analyst)

    assert result.ok, [str(error) for error in result.errors]
    current = Tier.objects.get(plan=plan, effective_to__isnull=True)
    assert (current.price_cny, current.source) == (Decimal("79.00"), printed)
    assert current.history.latest().history_user == analyst
    assert Tier.objects.filter(plan=plan).count() == 2  # the old price stays, closed


def test_the_tier_resource_refuses_to_import_so_there_is_one_engine():
    with pytest.raises(RuntimeError, match=r"plans\.importing\.tier_import"):
        TierResource().import_data(tablib.Dataset(), dry_run=True)


@pytest.mark.django_db
def test_plans_round_trip_and_write_through_the_service(plan):
    analyst = AnalystFactory()
    text = exported(PlanResource).csv.replace("灵动卡", "灵动卡Plus")

    result = PlanResource().import_data(tablib.Dataset().load(text, format="csv"), dry_run=False, user=analyst)

    assert not result.has_errors() and not result.has_validation_errors()
    plan.refresh_from_db()
    assert plan.name_zh == "灵动卡Plus"
    assert plan.history.latest().history_user == analyst


@pytest.mark.django_db
def test_a_new_plan_with_an_unknown_branch_is_invalid(plan):
    text = f"id,branch,name_zh,source\n,不存在的分公司,新卡,{plan.source_id}\n"

    result = PlanResource().import_data(tablib.Dataset().load(text, format="csv"), dry_run=True)

    assert result.invalid_rows[0].error_dict == {"branch": ["No branch with name_zh “不存在的分公司”."]}
    assert Plan.objects.count() == 1
