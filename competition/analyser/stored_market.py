"""The analyser's market read from a stored benchmark run: a few index range reads, not the bucket's tiers.

A run's rows are the tiers in effect on its day with their exact prices and stored per-GB ranks,
and its bucket summaries and basket costs hold the rest, so a draft's answer needs only:

- the bucket summary: sample counts and the exact medians (computed with the run, analytics.tables);
- per metric, every market tier in the rounded "bands" next to the draft's value: its own cents and
  the nearest cents below and above that the market holds (partial indexes on (run, bucket, value),
  so each band is an index range), one row per (price, data) or (price, validity) pair with how
  many tiers it stands for;
- per GB, the stored rank of the first tier at or above the draft (1 + the tiers strictly cheaper,
  so the draft's rank too); per day, the summary's tiers per rounded value, which also name the
  bands beside the draft's;
- each profile's cheapest stored basket cost in the province (or the market).

The arithmetic on those slices (exact comparison in the draft's own band, neighbours, index) is
analytics.drafts; `analytics.drafts_position_compute` over the tiers stays the reference it equals.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count, Min, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from competition.benchmarks import analytics, selectors
from competition.benchmarks.analytics.drafts import (
    NEIGHBOUR_COLUMNS,
    DraftValues,
    MarketValue,
    MetricMarket,
    bands_beside,
    metric_market_from_bands,
)
from competition.benchmarks.analytics.exact import fraction_round_half_up
from competition.benchmarks.models import BenchmarkBasketCost, BenchmarkBucketSummary, BenchmarkRow, BenchmarkRun

# Per metric: the stored rounded value (its partial index) and the column its exact value divides the price by.
_PER_GB = ("price_per_gb_cny", "data_gb")
_PER_DAY = ("price_per_day_cny", "validity_days")


def stored_market_run(
    *, as_of: datetime.date, include_promotional: bool, profiles: tuple[analytics.BasketProfile, ...]
) -> tuple[BenchmarkRun, dict[str, BenchmarkBucketSummary]] | None:
    """The run that holds the market of `as_of` as the analyser measures it, with its summaries; None if none does.

    Today's market is the latest run (as every page reads it, competition.benchmarks.as_of); another
    day's is that day's as-of run when one is stored. The run must be of today's methodology and of
    the analyser's parameters (promotional rule, baskets) and carry the stored medians; otherwise
    the analyser reads the tiers.
    """
    if as_of >= timezone.localdate():
        runs = selectors.benchmark_runs_latest_first()
    else:
        runs = BenchmarkRun.objects.filter(as_of=as_of, status=BenchmarkRun.Status.COMPLETE).order_by(
            "-computed_at", "-id"
        )
    # The run with its summaries in one query.
    summaries = {
        summary.bucket: summary
        for summary in BenchmarkBucketSummary.objects.select_related("run").filter(run=Subquery(runs.values("id")[:1]))
    }
    if not summaries:
        return None
    run = next(iter(summaries.values())).run
    parameters = analytics.BenchmarkParameters(include_promotional=include_promotional, baskets=profiles)
    if run.methodology_version != analytics.METHODOLOGY_VERSION or run.parameters != parameters.as_dict():
        return None
    if any(summary.day_sample_count is None for summary in summaries.values()):
        return None  # stored before the medians were
    return run, summaries


def metric_markets(
    *,
    run: BenchmarkRun,
    summaries: dict[str, BenchmarkBucketSummary],
    drafts: Sequence[DraftValues],
    include_promotional: bool,
) -> list[tuple[MetricMarket, MetricMarket]]:
    """Each draft's (per GB, per day) market in the run: three queries whatever the number of drafts or tiers."""
    per_gb_bands: list[tuple[str, Any, Any]] = []
    for draft in drafts:
        if draft.per_gb_cents is None:
            continue
        value = _cny(draft.per_gb_cents)
        # The nearest rounded values the market holds below and above the draft's: index seeks.
        ranked = BenchmarkRow.objects.filter(_eligible(run, draft.bucket, None))
        lower = ranked.filter(price_per_gb_cny__lt=value).order_by("-price_per_gb_cny")
        upper = ranked.filter(price_per_gb_cny__gt=value).order_by("price_per_gb_cny")
        per_gb_bands.append(
            (
                draft.bucket,
                Coalesce(Subquery(lower.values("price_per_gb_cny")[:1]), Value(value)),
                Coalesce(Subquery(upper.values("price_per_gb_cny")[:1]), Value(value)),
            )
        )
    per_day_bands: list[tuple[str, Any, Any]] = []
    below_per_day = []
    for draft in drafts:
        summary = summaries.get(draft.bucket)
        # Per day the summary's value counts say how many round below and which values are beside.
        below, lower_cents, upper_cents = bands_beside(summary.day_value_counts if summary else [], draft.per_day_cents)
        below_per_day.append(below)
        lowest = draft.per_day_cents if lower_cents is None else lower_cents
        highest = draft.per_day_cents if upper_cents is None else upper_cents
        per_day_bands.append((draft.bucket, _cny(lowest), _cny(highest)))
    per_gb_rows = _band_rows(run, _PER_GB, per_gb_bands, None)
    per_day_rows = _band_rows(run, _PER_DAY, per_day_bands, include_promotional)
    markets = []
    for number, draft in enumerate(drafts):
        summary = summaries.get(draft.bucket)
        per_gb = metric_market_from_bands(
            draft.per_gb,
            sample_count=summary.sample_count if summary else 0,
            median=_fraction(summary.median_per_gb_exact if summary else ""),
            below_count=None,
            band=_band(per_gb_rows, draft.bucket, draft.per_gb_cents),
        )
        per_day = metric_market_from_bands(
            draft.per_day,
            sample_count=(summary.day_sample_count or 0) if summary else 0,
            median=_fraction(summary.median_per_day_exact if summary else ""),
            below_count=below_per_day[number],
            band=_band(per_day_rows, draft.bucket, draft.per_day_cents),
        )
        markets.append((per_gb, per_day))
    return _with_tier_fields(run, markets, drafts, include_promotional)


