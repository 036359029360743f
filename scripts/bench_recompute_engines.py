"""The floor's three engines for scripts/bench_recompute.py: each loads the selector's COPY CSV and computes.

pandas is the project's own `analytics.benchmarks_compute`; Polars and DuckDB compute the same per-GB
rows, ranks, medians, indices, matrix cells (three metrics) and baskets (four profiles) in their own
expressions. These are the bench's yardsticks, not product code: the product's formulas live only in
competition/benchmarks/analytics/. Each engine returns (load seconds, compute seconds, its result).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

BOOL_COLUMNS = ("data_unlimited", "is_promotional", "is_from_price")


def basket_profiles() -> list[tuple[str, int, int, int, int]]:
    """The analytics' basket profiles as (slug, days, milli-GB, domestic minutes, international minutes)."""
    from competition.benchmarks import analytics

    return [
        (profile.slug, profile.days, int(profile.data_gb * 1000), profile.domestic_min, profile.intl_min)
        for profile in analytics.DEFAULT_BASKETS
    ]


# --------------------------------------------------------------------------- DuckDB


DUCKDB_COMPUTE = """
CREATE TABLE p AS
WITH b AS (
    SELECT *,
        CASE WHEN validity_days <= 7 THEN '1-7' WHEN validity_days <= 14 THEN '8-14'
             WHEN validity_days <= 29 THEN '15-29' ELSE '30+' END AS bucket,
        CASE WHEN data_unlimited THEN 'data_unlimited' WHEN data_mgb IS NULL THEN 'data_unknown'
             WHEN data_mgb = 0 THEN 'data_zero' ELSE '' END AS reason
    FROM t
)
SELECT *,
    reason = '' AS defined,
    reason = '' AND NOT is_promotional AND NOT is_from_price AS ranked,
    CASE WHEN reason = '' THEN (2000 * price_cents + data_mgb) // (2 * data_mgb) END AS per_gb_cents,
    CASE WHEN reason = '' THEN price_cents * 10.0 / data_mgb END AS per_gb,
    (2 * price_cents + validity_days) // (2 * validity_days) AS per_day_cents,
    (60 * price_cents + validity_days) // (2 * validity_days) AS per_30_cents,
    price_cents * 1.0 / validity_days AS per_day
FROM b;

CREATE TABLE m AS
SELECT bucket, median(per_gb) AS med, min(per_gb_cents) AS lo, max(per_gb_cents) AS hi, count(*) AS n
FROM p WHERE ranked GROUP BY bucket;

CREATE TABLE r AS
SELECT p.*,
    CASE WHEN ranked THEN rank() OVER (PARTITION BY bucket, ranked ORDER BY per_gb) END AS rnk,
    row_number() OVER (PARTITION BY bucket ORDER BY defined DESC, per_gb, price_cents, tier_id) AS position,
    CASE WHEN defined AND m.med > 0 THEN round(100 * p.per_gb / m.med, 2) END AS idx
FROM p LEFT JOIN m USING (bucket);

CREATE TABLE cells AS
SELECT * FROM (
    SELECT *, 'per_gb' AS metric, per_gb_cents AS value_cents, count(*) OVER w AS n FROM p WHERE ranked
    WINDOW w AS (PARTITION BY bucket, province_code, operator_code)
    QUALIFY row_number() OVER (PARTITION BY bucket, province_code, operator_code
                               ORDER BY per_gb, price_cents, tier_id) = 1
    UNION ALL
    SELECT *, 'per_day', per_day_cents, count(*) OVER w FROM p WHERE NOT is_promotional AND NOT is_from_price
    WINDOW w AS (PARTITION BY bucket, province_code, operator_code)
    QUALIFY row_number() OVER (PARTITION BY bucket, province_code, operator_code
                               ORDER BY per_day, price_cents, tier_id) = 1
    UNION ALL
    SELECT *, 'per_30_days', per_30_cents, count(*) OVER w FROM p WHERE NOT is_promotional AND NOT is_from_price
    WINDOW w AS (PARTITION BY bucket, province_code, operator_code)
    QUALIFY row_number() OVER (PARTITION BY bucket, province_code, operator_code
                               ORDER BY per_day, price_cents, tier_id) = 1
);

CREATE TABLE baskets AS
WITH profile(slug, days, need_mgb, dom, intl) AS (VALUES {profiles}),
candidates AS (
    SELECT t.*, profile.*, (days + validity_days - 1) // validity_days AS repeats
    FROM t CROSS JOIN profile WHERE NOT is_promotional AND NOT is_from_price
), covering AS (
    SELECT *, repeats * price_cents AS cost_cents FROM candidates
    WHERE (need_mgb = 0 OR data_unlimited OR (data_mgb IS NOT NULL AND repeats * data_mgb >= need_mgb))
      AND (dom = 0 OR (domestic_voice_min IS NOT NULL AND repeats * domestic_voice_min >= dom))
      AND (intl = 0 OR (intl_voice_min IS NOT NULL AND repeats * intl_voice_min >= intl))
)
SELECT *, count(*) OVER w AS n FROM covering
WINDOW w AS (PARTITION BY slug, province_code, operator_code)
QUALIFY row_number() OVER (PARTITION BY slug, province_code, operator_code ORDER BY cost_cents, tier_id) = 1;
"""


