"""Reads of the analyser: the market a draft set is measured against, the rank sensitivity table, saved sets.

The market is `benchmark_input_frame(on=as_of)` (the tiers in effect that day, plans/periods.py),
narrowed in SQL to the drafts' validity buckets and the provinces their baskets are compared in,
so the cost follows what is shown rather than the whole history of tiers.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import pandas as pd
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet, Subquery
from django.utils import timezone

from competition.analyser import sensitivity, stored_market
from competition.analyser.models import BenchmarkSensitivityBucket, BenchmarkSensitivityRow, DraftSet
from competition.analyser.validation import AnalyserInput, Draft
from competition.benchmarks import analytics, inputs, selectors
from plans import pricing

_TIER_COLUMNS = list(analytics.TIER_REFERENCE_COLUMNS)


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
    """A bucket's rank sensitivity: `rows` is a sequence (len, slices, iteration) in page order.

    `stored` says whether the rows are read from the stored table (a page costs what it shows) or
    were computed for this request (the run's table not ready, another day asked for).
    """

    bucket: str
    as_of: datetime.date
    metrics: list[str]
    rows: Sequence[dict[str, Any]]
    profiles: tuple[analytics.BasketProfile, ...]
    stored: bool = False

    @property
    def count(self) -> int:
        return len(self.rows)


def rank_sensitivity(*, bucket: str, as_of: datetime.date | None = None) -> Sensitivity:
    """Every tier of a bucket in effect on `as_of` (default today) with its rank under each metric, by spread.

    Today's is read from the latest run's stored rows when they are of its current revision
    (competition.analyser.sensitivity); otherwise, and for any other day, computed here with the
    same analytics. Both give the same rows in the same order.
    """
    selectors.bucket_validate(bucket)
    today = timezone.localdate()
    as_of = as_of or today
    profiles = basket_profiles()
    if as_of == today:
        stored = _stored_sensitivity(bucket=bucket, profiles=profiles)
        if stored is not None:
            return Sensitivity(
                bucket=bucket,
                as_of=as_of,
                metrics=stored.metrics,
                rows=stored,
                profiles=profiles,
                stored=True,
            )
    return rank_sensitivity_computed(bucket=bucket, as_of=as_of, profiles=profiles)


def rank_sensitivity_computed(
    *, bucket: str, as_of: datetime.date, profiles: tuple[analytics.BasketProfile, ...]
) -> Sensitivity:
    """The sensitivity computed from the tiers in effect on `as_of` (the whole bucket is read and ranked)."""
    market = inputs.benchmark_input_frame(on=as_of, where=inputs.bucket_where(bucket))
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


# The stored row's columns, in the order StoredSensitivityRows reads them.
_STORED_COLUMNS = (*_TIER_COLUMNS, "price_cny", "ranks", "rank_spread")
_STORED_CHUNK = 2000


class StoredSensitivityRows(Sequence[dict[str, Any]]):
    """A bucket's stored rows as a sequence: its length is the stored count, a slice one query by position.

    What the paginators (Django's, DRF's) and the CSV need: `len`, `rows[a:b]`, iteration (in chunks).
    """

    def __init__(self, *, run_id: int, bucket: str, count: int, metrics: list[str]) -> None:
        self.run_id, self.bucket, self.metrics = run_id, bucket, metrics
        self._count = count

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._count)
            if step != 1:
                return self[start:stop][::step]
            return self._between(start, stop) if start < stop else []
        position = index + self._count if index < 0 else index
        if not 0 <= position < self._count:
            raise IndexError(index)
        return self._between(position, position + 1)[0]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for start in range(0, self._count, _STORED_CHUNK):
            yield from self._between(start, min(start + _STORED_CHUNK, self._count))

    def _between(self, start: int, stop: int) -> list[dict[str, Any]]:
        rows = (
            BenchmarkSensitivityRow.objects.filter(
                run_id=self.run_id, bucket=self.bucket, position__gte=start, position__lt=stop
            )
            .order_by("position")
            .values_list(*_STORED_COLUMNS)
        )
        metrics = self.metrics
        tier_columns = len(_TIER_COLUMNS)
        return [
            {
                **dict(zip(_TIER_COLUMNS, row[:tier_columns], strict=True)),
                "price_cny": row[tier_columns],
                "ranks": dict(zip(metrics, row[tier_columns + 1], strict=True)),
                "rank_spread": row[tier_columns + 2],
            }
            for row in rows
        ]


def _stored_sensitivity(*, bucket: str, profiles: tuple[analytics.BasketProfile, ...]) -> StoredSensitivityRows | None:
    """The latest run's stored rows of `bucket`, when they are of its current revision and today's ranking rules."""
    latest = selectors.benchmark_runs_latest_first().values("id")[:1]
    marker = (
        BenchmarkSensitivityBucket.objects.select_related("run").filter(run_id=Subquery(latest), bucket=bucket).first()
    )
    if (
        marker is None
        or marker.revision != marker.run.revision
        or not sensitivity.sensitivity_run_current(marker.run)
        or marker.metrics != sensitivity.sensitivity_metrics(profiles)
        or marker.include_promotional != include_promotional()
    ):
        return None
    return StoredSensitivityRows(run_id=marker.run_id, bucket=bucket, count=marker.row_count, metrics=marker.metrics)


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
