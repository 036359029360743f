"""The rows behind every table of the comparison pages, shared by the HTML and its CSV link.

A page builds each table once as plain row dicts; the template renders those rows and the CSV
download writes the same rows with the same formatting, so the two can never disagree. CSV headers
are the stable column keys (the API's names where one exists) and carry both languages' names, so a
script reads the same file whichever language the analyst browsed in.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

from competition.templatetags.compare import amount, cny

Row = dict[str, Any]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"  # as the JSON API spells them
    return "" if value is None else str(value)


def _money(value: Any) -> str:
    return "" if value is None else cny(value)


def _amount(value: Any) -> str:
    return "" if value is None else amount(value)


FORMATTERS: dict[str, Callable[[Any], str]] = {"text": _text, "money": _money, "amount": _amount}


@dataclass(frozen=True)
class Column:
    key: str
    kind: str = "text"  # text | money | amount

    def format(self, value: Any) -> str:
        return FORMATTERS[self.kind](value)


@dataclass
class Table:
    """One table of a page: a slug for `?table=`, its columns and its rows."""

    name: str
    columns: Sequence[Column]
    rows: list[Row] = field(default_factory=list)

    def csv_response(self, *, filename: str) -> HttpResponse:
        # UTF-8 with a byte-order mark: Excel then reads the Chinese names right; pandas skips the mark.
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow([column.key for column in self.columns])
        for row in self.rows:
            writer.writerow([column.format(row.get(column.key)) for column in self.columns])
        return response


def columns(*specs: str) -> list[Column]:
    """`columns("province_code", "price_cny:money")`: a key and an optional kind after a colon."""
    parsed = []
    for spec in specs:
        key, _, kind = spec.partition(":")
        parsed.append(Column(key, kind or "text"))
    return parsed


TIER_COLUMNS = columns(
    "province_code",
    "province_zh",
    "province_en",
    "operator",
    "branch_zh",
    "branch_en",
    "plan_id",
    "plan_zh",
    "plan_en",
    "tier_id",
    "validity_days",
    "price_cny:money",
    "data_gb:amount",
    "data_unlimited",
    "price_per_gb_cny:money",
    "price_per_day_cny:money",
    "domestic_voice_min",
    "intl_voice_min",
    "intl_discount_cap_cny:money",
    "confidence",
    "is_promotional",
    "effective_from",
    "effective_to",
    "perks_zh",
    "perks_en",
)


def tier_row(tier: Any) -> Row:
    """A tier with its plan, branch and province, loaded by the selector (no query here)."""
    plan = tier.plan
    branch = plan.branch
    perks = list(plan.perks.all())
    return {
        "province_code": branch.province.code,
        "province_zh": branch.province.name_zh,
        "province_en": branch.province.name_en,
        "operator": branch.operator.code,
        "branch_zh": branch.name_zh,
        "branch_en": branch.name_en,
        "plan_id": plan.pk,
        "plan_zh": plan.name_zh,
        "plan_en": plan.name_en,
        "tier_id": tier.pk,
        "validity_days": tier.validity_days,
        "price_cny": tier.price_cny,
        "data_gb": tier.data_gb,
        "data_unlimited": tier.data_unlimited,
        "price_per_gb_cny": tier.price_per_gb.value,
        "per_gb_undefined": tier.price_per_gb.undefined_reason,
        "price_per_day_cny": tier.price_per_day,
        "domestic_voice_min": tier.domestic_voice_min,
        "intl_voice_min": tier.intl_voice_min,
        "intl_discount_cap_cny": tier.intl_discount_cap_cny,
        "confidence": tier.confidence,
        "confidence_label": tier.get_confidence_display(),
        "is_promotional": tier.is_promotional,
        "effective_from": tier.effective_from,
        "effective_to": tier.effective_to,
        "perks": perks,
        "perks_zh": "; ".join(p.name_zh for p in perks),
        "perks_en": "; ".join(p.name_en for p in perks),
        "source": tier.source,
        "notes": tier.notes,
    }


def tier_table(name: str, tiers: Iterable[Any]) -> Table:
    return Table(name=name, columns=TIER_COLUMNS, rows=[tier_row(t) for t in tiers])


def decimal_or_none(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


PLAN_COLUMNS = columns(
    "plan_id",
    "province_code",
    "operator",
    "branch_zh",
    "branch_en",
    "plan_zh",
    "plan_en",
    "segment",
    "validity_options_days",
    "current_tiers",
    "launched_on",
    "withdrawn_on",
)


def plan_table(plans: Iterable[Any]) -> Table:
    rows = []
    for plan in plans:
        tiers = list(plan.tiers.all())
        rows.append(
            {
                "plan": plan,
                "plan_id": plan.pk,
                "province_code": plan.branch.province.code,
                "operator": plan.branch.operator.code,
                "branch_zh": plan.branch.name_zh,
                "branch_en": plan.branch.name_en,
                "plan_zh": plan.name_zh,
                "plan_en": plan.name_en,
                "segment": plan.segment,
                "segment_label": plan.get_segment_display(),
                "validity_options_days": " ".join(str(days) for days in plan.validity_options_days or []),
                "current_tiers": sum(1 for t in tiers if t.effective_to is None),
                "launched_on": plan.launched_on,
                "withdrawn_on": plan.withdrawn_on,
            }
        )
    return Table(name="plans", columns=PLAN_COLUMNS, rows=rows)


HISTORY_COLUMNS = columns(
    "tier_id",
    "validity_days",
    "price_cny:money",
    "data_gb:amount",
    "price_per_gb_cny:money",
    "effective_from",
    "effective_to",
    "current",
    "confidence",
    "source",
)


def price_history_table(tiers: Iterable[Any]) -> Table:
    rows = [
        {
            "tier_id": t.pk,
            "validity_days": t.validity_days,
            "price_cny": t.price_cny,
            "data_gb": t.data_gb,
            "price_per_gb_cny": t.price_per_gb.value,
            "effective_from": t.effective_from,
            "effective_to": t.effective_to,
            "current": t.effective_to is None,
            "confidence": t.confidence,
            "confidence_label": t.get_confidence_display(),
            "source": t.source.citation,
            "source_obj": t.source,
        }
        for t in tiers
    ]
    return Table(name="history", columns=HISTORY_COLUMNS, rows=rows)


LAUNCH_COLUMNS = columns(
    "launch_id",
    "launched_on",
    "date_precision",
    "operator",
    "branch_zh",
    "province_code",
    "name_zh",
    "name_en",
    "kind",
    "partners_zh",
    "plans_zh",
    "summary_zh",
    "summary_en",
    "source",
    "source_url",
)


def launch_table(launches: Iterable[Any]) -> Table:
    rows = []
    for launch in launches:
        partners = list(launch.partners.all())
        plans = list(launch.plans.all())
        rows.append(
            {
                "launch": launch,
                "launch_id": launch.pk,
                "launched_on": launch.launched_on,
                "date_precision": launch.date_precision,
                "operator": launch.operator.code,
                "operator_obj": launch.operator,
                "branch": launch.branch,
                "branch_zh": launch.branch.name_zh if launch.branch else "",
                "province_code": launch.branch.province.code if launch.branch else "",
                "name_zh": launch.name_zh,
                "name_en": launch.name_en,
                "kind": launch.kind,
                "kind_label": launch.get_kind_display(),
                "partners": partners,
                "partners_zh": "; ".join(p.name_zh for p in partners),
                "plans": plans,
                "plans_zh": "; ".join(f"{p.branch.name_zh} {p.name_zh}" for p in plans),
                "summary_zh": launch.summary_zh,
                "summary_en": launch.summary_en,
                "source": launch.source.citation,
                "source_obj": launch.source,
                "source_url": launch.source.url,
            }
        )
    return Table(name="launches", columns=LAUNCH_COLUMNS, rows=rows)


STRATEGY_COLUMNS = columns(
    "strategy_id", "theme", "operator", "title_zh", "title_en", "milestones", "key_figures", "source", "source_url"
)
MILESTONE_COLUMNS = columns(
    "strategy_id", "theme", "operator", "happened_on", "date_precision", "description_zh", "description_en"
)
FIGURE_COLUMNS = columns("strategy_id", "theme", "operator", "label_zh", "label_en", "amount:amount", "unit", "as_of")


def strategy_tables(groups: Iterable[Any]) -> dict[str, Table]:
    """Three tables over the same strategies: the strategies, their milestones and their key figures."""
    strategies = Table(name="strategies", columns=STRATEGY_COLUMNS)
    milestones = Table(name="milestones", columns=MILESTONE_COLUMNS)
    figures = Table(name="figures", columns=FIGURE_COLUMNS)
    for group in groups:
        for strategy in group.strategies:
            who = strategy.operator.code if strategy.operator else "industry"
            own_milestones = list(strategy.milestones.all())
            own_figures = list(strategy.key_figures.all())
            strategies.rows.append(
                {
                    "strategy_id": strategy.pk,
                    "theme": strategy.theme,
                    "operator": who,
                    "title_zh": strategy.title_zh,
                    "title_en": strategy.title_en,
                    "milestones": len(own_milestones),
                    "key_figures": len(own_figures),
                    "source": strategy.source.citation,
                    "source_url": strategy.source.url,
                }
            )
            for m in own_milestones:
                milestones.rows.append(
                    {
                        "strategy_id": strategy.pk,
                        "theme": strategy.theme,
                        "operator": who,
                        "happened_on": m.happened_on,
                        "date_precision": m.date_precision,
                        "description_zh": m.description_zh,
                        "description_en": m.description_en,
                    }
                )
            for f in own_figures:
                figures.rows.append(
                    {
                        "strategy_id": strategy.pk,
                        "theme": strategy.theme,
                        "operator": who,
                        "label_zh": f.label_zh,
                        "label_en": f.label_en,
                        "amount": f.amount,
                        "unit": f.unit,
                        "as_of": f.as_of,
                    }
                )
    return {"strategies": strategies, "milestones": milestones, "figures": figures}


MATRIX_COLUMNS = columns(
    "province_code",
    "province_zh",
    "province_en",
    "operator",
    "bucket",
    "metric",
    "profile",
    "value_cny:money",
    "cheapest_in_row",
    "sample_count",
    "tier_id",
    "plan_id",
    "branch_zh",
    "plan_zh",
    "plan_en",
    "validity_days",
    "price_cny:money",
    "data_gb:amount",
    "repeats",
    "empty_reason",
)


def matrix_table(matrix: Any) -> Table:
    """One CSV row per cell of the grid, empty cells included with the reason they are empty."""
    is_basket = matrix.profile is not None
    rows = []
    for grid_row in matrix.rows:
        for cell in grid_row.cells:
            rows.append(
                {
                    "cell": cell,
                    "province_code": cell.province.code,
                    "province_zh": cell.province.name_zh,
                    "province_en": cell.province.name_en,
                    "operator": cell.operator.code,
                    "bucket": "" if is_basket else matrix.bucket,
                    "metric": matrix.metric,
                    "profile": matrix.profile["slug"] if is_basket else "",
                    "value_cny": cell.value,
                    "cheapest_in_row": cell.cheapest_in_row,
                    "sample_count": cell.sample_count,
                    "tier_id": cell.tier_id,
                    "plan_id": cell.plan_id,
                    "branch_zh": cell.branch_name_zh,
                    "plan_zh": cell.plan_name_zh,
                    "plan_en": cell.plan.name_en if cell.plan else "",
                    "validity_days": cell.validity_days,
                    "price_cny": cell.price_cny,
                    "data_gb": cell.data_gb,
                    "repeats": cell.repeats,
                    "empty_reason": cell.note,
                }
            )
    return Table(name="matrix", columns=MATRIX_COLUMNS, rows=rows)


BENCHMARK_COLUMNS = columns(
    "position",
    "rank",
    "province_code",
    "operator",
    "branch_zh",
    "plan_id",
    "plan_zh",
    "plan_en",
    "tier_id",
    "validity_days",
    "price_cny:money",
    "data_gb:amount",
    "price_per_gb_cny:money",
    "per_gb_undefined_reason",
    "price_per_day_cny:money",
    "index:money",
    "is_promotional",
    "confidence",
)


def benchmark_table(rows: Iterable[Any], plans: dict[int, Any]) -> Table:
    """The stored rows of a bucket in their stored order: rank 1 is the cheapest per GB."""
    out = []
    for row in rows:
        plan = plans.get(row.plan_id)
        out.append(
            {
                "row": row,
                "plan": plan,
                "position": row.position,
                "rank": row.rank,
                "province_code": row.province_code,
                "operator": row.operator_code,
                "branch_zh": row.branch_name_zh,
                "plan_id": row.plan_id,
                "plan_zh": row.plan_name_zh,
                "plan_en": row.plan_name_en,
                "tier_id": row.tier_id,
                "validity_days": row.validity_days,
                "price_cny": row.price_cny,
                "data_gb": row.data_gb,
                "price_per_gb_cny": row.price_per_gb_cny,
                "per_gb_undefined_reason": row.per_gb_undefined_reason,
                "price_per_day_cny": row.price_per_day_cny,
                "index": row.per_gb_index,
                "is_promotional": row.is_promotional,
                "confidence": row.confidence,
            }
        )
    return Table(name="benchmark", columns=BENCHMARK_COLUMNS, rows=out)


BASKET_COLUMNS = columns(
    "position",
    "province_code",
    "province_zh",
    "province_en",
    "operator",
    "covered",
    "cost_cny:money",
    "branch_zh",
    "plan_id",
    "plan_zh",
    "plan_en",
    "tier_id",
    "validity_days",
    "repeats",
    "price_cny:money",
    "candidate_count",
)


def basket_table(answer: Any) -> Table:
    """Covered pairs cheapest first, then the pairs whose current tiers cannot cover the profile."""
    rows = []
    for position, cost in enumerate(answer.costs, start=1):
        province = answer.provinces.get(cost["province_code"])
        plan = answer.plans.get(int(cost["plan_id"]))
        rows.append(
            {
                "province": province,
                "operator_obj": answer.operators.get(cost["operator_code"]),
                "plan": plan,
                "position": position,
                "province_code": cost["province_code"],
                "province_zh": province.name_zh if province else "",
                "province_en": province.name_en if province else "",
                "operator": cost["operator_code"],
                "covered": True,
                "cost_cny": cost["cost_cny"],
                "branch_zh": cost["branch_name_zh"],
                "plan_id": int(cost["plan_id"]),
                "plan_zh": cost["plan_name_zh"],
                "plan_en": plan.name_en if plan else "",
                "tier_id": int(cost["tier_id"]),
                "validity_days": int(cost["validity_days"]),
                "repeats": int(cost["repeats"]),
                "price_cny": cost["price_cny"],
                "candidate_count": int(cost["candidate_count"]),
            }
        )
    for province_code, operator_code in answer.uncovered:
        province = answer.provinces.get(province_code)
        rows.append(
            {
                "province": province,
                "operator_obj": answer.operators.get(operator_code),
                "province_code": province_code,
                "province_zh": province.name_zh if province else "",
                "province_en": province.name_en if province else "",
                "operator": operator_code,
                "covered": False,
                "candidate_count": 0,
            }
        )
    return Table(name="basket", columns=BASKET_COLUMNS, rows=rows)
