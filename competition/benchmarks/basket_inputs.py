"""A run's compact basket input: what costing any visitor profile needs, in a few thousand rows.

`analytics.basket_input_compact` keeps, per province, operator, validity and cover keys, the one tier
that can be chosen and how many tiers it stands for; `analytics.basket_costs_compute` gives the same
costs, chosen tiers and covering-tier counts on it as on every tier. So /compare/basket/ costs a
profile the run did not store from these rows instead of the whole input (compare.selectors.baskets).

When it is written: after a run publishes, by a Celery task (`basket_input_store`, from the
`benchmark_run_published` receiver), so the full recompute is not slowed; and by an edit's patch
for the patched provinces, in the patch's transaction (`basket_input_patch`). The run's
`basket_input_revision` says which revision the stored rows are of; readers use them only when it
equals the run's `revision` and cost from the tiers otherwise.
"""

from __future__ import annotations

import logging
import zlib
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from django.db import transaction

from competition.benchmarks import analytics, copying, inputs, selectors
from competition.benchmarks.models import BenchmarkBasketCover, BenchmarkBasketInput, BenchmarkRun

if TYPE_CHECKING:
    pass

logger = logging.getLogger(__name__)

# The stored columns of the frame (`is_from_price` is not stored: always false in a basket input).
_FRAME = [column for column in analytics.BASKET_INPUT_COLUMNS if column != "is_from_price"]
_NAMES = ("branch_name_zh", "plan_name_zh")
# A province's packed choosable tiers: int64 columns, an unknown allowance as COVERS_NONE.
CHOOSABLE_COLUMNS = (
    "operator",
    "tier_id",
    "plan_id",
    "validity_days",
    "price_cents",
    "data_mgb",
    "data_unlimited",
    "domestic_voice_min",
    "intl_voice_min",
    "is_promotional",
    "tier_count",
)
# A province's packed cover classes: one int64 array per column, the operator as an index into operator_codes.
COVER_COLUMNS = ("operator", "validity_days", "data_key", "domestic_key", "intl_key", "tier_count")


def basket_input_include_promotional(run: BenchmarkRun) -> bool:
    """The promotional rule the run's baskets (and so its compact input) were costed under."""
    return bool(run.parameters.get("include_promotional", False)) if isinstance(run.parameters, dict) else False


def basket_input_ready(run: BenchmarkRun) -> bool:
    """Whether the run's stored compact input is that of its current revision."""
    return run.basket_input_revision is not None and run.basket_input_revision == run.revision


def basket_input_store(*, run_id: int) -> bool:
    """Compute and store the compact basket input of a published run; True when stored.

    Reads the run's day's tiers outside any transaction (seconds at a million tiers), then writes
    under the run's row lock only if no patch changed the run meanwhile: a patch publishes again, and
    that publish stores the input anew. Nothing to do for a run already up to date, failed or past-day.
    """
    run = BenchmarkRun.objects.filter(pk=run_id, status=BenchmarkRun.Status.COMPLETE, as_of__isnull=True).first()
    if run is None or basket_input_ready(run):
        return False
    revision = run.revision
    tiers = inputs.benchmark_input_frame(on=selectors.benchmark_run_as_of(run))
    compact = analytics.basket_input_compact(tiers, include_promotional=basket_input_include_promotional(run))
    del tiers
    with transaction.atomic():
        locked = BenchmarkRun.objects.select_for_update().filter(pk=run_id).first()
        if locked is None or locked.revision != revision:
            logger.info("basket input of run %s skipped: patched while it was computed", run_id)
            return False
        _replace(run_id=run_id, compact=compact, provinces=None)
        BenchmarkRun.objects.filter(pk=run_id).update(basket_input_revision=revision)
    logger.info("basket input of run %s stored: %d cover classes", run_id, len(compact))
    return True


def basket_input_patch(*, run: BenchmarkRun, provinces: list[str], tiers: pd.DataFrame) -> None:
    """In an edit's patch (its transaction, the run locked, before its revision is bumped): replace the
    compact input of `provinces` from `tiers` (every tier of those provinces) and mark it of the next
    revision. A run whose input is not ready is left alone: the patch's publish stores it whole."""
    if not basket_input_ready(run):
        return
    compact = analytics.basket_input_compact(tiers, include_promotional=basket_input_include_promotional(run))
    compact = compact.loc[compact["province_code"].astype(str).isin(provinces)].reset_index(drop=True)
    _replace(run_id=run.pk, compact=compact, provinces=provinces)
    run.basket_input_revision = run.revision + 1
    BenchmarkRun.objects.filter(pk=run.pk).update(basket_input_revision=run.basket_input_revision)


Packed = list[tuple[str, list[str], bytes, bytes]]


