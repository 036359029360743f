"""The province comparison's tier table: one page of tiers aligned by validity, and the CSV's stream of every row.

Nothing here loads every tier of the provinces: the default order's page is cut from the summary's
groups (province_summary.branch_groups) so the database sorts only the blocks the page spans, a
page sorted by a figure reads only its ids, and the CSV streams in chunks.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from competition.compare.selectors.province_summary import (
    SummaryRow,
    branch_groups,
    province_branches,
    summary_rows,
    tiers_in_provinces,
)
from operators.models import Branch, Province
from plans.models import Tier
from plans.pricing import per_gb_expression, round_cny

PAGE_SIZE = 50

# The tier table's orders: a name the URL carries, and the columns it sorts by (ties broken by id).
SORTS: dict[str, tuple[Any, ...]] = {
    # Branch id after its name keeps each branch's tiers together (blocks of the page, _blocks) however names tie.
    "validity": (
        "validity_days",
        "plan__branch__operator__code",
        "plan__branch__name_zh",
        "plan__branch_id",
        "plan__name_zh",
    ),
    "per_gb": (F("per_gb").asc(nulls_last=True), "validity_days", "plan__branch__operator__code"),
    "price": ("price_cny", "validity_days", "plan__branch__operator__code"),
}
DEFAULT_SORT = "validity"


@dataclass(frozen=True)
class _Block:
    """The tiers of one validity and branch: a contiguous run of the table in its default order."""

    validity_days: int
    branch_id: int
    tiers: int


def _blocks(
    *,
    branches: Sequence[Branch],
    groups: Sequence[dict[str, Any]],
    operator: str | None,
    validity_days: int | None,
) -> list[_Block]:
    """The table's filtered tiers as blocks in the default order (validity, then the branches' order)."""
    rank = {branch.pk: index for index, branch in enumerate(branches)}
    operators = {branch.pk: branch.operator.code for branch in branches}
    counts: dict[tuple[int, int], int] = {}
    for group in groups:
        if (operator and operators[group["branch"]] != operator) or (
            validity_days and group["validity_days"] != validity_days
        ):
            continue
        key = (group["validity_days"], group["branch"])
        counts[key] = counts.get(key, 0) + group["tiers"]
    return [
        _Block(validity_days=days, branch_id=branch, tiers=count)
        for (days, branch), count in sorted(counts.items(), key=lambda item: (item[0][0], rank[item[0][1]]))
    ]


def _page_ids_from_blocks(
    blocks: Sequence[_Block], *, on: datetime.date | None, start: int, page_size: int
) -> list[int]:
    """The default order's page from the blocks it spans: the database sorts those few blocks, not every tier."""
    spanned: list[_Block] = []
    offset = 0  # where the page starts inside the first block it spans
    position = 0
    for block in blocks:
        if position + block.tiers > start and position < start + page_size:
            if not spanned:
                offset = start - position
            spanned.append(block)
        position += block.tiers
    if not spanned:
        return []
    within = Q()
    for block in spanned:
        within |= Q(validity_days=block.validity_days, plan__branch_id=block.branch_id)
    tiers = Tier.objects.in_effect(on=on or timezone.localdate()).filter(within)
    return list(_ordered(tiers, sort=DEFAULT_SORT).values_list("id", flat=True)[offset : offset + page_size])


@dataclass
class ValidityRow:
    """One validity (e.g. 7 days) and, per chosen province, the tiers of that validity on this page."""

    validity_days: int
    cells: list[list[Tier]] = field(default_factory=list)


