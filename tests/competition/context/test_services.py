"""Writes of indicator values and rates: audited, versioned, a stale edit refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from competition.context import services
from competition.context.models import ExchangeRate, IndicatorValue
from core.services import StaleVersion
from tests.factories import AnalystFactory, ExchangeRateFactory, IndicatorValueFactory

pytestmark = pytest.mark.django_db


def test_an_update_raises_the_version_and_names_the_analyst_in_the_history():
    analyst = AnalystFactory()
    value = IndicatorValueFactory()

    services.versioned_update(instance=value, changes={"value": Decimal("1.48")}, actor=analyst, version=1)

    stored = IndicatorValue.objects.get(pk=value.pk)
    assert (stored.value, stored.version) == (Decimal("1.4800"), 2)
    assert stored.history.first().history_user == analyst


def test_an_edit_based_on_an_older_version_is_refused_and_writes_nothing():
    value = IndicatorValueFactory()
    services.versioned_update(instance=value, changes={"value": Decimal("1.48")}, actor=AnalystFactory(), version=1)

    with pytest.raises(StaleVersion):
        services.versioned_update(instance=value, changes={"value": Decimal("9")}, actor=AnalystFactory(), version=1)

    assert IndicatorValue.objects.get(pk=value.pk).value == Decimal("1.48")


def test_a_stale_delete_of_a_rate_is_refused():
    rate = ExchangeRateFactory()
    services.versioned_update(instance=rate, changes={"notes": "checked"}, actor=AnalystFactory(), version=1)

    with pytest.raises(StaleVersion):
        services.versioned_delete(instance=rate, actor=AnalystFactory(), version=1)

    assert ExchangeRate.objects.filter(pk=rate.pk).exists()


def test_a_create_starts_at_version_one_audited():
    analyst = AnalystFactory()
    template = ExchangeRateFactory.build()
    template.source.save()

    rate = services.exchange_rate_create(
        actor=analyst, currency="EUR", rate_on=template.rate_on, cny_per_unit=Decimal("7.8"), source=template.source
    )

    assert rate.version == 1
    assert rate.history.get().history_user == analyst