def basket_input_packed(run: BenchmarkRun) -> Packed:
    """The run's packed rows (province, operators, cover classes, choosable tiers): one query for both readers."""
    rows = BenchmarkBasketCover.objects.filter(run_id=run.pk).values_list(
        "province_code", "operator_codes", "classes", "choosable"
    )
    return [(province, list(codes), bytes(classes), bytes(choosable)) for province, codes, classes, choosable in rows]


def basket_input_choosable_frame(run: BenchmarkRun, packed: Packed | None = None) -> pd.DataFrame:
    """The run's stored tiers that some profile can choose, as a basket frame (`analytics.BASKET_INPUT_COLUMNS`)
    without their names (empty: `basket_input_names` gives those of the few chosen).

    `analytics.basket_costs_compute` on it chooses what it chooses on every tier (the covering-tier
    counts come from `basket_input_cover_classes`). Read from one packed row per province.
    """
    packed = basket_input_packed(run) if packed is None else packed
    operators = sorted({code for _, codes, _, _ in packed for code in codes})
    provinces = sorted(province for province, _, _, _ in packed)
    parts: dict[str, list[np.ndarray]] = {column: [] for column in ("province", *CHOOSABLE_COLUMNS)}
    for province, operator_codes, _, choosable in packed:
        matrix = np.frombuffer(zlib.decompress(choosable), dtype="<i8").reshape(len(CHOOSABLE_COLUMNS), -1)
        renumber = np.array([operators.index(code) for code in operator_codes], dtype=np.int64)
        parts["province"].append(np.full(matrix.shape[1], provinces.index(province), dtype=np.int64))
        for column, values in zip(CHOOSABLE_COLUMNS, matrix, strict=True):
            parts[column].append(renumber[values] if column == "operator" and len(renumber) else values)
    joined = {
        column: np.concatenate(values) if values else np.empty(0, dtype=np.int64) for column, values in parts.items()
    }
    size = len(joined["tier_id"])

    def nullable(column: str) -> pd.arrays.IntegerArray:
        values = joined[column]
        return pd.arrays.IntegerArray(
            np.where(values == analytics.COVERS_NONE, 0, values), values == analytics.COVERS_NONE
        )

    frame = pd.DataFrame(
        {
            "province_code": pd.Categorical.from_codes(joined["province"], categories=provinces),
            "operator_code": pd.Categorical.from_codes(joined["operator"], categories=operators),
            "tier_id": joined["tier_id"],
            "plan_id": joined["plan_id"],
            "branch_name_zh": pd.Categorical.from_codes(np.zeros(size, dtype=np.int64), categories=[""]),
            "plan_name_zh": pd.Categorical.from_codes(np.zeros(size, dtype=np.int64), categories=[""]),
            "validity_days": joined["validity_days"],
            "price_cents": joined["price_cents"],
            "data_mgb": nullable("data_mgb"),
            "data_unlimited": joined["data_unlimited"].astype(bool),
            "domestic_voice_min": nullable("domestic_voice_min"),
            "intl_voice_min": nullable("intl_voice_min"),
            "is_promotional": joined["is_promotional"].astype(bool),
            "is_from_price": np.zeros(size, dtype=bool),
            "tier_count": joined["tier_count"],
        }
    )
    return frame.sort_values("tier_id", kind="stable").reset_index(drop=True)


def basket_input_names(run: BenchmarkRun, tier_ids: list[int]) -> dict[int, tuple[str, str]]:
    """The branch and plan names the run's stored choosable tiers carry (those of the input), by tier id."""
    rows = BenchmarkBasketInput.objects.filter(run_id=run.pk, tier_id__in=tier_ids)
    return {tier_id: (branch, plan) for tier_id, branch, plan in rows.values_list("tier_id", *_NAMES)}


def basket_input_cover_classes(run: BenchmarkRun, packed: Packed | None = None) -> pd.DataFrame:
    """The run's stored cover classes (`analytics.basket_cover_classes`' columns), unpacked from one row per
    province; province and operator codes as categoricals."""
    packed = basket_input_packed(run) if packed is None else packed
    operators = sorted({code for _, codes, _, _ in packed for code in codes})
    provinces = sorted(province for province, _, _, _ in packed)
    parts: dict[str, list[np.ndarray]] = {column: [] for column in ("province", *COVER_COLUMNS)}
    for province, operator_codes, classes, _ in packed:
        matrix = _unpack(classes)
        renumber = np.array([operators.index(code) for code in operator_codes], dtype=np.int64)
        parts["province"].append(np.full(matrix.shape[1], provinces.index(province), dtype=np.int64))
        for column, values in zip(COVER_COLUMNS, matrix, strict=True):
            parts[column].append(renumber[values] if column == "operator" and len(renumber) else values)
    joined = {
        column: np.concatenate(values) if values else np.empty(0, dtype=np.int64) for column, values in parts.items()
    }
    return pd.DataFrame(
        {
            "province_code": pd.Categorical.from_codes(joined.pop("province"), categories=provinces),
            "operator_code": pd.Categorical.from_codes(joined.pop("operator"), categories=operators),
            **joined,
        }
    )


