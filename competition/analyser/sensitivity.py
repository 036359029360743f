"""The stored rank sensitivity: each bucket's `rank_sensitivity_compute`, written per run after it is published.

Ranking a bucket costs seconds at a million tiers, so the page and the API read a page of stored
rows by position (competition.analyser.selectors.rank_sensitivity) and compute only while the
rows are not ready. `sensitivity_store` runs as a follow-up task of `benchmark_run_published`
(competition.analyser.tasks), never inside the recompute:

- a new run (revision 0): every bucket is ranked and stored, and the rows of older runs deleted
  (so pruning a run later deletes none of them inside a recompute);
- a patch (revision r, naming the buckets it changed): those buckets are ranked again; every other
  bucket stored at r - 1 is unchanged by the patch and is marked r without being rewritten; a
  bucket stored at an older revision (a follow-up that never ran) is ranked again too.

A bucket's marker (`BenchmarkSensitivityBucket`) says which revision of the run its rows are of;
a reader trusts them only at the run's current revision, so it never shows an older revision's
ranks as current.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import pandas as pd
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from competition.analyser.models import BenchmarkSensitivityBucket, BenchmarkSensitivityRow
from competition.benchmarks import analytics, inputs, selectors
from competition.benchmarks.analytics.sensitivity import SENSITIVITY_TIER_COLUMNS
from competition.benchmarks.models import BenchmarkRun
from plans.pricing import BUCKET_LABELS

logger = logging.getLogger(__name__)

# The stored columns, in COPY order (ranks: a JSON list in the marker's metrics order).
_COLUMNS = ["run_id", "bucket", "position", *analytics.TIER_REFERENCE_COLUMNS, "price_cny", "ranks", "rank_spread"]


def sensitivity_parameters() -> tuple[tuple[analytics.BasketProfile, ...], bool]:
    """The baskets and promotional rule the page ranks with (the stored benchmarks' own)."""
    from competition.analyser.selectors import basket_profiles, include_promotional

    return basket_profiles(), include_promotional()


def sensitivity_metrics(profiles: Iterable[analytics.BasketProfile]) -> list[str]:
    """The rank columns' names `rank_sensitivity_compute` gives for these baskets."""
    return [*analytics.METRICS, *(profile.slug for profile in profiles)]


def sensitivity_run_current(run: BenchmarkRun | None) -> bool:
    """Whether `run` can stand for today's tiers: a complete regular run computed today."""
    return (
        run is not None
        and run.status == BenchmarkRun.Status.COMPLETE
        and run.as_of is None
        and selectors.benchmark_run_as_of(run) == timezone.localdate()
    )


def sensitivity_store(
    *, run_id: int, revision: int | None = None, buckets: Iterable[str] | None = None
) -> dict[str, int]:
    """Store the sensitivity of `run_id` at `revision` (default: the run's) for what changed; {bucket: rows}.

    `buckets` are those a patch changed (None: a new run, every bucket). Nothing is stored for a run
    that is no longer the latest, not of today, or already past `revision` (its own follow-up comes).
    """
    run = selectors.benchmark_run_latest()
    if run is None or run.pk != run_id or not sensitivity_run_current(run):
        return {}
    revision = run.revision if revision is None else revision
    if revision != run.revision:
        return {}
    profiles, include_promotional = sensitivity_parameters()
    metrics = sensitivity_metrics(profiles)
    markers = {marker.bucket: marker for marker in BenchmarkSensitivityBucket.objects.filter(run_id=run_id)}

    def fresh(marker: BenchmarkSensitivityBucket) -> bool:
        return marker.metrics == metrics and marker.include_promotional == include_promotional

    changed = set(BUCKET_LABELS) if buckets is None else set(buckets)
    todo = [
        bucket
        for bucket in BUCKET_LABELS
        if bucket in changed
        or bucket not in markers
        or not fresh(markers[bucket])
        or markers[bucket].revision < revision - 1
    ]
    # Unchanged by the patch from revision - 1: the stored rows are this revision's as they are.
    unchanged = [
        marker.pk for bucket, marker in markers.items() if bucket not in todo and marker.revision == revision - 1
    ]
    if unchanged:
        BenchmarkSensitivityBucket.objects.filter(pk__in=unchanged, revision=revision - 1).update(revision=revision)
    stored = {}
    for bucket, tiers in _bucket_inputs(todo):
        stored[bucket] = _bucket_store(
            run_id=run_id,
            bucket=bucket,
            tiers=tiers,
            revision=revision,
            profiles=profiles,
            include_promotional=include_promotional,
        )
    _older_runs_drop(run_id=run_id)
    return stored


def _bucket_inputs(buckets: list[str]) -> Iterator[tuple[str, pd.DataFrame]]:
    """Each bucket's tiers in effect today: one read of them all for several buckets, a bucket's own for one.

    At a million tiers one read of every tier costs about half of four reads of a bucket each.
    """
    day = timezone.localdate()
    if len(buckets) == 1:
        yield buckets[0], inputs.benchmark_input_frame(on=day, where=inputs.bucket_where(buckets[0]))
        return
    if not buckets:
        return
    everything = inputs.benchmark_input_frame(on=day)
    labels = analytics.validity_buckets(everything["validity_days"]).to_numpy()
    for bucket in buckets:
        yield bucket, everything.loc[labels == bucket].reset_index(drop=True)


def _bucket_store(
    *,
    run_id: int,
    bucket: str,
    tiers: pd.DataFrame,
    revision: int,
    profiles: tuple[analytics.BasketProfile, ...],
    include_promotional: bool,
) -> int:
    """Rank one bucket's tiers (in effect today) and replace its stored rows and marker; returns the rows written."""
    started = time.monotonic()
    frame, metrics = analytics.rank_sensitivity_compute(
        tiers, profiles=profiles, include_promotional=include_promotional
    )
    try:
        with transaction.atomic():
            marker = BenchmarkSensitivityBucket.objects.select_for_update().filter(run_id=run_id, bucket=bucket).first()
            if marker is not None and marker.revision > revision:
                return 0  # a later follow-up stored it already
            BenchmarkSensitivityRow.objects.filter(run_id=run_id, bucket=bucket).delete()
            sensitivity_rows_write(run_id=run_id, bucket=bucket, frame=frame, metrics=metrics)
            values = {
                "revision": revision,
                "row_count": len(frame),
                "metrics": metrics,
                "include_promotional": include_promotional,
                "computed_at": timezone.now(),
                "duration_ms": int((time.monotonic() - started) * 1000),
            }
            if marker is None:
                BenchmarkSensitivityBucket.objects.create(run_id=run_id, bucket=bucket, **values)
            else:
                BenchmarkSensitivityBucket.objects.filter(pk=marker.pk).update(**values)
    except IntegrityError:
        # A concurrent follow-up created the marker first: its rows stand, and they are as new as ours.
        logger.info("sensitivity of run %s bucket %s stored concurrently", run_id, bucket)
        return 0
    logger.info(
        "sensitivity of run %s r%s bucket %s: %d rows in %.0f ms",
        run_id,
        revision,
        bucket,
        len(frame),
        (time.monotonic() - started) * 1000,
    )
    return len(frame)


def _older_runs_drop(*, run_id: int) -> None:
    """Delete the stored sensitivity of every other run: only the latest run's is ever read."""
    older = list(BenchmarkSensitivityBucket.objects.exclude(run_id=run_id).values_list("run_id", flat=True).distinct())
    if older:
        BenchmarkSensitivityRow.objects.filter(run_id__in=older).delete()
        BenchmarkSensitivityBucket.objects.filter(run_id__in=older).delete()


# --------------------------------------------------------------------------- writing


def sensitivity_rows_write(*, run_id: int, bucket: str, frame: pd.DataFrame, metrics: list[str]) -> None:
    """Write `rank_sensitivity_compute`'s frame (already in page order) as the bucket's rows, position = order.

    COPY on PostgreSQL (as storage.copy_rows does for the run's rows), bulk_create elsewhere.
    """
    if frame.empty:
        return
    if connection.vendor == "postgresql":
        _copy(_csv(run_id=run_id, bucket=bucket, frame=frame, metrics=metrics))
        return
    instances = _instances(run_id=run_id, bucket=bucket, frame=frame, metrics=metrics)
    BenchmarkSensitivityRow.objects.bulk_create(instances, batch_size=2000)


def _instances(*, run_id: int, bucket: str, frame: pd.DataFrame, metrics: list[str]) -> list[BenchmarkSensitivityRow]:
    ranks = {name: frame[name].to_numpy(dtype=object, na_value=None).tolist() for name in [*metrics, "rank_spread"]}
    records = frame[SENSITIVITY_TIER_COLUMNS].to_dict("records")
    return [
        BenchmarkSensitivityRow(
            run_id=run_id,
            bucket=bucket,
            position=position,
            tier_id=int(record["tier_id"]),
            plan_id=int(record["plan_id"]),
            province_code=record["province_code"],
            operator_code=record["operator_code"],
            branch_name_zh=record["branch_name_zh"],
            plan_name_zh=record["plan_name_zh"],
            validity_days=int(record["validity_days"]),
            price_cny=analytics.minor_to_decimal(int(record["price_cents"])),
            ranks=[_plain(ranks[name][position]) for name in metrics],
            rank_spread=_plain(ranks["rank_spread"][position]),
        )
        for position, record in enumerate(records)
    ]


def _plain(value: Any) -> int | None:
    return None if value is None else int(value)


def _csv(*, run_id: int, bucket: str, frame: pd.DataFrame, metrics: list[str]) -> bytes:
    """Headerless CSV in `_COLUMNS` order, built by Polars: price as exact decimal text, ranks as JSON text."""
    import polars as pl

    count = len(frame)

    def integers(name: str) -> Any:
        values = frame[name].astype("Int64")
        return pl.Series(name, values.to_numpy(dtype=np.int64, na_value=0), dtype=pl.Int64).scatter(
            np.flatnonzero(values.isna().to_numpy()), None
        )

    data: dict[str, Any] = {
        "position": pl.Series("position", np.arange(count, dtype=np.int64)),
        "tier_id": pl.Series("tier_id", frame["tier_id"].to_numpy(dtype=np.int64)),
        "plan_id": pl.Series("plan_id", frame["plan_id"].to_numpy(dtype=np.int64)),
        "validity_days": pl.Series("validity_days", frame["validity_days"].to_numpy(dtype=np.int64)),
        "price_cents": pl.Series("price_cents", frame["price_cents"].to_numpy(dtype=np.int64)),
        "rank_spread": integers("rank_spread"),
    }
    for name in ("province_code", "operator_code", "branch_name_zh", "plan_name_zh"):
        data[name] = pl.Series(name, frame[name].to_numpy(dtype=object), dtype=pl.String)
    for index, name in enumerate(metrics):
        data[f"_rank{index}"] = integers(name)
    price = pl.col("price_cents")
    ranks = pl.concat_str(
        [pl.col(f"_rank{index}").cast(pl.String).fill_null("null") for index in range(len(metrics))], separator=","
    )
    table = pl.DataFrame(data).select(
        pl.lit(run_id, dtype=pl.Int64).alias("run_id"),
        pl.lit(bucket).alias("bucket"),
        "position",
        "tier_id",
        "plan_id",
        "province_code",
        "operator_code",
        "branch_name_zh",
        "plan_name_zh",
        "validity_days",
        ((price // 100).cast(pl.String) + "." + (price % 100).cast(pl.String).str.zfill(2)).alias("price_cny"),
        (pl.lit("[") + ranks + pl.lit("]")).alias("ranks"),
        "rank_spread",
    )
    buffer = io.BytesIO()
    table.write_csv(buffer, include_header=False)
    return buffer.getvalue()


def _copy(payload: bytes) -> None:
    table = connection.ops.quote_name(BenchmarkSensitivityRow._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in _COLUMNS)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as copy:
        view = memoryview(payload)
        for start in range(0, len(payload), 1 << 22):
            copy.write(view[start : start + (1 << 22)])
