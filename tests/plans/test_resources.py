"""The import-export resources behind the admin's import and export of tiers and plans."""

from __future__ import annotations

import base64
import csv
import io
from decimal import Decimal

import pytest
import tablib
from import_export.results import RowResult

from plans.models import Plan, Tier
from plans.resources import TIER_COLUMNS, PlanResource, TierResource
from tests.factories import AnalystFactory, PlanFactory, TierFactory


@pytest.fixture
def plan(db):
    plan = PlanFactory(name_zh="灵动卡")
    TierFactory(plan=plan, validity_days=7, price_cny=Decimal("85.00"), data_gb=Decimal("30"), effective_from=None)
    return plan


def exported(resource_class=TierResource, **kwargs) -> tablib.Dataset:
    return resource_class().export(**kwargs)


def reimport(csv_text: str, *, dry_run: bool, user=None):
    dataset = tablib.Dataset().load(csv_text, format="csv")
    return TierResource().import_data(dataset, dry_run=dry_run, user=user, file_name="tiers.csv")


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
def test_an_unedited_export_previews_as_skipped(plan):
    result = reimport(exported().csv, dry_run=True)

    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert [row.import_type for row in result.rows] == [RowResult.IMPORT_TYPE_SKIP]


@pytest.mark.django_db
def test_an_edited_price_previews_as_an_update_with_old_and_new_and_saves_on_confirm(plan):
    analyst = AnalystFactory()
    text = exported().csv.replace("85.00", "79.00")

    preview = reimport(text, dry_run=True, user=analyst)
    assert [row.import_type for row in preview.rows] == [RowResult.IMPORT_TYPE_UPDATE]
    assert "<del>85.00</del> <ins>79.00</ins>" in preview.rows[0].diff
    assert Tier.objects.get(plan=plan).price_cny == Decimal("85.00")

    confirmed = reimport(text, dry_run=False, user=analyst)

    assert not confirmed.has_validation_errors()
    current = Tier.objects.get(plan=plan, effective_to__isnull=True)
    assert current.price_cny == Decimal("79.00")
    assert current.history.latest().history_user == analyst
    assert current.history.latest().history_change_reason == "admin import: tiers.csv line 2"
    assert Tier.objects.filter(plan=plan).count() == 2  # the old price stays, closed


@pytest.mark.django_db
def test_an_invalid_row_names_its_line_and_field_and_offers_the_failed_rows(plan):
    source = plan.source_id
    text = f"id,plan,validity_days,price_cny,source\n,{plan.pk},15,120.00,{source}\n,{plan.pk},30,-1,{source}\n"

    result = reimport(text, dry_run=True)

    assert result.has_validation_errors()
    [invalid] = result.invalid_rows
    assert invalid.error_dict == {"price_cny": ["line 3, price_cny: The price cannot be negative."]}
    failed = base64.b64decode(result.failed_rows_csv_base64).decode("utf-8-sig")
    assert next(iter(csv.DictReader(io.StringIO(failed))))["line"] == "3"
    assert not Tier.objects.filter(validity_days=15).exists()


@pytest.mark.django_db
def test_a_file_without_the_needed_columns_is_refused_whole(plan):
    result = reimport("plan,validity_days\n1,7\n", dry_run=True)

    assert result.has_errors()
    assert "Missing column(s): price_cny." in str(result.base_errors[0].error)


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
