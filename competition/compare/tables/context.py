"""The market context table of the province page: national and provincial figures with their citations."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from competition.compare.tables.base import Column, Table, columns
from competition.context.currency import Conversion

CONTEXT_COLUMNS = columns(
    "region",
    "province_zh",
    "indicator",
    "indicator_zh",
    "indicator_en",
    "period",
    "value:amount",
    "unit",
    "confidence",
    "source_citation",
    "locator",
    "quote",
    "indicator_value_id",
)


def indicator_value_table(values: Iterable) -> Table:
    """One row per figure, as the API's /indicators/ names its columns."""
    rows = [
        {
            "figure": value,
            "region": value.region,
            "province_zh": value.province.name_zh if value.province is not None else "",
            "indicator": value.indicator.code,
            "indicator_zh": value.indicator.name_zh,
            "indicator_en": value.indicator.name_en,
            "period": value.period,
            "value": value.value,
            "unit": value.unit,
            "confidence": value.confidence,
            "source_citation": value.source.citation,
            "locator": value.locator,
            "quote": value.quote,
            "indicator_value_id": value.pk,
        }
        for value in values
    ]
    return Table(name="context", columns=CONTEXT_COLUMNS, rows=rows)


def table_with_currency(table: Table, conversion: Conversion | None, *, fields: Sequence[str]) -> Table:
    """The table with `fields` (CNY money columns) also in the conversion's currency, and the rate used.

    Each row also gets `fx`: {"price": …, "price_per_gb": …} for the templates, which cannot build
    the column name from the currency.
    """
    if conversion is None:
        return table

    def converted(row: dict[str, Any]) -> dict[str, Any]:
        added = conversion.columns(row, fields)
        fx = {name.removesuffix("_cny"): added[f"{name.removesuffix('_cny')}_{conversion.suffix}"] for name in fields}
        return {**row, **added, "fx": fx}

    rows = [converted(row) for row in table.rows]
    # A streamed table (the CSV of a whole bucket) stays streamed.
    streamed = None if table.streamed is None else map(converted, table.streamed)
    extra = [Column(f"{name.removesuffix('_cny')}_{conversion.suffix}", "money") for name in fields]
    extra += [Column(f"cny_per_{conversion.suffix}"), Column(f"{conversion.suffix}_rate_on")]
    return Table(name=table.name, columns=[*table.columns, *extra], rows=rows, streamed=streamed)
