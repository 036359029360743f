"""Seed rows of market intelligence: launches, and strategies with their milestones and key figures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from competition.market.models import EventStatus, KeyFigure, Launch, Partner, Strategy, StrategyMilestone
from competition.seed.files import check_keys, money, parse_seed_date, rows_of
from competition.seed.writer import SeedWriter
from operators.models import Operator

LAUNCH_OPTIONAL = ("branch", "name_en", "launched_on", "status", "partners", "plans", "summary_zh", "summary_en")
STRATEGY_OPTIONAL = ("operator", "title_en", "summary_zh", "summary_en", "milestones", "key_figures")


def load_launches(writer: SeedWriter, content: Mapping[str, Any]) -> None:
    for index, row in enumerate(rows_of(content, "launches", file="launches.yaml")):
        where = f"launches.yaml launches[{index}]"
        row = check_keys(row, where=where, required=("operator", "name_zh", "kind", "source"), optional=LAUNCH_OPTIONAL)
        owner = row.get("branch") or row["operator"]
        where = f"{where} ({owner} {row['name_zh']})"
        label = f"launch {owner} {row['name_zh']}"
        operator = writer.reference(Operator, where=where, label="operator", code=row["operator"])
        branch = writer.branch_ref(row["branch"], where=where) if row.get("branch") else None
        source = writer.source_ref(row["source"], where=where)
        launched_on, precision = parse_seed_date(row.get("launched_on"), where=where)
        partners = [
            writer.reference(Partner, where=where, label="partners", name_zh=name) for name in row.get("partners", [])
        ]
        plans = [writer.plan_ref(ref, where=where) for ref in row.get("plans", [])]
        required = {"operator": operator, "source": source, **({"branch": branch} if row.get("branch") else {})}
        if writer.skip_unless_present(entity="launches", label=label, **required):
            continue
        writer.upsert(
            entity="launches",
            label=label,
            model=Launch,
            lookup={"operator": operator, "branch": branch, "name_zh": row["name_zh"]},
            values={
                "name_en": row.get("name_en", ""),
                "kind": row["kind"],
                "launched_on": launched_on,
                "date_precision": precision,
                "status": row.get("status", EventStatus.HAPPENED),
                "summary_zh": row.get("summary_zh", ""),
                "summary_en": row.get("summary_en", ""),
                "source": source,
            },
            # A partner or plan an analyst deleted is not linked again.
            many={
                "partners": [partner for partner in partners if partner is not None],
                "plans": [plan for plan in plans if plan is not None],
            },
            where=where,
        )


def load_strategies(writer: SeedWriter, content: Mapping[str, Any]) -> None:
    for index, row in enumerate(rows_of(content, "strategies", file="strategies.yaml")):
        where = f"strategies.yaml strategies[{index}]"
        row = check_keys(row, where=where, required=("theme", "title_zh", "source"), optional=STRATEGY_OPTIONAL)
        where = f"{where} ({row.get('operator') or 'industry'} {row['title_zh']})"
        label = f"strategy {row.get('operator') or 'industry'} {row['title_zh']}"
        operator = (
            writer.reference(Operator, where=where, label="operator", code=row["operator"])
            if row.get("operator")
            else None
        )
        source = writer.source_ref(row["source"], where=where)
        required = {"source": source, **({"operator": operator} if row.get("operator") else {})}
        strategy: Strategy | None = None
        if not writer.skip_unless_present(entity="strategies", label=label, **required):
            strategy = writer.upsert(
                entity="strategies",
                label=label,
                model=Strategy,
                lookup={"operator": operator, "theme": row["theme"], "title_zh": row["title_zh"]},
                values={
                    "title_en": row.get("title_en", ""),
                    "summary_zh": row.get("summary_zh", ""),
                    "summary_en": row.get("summary_en", ""),
                    "source": source,
                },
                where=where,
            )
        for milestone_index, milestone in enumerate(row.get("milestones", [])):
            milestone_where = f"{where} milestones[{milestone_index}]"
            milestone = check_keys(
                milestone,
                where=milestone_where,
                required=("description_zh",),
                optional=("date", "status", "description_en"),
            )
            happened_on, precision = parse_seed_date(milestone.get("date"), where=milestone_where)
            milestone_label = f"strategy milestone {row['title_zh']}: {milestone['description_zh'][:40]}"
            if writer.skip_unless_present(entity="strategy milestones", label=milestone_label, strategy=strategy):
                continue
            writer.upsert(
                entity="strategy milestones",
                label=milestone_label,
                model=StrategyMilestone,
                lookup={"strategy": strategy, "description_zh": milestone["description_zh"]},
                values={
                    "happened_on": happened_on,
                    "date_precision": precision,
                    "status": milestone.get("status", EventStatus.HAPPENED),
                    "description_en": milestone.get("description_en", ""),
                },
                where=milestone_where,
            )
        for figure_index, figure in enumerate(row.get("key_figures", [])):
            figure_where = f"{where} key_figures[{figure_index}]"
            figure = check_keys(
                figure,
                where=figure_where,
                required=("label_zh", "amount", "unit"),
                optional=("label_en", "as_of", "status"),
            )
            as_of, as_of_precision = parse_seed_date(figure.get("as_of"), where=figure_where)
            figure_label = f"key figure {figure['label_zh']}"
            if writer.skip_unless_present(entity="key figures", label=figure_label, strategy=strategy):
                continue
            writer.upsert(
                entity="key figures",
                label=figure_label,
                model=KeyFigure,
                lookup={"strategy": strategy, "label_zh": figure["label_zh"]},
                values={
                    "label_en": figure.get("label_en", ""),
                    "amount": money(figure["amount"], where=figure_where, field="amount"),
                    "unit": figure["unit"],
                    "as_of": as_of,
                    "as_of_precision": as_of_precision,
                    "status": figure.get("status", EventStatus.HAPPENED),
                },
                where=figure_where,
            )
