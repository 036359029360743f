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
        buffer.seek(0)
        dtypes = {
            column: ("float64" if dtype in {"Int64", "bool"} else dtype)
            for column, dtype in analytics.INPUT_DTYPES.items()
        }
        frame = pd.read_csv(
            buffer,
            names=list(analytics.INPUT_COLUMNS),
            header=None,
            dtype={**dtypes, "data_unlimited": "str", "is_promotional": "str", "is_from_price": "str"},
            keep_default_na=False,
            na_values={column: [""] for column, dtype in analytics.INPUT_DTYPES.items() if dtype == "Int64"},
        )
        for column in ("data_unlimited", "is_promotional", "is_from_price"):
            frame[column] = frame[column] == "t"
    else:
        frame = pd.DataFrame.from_records(
            queryset.values_list(*analytics.INPUT_COLUMNS), columns=list(analytics.INPUT_COLUMNS)
        )
    return analytics.normalise_input(frame)


def bucket_where(bucket: str) -> Q:
    """The tiers of one validity bucket (1-7, 8-14, 15-29, 30+), as a `where` for the input; ValueError otherwise."""
    first, last = pricing.bucket_bounds(bucket)
    return Q(validity_days__gte=first) if last is None else Q(validity_days__gte=first, validity_days__lte=last)
