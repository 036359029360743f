"""Seed rows of reference data: operators, provinces, sources, branches, perks and launch partners."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from competition.market.models import Partner
from competition.seed.files import check_keys, rows_of
from competition.seed.writer import SeedWriter
from operators.models import Branch, Operator, Province, Source
from plans.models import Perk


def load_operators(writer: SeedWriter, content: Mapping[str, Any]) -> None:
    for index, row in enumerate(rows_of(content, "operators", file="operators.yaml")):
        where = f"operators.yaml operators[{index}]"
        row = check_keys(
            row, where=where, required=("code", "name_zh", "name_en"), optional=("short_name_zh", "kind", "website")
        )
        where = f"{where} ({row['code']})"
        writer.upsert(
            entity="operators",
            label=f"operator {row['code']}",
            model=Operator,
            lookup={"code": row["code"]},
            values={
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "short_name_zh": row.get("short_name_zh", ""),
                "kind": row.get("kind", Operator.Kind.MNO),
                "website": row.get("website", ""),
            },
            where=where,
        )


def load_provinces(writer: SeedWriter, content: Mapping[str, Any]) -> None:
    for index, row in enumerate(rows_of(content, "provinces", file="provinces.yaml")):
        where = f"provinces.yaml provinces[{index}]"
        row = check_keys(row, where=where, required=("code", "name_zh", "name_en", "region"))
        where = f"{where} ({row['code']} {row['name_zh']})"
        writer.upsert(
            entity="provinces",
            label=f"province {row['code']} {row['name_zh']}",
            model=Province,
            lookup={"code": str(row["code"])},
            values={"name_zh": row["name_zh"], "name_en": row["name_en"], "region": row["region"]},
            where=where,
        )


def load_sources(writer: SeedWriter, content: Mapping[str, Any], *, file: str = "sources.yaml") -> None:
    optional = ("publisher", "author", "locator", "published_on", "url", "captured_on", "notes")
    for index, row in enumerate(rows_of(content, "sources", file=file)):
        where = f"{file} sources[{index}]"
        row = check_keys(row, where=where, required=("publication", "issue", "title"), optional=optional)
        where = f"{where} ({row['title']})"
        writer.upsert(
            entity="sources",
            label=f"source {row['title']}",
            model=Source,
            lookup={"publication": row["publication"], "issue": row["issue"], "title": row["title"]},
            values={
                "publisher": row.get("publisher", ""),
                "author": row.get("author", ""),
                "locator": row.get("locator", ""),
                "published_on": row.get("published_on"),
                "url": row.get("url", ""),
                "captured_on": row.get("captured_on"),
                "notes": row.get("notes", ""),
            },
            where=where,
        )


def load_branches(writer: SeedWriter, content: Mapping[str, Any]) -> None:
    for index, row in enumerate(rows_of(content, "branches", file="branches.yaml")):
        where = f"branches.yaml branches[{index}]"
        row = check_keys(
            row,
            where=where,
            required=("name_zh", "name_en", "operator", "province"),
            optional=("city_zh", "city_en"),
        )
        where = f"{where} ({row['name_zh']})"
        label = f"branch {row['name_zh']}"
        writer.branch_keys[row["name_zh"]] = (row["operator"], str(row["province"]), row.get("city_zh", ""))
        operator = writer.reference(Operator, where=where, label="operator", code=row["operator"])
        province = writer.reference(Province, where=where, label="province", code=str(row["province"]))
        if writer.skip_unless_present(entity="branches", label=label, operator=operator, province=province):
            continue
        writer.upsert(
            entity="branches",
            label=label,
            model=Branch,
            # The natural key is the place; the name is a value an analyst may correct.
            lookup={"operator": operator, "province": province, "city_zh": row.get("city_zh", "")},
            values={"name_zh": row["name_zh"], "name_en": row["name_en"], "city_en": row.get("city_en", "")},
            where=where,
        )


def load_perks(writer: SeedWriter, content: Mapping[str, Any]) -> None:
    for index, row in enumerate(rows_of(content, "perks", file="perks.yaml")):
        where = f"perks.yaml perks[{index}]"
        row = check_keys(row, where=where, required=("name_zh", "name_en", "category"), optional=("description",))
        where = f"{where} ({row['name_zh']})"
        writer.upsert(
            entity="perks",
            label=f"perk {row['name_zh']}",
            model=Perk,
            lookup={"name_zh": row["name_zh"]},
            values={"name_en": row["name_en"], "category": row["category"], "description": row.get("description", "")},
            where=where,
        )


def load_partners(writer: SeedWriter, content: Mapping[str, Any]) -> None:
    for index, row in enumerate(rows_of(content, "partners", file="partners.yaml")):
        where = f"partners.yaml partners[{index}]"
        row = check_keys(row, where=where, required=("name_zh",), optional=("name_en", "kind"))
        where = f"{where} ({row['name_zh']})"
        writer.upsert(
            entity="partners",
            label=f"partner {row['name_zh']}",
            model=Partner,
            lookup={"name_zh": row["name_zh"]},
            values={"name_en": row.get("name_en", ""), "kind": row.get("kind", Partner.Kind.OTHER)},
            where=where,
        )
