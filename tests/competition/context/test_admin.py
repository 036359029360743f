"""Admin entry of indicators, indicator values and exchange rates: the contract, and the stale-edit refusal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from competition.context.models import ExchangeRate, Indicator, IndicatorValue
from tests.admin_contract import AdminContract, admin_url
from tests.factories import (
    ExchangeRateFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    ProvinceFactory,
    SourceFactory,
)


def indicator_payload() -> dict[str, Any]:
    return {
        "code": "telecom_revenue",
        "name_zh": "电信业务收入",
        "name_en": "Telecom revenue",
        "unit": "万亿元",
        "kind": "figure",
        "description": "",
    }


def value_payload() -> dict[str, Any]:
    return {
        "indicator": IndicatorFactory(code="digital_economy_over_1t", kind="flag", unit="").pk,
        "province": ProvinceFactory(code="44", name_zh="广东", name_en="Guangdong").pk,
        "period_start": "2021-01-01",
        "period_precision": "year",
        "value": "1",
        "unit": "",
        "confidence": "confirmed",
        "source": SourceFactory().pk,
        "locator": "二、（一）3.",
        "quote": "2021年有16个省市区数字经济规模突破1万亿元",
        "notes": "",
    }


def rate_payload() -> dict[str, Any]:
    return {
        "currency": "USD",
        "rate_on": "2025-06-03",
        "cny_per_unit": "7.1883",
        "source": SourceFactory().pk,
        "locator": "",
        "notes": "",
    }


class TestContextAdminContract(AdminContract):
    cases = [
        (Indicator, IndicatorFactory, indicator_payload, {"code": "telecom_revenue"}),
        (IndicatorValue, IndicatorValueFactory, value_payload, {"province__code": "44"}),
        (ExchangeRate, ExchangeRateFactory, rate_payload, {"rate_on": "2025-06-03"}),
    ]


def change_form(row: IndicatorValue, **changes: Any) -> dict[str, Any]:
    return {
        "indicator": row.indicator_id,
        "province": "",
        "period_start": row.period_start.isoformat(),
        "period_precision": row.period_precision,
        "value": str(row.value),
        "unit": row.unit,
        "confidence": row.confidence,
        "source": row.source_id,
        "locator": row.locator,
        "quote": "",
        "notes": "",
        "based_on_version": row.version,
        **changes,
    }


@pytest.mark.django_db
def test_an_admin_edit_opened_on_an_older_version_is_refused_on_the_form(client, analyst):
    row = IndicatorValueFactory()
    stale = change_form(row, value="1.5")
    client.force_login(analyst)
    assert client.post(admin_url(IndicatorValue, "change", row.pk), change_form(row, value="1.48")).status_code == 302

    response = client.post(admin_url(IndicatorValue, "change", row.pk), stale)

    assert response.status_code == 200
    assert "Someone changed this indicator value since you opened it" in response.content.decode()
    assert IndicatorValue.objects.get(pk=row.pk).value == Decimal("1.48")


@pytest.mark.django_db
def test_the_admin_refuses_a_flag_value_other_than_one_in_the_api_s_words(client, analyst):
    payload = value_payload()
    payload["value"] = "2"
    client.force_login(analyst)

    response = client.post(admin_url(IndicatorValue, "add"), payload)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["value"] == [
        "A flag's value is 1: the region is on the source's list."
    ]
    assert not IndicatorValue.objects.exists()
