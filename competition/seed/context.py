"""Seed rows of market context (fixtures/market_context.yaml): the white papers as sources, indicators, figures.

A figure is named by (indicator, region, period, source), the model's unique key, so a re-run finds
it and the writer's identity rules apply as to every other seed row: an analyst's correction of a
figure is skipped and reported, never overwritten. A `regions:` list (a list of provinces in the
source) becomes one row per province of a flag indicator, each with value 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Model

from competition.context import services
from competition.context.models import FLAG_VALUE, NATIONAL, Indicator, IndicatorValue, parse_period
from competition.seed.files import SeedError, check_keys, money, rows_of
from competition.seed.reference import load_sources
from competition.seed.writer import SeedWriter
from operators.models import Province
from plans.models import Tier

FILE = "market_context.yaml"
FIGURE_OPTIONAL = ("region", "regions", "value", "unit", "confidence", "quote", "notes")


def load_market_context(writer: SeedWriter, content: Mapping[str, Any]) -> None:
    load_sources(writer, content, file=FILE)
    _load_indicators(writer, content)
    _load_figures(writer, content)


def _load_indicators(writer: SeedWriter, content: Mapping[str, Any]) -> None:
    for index, row in enumerate(rows_of(content, "indicators", file=FILE)):
        where = f"{FILE} indicators[{index}]"
        row = check_keys(
            row, where=where, required=("code", "name_zh", "name_en"), optional=("unit", "kind", "description")
        )
        writer.upsert(
            entity="indicators",
            label=f"indicator {row['code']}",
            model=Indicator,
            lookup={"code": row["code"]},
            values={
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "unit": row.get("unit", ""),
                "kind": row.get("kind", Indicator.Kind.FIGURE),
                "description": row.get("description", ""),
            },
            where=f"{where} ({row['code']})",
        )


def _load_figures(writer: SeedWriter, content: Mapping[str, Any]) -> None:
    for index, row in enumerate(rows_of(content, "figures", file=FILE)):
        where = f"{FILE} figures[{index}]"
        row = check_keys(
            row, where=where, required=("indicator", "period", "source", "locator"), optional=FIGURE_OPTIONAL
        )
        where = f"{where} ({row['indicator']} {row['period']})"
        if ("region" in row) == ("regions" in row):
            raise SeedError(f"{where}: give either region (national or a province code) or regions (a list of codes)")
        try:
            period_start, precision = parse_period(str(row["period"]).strip())
        except ValueError as error:
            raise SeedError(f"{where}: period: {row['period']!r} is not YYYY, YYYY-Qn or YYYY-MM") from error
        indicator = writer.reference(Indicator, where=where, label="indicator", code=row["indicator"])
        source = writer.source_ref(row["source"], where=where)
        listed = "regions" in row
        if listed and "value" in row:
            raise SeedError(f"{where}: a list of provinces is a flag (value 1); give no value")
        value = FLAG_VALUE if listed else money(row.get("value"), where=where, field="value")
        if value is None:
            raise SeedError(f"{where}: value: a figure needs a value (a figure the source does not give stays out)")
        codes = [str(code) for code in row["regions"]] if listed else [str(row["region"])]
        for code in codes:
            province = (
                None if code == NATIONAL else writer.reference(Province, where=where, label="province", code=code)
            )
            label = f"indicator value {row['indicator']} {code} {row['period']}"
            references: dict[str, Model | None] = {"indicator": indicator, "source": source}
            if code != NATIONAL:
                references["province"] = province
            if writer.skip_unless_present(entity="indicator values", label=label, **references):
                continue
            writer.upsert(
                entity="indicator values",
                label=label,
                model=IndicatorValue,
                lookup={
                    "indicator": indicator,
                    "province": province,
                    "period_start": period_start,
                    "period_precision": precision,
                    "source": source,
                },
                values={
                    "value": value,
                    "unit": row.get("unit", ""),
                    "confidence": row.get("confidence", Tier.Confidence.CONFIRMED),
                    "locator": row["locator"],
                    "quote": row.get("quote", ""),
                    "notes": row.get("notes", ""),
                },
                where=where,
                create=lambda fields, _many: services.indicator_value_create(actor=writer.actor, **fields),
                update=lambda instance, changes: services.versioned_update(
                    instance=instance, changes=changes, actor=writer.actor
                ),
            )
