"""The analyser's market read from a stored benchmark run: a few index range reads, not the bucket's tiers.

A run's rows are the tiers in effect on its day with their exact prices and stored per-GB ranks,
and its bucket summaries and basket costs hold the rest, so a draft's answer needs only:

- the bucket summary: sample counts and the exact medians (computed with the run, analytics.tables);
- per metric, every market tier in the rounded "bands" next to the draft's value: its own cents and
  the nearest cents below and above that the market holds, one row per (price, data) or (price,
  validity) pair with how many tiers it stands for: per GB the run's rows (a partial index on (run,
  bucket, per-GB value), so each band is an index range), per day its per-day prices
  (BenchmarkDayPrice, those pairs stored with the run);
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
from collections.abc import Callable, Sequence
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
from competition.benchmarks.models import (
    BenchmarkBasketCost,
    BenchmarkBucketSummary,
    BenchmarkDayPrice,
    BenchmarkRow,
    BenchmarkRun,
)


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
) -> list[tuple[MetricMarket, MetricMarket]]:
    """Each draft's (per GB, per day) market in the run (which counts prices by the analyser's promotional rule:
    `stored_market_run`): three queries whatever the number of drafts or tiers."""
    per_gb_bands: list[tuple[str, Any, Any]] = []
    for draft in drafts:
        if draft.per_gb_cents is None:
            continue
        value = _cny(draft.per_gb_cents)
        # The nearest rounded values the market holds below and above the draft's: index seeks.
        ranked = BenchmarkRow.objects.filter(_ranked(run, draft.bucket))
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
    per_gb_rows = _per_gb_band_rows(run, per_gb_bands)
    per_day_rows = _per_day_band_rows(run, per_day_bands)
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
    return _with_tier_fields(run, markets, drafts)


def _ranked(run: BenchmarkRun, bucket: str) -> Q:
    """The rows per GB ranks: the stored ranked rows, in the terms of its partial index."""
    return Q(run=run, bucket=bucket, rank__isnull=False)


def _band_where(bands: list[tuple[str, Any, Any]], column: str, bucket_where: Callable[[str], Q]) -> Q:
    """A range of `column` per draft's bucket: always an index condition, whatever the statistics of a fresh
    run say (an OR of equalities may be planned as a filter over the whole bucket)."""
    where = Q()
    for bucket, lowest, highest in bands:
        where |= bucket_where(bucket) & Q(**{f"{column}__gte": lowest, f"{column}__lte": highest})
    return where


def _per_gb_band_rows(
    run: BenchmarkRun, bands: list[tuple[str, Any, Any]]
) -> dict[str, list[tuple[Decimal, MarketValue]]]:
    """Per bucket, the ranked rows from the band below a draft's per-GB value to the band above it (both the
    nearest the market holds, so nothing lies between): one per (price, data) pair, counted."""
    where = _band_where(bands, "price_per_gb_cny", lambda bucket: _ranked(run, bucket))
    if not where:
        return {}
    rows = (
        BenchmarkRow.objects.filter(where)
        .values("bucket", "price_per_gb_cny", "price_cny", "data_gb")
        .annotate(pair_count=Count("id"), first_tier=Min("tier_id"), pair_rank=Min("rank"))
        .order_by()
    )
    found: dict[str, list[tuple[Decimal, MarketValue]]] = {}
    for row in rows:
        price_cents = int(row["price_cny"] * 100)
        value = Fraction(price_cents * 10, int(row["data_gb"] * 1000))
        # The pair's lowest tier id stands for it (one price: the neighbours' rule); its fields come later.
        tier = {"tier_id": int(row["first_tier"])}
        item = MarketValue(value, price_cents, tier, int(row["pair_count"]), row["pair_rank"])
        found.setdefault(str(row["bucket"]), []).append((row["price_per_gb_cny"], item))
    return found


def _per_day_band_rows(
    run: BenchmarkRun, bands: list[tuple[str, Any, Any]]
) -> dict[str, list[tuple[Decimal, MarketValue]]]:
    """Per bucket, the run's per-day prices from the band below a draft's per-day value to the band above it
    (the run counts prices per day by the analyser's rule: `stored_market_run`)."""
    where = _band_where(bands, "price_per_day_cny", lambda bucket: Q(run=run, bucket=bucket))
    if not where:
        return {}
    columns = ("bucket", "price_per_day_cny", "price_cny", "validity_days", "tier_count", "best_rank", "tier_id")
    pairs = BenchmarkDayPrice.objects.filter(where).order_by().values(*columns, "plan_id")
    found: dict[str, list[tuple[Decimal, MarketValue]]] = {}
    for pair in pairs:
        price_cents = int(pair["price_cny"] * 100)
        value = Fraction(price_cents, int(pair["validity_days"]) * 100)
        # The pair's lowest tier stands for it; its plan finds its row, with its fields, later.
        tier = {"tier_id": int(pair["tier_id"]), "plan_id": int(pair["plan_id"])}
        item = MarketValue(value, price_cents, tier, int(pair["tier_count"]), pair["best_rank"])
        found.setdefault(str(pair["bucket"]), []).append((pair["price_per_day_cny"], item))
    return found


def _with_tier_fields(
    run: BenchmarkRun,
    markets: list[tuple[MetricMarket, MetricMarket]],
    drafts: Sequence[DraftValues],
) -> list[tuple[MetricMarket, MetricMarket]]:
    """The markets with their neighbours' tier fields, read in one query (only the neighbours' rows): per GB by
    the band's index range, per day by the tier's plan (the (run, plan) index)."""
    wanted = Q()
    for draft, (per_gb, per_day) in zip(drafts, markets, strict=True):
        for neighbour in (per_gb.cheaper, per_gb.dearer):
            if neighbour is not None:
                rounded = _cny(fraction_round_half_up(neighbour.value))
                # gte/lte rather than an equality: see _band_where.
                wanted |= _ranked(run, draft.bucket) & Q(
                    price_per_gb_cny__gte=rounded, price_per_gb_cny__lte=rounded, tier_id=neighbour.tier["tier_id"]
                )
        for neighbour in (per_day.cheaper, per_day.dearer):
            if neighbour is not None:
                wanted |= Q(run=run, plan_id=neighbour.tier["plan_id"], tier_id=neighbour.tier["tier_id"])
    if not wanted:
        return markets
    # A tier is in one bucket of a run: its id names its row.
    fields = {
        row["tier_id"]: {name: row[name] for name in NEIGHBOUR_COLUMNS}
        for row in BenchmarkRow.objects.filter(wanted).order_by().values(*NEIGHBOUR_COLUMNS)
    }

    def tier(neighbour: MarketValue | None) -> MarketValue | None:
        return None if neighbour is None else dataclasses.replace(neighbour, tier=fields[neighbour.tier["tier_id"]])

    def filled(market: MetricMarket) -> MetricMarket:
        return dataclasses.replace(market, cheaper=tier(market.cheaper), dearer=tier(market.dearer))

    return [(filled(per_gb), filled(per_day)) for per_gb, per_day in markets]


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
