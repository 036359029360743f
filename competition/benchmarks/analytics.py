"""Benchmark analytics: DOMAIN.md's formulas over DataFrames. Pure functions, no ORM, no I/O.

Exactness. Money arrives as integer cents (`price_cents`) and data as integer milli-GB
(`data_mgb`), so every figure here is a ratio of two integers:

    price_per_gb  = price / data_gb      = 10 * price_cents / data_mgb          CNY
    price_per_day = price / validity     = price_cents / validity_days / 100    CNY

Ranks and tie-sharing compare those ratios exactly (reduced fractions, with a Fraction
fallback where two different ratios round to the same float), medians are exact
Fractions, and every displayed figure is rounded half-up to cents in integer arithmetic
(`pricing.round_cny`'s rule), so "3.33" here is the same "3.33" the Decimal helpers give.
Validity buckets come from `plans.pricing.VALIDITY_BUCKETS`.

The entry point is `benchmarks_compute(tiers, parameters=...)`; the service feeds it the
selector's frame and stores the `BenchmarkResult`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, overload

import numpy as np
import pandas as pd

from plans.pricing import BUCKET_LABELS, VALIDITY_BUCKETS, PerGbUndefined

# Bump when a formula, an eligibility rule or a basket changes, so stored runs say how they were made.
METHODOLOGY_VERSION = "1.0"

# The input contract: one row per current tier. Text columns are categoricals to keep 1M rows small.
INPUT_DTYPES: dict[str, str] = {
    "tier_id": "int64",
    "plan_id": "int64",
    "branch_id": "int64",
    "operator_code": "category",
    "province_code": "category",
    "branch_name_zh": "category",
    "plan_name_zh": "category",
    "plan_name_en": "category",
    "validity_days": "int64",
    "price_cents": "int64",
    "data_mgb": "Int64",
    "data_unlimited": "bool",
    "domestic_voice_min": "Int64",
    "intl_voice_min": "Int64",
    "is_promotional": "bool",
    "confidence": "category",
}
INPUT_COLUMNS: tuple[str, ...] = tuple(INPUT_DTYPES)

METRICS: tuple[str, ...] = ("per_gb", "per_day", "per_30_days")

# Past this, int64 products could overflow; such arrays are computed on Python ints instead.
_INT64_SAFE = 2**62


@dataclass(frozen=True)
class BasketProfile:
    """A visitor's usage over a stay (after the ITU ICT Price Basket / OECD baskets)."""

    slug: str
    name: str
    days: int
    data_gb: Decimal
    domestic_min: int
    intl_min: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "name": self.name,
            "days": self.days,
            "data_gb": str(self.data_gb),
            "domestic_min": self.domestic_min,
            "intl_min": self.intl_min,
        }


DEFAULT_BASKETS: tuple[BasketProfile, ...] = (
    BasketProfile("week-light", "7 days, 5 GB, 30 domestic min, 10 international min", 7, Decimal("5"), 30, 10),
    BasketProfile("week-data", "7 days, 20 GB, 30 domestic min, no international calls", 7, Decimal("20"), 30, 0),
    BasketProfile("fortnight", "15 days, 30 GB, 100 domestic min, 30 international min", 15, Decimal("30"), 100, 30),
    BasketProfile("month", "30 days, 50 GB, 200 domestic min, 60 international min", 30, Decimal("50"), 200, 60),
)


@dataclass(frozen=True)
class BenchmarkParameters:
    """What a run was asked to do; stored with the run."""

    include_promotional: bool = False
    baskets: tuple[BasketProfile, ...] = DEFAULT_BASKETS

    def as_dict(self) -> dict[str, Any]:
        return {
            "include_promotional": self.include_promotional,
            "baskets": [profile.as_dict() for profile in self.baskets],
        }


@dataclass
class BenchmarkResult:
    """Everything one run computes. Money columns are integer cents, the index integer hundredths."""

    rows: pd.DataFrame
    summaries: pd.DataFrame
    matrix: pd.DataFrame
    baskets: pd.DataFrame
    fingerprint: str
    parameters: BenchmarkParameters = field(default_factory=BenchmarkParameters)


# --------------------------------------------------------------------------- input