@dataclass
class SideBySide:
    """Two to four provinces: the summary of all their tiers, and one page of the tiers aligned by validity."""

    provinces: list[Province]
    summary: list[SummaryRow]
    rows: list[ValidityRow]  # the page's tiers by validity, a cell per province
    tiers: list[Tier]  # the page's tiers in the table's order
    page: int = 1
    page_count: int = 1
    total: int = 0  # tiers matching the table's filters, over every page

    @property
    def validities(self) -> list[int]:
        """Every validity any chosen province sells (promotional tiers too): the chart's x values."""
        return sorted({row.validity_days for row in self.summary})

    def chart(self) -> dict[str, Any]:
        """Per-GB by validity: per province the cheapest defined per-GB at each validity, on a numeric axis.

        Each point is {x: validity in days, y: CNY per GB}, so 7 and 30 days sit 23 days apart. At a
        validity another province sells but this one has no figure for, the point is null and the
        chart (`spanGaps` false) breaks the line there rather than draw across what is not sold.
        Promotional tiers (free trials) stay in the table but out of the line, as they stay out of
        every benchmark: a free day would pull a province's line to zero.
        """
        labels = self.validities
        cheapest: dict[tuple[str, int], Decimal] = {}
        for row in self.summary:
            if row.cheapest_per_gb is None:
                continue
            key = (row.province_code, row.validity_days)
            if key not in cheapest or row.cheapest_per_gb < cheapest[key]:
                cheapest[key] = row.cheapest_per_gb
        datasets = []
        for province in self.provinces:
            points: list[dict[str, float | int | None]] = []
            for days in labels:
                value = cheapest.get((province.code, days))
                # Half-up like every displayed figure (quantize alone would round 3.125 to even, 3.12).
                points.append({"x": days, "y": None if value is None else float(round_cny(value))})
            datasets.append({"label_zh": province.name_zh, "label_en": province.name_en, "data": points})
        return {"labels": labels, "datasets": datasets, "xType": "linear", "spanGaps": False}


def _ordered(tiers: QuerySet[Tier], *, sort: str) -> QuerySet[Tier]:
    return tiers.annotate(per_gb=per_gb_expression()).order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]), "id")


def _table_rows(tiers: QuerySet[Tier], *, sort: str) -> QuerySet[Tier]:
    return _ordered(
        tiers.select_related("plan__branch__operator", "plan__branch__province", "source").prefetch_related(
            "plan__perks"
        ),
        sort=sort,
    )


def province_side_by_side(
    *,
    province_codes: Sequence[str],
    on: datetime.date | None = None,
    operator: str | None = None,
    validity_days: int | None = None,
    sort: str = DEFAULT_SORT,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> SideBySide:
    """Two to four provinces in the order asked: their summary, and page `page` of their tiers in effect on `on`.

    The table's filters (operator code, validity) narrow the tier pages, not the summary; a page past
    the last shows the last. A fixed number of queries whatever the number of tiers.
    """
    by_code = {p.code: p for p in Province.objects.filter(code__in=list(province_codes))}
    provinces = [by_code[code] for code in province_codes if code in by_code]
    codes = [p.code for p in provinces]
    branches = province_branches(codes)
    groups = branch_groups(branches=branches, on=on)
    summary = summary_rows(province_codes=codes, branches=branches, groups=groups)
    # The groups already count every tier, so the pager needs no COUNT of its own.
    blocks = _blocks(branches=branches, groups=groups, operator=operator, validity_days=validity_days)
    total = sum(block.tiers for block in blocks)
    page_count = max(1, -(-total // page_size))
    page = min(max(1, page), page_count)
    start = (page - 1) * page_size
    if sort not in SORTS or sort == DEFAULT_SORT:
        sort = DEFAULT_SORT
        ids = _page_ids_from_blocks(blocks, on=on, start=start, page_size=page_size)
    else:
        # Sorted by a figure: the page's ids sorted over the narrow join the order needs.
        filtered = tiers_in_provinces(province_codes=codes, on=on, operator=operator, validity_days=validity_days)
        ids = list(_ordered(filtered, sort=sort).values_list("id", flat=True)[start : start + page_size])
    tiers = list(_table_rows(Tier.objects.filter(pk__in=ids), sort=sort))
    position = {province.code: index for index, province in enumerate(provinces)}
    rows: dict[int, ValidityRow] = {}
    for tier in tiers:
        row = rows.setdefault(
            tier.validity_days,
            ValidityRow(validity_days=tier.validity_days, cells=[[] for _ in provinces]),
        )
        row.cells[position[tier.plan.branch.province.code]].append(tier)
    return SideBySide(
        provinces=provinces,
        summary=summary,
        rows=[rows[days] for days in sorted(rows)] if sort == DEFAULT_SORT else list(rows.values()),
        tiers=tiers,
        page=page,
        page_count=page_count,
        total=total,
    )


def province_tiers_stream(
    *,
    province_codes: Sequence[str],
    on: datetime.date | None = None,
    operator: str | None = None,
    validity_days: int | None = None,
    sort: str = DEFAULT_SORT,
    chunk_size: int = 2000,
) -> Iterator[Tier]:
    """Every tier the table's filters match, in the table's order, read a chunk at a time (for the CSV)."""
    tiers = tiers_in_provinces(province_codes=province_codes, on=on, operator=operator, validity_days=validity_days)
    return _table_rows(tiers, sort=sort).iterator(chunk_size=chunk_size)
