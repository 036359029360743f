"""The analytics' input: every benchmarked tier, as `.values()` rows or as the input frame.

What a run, an as-of run, a history day, the analyser and the basket page read; one definition of
"benchmarked" (in effect on the day, a visitor data plan), so they all compute over the same tiers.
"""

from __future__ import annotations

import datetime
import io
from typing import TYPE_CHECKING, Any, cast

import pandas as pd
from django.db import connection
from django.db.models import BigIntegerField, BooleanField, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.functions import Cast, Round
from django.utils import timezone

from competition.benchmarks import analytics
from plans import pricing
from plans.models import Plan, Tier

if TYPE_CHECKING:
    from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations

# Data plans for visitors. Perk packs are add-ons, not data plans, and "other" is not comparable.
BENCHMARK_SEGMENTS: tuple[str, ...] = (Plan.Segment.INBOUND_SHORT_TERM, Plan.Segment.INBOUND_PROMOTIONAL)


def benchmark_input_queryset(
    *, on: datetime.date | None = None, where: Q | None = None
) -> QuerySet[Tier, dict[str, Any]]:
    """`.values()` rows of every benchmarked tier, in the analytics' input columns.

    Benchmarked = in effect on `on` (default today: started, not ended, plan on sale; see
    plans.periods), of a visitor data plan (short-term or welcome card). A future-dated price is
    scheduled and stays out until its day. Money and data leave the database as integer cents and
    milli-GB, so the analytics never sees a float and reading a million rows stays cheap. `where`
    narrows them further (a bucket's validities, a province) for readers that need only part.
    """
    return (
        Tier.objects.in_effect(on=on or timezone.localdate())
        .filter(plan__segment__in=BENCHMARK_SEGMENTS)
        .filter(where or Q())
        .annotate(
            tier_id=F("id"),
            branch_id=F("plan__branch_id"),
            operator_code=F("plan__branch__operator__code"),
            province_code=F("plan__branch__province__code"),
            branch_name_zh=F("plan__branch__name_zh"),
            plan_name_zh=F("plan__name_zh"),
            plan_name_en=F("plan__name_en"),
            price_cents=Cast(Round(F("price_cny") * Value(100)), output_field=BigIntegerField()),
            data_mgb=Cast(Round(F("data_gb") * Value(1000)), output_field=BigIntegerField()),
            is_from_price=ExpressionWrapper(Q(price_qualifier=Tier.PriceQualifier.FROM), output_field=BooleanField()),
        )
        .values(*analytics.INPUT_COLUMNS)
        # No ORDER BY: sorting a million wide rows would spill to disk; normalise_input sorts by tier id.
        .order_by()
    )


def benchmark_input_frame(*, on: datetime.date | None = None, where: Q | None = None) -> pd.DataFrame:
    """The analytics' input frame (`analytics.INPUT_DTYPES`) from `benchmark_input_queryset(on=on, where=where)`.

    On PostgreSQL the queryset's own SQL is streamed out with COPY (one round trip, no Python
    object per value); elsewhere the `.values_list()` rows are read as usual.
    """
    queryset = benchmark_input_queryset(on=on, where=where)
    if connection.vendor == "postgresql":
        sql, params = queryset.query.sql_with_params()
        # connection.ops is typed as the base class; compose_sql is PostgreSQL's own.
        statement = cast("PostgresOperations", connection.ops).compose_sql(sql, params)
        buffer = io.BytesIO()
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY ({statement}) TO STDOUT WITH CSV") as copy:
            for block in copy:
                buffer.write(block)
        frame = frame_from_csv(buffer.getvalue())
    else:
        frame = pd.DataFrame.from_records(
            queryset.values_list(*analytics.INPUT_COLUMNS), columns=list(analytics.INPUT_COLUMNS)
        )
    return analytics.normalise_input(frame)


def frame_from_csv(payload: bytes) -> pd.DataFrame:
    """The input frame (`analytics.INPUT_DTYPES`, in tier order) from the selector's headerless COPY CSV.

    Polars parses it (multi-threaded) and sorts it by tier id; each column then becomes its pandas
    dtype from arrays: text as a categorical by its codes, never a Python string per row. So
    `normalise_input` finds the frame already normalised and keeps it.
    """
    import polars as pl

    if not payload:
        return analytics.normalise_input(pd.DataFrame(columns=list(analytics.INPUT_COLUMNS)))
    integers = {"int64", "Int64"}
    table = pl.read_csv(
        io.BytesIO(payload),
        has_header=False,
        new_columns=list(analytics.INPUT_COLUMNS),
        schema_overrides={
            column: pl.Int64 if dtype in integers else pl.String for column, dtype in analytics.INPUT_DTYPES.items()
        },
    ).sort("tier_id")
    columns: dict[str, Any] = {}
    for column, dtype in analytics.INPUT_DTYPES.items():
        series = table.get_column(column)
        if dtype == "int64":
            columns[column] = series.to_numpy()
        elif dtype == "Int64":
            columns[column] = pd.arrays.IntegerArray(series.fill_null(0).to_numpy(), series.is_null().to_numpy())
        elif dtype == "bool":
            columns[column] = (series == "t").to_numpy()
        else:
            # NULL and "" both become "" (normalise_input's rule); categories sorted, as astype("category") sorts.
            series = series.fill_null("")
            categories = series.unique().sort()
            codes = series.cast(pl.Enum(categories)).to_physical().to_numpy()
            columns[column] = pd.Categorical.from_codes(codes, categories=pd.Index(categories.to_list(), dtype="str"))
    return pd.DataFrame(columns, columns=list(analytics.INPUT_COLUMNS))


def bucket_where(bucket: str) -> Q:
    """The tiers of one validity bucket (1-7, 8-14, 15-29, 30+), as a `where` for the input; ValueError otherwise."""
    first, last = pricing.bucket_bounds(bucket)
    return Q(validity_days__gte=first) if last is None else Q(validity_days__gte=first, validity_days__lte=last)
