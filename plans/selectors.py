"""Reads of plans, tiers and perks for the API: related rows joined, sort keys annotated.

Every list is one query for its rows (plus one per prefetched many-to-many), however long
the page: the serializers only touch what is joined or prefetched here.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import F, FloatField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Cast

from plans.models import Perk, Plan, Tier, TierReview


def tier_list() -> QuerySet[Tier]:
    """Tiers with plan, branch, operator, province, source and the review in force joined.

    `reviewed_by_username` and `review_reviewed_at` come from the tier's review in force (at most
    one: the others were voided by later changes); both are null for an unreviewed tier.

    The `*_sort` annotations exist only to order by the computed prices in the database;
    the figures the API shows are computed exactly (Decimal) by plans.pricing. Unknown or
    unlimited data leaves per_gb_sort null (data_gb is null then, and never 0).
    """
    price = Cast(F("price_cny"), FloatField())
    per_day = price / F("validity_days")
    # Subqueries, not a join: a page probes the one-in-force unique index for its rows only, and the
    # page's COUNT(*) drops them (a LEFT JOIN to a reverse relation it must keep, at a million tiers).
    in_force = TierReview.objects.in_force().filter(tier=OuterRef("pk")).order_by()
    return (
        Tier.objects.select_related("plan__branch__operator", "plan__branch__province", "source")
        .annotate(
            reviewed_by_username=Subquery(in_force.values(f"reviewer__{get_user_model().USERNAME_FIELD}")),
            review_reviewed_at=Subquery(in_force.values("reviewed_at")),
            per_gb_sort=price / Cast(F("data_gb"), FloatField()),
            per_day_sort=per_day,
            per_30_days_sort=per_day * 30,
        )
        .order_by(
            "plan__branch__province__code",
            "plan__branch__operator__code",
            "plan__name_zh",
            "validity_days",
            F("effective_from").desc(nulls_last=True),
            "pk",
        )
    )


def plan_list() -> QuerySet[Plan]:
    return (
        # The API reads `.values()` rows and the page's perks in one query (core.api.rows).
        Plan.objects.select_related("branch__operator", "branch__province", "source").order_by(
            "branch__province__code", "branch__operator__code", "name_zh", "pk"
        )
    )


def perk_list() -> QuerySet[Perk]:
    return Perk.objects.order_by("category", "name_zh", "pk")


def tier_validity_days_list() -> list[int]:
    """Every validity (in days) some tier has, ascending, from the validity index.

    A loose index scan (one probe of tier_validity_idx per distinct value) rather than a DISTINCT
    over every tier: a few hundred probes instead of a scan of a million rows.
    """
    connection = connections[Tier.objects.db]
    table = connection.ops.quote_name(Tier._meta.db_table)
    sql = (
        f"WITH RECURSIVE validity(days) AS ("
        f" SELECT MIN(validity_days) FROM {table}"
        f" UNION ALL SELECT (SELECT MIN(validity_days) FROM {table} WHERE validity_days > validity.days)"
        f" FROM validity WHERE validity.days IS NOT NULL"
        f") SELECT days FROM validity WHERE days IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [int(days) for (days,) in cursor.fetchall()]
