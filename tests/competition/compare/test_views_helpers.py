"""The comparison pages' helpers without a database: CSV tables and the template filters they share."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.utils import translation

from competition.compare.tables import Table, columns
from competition.templatetags.compare import amount, cny, heat, loc


def test_it_rounds_money_half_up_to_cents() -> None:
    assert cny(Decimal("3.335")) == "3.34"
    assert cny(Decimal("100") / Decimal("30")) == "3.33"
    assert cny(Decimal("0")) == "0.00"
    assert cny(None) == "—"


def test_it_prints_quantities_without_trailing_zeros() -> None:
    assert amount(Decimal("30.000")) == "30"
    assert amount(Decimal("0.500")) == "0.5"
    assert amount(None) == "—"


def test_it_picks_the_name_of_the_active_language_and_falls_back_to_the_other() -> None:
    plan = {"name_zh": "灵动卡", "name_en": "Smart Card"}
    unnamed = {"name_zh": "表1 浙江联通 第15-17行套餐", "name_en": ""}
    with translation.override("en"):
        assert (loc(plan, "name"), loc(unnamed, "name")) == ("Smart Card", "表1 浙江联通 第15-17行套餐")
    with translation.override("zh-hans"):
        assert loc(plan, "name") == "灵动卡"


def test_it_scales_colours_from_green_for_the_cheapest_to_red_for_the_dearest() -> None:
    assert heat(Decimal("1.67"), Decimal("1.67"), Decimal("4.39")) == "background-color: hsl(120 70% 85%)"
    assert heat(Decimal("4.39"), Decimal("1.67"), Decimal("4.39")) == "background-color: hsl(0 70% 85%)"
    assert heat(Decimal("3"), Decimal("3"), Decimal("3")) == "background-color: hsl(120 70% 85%)"
    assert heat(None, Decimal("1"), Decimal("2")) == ""


def test_it_writes_a_table_as_csv_with_its_keys_as_header_and_its_display_formatting() -> None:
    table = Table(
        name="t",
        columns=columns("branch_zh", "price_cny:money", "data_gb:amount", "is_promotional"),
        rows=[
            {"branch_zh": "北京移动", "price_cny": Decimal(100), "data_gb": Decimal("30.000"), "is_promotional": False},
            {"branch_zh": "上海电信", "price_cny": Decimal("85"), "data_gb": None, "is_promotional": True},
        ],
    )
    response = table.csv_response(filename="benchmark-1-7")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="benchmark-1-7.csv"'
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")  # Excel needs the mark to read the Chinese names
    assert list(csv.reader(io.StringIO(body.lstrip("\ufeff")))) == [
        ["branch_zh", "price_cny", "data_gb", "is_promotional"],
        ["北京移动", "100.00", "30", "false"],
        ["上海电信", "85.00", "", "true"],
    ]