def _to_minor(value: Any, places: int, column: str) -> int | None:
    """A Decimal-like amount as an integer count of 10**-places units; refuses to round silently."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    scaled = Decimal(str(value)).scaleb(places)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{column}={value} has more than {places} decimal places")
    return int(scaled)


def tiers_frame(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The input frame from plain rows that give `price_cny` / `data_gb` as Decimals (or strings).

    Rows may instead give `price_cents` / `data_mgb`. Missing optional fields take neutral
    defaults (confirmed, not promotional, voice unknown), which keeps hand-built test data short.
    """
    prepared: list[dict[str, Any]] = []
    for number, record in enumerate(records, start=1):
        row = dict(record)
        if "price_cents" not in row:
            row["price_cents"] = _to_minor(row.pop("price_cny"), 2, "price_cny")
        if "data_mgb" not in row:
            row["data_mgb"] = _to_minor(row.pop("data_gb", None), 3, "data_gb")
        row.setdefault("tier_id", number)
        row.setdefault("plan_id", row["tier_id"])
        row.setdefault("branch_id", row["plan_id"])
        row.setdefault("operator_code", "")
        row.setdefault("province_code", "")
        row.setdefault("branch_name_zh", "")
        row.setdefault("plan_name_zh", "")
        row.setdefault("plan_name_en", "")
        row.setdefault("data_unlimited", False)
        row.setdefault("domestic_voice_min", None)
        row.setdefault("intl_voice_min", None)
        row.setdefault("is_promotional", False)
        row.setdefault("confidence", "confirmed")
        prepared.append(row)
    return normalise_input(pd.DataFrame(prepared, columns=list(INPUT_COLUMNS)))


def normalise_input(frame: pd.DataFrame) -> pd.DataFrame:
    """The contract's columns in the contract's dtypes, ordered by tier id (the fingerprint needs one order)."""
    missing = set(INPUT_COLUMNS) - set(frame.columns)
    if missing:
        raise ValueError(f"input frame lacks columns: {', '.join(sorted(missing))}")
    frame = frame.loc[:, list(INPUT_COLUMNS)]
    converted = {}
    for column, dtype in INPUT_DTYPES.items():
        series = frame[column]
        if dtype == "category":
            series = series.fillna("").astype(str).astype("category")
        elif dtype == "bool":
            series = series.fillna(False).astype(bool)
        else:
            series = series.astype(dtype)
        converted[column] = series
    out = pd.DataFrame(converted)
    return out.sort_values("tier_id", kind="stable").reset_index(drop=True)


def input_fingerprint(tiers: pd.DataFrame) -> str:
    """SHA-256 over the input rows (their values, in tier order): equal inputs, equal fingerprints."""
    digest = hashlib.sha256(METHODOLOGY_VERSION.encode())
    digest.update(",".join(INPUT_COLUMNS).encode())
    if len(tiers):
        hashed = pd.util.hash_pandas_object(tiers.loc[:, list(INPUT_COLUMNS)], index=False, categorize=False)
        digest.update(hashed.to_numpy().tobytes())
    return digest.hexdigest()


# --------------------------------------------------------------------------- exact integer helpers


def _scale(values: np.ndarray, factor: int) -> np.ndarray:
    """values * factor, on int64 while that cannot overflow, else on Python ints."""
    if values.size and values.dtype != object and int(np.abs(values).max()) * abs(factor) < _INT64_SAFE:
        return values * np.int64(factor)
    return values.astype(object) * factor