def _money(column: str, places: int = 2) -> str:
    unit = 10**places
    return f"CASE WHEN {column} IS NOT NULL THEN printf('%d.%0{places}d', {column} // {unit}, {column} % {unit}) END"


# The DuckDB result rows in FLOOR_COLUMNS' order, as the read model stores them.
DUCKDB_ROWS = (
    "SELECT 0, bucket, position, tier_id, plan_id, branch_id, operator_code, province_code, branch_name_zh, "
    f"plan_name_zh, coalesce(plan_name_en, ''), validity_days, {_money('price_cents')}, {_money('data_mgb', 3)}, "
    f"data_unlimited, {_money('per_gb_cents')}, reason, {_money('per_day_cents')}, {_money('per_30_cents')}, rnk, "
    "printf('%.2f', idx), is_promotional, confidence FROM r"
)


def duckdb_engine(source: Path) -> tuple[float, float, Any]:
    import duckdb

    from competition.benchmarks import analytics

    types = {"Int64": "BIGINT", "int64": "BIGINT", "bool": "BOOLEAN", "category": "VARCHAR"}
    columns = ", ".join(f"'{name}': '{types[dtype]}'" for name, dtype in analytics.INPUT_DTYPES.items())
    began = time.perf_counter()
    duck = duckdb.connect()
    duck.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{source}', header=false, columns={{{columns}}})")
    loaded = time.perf_counter()
    duck.execute(DUCKDB_COMPUTE.replace("{profiles}", ", ".join(str(profile) for profile in basket_profiles())))
    return loaded - began, time.perf_counter() - loaded, duck


# --------------------------------------------------------------------------- Polars