# Packed as int32 (allowances and counts fit; the keys' "covers all" and "covers none" become int32's
# extremes) and zlib: a million tiers' classes are about a megabyte to read.
_PACKED_ALL, _PACKED_NONE = np.iinfo(np.int32).max, np.iinfo(np.int32).min
_KEY_ROWS = (COVER_COLUMNS.index("data_key"), COVER_COLUMNS.index("domestic_key"), COVER_COLUMNS.index("intl_key"))


def _pack(matrix: np.ndarray) -> bytes:
    packed = matrix.copy()
    for row in _KEY_ROWS:
        packed[row] = np.where(matrix[row] == analytics.COVERS_ALL, _PACKED_ALL, packed[row])
        packed[row] = np.where(matrix[row] == analytics.COVERS_NONE, _PACKED_NONE, packed[row])
    inner = (packed > _PACKED_NONE) & (packed < _PACKED_ALL)
    if not np.all(inner | np.isin(np.arange(len(packed))[:, None], _KEY_ROWS)):
        raise ValueError("a basket cover value does not fit 32 bits")
    return zlib.compress(packed.astype("<i4").tobytes(), 1)


def _unpack(data: bytes) -> np.ndarray:
    matrix = np.frombuffer(zlib.decompress(data), dtype="<i4").astype(np.int64).reshape(len(COVER_COLUMNS), -1)
    for row in _KEY_ROWS:
        matrix[row] = np.where(matrix[row] == _PACKED_ALL, analytics.COVERS_ALL, matrix[row])
        matrix[row] = np.where(matrix[row] == _PACKED_NONE, analytics.COVERS_NONE, matrix[row])
    return matrix


def _replace(*, run_id: int, compact: pd.DataFrame, provinces: list[str] | None) -> None:
    """Replace the run's choosable tiers and cover classes (of `provinces`, or all) with those of `compact`."""
    for model in (BenchmarkBasketInput, BenchmarkBasketCover):
        rows = model.objects.filter(run_id=run_id)
        if provinces is not None:
            rows = rows.filter(province_code__in=provinces)
        rows._raw_delete(rows.db)
    if not len(compact):
        return
    choosable = compact.loc[analytics.basket_input_choosable(compact)]
    _choosable_insert(run_id=run_id, rows=choosable)
    classes = analytics.basket_cover_classes(compact)
    chosen_by_province = {str(code): part for code, part in choosable.groupby("province_code", observed=True)}
    covers = []
    for province, part in classes.groupby("province_code", sort=True):
        operator_codes = sorted(set(part["operator_code"]))
        index = {code: number for number, code in enumerate(operator_codes)}
        matrix = np.stack(
            [part["operator_code"].map(index).to_numpy(dtype=np.int64)]
            + [part[column].to_numpy(dtype=np.int64) for column in COVER_COLUMNS[1:]]
        )
        covers.append(
            BenchmarkBasketCover(
                run_id=run_id,
                province_code=str(province),
                operator_codes=operator_codes,
                classes=_pack(matrix),
                choosable=_pack_choosable(chosen_by_province[str(province)], index),
            )
        )
    BenchmarkBasketCover.objects.bulk_create(covers)


def _pack_choosable(rows: pd.DataFrame, operator_index: dict[str, int]) -> bytes:
    columns = [rows["operator_code"].astype(str).map(operator_index).to_numpy(dtype=np.int64)]
    for column in CHOOSABLE_COLUMNS[1:]:
        series = rows[column]
        if column in {"data_mgb", "domestic_voice_min", "intl_voice_min"}:
            columns.append(series.fillna(analytics.COVERS_NONE).to_numpy(dtype=np.int64))
        else:
            columns.append(series.to_numpy(dtype=np.int64))
    return zlib.compress(np.stack(columns).astype("<i8").tobytes(), 1)


def _choosable_insert(*, run_id: int, rows: pd.DataFrame) -> None:
    """Insert the choosable tiers (COPY on PostgreSQL, one bulk insert elsewhere)."""
    columns: dict[str, list[Any]] = {"run_id": [run_id] * len(rows)}
    for column in _FRAME:
        series = rows[column]
        columns[column] = series.astype(object).where(series.notna(), None).tolist()
    names = ["run_id", *_FRAME]
    copying.records_insert(BenchmarkBasketInput, names, list(zip(*(columns[column] for column in names), strict=True)))