def _eligible(run: BenchmarkRun, bucket: str, include_promotional: bool | None) -> Q:
    """The rows a metric ranks, in the terms of its partial index (None: per GB, the stored ranked rows)."""
    where = Q(run=run, bucket=bucket)
    if include_promotional is None:
        return where & Q(rank__isnull=False)
    where &= Q(price_qualifier="exact")
    return where if include_promotional else where & Q(is_promotional=False)


def _band_rows(
    run: BenchmarkRun,
    metric: tuple[str, str],
    bands: list[tuple[str, Any, Any]],
    include_promotional: bool | None,
) -> dict[str, list[tuple[Decimal, MarketValue]]]:
    """Per bucket, the market tiers from the band below a draft's to the band above it (both the nearest
    the market holds, so nothing lies between): one row per exact-value pair, counted."""
    column, denominator = metric
    where = Q()
    # A range per draft: always an index condition, whatever the statistics of a fresh run say (an OR
    # of equalities may be planned as a filter over the whole bucket).
    for bucket, lowest, highest in bands:
        where |= _eligible(run, bucket, include_promotional) & Q(
            **{f"{column}__gte": lowest, f"{column}__lte": highest}
        )
    if not where:
        return {}
    rows = (
        BenchmarkRow.objects.filter(where)
        .values("bucket", column, "price_cny", denominator)
        .annotate(pair_count=Count("id"), first_tier=Min("tier_id"), pair_rank=Min("rank"))
        .order_by()
    )
    found: dict[str, list[tuple[Decimal, MarketValue]]] = {}
    for row in rows:
        price_cents = int(row["price_cny"] * 100)
        if denominator == "data_gb":
            value = Fraction(price_cents * 10, int(row["data_gb"] * 1000))
        else:
            value = Fraction(price_cents, int(row["validity_days"]) * 100)
        # The pair's lowest tier id stands for it (one price: the neighbours' rule); its fields come later.
        tier = {"tier_id": int(row["first_tier"])}
        item = MarketValue(value, price_cents, tier, int(row["pair_count"]), row["pair_rank"])
        found.setdefault(str(row["bucket"]), []).append((row[column], item))
    return found


