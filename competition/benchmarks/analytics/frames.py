"""The input frame: tier records to integer cents and milli-GB, normalised, fingerprinted."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from competition.benchmarks.analytics.contract import INPUT_COLUMNS, INPUT_DTYPES, METHODOLOGY_VERSION


def to_minor(value: Any, places: int, column: str) -> int | None:
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
            row["price_cents"] = to_minor(row.pop("price_cny"), 2, "price_cny")
        if "data_mgb" not in row:
            row["data_mgb"] = to_minor(row.pop("data_gb", None), 3, "data_gb")
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
        row.setdefault("is_from_price", False)
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
            series = text_category(series)
        elif dtype == "bool":
            series = series.fillna(False).astype(bool)
        else:
            series = series.astype(dtype)
        converted[column] = series
    out = pd.DataFrame(converted)
    if out["tier_id"].is_monotonic_increasing:
        # Already in tier order (the selector's frame is): a stable sort would only copy every column.
        return out.reset_index(drop=True)
    return out.sort_values("tier_id", kind="stable").reset_index(drop=True)


def text_category(series: pd.Series) -> pd.Series:
    """A text column as the contract's categorical: "" for missing, only the values that occur, sorted.

    A categorical input is recoded through its few categories (no Python string per row); anything
    else goes through str. Both give what `series.fillna("").astype(str).astype("category")` gives.
    """
    if not isinstance(series.dtype, pd.CategoricalDtype):
        return series.fillna("").astype(str).astype("category")
    codes = series.cat.codes.to_numpy()
    categories = series.cat.categories
    missing = len(categories)
    codes = np.where(codes < 0, missing, codes)
    used = np.bincount(codes, minlength=missing + 1) > 0
    labels = pd.Index([*categories.astype(str).tolist(), ""], dtype="str")
    if not used[missing] and used[:missing].all() and labels[:missing].is_monotonic_increasing and labels.is_unique:
        # Already the contract's categorical (the selector's frame is): keep it.
        if categories.dtype == labels.dtype:
            return series
        return pd.Series(pd.Categorical.from_codes(codes, categories=labels[:missing]), index=series.index)
    # Two categories may print alike (1 and "1"): np.unique merges them as astype(str) would.
    uniques, inverse = np.unique(labels[used].to_numpy(dtype=object).astype(str), return_inverse=True)
    recode = np.full(missing + 1, -1, dtype=np.int64)
    recode[np.flatnonzero(used)] = inverse
    dtype = pd.CategoricalDtype(pd.Index(uniques.tolist(), dtype="str"))
    return pd.Series(pd.Categorical.from_codes(recode[codes], dtype=dtype), index=series.index)


def input_fingerprint(tiers: pd.DataFrame) -> str:
    """SHA-256 over the input rows (their values, in tier order): equal inputs, equal fingerprints."""
    digest = hashlib.sha256(METHODOLOGY_VERSION.encode())
    digest.update(",".join(INPUT_COLUMNS).encode())
    if len(tiers):
        hashed = pd.util.hash_pandas_object(tiers.loc[:, list(INPUT_COLUMNS)], index=False, categorize=False)
        digest.update(hashed.to_numpy().tobytes())
    return digest.hexdigest()
