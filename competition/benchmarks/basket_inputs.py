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

import io
import logging
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection, transaction

from competition.benchmarks import analytics, inputs, selectors
from competition.benchmarks.models import BenchmarkBasketInput, BenchmarkRun

logger = logging.getLogger(__name__)

# The stored columns, in the table's and the frame's order (`is_from_price` is not stored: always false).
_STORED = [column for column in analytics.BASKET_INPUT_COLUMNS if column != "is_from_price"]


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
        _rows_delete(run_id=run_id, provinces=None)
        _rows_insert(run_id=run_id, compact=compact)
        BenchmarkRun.objects.filter(pk=run_id).update(basket_input_revision=revision)
    logger.info("basket input of run %s stored: %d rows", run_id, len(compact))
    return True


def basket_input_patch(*, run: BenchmarkRun, provinces: list[str], tiers: pd.DataFrame) -> None:
    """In an edit's patch (its transaction, the run locked, before its revision is bumped): replace the
    compact input of `provinces` from `tiers` (every tier of those provinces) and mark it of the next
    revision. A run whose input is not ready is left alone: the patch's publish stores it whole."""
    if not basket_input_ready(run):
        return
    compact = analytics.basket_input_compact(tiers, include_promotional=basket_input_include_promotional(run))
    _rows_delete(run_id=run.pk, provinces=provinces)
    _rows_insert(run_id=run.pk, compact=compact.loc[compact["province_code"].astype(str).isin(provinces)])
    run.basket_input_revision = run.revision + 1
    BenchmarkRun.objects.filter(pk=run.pk).update(basket_input_revision=run.basket_input_revision)


def basket_input_frame(run: BenchmarkRun) -> pd.DataFrame:
    """The run's stored compact input as a basket frame (`analytics.BASKET_INPUT_COLUMNS`), in tier order.

    One COPY on PostgreSQL (no Python object per value), `.values_list()` elsewhere.
    """
    rows = BenchmarkBasketInput.objects.filter(run_id=run.pk).order_by("tier_id").values_list(*_STORED)
    if connection.vendor == "postgresql":
        sql, params = rows.query.sql_with_params()
        buffer = io.BytesIO()
        with connection.cursor() as cursor:
            statement = cursor.mogrify(sql, params)
            statement = statement.decode() if isinstance(statement, bytes) else statement
            with cursor.cursor.copy(f"COPY ({statement}) TO STDOUT WITH CSV") as copy:
                for block in copy:
                    buffer.write(block)
        buffer.seek(0)
        frame = pd.read_csv(
            buffer,
            names=_STORED,
            header=None,
            dtype={
                **{column: "str" for column in ("province_code", "operator_code", "branch_name_zh", "plan_name_zh")},
                "data_unlimited": "str",
                "is_promotional": "str",
                **{column: "float64" for column in ("data_mgb", "domestic_voice_min", "intl_voice_min")},
            },
            keep_default_na=False,
            na_values={column: [""] for column in ("data_mgb", "domestic_voice_min", "intl_voice_min")},
        )
        for column in ("data_unlimited", "is_promotional"):
            frame[column] = frame[column] == "t"
    else:
        frame = pd.DataFrame.from_records(list(rows), columns=_STORED)
    return _typed(frame)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """The input contract's dtypes for the basket columns (what `normalise_input` gives the full input)."""
    typed: dict[str, Any] = {}
    for column in analytics.BASKET_INPUT_COLUMNS:
        if column == "is_from_price":
            typed[column] = np.zeros(len(frame), dtype=bool)
            continue
        dtype = analytics.INPUT_DTYPES.get(column, "int64")
        series = frame[column]
        if dtype == "category":
            series = series.fillna("").astype(str).astype("category")
        elif dtype == "bool":
            series = series.fillna(False).astype(bool)
        else:
            series = series.astype(dtype)
        typed[column] = series
    return pd.DataFrame(typed)


def _rows_delete(*, run_id: int, provinces: list[str] | None) -> None:
    rows = BenchmarkBasketInput.objects.filter(run_id=run_id)
    if provinces is not None:
        rows = rows.filter(province_code__in=provinces)
    rows._raw_delete(rows.db)


def _rows_insert(*, run_id: int, compact: pd.DataFrame) -> None:
    """Insert compact rows (at most some tens of thousands at a million tiers: one bulk insert suffices)."""
    if not len(compact):
        return
    columns = {column: compact[column].astype(object).where(compact[column].notna(), None) for column in _STORED}
    records = zip(*(columns[column].tolist() for column in _STORED), strict=True)
    BenchmarkBasketInput.objects.bulk_create(
        [BenchmarkBasketInput(run_id=run_id, **dict(zip(_STORED, record, strict=True))) for record in records],
        batch_size=5000,
    )