def _with_tier_fields(
    run: BenchmarkRun,
    markets: list[tuple[MetricMarket, MetricMarket]],
    drafts: Sequence[DraftValues],
    include_promotional: bool,
) -> list[tuple[MetricMarket, MetricMarket]]:
    """The markets with their neighbours' tier fields, read in one query (only the neighbours' rows)."""
    wanted = Q()
    modes = ((_PER_GB[0], None), (_PER_DAY[0], include_promotional))
    for draft, pair in zip(drafts, markets, strict=True):
        for (column, promotional), market in zip(modes, pair, strict=True):
            for neighbour in (market.cheaper, market.dearer):
                if neighbour is not None:
                    rounded = _cny(fraction_round_half_up(neighbour.value))
                    # gte/lte rather than an equality: see _band_rows.
                    wanted |= _eligible(run, draft.bucket, promotional) & Q(
                        **{f"{column}__gte": rounded, f"{column}__lte": rounded},
                        tier_id=neighbour.tier["tier_id"],
                    )
    if not wanted:
        return markets
    fields = {
        (row["bucket"], row["tier_id"]): {name: row[name] for name in NEIGHBOUR_COLUMNS}
        for row in BenchmarkRow.objects.filter(wanted).order_by().values("bucket", *NEIGHBOUR_COLUMNS)
    }

    def filled(market: MetricMarket, bucket: str) -> MetricMarket:
        def tier(neighbour: MarketValue | None) -> MarketValue | None:
            if neighbour is None:
                return None
            return dataclasses.replace(neighbour, tier=fields[bucket, neighbour.tier["tier_id"]])

        return dataclasses.replace(market, cheaper=tier(market.cheaper), dearer=tier(market.dearer))

    return [
        (filled(per_gb, draft.bucket), filled(per_day, draft.bucket))
        for draft, (per_gb, per_day) in zip(drafts, markets, strict=True)
    ]


def _band(rows: dict[str, list[tuple[Decimal, MarketValue]]], bucket: str, cents: int | None) -> list[MarketValue]:
    """Of a bucket's band rows (several probes' bands), those of the draft's band and the nearest ones beside it.

    The nearest band below the draft's cents that the market holds is below every other probe's
    band row under those cents, so the largest rounded value read under them is it (likewise above).
    """
    if cents is None:
        return []
    value = _cny(cents)
    here = rows.get(bucket, [])
    lower = max((rounded for rounded, _ in here if rounded < value), default=None)
    upper = min((rounded for rounded, _ in here if rounded > value), default=None)
    return [item for rounded, item in here if rounded in {value, lower, upper}]


def basket_options(
    *, run: BenchmarkRun, provinces: Sequence[str | None], profiles: tuple[analytics.BasketProfile, ...]
) -> dict[str | None, dict[str, dict[str, Any] | None]]:
    """Per basket province (None: the whole market), each profile's cheapest stored cost (then lowest tier id)."""
    costs: QuerySet[BenchmarkBasketCost] = BenchmarkBasketCost.objects.filter(
        run=run, profile__in=[profile.slug for profile in profiles]
    )
    if None not in provinces:
        costs = costs.filter(province_code__in=sorted({code for code in provinces if code}))
    records = list(
        costs.order_by("cost_cny", "tier_id").values("profile", "cost_cny", "repeats", "price_cny", *NEIGHBOUR_COLUMNS)
    )
    options: dict[str | None, dict[str, dict[str, Any] | None]] = {}
    for province in set(provinces):
        chosen: dict[str, dict[str, Any] | None] = {profile.slug: None for profile in profiles}
        for record in records:
            if chosen[record["profile"]] is None and (province is None or record["province_code"] == province):
                chosen[record["profile"]] = {
                    **{name: record[name] for name in NEIGHBOUR_COLUMNS},
                    "price_cents": int(record["price_cny"] * 100),
                    "cost_cents": int(record["cost_cny"] * 100),
                    "repeats": record["repeats"],
                }
        options[province] = chosen
    return options


def _cny(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def _fraction(text: str) -> Fraction | None:
    return Fraction(text) if text else None