def polars_compute(t: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The same tables as DUCKDB_COMPUTE, in Polars expressions."""
    import polars as pl

    c = pl.col
    days = c("validity_days")
    p = t.with_columns(
        bucket=pl.when(days <= 7)
        .then(pl.lit("1-7"))
        .when(days <= 14)
        .then(pl.lit("8-14"))
        .when(days <= 29)
        .then(pl.lit("15-29"))
        .otherwise(pl.lit("30+")),
        reason=pl.when(c("data_unlimited"))
        .then(pl.lit("data_unlimited"))
        .when(c("data_mgb").is_null())
        .then(pl.lit("data_unknown"))
        .when(c("data_mgb") == 0)
        .then(pl.lit("data_zero"))
        .otherwise(pl.lit("")),
    )
    defined = c("reason") == ""
    p = p.with_columns(
        defined=defined,
        ranked=defined & ~c("is_promotional") & ~c("is_from_price"),
        per_gb_cents=pl.when(defined).then((2000 * c("price_cents") + c("data_mgb")) // (2 * c("data_mgb"))),
        per_gb=pl.when(defined).then(c("price_cents") * 10.0 / c("data_mgb")),
        per_day_cents=(2 * c("price_cents") + days) // (2 * days),
        per_30_cents=(60 * c("price_cents") + days) // (2 * days),
        per_day=c("price_cents") / days,
    )
    medians = (
        p.filter(c("ranked"))
        .group_by("bucket")
        .agg(med=c("per_gb").median(), lo=c("per_gb_cents").min(), hi=c("per_gb_cents").max(), n=pl.len())
    )
    rows = (
        p.join(medians, on="bucket", how="left")
        .sort(["bucket", "defined", "per_gb", "price_cents", "tier_id"], descending=[False, True, False, False, False])
        .with_columns(
            rnk=pl.when(c("ranked")).then(c("per_gb").rank("min").over(["bucket", "ranked"])),
            position=pl.int_range(1, pl.len() + 1).over("bucket"),
            idx=pl.when(c("defined") & (c("med") > 0)).then((100 * c("per_gb") / c("med")).round(2)),
        )
    )
    cell = ["bucket", "province_code", "operator_code"]
    cells = pl.concat(
        [
            frame.sort([order, "price_cents", "tier_id"])
            .group_by(cell, maintain_order=True)
            .agg(pl.all().exclude(cell).first(), n=pl.len())
            .select([*cell, "tier_id", "plan_id", "price_cents", pl.col(value).alias("value_cents"), "n"])
            .with_columns(metric=pl.lit(metric))
            for metric, frame, order, value in (
                ("per_gb", p.filter(c("ranked")), "per_gb", "per_gb_cents"),
                ("per_day", p.filter(~c("is_promotional") & ~c("is_from_price")), "per_day", "per_day_cents"),
                ("per_30_days", p.filter(~c("is_promotional") & ~c("is_from_price")), "per_day", "per_30_cents"),
            )
        ]
    )
    profiles = pl.DataFrame(basket_profiles(), schema=["slug", "days", "need_mgb", "dom", "intl"], orient="row")
    candidates = (
        t.filter(~c("is_promotional") & ~c("is_from_price"))
        .join(profiles, how="cross")
        .with_columns(repeats=(c("days") + days - 1) // days)
        .filter(
            (
                (c("need_mgb") == 0)
                | c("data_unlimited")
                | (c("repeats") * c("data_mgb") >= c("need_mgb")).fill_null(False)
            )
            & ((c("dom") == 0) | (c("repeats") * c("domestic_voice_min") >= c("dom")).fill_null(False))
            & ((c("intl") == 0) | (c("repeats") * c("intl_voice_min") >= c("intl")).fill_null(False))
        )
        .with_columns(cost_cents=c("repeats") * c("price_cents"))
    )
    basket = ["slug", "province_code", "operator_code"]
    baskets = (
        candidates.sort(["cost_cents", "tier_id"])
        .group_by(basket, maintain_order=True)
        .agg(c("tier_id").first(), c("cost_cents").first(), c("repeats").first(), n=pl.len())
    )
    return {"rows": rows, "medians": medians, "cells": cells, "baskets": baskets}


def polars_engine(source: Path) -> tuple[float, float, Any]:
    import polars as pl

    from competition.benchmarks import analytics

    types = {"Int64": pl.Int64, "int64": pl.Int64, "bool": pl.String, "category": pl.String}
    began = time.perf_counter()
    frame = pl.read_csv(
        source,
        has_header=False,
        new_columns=list(analytics.INPUT_COLUMNS),
        schema_overrides={name: types[dtype] for name, dtype in analytics.INPUT_DTYPES.items()},
    ).with_columns([(pl.col(name) == "t").alias(name) for name in BOOL_COLUMNS])
    loaded = time.perf_counter()
    result = polars_compute(frame)
    return loaded - began, time.perf_counter() - loaded, result


# --------------------------------------------------------------------------- pandas (the project's analytics)


def pandas_engine(source: Path) -> tuple[float, float, Any]:
    """The product's own load (`inputs.frame_from_csv`, what a run reads with) and compute."""
    from competition.benchmarks import analytics, inputs

    began = time.perf_counter()
    frame = inputs.frame_from_csv(source.read_bytes())
    loaded = time.perf_counter()
    result = analytics.benchmarks_compute(frame)
    return loaded - began, time.perf_counter() - loaded, result


ENGINES = {"pandas": pandas_engine, "polars": polars_engine, "duckdb": duckdb_engine}
