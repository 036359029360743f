"""Reads of the analyser: the market a draft set is measured against, the rank sensitivity table, saved sets.

The market is `benchmark_input_frame(on=as_of)` (the tiers in effect that day, plans/periods.py),
narrowed in SQL to the drafts' validity buckets and the provinces their baskets are compared in,
so the cost follows what is shown rather than the whole history of tiers.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from competition.analyser import stored_market
from competition.analyser.models import DraftSet
from competition.analyser.validation import AnalyserInput, Draft
from competition.benchmarks import analytics, inputs, selectors
from plans import pricing

_TIER_COLUMNS = [
    "tier_id",
    "plan_id",
    "province_code",
    "operator_code",
    "branch_name_zh",
    "plan_name_zh",
    "validity_days",
]


def include_promotional() -> bool:
    """The stored benchmarks' promotional rule, so the analyser's market is theirs."""
    return bool(getattr(settings, "BENCHMARK_INCLUDE_PROMOTIONAL", False))


def basket_profiles() -> tuple[analytics.BasketProfile, ...]:
    return analytics.BenchmarkParameters().baskets


@dataclass
class DraftAnswer:
    draft: Draft
    position: dict[str, Any]


@dataclass
class AnalyserResult:
    as_of: datetime.date
    province: str
    answers: list[DraftAnswer] = field(default_factory=list)
    profiles: tuple[analytics.BasketProfile, ...] = ()


def drafts_analyse(*, analyser_input: AnalyserInput) -> AnalyserResult:
    """Where each draft would land in the market of `as_of` (default today); the market is never changed."""
    as_of = analyser_input.as_of or timezone.localdate()
    drafts = analyser_input.drafts
    basket_provinces = [analyser_input.province or draft.province or None for draft in drafts]
    frame = _drafts_frame(drafts)
    profiles = basket_profiles()
    stored = stored_market.stored_market_run(as_of=as_of, include_promotional=include_promotional(), profiles=profiles)
    if stored is not None:
        # The run holds the day's market: a few index reads (stored_market), the same answers.
        run, summaries = stored
        positions = analytics.drafts_position_from_markets(
            frame,
            stored_market.metric_markets(
                run=run,
                summaries=summaries,
                drafts=analytics.drafts_values(frame),
                include_promotional=include_promotional(),
            ),
            basket_provinces=basket_provinces,
            basket_options=stored_market.basket_options(run=run, provinces=basket_provinces, profiles=profiles),
            profiles=profiles,
        )
    else:
        positions = _drafts_position_from_tiers(as_of, frame, basket_provinces, profiles)
    return AnalyserResult(
        as_of=as_of,
        province=analyser_input.province,
        answers=[
            DraftAnswer(draft=draft, position=position) for draft, position in zip(drafts, positions, strict=True)
        ],
        profiles=profiles,
    )


def _drafts_position_from_tiers(
    as_of: datetime.date,
    frame: pd.DataFrame,
    basket_provinces: list[str | None],
    profiles: tuple[analytics.BasketProfile, ...],
) -> list[dict[str, Any]]:
    """The reference: the drafts against the tiers in effect on `as_of`, read and computed whole."""
    where = Q()
    for label in sorted({pricing.validity_bucket(int(days)) for days in frame["validity_days"].tolist()}):
        where |= inputs.bucket_where(label)
    if None in basket_provinces:
        where = Q()  # a basket against the whole market needs every tier in effect
    else:
        where |= Q(plan__branch__province__code__in=sorted({code for code in basket_provinces if code}))
    market = inputs.benchmark_input_frame(on=as_of, where=where or None)
    return analytics.drafts_position_compute(
        market,
        frame,
        basket_provinces=basket_provinces,
        profiles=profiles,
        include_promotional=include_promotional(),
    )


def _drafts_frame(drafts: list[Draft]) -> pd.DataFrame:
    """The drafts as an input frame, numbered 1..n by tier id."""
    return analytics.tiers_frame(
        {
            "tier_id": number,
            "price_cny": draft.price_cny,
            "data_gb": draft.data_gb,
            "validity_days": draft.validity_days,
            "data_unlimited": draft.data_unlimited,
            "domestic_voice_min": draft.domestic_voice_min,
            "intl_voice_min": draft.intl_voice_min,
            "province_code": draft.province,
            "operator_code": draft.operator,
        }
        for number, draft in enumerate(drafts, start=1)
    )


@dataclass
class Sensitivity:
    bucket: str
    as_of: datetime.date
    metrics: list[str]
    rows: list[dict[str, Any]]
    profiles: tuple[analytics.BasketProfile, ...]


def rank_sensitivity(*, bucket: str, as_of: datetime.date | None = None) -> Sensitivity:
    """Every tier of a bucket in effect on `as_of` (default today) with its rank under each metric, by spread."""
    selectors.bucket_validate(bucket)
    as_of = as_of or timezone.localdate()
    market = inputs.benchmark_input_frame(on=as_of, where=inputs.bucket_where(bucket))
    profiles = basket_profiles()
    frame, metrics = analytics.rank_sensitivity_compute(
        market, profiles=profiles, include_promotional=include_promotional()
    )
    # Whole columns to Python values at once (ints, None for a missing rank): per-cell conversion would dominate.
    ranks = {name: frame[name].to_numpy(dtype=object, na_value=None).tolist() for name in [*metrics, "rank_spread"]}
    prices = [analytics.minor_to_decimal(int(cents)) for cents in frame["price_cents"].tolist()]
    rows = []
    for index, record in enumerate(frame[_TIER_COLUMNS].to_dict("records")):
        rows.append(
            {
                **record,
                "tier_id": int(record["tier_id"]),
                "plan_id": int(record["plan_id"]),
                "validity_days": int(record["validity_days"]),
                "price_cny": prices[index],
                "ranks": {name: ranks[name][index] for name in metrics},
                "rank_spread": ranks["rank_spread"][index],
            }
        )
    return Sensitivity(bucket=bucket, as_of=as_of, metrics=metrics, rows=rows, profiles=profiles)


# --------------------------------------------------------------------------- saved draft sets


def draft_set_list(*, owner: AbstractBaseUser) -> QuerySet[DraftSet]:
    """The user's own draft sets, by name."""
    return DraftSet.objects.filter(owner_id=owner.pk).select_related("owner", "province").order_by("name", "id")


def draft_set_shared(*, token: uuid.UUID | str) -> DraftSet | None:
    """The draft set a share link names (any logged-in user may read it), or None."""
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        return None
    return DraftSet.objects.select_related("owner", "province").filter(share_token=token).first()
