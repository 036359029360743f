"""Two dated price changes on the real seed, and the clock moved to the days around them.

Seed 1-7 day market (ranked per GB): 浙江联通 1.67, 江西移动 畅行卡 2.33, 上海移动 熊猫卡 3.00,
北京移动 灵动卡 3.33, 深圳联通 4.39 -> median 3.00, min 1.67, max 4.39, five tiers.
From FIRST_CHANGE 熊猫卡 7 days costs 60 for 30 GB (2.00): median 2.33.
From SECOND_CHANGE 畅行卡 7 days costs 110 for 30 GB (3.67): median 3.33 (1.67, 2.00, 3.33, 3.67, 4.39).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import time_machine
from django.utils import timezone

from plans.models import Tier

FIRST_CHANGE = datetime.date(2027, 1, 1)
SECOND_CHANGE = datetime.date(2027, 2, 1)
LATER = datetime.date(2027, 3, 15)


def shanghai_noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_default_timezone())


@contextmanager
def on(day: datetime.date) -> Iterator[None]:
    """Today is `day` (noon in Shanghai, settings.TIME_ZONE) inside the block."""
    with time_machine.travel(shanghai_noon(day), tick=False):
        yield


def price_change(*, plan_zh: str, validity_days: int, price: str, day: datetime.date) -> Tier:
    """The plan's tier of that validity ends on `day`; a new row with the new price starts on it (DOMAIN.md)."""
    old = Tier.objects.get(plan__name_zh=plan_zh, validity_days=validity_days)
    old.effective_to = day
    old.full_clean()
    old.save(update_fields=["effective_to"])
    new = Tier(
        plan=old.plan,
        validity_days=validity_days,
        price_cny=Decimal(price),
        data_gb=old.data_gb,
        domestic_voice_min=old.domestic_voice_min,
        intl_voice_min=old.intl_voice_min,
        intl_discount_cap_cny=old.intl_discount_cap_cny,
        effective_from=day,
        source=old.source,
    )
    new.full_clean()
    new.save()
    return new


def first_change() -> Tier:
    return price_change(plan_zh="熊猫卡", validity_days=7, price="60.00", day=FIRST_CHANGE)


def second_change() -> Tier:
    return price_change(plan_zh="畅行卡", validity_days=7, price="110.00", day=SECOND_CHANGE)
