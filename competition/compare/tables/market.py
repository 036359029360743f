"""Tables of the launches timeline and the strategies page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from competition.compare.tables.base import Table, columns

LAUNCH_COLUMNS = columns(
    "launch_id",
    "launched_on",
    "date_precision",
    "status",
    "operator_code",
    "branch_name_zh",
    "branch_name_en",
    "province_code",
    "province_name_zh",
    "province_name_en",
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
                "status": launch.status,
                "operator_code": launch.operator.code,
                "operator_obj": launch.operator,
                "branch": launch.branch,
                "branch_name_zh": launch.branch.name_zh if launch.branch else "",
                "branch_name_en": launch.branch.name_en if launch.branch else "",
                "province_code": launch.branch.province.code if launch.branch else "",
                "province_name_zh": launch.branch.province.name_zh if launch.branch else "",
                "province_name_en": launch.branch.province.name_en if launch.branch else "",
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
    "strategy_id", "theme", "operator_code", "title_zh", "title_en", "milestones", "key_figures", "source", "source_url"
)
MILESTONE_COLUMNS = columns(
    "strategy_id",
    "theme",
    "operator_code",
    "happened_on",
    "date_precision",
    "status",
    "description_zh",
    "description_en",
)
FIGURE_COLUMNS = columns(
    "strategy_id",
    "theme",
    "operator_code",
    "label_zh",
    "label_en",
    "amount:amount",
    "unit",
    "as_of",
    "as_of_precision",
    "status",
)


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
                    "operator_code": who,
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
                        "operator_code": who,
                        "happened_on": m.happened_on,
                        "date_precision": m.date_precision,
                        "status": m.status,
                        "description_zh": m.description_zh,
                        "description_en": m.description_en,
                    }
                )
            for f in own_figures:
                figures.rows.append(
                    {
                        "strategy_id": strategy.pk,
                        "theme": strategy.theme,
                        "operator_code": who,
                        "label_zh": f.label_zh,
                        "label_en": f.label_en,
                        "amount": f.amount,
                        "unit": f.unit,
                        "as_of": f.as_of,
                        "as_of_precision": f.as_of_precision,
                        "status": f.status,
                    }
                )
    return {"strategies": strategies, "milestones": milestones, "figures": figures}