def div_round_half_up(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """round(numerator / denominator) half-up, exactly, for non-negative integers (int64 result)."""
    numerator = np.asarray(numerator)
    denominator = np.asarray(denominator)
    if numerator.size == 0:
        return np.zeros(0, dtype=np.int64)
    fits = (
        numerator.dtype != object
        and denominator.dtype != object
        and int(numerator.max()) * 2 + int(denominator.max()) < _INT64_SAFE
        and int(denominator.max()) * 2 < _INT64_SAFE
    )
    if not fits:
        numerator = numerator.astype(object)
        denominator = denominator.astype(object)
    return ((2 * numerator + denominator) // (2 * denominator)).astype(np.int64)


def fraction_round_half_up(value: Fraction, places: int = 2) -> int:
    """An exact Fraction as a count of 10**-places units, half-up (what `round_cny` does to a Decimal)."""
    scaled = value * 10**places
    return int((2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator))


@overload
def minor_to_decimal(value: int, places: int = 2) -> Decimal: ...
@overload
def minor_to_decimal(value: int | None, places: int = 2) -> Decimal | None: ...
def minor_to_decimal(value: int | None, places: int = 2) -> Decimal | None:
    """Integer cents (or hundredths) as a Decimal with `places` places, None stays None."""
    if value is None or value is pd.NA:
        return None
    return Decimal(int(value)).scaleb(-places)


def exact_order_key(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """A dense int64 key that orders the fractions numerator/denominator exactly; equal fractions share a key.

    Floats order almost everything; reduced fractions tell true ties from values that merely round
    to the same float, and those rare collisions are ordered with Python Fractions.
    """
    count = len(numerator)
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    gcd = np.gcd(numerator, denominator)
    gcd[gcd == 0] = 1
    num = numerator // gcd
    den = denominator // gcd
    approx = num / den
    order = np.lexsort((den, num, approx))
    s_num, s_den, s_approx = num[order], den[order], approx[order]
    new_pair = np.ones(count, dtype=bool)
    new_pair[1:] = (s_num[1:] != s_num[:-1]) | (s_den[1:] != s_den[:-1])
    new_float = np.ones(count, dtype=bool)
    new_float[1:] = s_approx[1:] != s_approx[:-1]
    if np.any(new_pair & ~new_float):
        # Two different fractions share a float: order everything exactly (slow, and practically never needed).
        exact = [Fraction(int(a), int(b)) for a, b in zip(num, den, strict=True)]
        ranks = pd.Series(exact, dtype=object).rank(method="dense").to_numpy()
        return ranks.astype(np.int64) - 1
    key = np.empty(count, dtype=np.int64)
    key[order] = np.cumsum(new_pair) - 1
    return key


# --------------------------------------------------------------------------- per-tier figures


def validity_buckets(validity_days: pd.Series) -> pd.Series:
    """Each validity's bucket label (1-7, 8-14, 15-29, 30+) as an ordered categorical."""
    days = validity_days.to_numpy()
    conditions = [
        (days >= first) & (days <= (last if last is not None else np.iinfo(np.int64).max))
        for _, first, last in VALIDITY_BUCKETS
    ]
    labels = np.select(conditions, list(BUCKET_LABELS), default="")
    if (labels == "").any():
        raise ValueError("validity_days must be at least 1")
    return pd.Series(pd.Categorical(labels, categories=list(BUCKET_LABELS), ordered=True), index=validity_days.index)


def unit_prices(tiers: pd.DataFrame) -> pd.DataFrame:
    """Add bucket, per-GB (with its exact fraction and undefined reason), per-day and per-30-days columns."""
    out = tiers.copy()
    out["bucket"] = validity_buckets(out["validity_days"])
    price = out["price_cents"].to_numpy(dtype=np.int64)
    days = out["validity_days"].to_numpy(dtype=np.int64)
    data = out["data_mgb"]
    unlimited = out["data_unlimited"].to_numpy(dtype=bool)
    unknown = data.isna().to_numpy()
    data_values = data.fillna(0).to_numpy(dtype=np.int64)
    zero = ~unknown & (data_values == 0)
    # The order of the checks follows pricing.price_per_gb: unlimited, then unknown, then zero.
    reason = np.select(
        [unlimited, unknown, zero],
        [PerGbUndefined.DATA_UNLIMITED.value, PerGbUndefined.DATA_UNKNOWN.value, PerGbUndefined.DATA_ZERO.value],
        default="",
    )
    defined = reason == ""
    out["per_gb_undefined"] = pd.Series(reason, index=out.index).replace("", None).astype("category")
    out["per_gb_defined"] = defined
    # price_cents fits numeric(10, 2), so 10x it stays far inside int64.
    num = np.where(defined, price * 10, 0)
    den = np.where(defined, data_values, 1)
    out["per_gb_num"] = num
    out["per_gb_den"] = den
    per_gb = np.zeros(len(out), dtype=np.int64)
    if defined.any():
        per_gb[defined] = div_round_half_up(_scale(price[defined], 1000), data_values[defined])
    out["price_per_gb_cents"] = pd.array(np.where(defined, per_gb, 0), dtype="Int64")
    out.loc[~defined, "price_per_gb_cents"] = pd.NA
    out["price_per_day_cents"] = div_round_half_up(price, days)
    out["price_per_30_days_cents"] = div_round_half_up(_scale(price, 30), days)
    return out


# --------------------------------------------------------------------------- benchmark table


def benchmark_table_compute(
    tiers: pd.DataFrame, *, include_promotional: bool = False
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-bucket benchmark tables and their summaries.

    Rows: every input tier with its bucket, unit prices, `position` (display order within the
    bucket: defined per-GB cheapest first, undefined last), `rank` (1 = cheapest per GB, ties
    share a rank, null when not ranked) and `index_hundredths` (100 * per-GB / bucket median, in
    hundredths). Ranked = per-GB defined and, unless `include_promotional`, not promotional.

    Summaries: one row per bucket (always all four) with tier_count, sample_count (ranked tiers)
    and the median/min/max per-GB in cents (null for an empty bucket).
    """
    rows = unit_prices(tiers)
    defined = rows["per_gb_defined"].to_numpy()
    ranked = defined & (include_promotional | ~rows["is_promotional"].to_numpy(dtype=bool))
    rows["ranked"] = ranked
    key = np.full(len(rows), -1, dtype=np.int64)
    if defined.any():
        key[defined] = exact_order_key(rows["per_gb_num"].to_numpy()[defined], rows["per_gb_den"].to_numpy()[defined])
    rows["per_gb_key"] = key
    rows["_undefined_last"] = ~defined
    rows = rows.sort_values(
        ["bucket", "_undefined_last", "per_gb_key", "price_cents", "tier_id"], kind="stable"
    ).reset_index(drop=True)
    bucket_codes = rows["bucket"].cat.codes.to_numpy()
    rows["position"] = rows.groupby("bucket", observed=True).cumcount().to_numpy() + 1

    # rank = 1 + number of ranked tiers in the bucket that are strictly cheaper per GB.
    sorted_ranked = rows["ranked"].to_numpy(dtype=np.int64)
    ranked_before = rows.groupby("bucket", observed=True)["ranked"].cumsum().to_numpy() - sorted_ranked
    sorted_key = rows["per_gb_key"].to_numpy()
    new_value = np.ones(len(rows), dtype=bool)
    new_value[1:] = (sorted_key[1:] != sorted_key[:-1]) | (bucket_codes[1:] != bucket_codes[:-1])
    value_group = np.cumsum(new_value)
    first_of_group = pd.Series(ranked_before).groupby(value_group).transform("first").to_numpy()
    rows["rank"] = pd.array(np.where(sorted_ranked == 1, first_of_group + 1, 0), dtype="Int64")
    rows.loc[~rows["ranked"], "rank"] = pd.NA

    summaries = []
    index = np.zeros(len(rows), dtype=np.int64)
    has_index = np.zeros(len(rows), dtype=bool)
    nums = rows["per_gb_num"].to_numpy()
    dens = rows["per_gb_den"].to_numpy()
    for code, label in enumerate(BUCKET_LABELS):
        in_bucket = bucket_codes == code
        ranked_here = in_bucket & rows["ranked"].to_numpy()
        # Rows are already in exact per-GB order, so the ranked ones are sorted: the median is in the middle.
        ranked_nums, ranked_dens = nums[ranked_here], dens[ranked_here]
        median = _median_by_position(ranked_nums, ranked_dens)
        empty = median is None
        summaries.append(
            {
                "bucket": label,
                "tier_count": int(in_bucket.sum()),
                "sample_count": int(ranked_here.sum()),
                "median_per_gb_cents": None if median is None else fraction_round_half_up(median),
                "min_per_gb_cents": None
                if empty
                else fraction_round_half_up(Fraction(int(ranked_nums[0]), int(ranked_dens[0]))),
                "max_per_gb_cents": None
                if empty
                else fraction_round_half_up(Fraction(int(ranked_nums[-1]), int(ranked_dens[-1]))),
            }
        )
        indexable = in_bucket & rows["per_gb_defined"].to_numpy()
        if median is not None and median > 0 and indexable.any():
            # index in hundredths = 10000 * (num/den) / (M.num/M.den) = 10000 * num * M.den / (den * M.num)
            index[indexable] = div_round_half_up(
                _scale(_scale(nums[indexable], 10000), median.denominator),
                _scale(dens[indexable], median.numerator),
            )
            has_index[indexable] = True
    rows["index_hundredths"] = pd.array(index, dtype="Int64")
    rows.loc[~has_index, "index_hundredths"] = pd.NA
    rows = rows.drop(columns=["_undefined_last"])
    summary_frame = pd.DataFrame(summaries).astype(
        {"median_per_gb_cents": "Int64", "min_per_gb_cents": "Int64", "max_per_gb_cents": "Int64"}
    )
    return rows, summary_frame


def _median_by_position(nums: np.ndarray, dens: np.ndarray) -> Fraction | None:
    """The exact median of fractions already in ascending order, touching only the middle ones."""
    count = len(nums)
    if count == 0:
        return None
    middle = count // 2
    upper = Fraction(int(nums[middle]), int(dens[middle]))
    if count % 2:
        return upper
    return (Fraction(int(nums[middle - 1]), int(dens[middle - 1])) + upper) / 2


# --------------------------------------------------------------------------- province x operator matrix

# What a matrix cell and a basket cost carry of the tier they chose.
_CHOSEN_TIER_COLUMNS = [
    "province_code",
    "operator_code",
    "tier_id",
    "plan_id",
    "branch_name_zh",
    "plan_name_zh",
    "validity_days",
    "price_cents",
]

_CELL_COLUMNS = [
    "bucket",
    "metric",
    "province_code",
    "operator_code",
    "tier_id",
    "plan_id",
    "branch_name_zh",
    "plan_name_zh",
    "validity_days",
    "price_cents",
    "value_cents",
    "sample_count",
]


def province_comparison_compute(rows: pd.DataFrame, *, include_promotional: bool = False) -> pd.DataFrame:
    """Provinces x operators, per bucket and metric: the cheapest eligible tier, its value and the sample count.

    Takes `benchmark_table_compute`'s rows. per_gb uses the ranked tiers; per_day and
    per_30_days (which order alike) use every tier that is not promotional (unless included),
    since they need no data volume. Ties go to the lower price, then the lower tier id.
    """
    frames = []
    not_promo = include_promotional | ~rows["is_promotional"].to_numpy(dtype=bool)
    # Work on the few columns a cell needs, with the group keys as integer codes: sorting a million
    # rows by categoricals and carrying every column along would dominate the run.
    base = pd.DataFrame(
        {
            "bucket_code": rows["bucket"].cat.codes.to_numpy(),
            "province_code_id": rows["province_code"].cat.codes.to_numpy(),
            "operator_code_id": rows["operator_code"].cat.codes.to_numpy(),
            "row": np.arange(len(rows)),
        }
    )
    group = ["bucket_code", "province_code_id", "operator_code_id"]
    for metric in METRICS:
        if metric == "per_gb":
            mask = rows["ranked"].to_numpy()
            key = rows["per_gb_key"].to_numpy()[mask]
            value_column = "price_per_gb_cents"
        else:
            mask = not_promo
            key = exact_order_key(
                rows["price_cents"].to_numpy(dtype=np.int64)[mask], rows["validity_days"].to_numpy(dtype=np.int64)[mask]
            )
            value_column = "price_per_day_cents" if metric == "per_day" else "price_per_30_days_cents"
        if not mask.any():
            continue
        candidates = base.loc[mask].assign(
            _key=key, _price=rows["price_cents"].to_numpy()[mask], _tier=rows["tier_id"].to_numpy()[mask]
        )
        candidates = candidates.sort_values([*group, "_key", "_price", "_tier"], kind="stable")
        sizes = candidates.groupby(group, sort=False).size().rename("sample_count")
        cheapest = candidates.drop_duplicates(group, keep="first").join(sizes, on=group)
        picked = rows.iloc[cheapest["row"].to_numpy()]
        cell = picked[["bucket", *_CHOSEN_TIER_COLUMNS]].copy()
        cell["metric"] = metric
        cell["value_cents"] = picked[value_column].to_numpy(dtype=np.int64)
        cell["sample_count"] = cheapest["sample_count"].to_numpy()
        frames.append(cell[_CELL_COLUMNS])
    if not frames:
        return pd.DataFrame(columns=_CELL_COLUMNS)
    matrix = pd.concat(frames, ignore_index=True)
    for column in ("bucket", "province_code", "operator_code"):
        matrix[column] = matrix[column].astype(str)
    return matrix.sort_values(["metric", "bucket", "province_code", "operator_code"], kind="stable").reset_index(
        drop=True
    )


# --------------------------------------------------------------------------- usage baskets

_BASKET_COLUMNS = [
    "profile",
    "province_code",
    "operator_code",
    "tier_id",
    "plan_id",
    "branch_name_zh",
    "plan_name_zh",
    "validity_days",
    "repeats",
    "price_cents",
    "cost_cents",
    "candidate_count",
]


def basket_costs_compute(
    tiers: pd.DataFrame, *, profiles: Iterable[BasketProfile] = DEFAULT_BASKETS, include_promotional: bool = False
) -> pd.DataFrame:
    """Cost of each visitor profile per province and operator: the cheapest covering tier or repeat of one.

    A tier bought `repeats = ceil(days / validity)` times spans the stay; it covers the profile
    when repeats x its allowances reach the profile's data and minutes (unlimited data always
    does; unknown data or minutes never do, unless the profile needs none). Cost = repeats x price.
    So a longer tier wins when it is cheaper than repeating a shorter one, and vice versa (ITU/OECD).
    """
    eligible = tiers if include_promotional else tiers.loc[~tiers["is_promotional"].to_numpy(dtype=bool)]
    frames = []
    days = eligible["validity_days"].to_numpy(dtype=np.int64)
    price = eligible["price_cents"].to_numpy(dtype=np.int64)
    unlimited = eligible["data_unlimited"].to_numpy(dtype=bool)
    data = eligible["data_mgb"]
    data_known = data.notna().to_numpy()
    data_values = data.fillna(0).to_numpy(dtype=np.int64)
    province_codes = eligible["province_code"].cat.codes.to_numpy()
    operator_codes = eligible["operator_code"].cat.codes.to_numpy()
    tier_ids = eligible["tier_id"].to_numpy()
    allowances = {}
    for column in ("domestic_voice_min", "intl_voice_min"):
        allowances[column] = (eligible[column].notna().to_numpy(), eligible[column].fillna(0).to_numpy(dtype=np.int64))
    for profile in profiles:
        repeats = -(-profile.days // days)  # ceiling division
        need_mgb = _to_minor(profile.data_gb, 3, "data_gb") or 0
        covers = unlimited | (data_known & (repeats * data_values >= need_mgb)) if need_mgb else np.ones_like(unlimited)
        for column, need in (("domestic_voice_min", profile.domestic_min), ("intl_voice_min", profile.intl_min)):
            known, minutes = allowances[column]
            if need:
                covers = covers & known & (repeats * minutes >= need)
        if not covers.any():
            continue
        cost = repeats * price
        candidates = pd.DataFrame(
            {
                "province": province_codes[covers],
                "operator": operator_codes[covers],
                "cost": cost[covers],
                "tier": tier_ids[covers],
                "row": np.flatnonzero(covers),
            }
        ).sort_values(["province", "operator", "cost", "tier"], kind="stable")
        sizes = candidates.groupby(["province", "operator"], sort=False).size().rename("candidate_count")
        first = candidates.drop_duplicates(["province", "operator"], keep="first").join(
            sizes, on=["province", "operator"]
        )
        rows = first["row"].to_numpy()
        cheapest = eligible.iloc[rows][_CHOSEN_TIER_COLUMNS].copy()
        cheapest["repeats"] = repeats[rows]
        cheapest["cost_cents"] = cost[rows]
        cheapest["candidate_count"] = first["candidate_count"].to_numpy()
        cheapest["profile"] = profile.slug
        frames.append(cheapest[_BASKET_COLUMNS])
    if not frames:
        return pd.DataFrame(columns=_BASKET_COLUMNS)
    baskets = pd.concat(frames, ignore_index=True)
    for column in ("province_code", "operator_code"):
        baskets[column] = baskets[column].astype(str)
    return baskets.reset_index(drop=True)


# --------------------------------------------------------------------------- everything


def benchmarks_compute(tiers: pd.DataFrame, *, parameters: BenchmarkParameters | None = None) -> BenchmarkResult:
    """Run every analysis over the input frame (see `INPUT_DTYPES`)."""
    parameters = parameters or BenchmarkParameters()
    tiers = normalise_input(tiers)
    rows, summaries = benchmark_table_compute(tiers, include_promotional=parameters.include_promotional)
    return BenchmarkResult(
        rows=rows,
        summaries=summaries,
        matrix=province_comparison_compute(rows, include_promotional=parameters.include_promotional),
        baskets=basket_costs_compute(
            tiers, profiles=parameters.baskets, include_promotional=parameters.include_promotional
        ),
        fingerprint=input_fingerprint(tiers),
        parameters=parameters,
    )
