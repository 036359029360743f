"""One model of time: a tier is scheduled, in effect or ended on a day, and periods never overlap.

"Today" is moved with time-machine, so a price dated after it is scheduled and takes over on its day
in the queryset, the API's `current` filter, the benchmark input and the plan page alike.
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from competition.benchmarks import inputs
from plans.models import Tier
from plans.periods import period_status
from plans.services import tier_create
from tests.factories import PlanFactory, TierFactory

pytestmark = pytest.mark.django_db

ONLY_ON_POSTGRES = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the exclusion constraint exists on PostgreSQL only"
)

# Noon in Shanghai (settings.TIME_ZONE), so the local date is the one named whatever the host's zone.
NEW_PRICE_DAY = datetime.date(2027, 1, 1)


def shanghai_noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_default_timezone())


def day_before(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=1)


@pytest.fixture
def panda_7_with_a_new_price(seed) -> tuple[Tier, Tier]:
    """The seed's 上海移动 熊猫卡 7-day tier (¥90) closing on NEW_PRICE_DAY, and its ¥95 successor from that day.

    Written as plain validated rows: what is under test is how the rows are read, not the write path.
    """
    old = Tier.objects.get(plan__name_zh="熊猫卡", validity_days=7)
    old.effective_to = NEW_PRICE_DAY
    old.full_clean()
    old.save(update_fields=["effective_to"])
    new = Tier(
        plan=old.plan,
        validity_days=7,
        price_cny=Decimal("95.00"),
        data_gb=old.data_gb,
        domestic_voice_min=old.domestic_voice_min,
        intl_voice_min=old.intl_voice_min,
        intl_discount_cap_cny=old.intl_discount_cap_cny,
        effective_from=NEW_PRICE_DAY,
        source=old.source,
    )
    new.full_clean()
    new.save()
    return old, new


# --------------------------------------------------------------------------- a future price is scheduled


def test_a_future_price_is_scheduled_until_its_day_and_in_effect_from_it(panda_7_with_a_new_price):
    old, new = panda_7_with_a_new_price

    eve = day_before(NEW_PRICE_DAY)
    assert list(Tier.objects.in_effect(on=eve).filter(plan=old.plan, validity_days=7)) == [old]
    assert list(Tier.objects.scheduled(on=eve).filter(plan=old.plan)) == [new]
    assert not Tier.objects.ended(on=eve).filter(plan=old.plan).exists()
    assert (old.status_on(eve), new.status_on(eve)) == ("in_effect", "scheduled")

    for day in (NEW_PRICE_DAY, NEW_PRICE_DAY + datetime.timedelta(days=400)):
        assert list(Tier.objects.in_effect(on=day).filter(plan=old.plan, validity_days=7)) == [new]
        assert list(Tier.objects.ended(on=day).filter(plan=old.plan)) == [old]
        assert (old.status_on(day), new.status_on(day)) == ("ended", "in_effect")


def test_current_means_in_effect_today_as_today_moves(panda_7_with_a_new_price):
    old, new = panda_7_with_a_new_price

    with time_machine.travel(shanghai_noon(day_before(NEW_PRICE_DAY)), tick=False):
        assert list(Tier.objects.current().filter(plan=old.plan, validity_days=7)) == [old]
        assert (old.is_current, new.is_current, new.status) == (True, False, "scheduled")
    with time_machine.travel(shanghai_noon(NEW_PRICE_DAY), tick=False):
        assert list(Tier.objects.current().filter(plan=old.plan, validity_days=7)) == [new]
        assert (old.is_current, new.is_current, old.status) == (False, True, "ended")


def test_the_api_lists_a_future_price_as_upcoming_not_current(panda_7_with_a_new_price, viewer_client: APIClient):
    panda_7 = {"q": "熊猫卡", "validity_days": 7}

    def prices(**query: str) -> list[tuple[str, bool, str]]:
        response = viewer_client.get("/api/v1/tiers/", {**panda_7, **query})
        assert response.status_code == 200, response.json()
        return [(row["price_cny"], row["is_current"], row["status"]) for row in response.json()["results"]]

    with time_machine.travel(shanghai_noon(day_before(NEW_PRICE_DAY)), tick=False):
        assert prices(current="true") == [("90.00", True, "in_effect")]
        assert prices(current="false") == [("95.00", False, "scheduled")]
        assert prices(status="scheduled") == [("95.00", False, "scheduled")]
        assert prices(status="ended") == []
        assert prices(in_effect_on=NEW_PRICE_DAY.isoformat()) == [("95.00", False, "scheduled")]
    with time_machine.travel(shanghai_noon(NEW_PRICE_DAY), tick=False):
        assert prices(current="true") == [("95.00", True, "in_effect")]
        assert prices(status="ended") == [("90.00", False, "ended")]
        assert prices(status="scheduled") == []


def test_the_api_refuses_an_unknown_status(viewer_client: APIClient):
    response = viewer_client.get("/api/v1/tiers/", {"status": "upcoming"})

    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["status"]


def test_the_benchmark_input_takes_a_future_price_only_from_its_day(panda_7_with_a_new_price):
    old, new = panda_7_with_a_new_price

    def benchmarked_ids() -> set[int]:
        return set(inputs.benchmark_input_frame()["tier_id"])

    with time_machine.travel(shanghai_noon(day_before(NEW_PRICE_DAY)), tick=False):
        eve = benchmarked_ids()
    with time_machine.travel(shanghai_noon(NEW_PRICE_DAY), tick=False):
        on_the_day = benchmarked_ids()

    assert (old.pk in eve, new.pk in eve) == (True, False)
    assert (old.pk in on_the_day, new.pk in on_the_day) == (False, True)
    # The rest of the market is the same on both days: only the 熊猫卡 row changed hands.
    assert eve - {old.pk} == on_the_day - {new.pk}
    assert {row["tier_id"] for row in inputs.benchmark_input_queryset(on=NEW_PRICE_DAY)} == on_the_day


def test_the_plan_page_shows_a_future_price_as_upcoming_never_as_current(panda_7_with_a_new_price, client, viewer):
    old, new = panda_7_with_a_new_price

    with time_machine.travel(shanghai_noon(day_before(NEW_PRICE_DAY)), tick=False):
        client.force_login(viewer)  # sessions expire: sign in on the day
        response = client.get(f"/compare/plans/{old.plan_id}/")
    tables = response.context["tables"]
    assert [(r["validity_days"], r["price_cny"]) for r in tables["tiers"].rows if r["validity_days"] == 7] == [
        (7, Decimal("90.00"))
    ]
    assert [(r["tier_id"], r["effective_from"]) for r in tables["upcoming"].rows] == [(new.pk, NEW_PRICE_DAY)]
    history = {r["tier_id"]: (r["current"], r["status"]) for r in tables["history"].rows}
    assert (history[old.pk], history[new.pk]) == ((True, "in_effect"), (False, "scheduled"))
    assert "upcoming from 2027-01-01" in response.content.decode()

    with time_machine.travel(shanghai_noon(NEW_PRICE_DAY), tick=False):
        client.force_login(viewer)
        response = client.get(f"/compare/plans/{old.plan_id}/")
    tables = response.context["tables"]
    assert [r["price_cny"] for r in tables["tiers"].rows if r["validity_days"] == 7] == [Decimal("95.00")]
    assert tables["upcoming"].rows == []


# --------------------------------------------------------------------------- the plan's own dates


def test_a_tier_of_a_plan_not_launched_yet_is_scheduled_and_of_a_withdrawn_plan_ended():
    day = datetime.date(2026, 6, 1)
    launching = TierFactory(plan=PlanFactory(launched_on=datetime.date(2026, 7, 1)))
    withdrawn = TierFactory(plan=PlanFactory(withdrawn_on=datetime.date(2026, 6, 1)))
    on_sale = TierFactory(plan=PlanFactory(launched_on=day, withdrawn_on=datetime.date(2026, 6, 2)))

    assert set(Tier.objects.scheduled(on=day)) == {launching}
    assert set(Tier.objects.ended(on=day)) == {withdrawn}
    assert set(Tier.objects.in_effect(on=day)) == {on_sale}
    assert [t.status_on(day) for t in (launching, withdrawn, on_sale)] == ["scheduled", "ended", "in_effect"]


DAYS = [None, datetime.date(2025, 1, 1), datetime.date(2025, 3, 1), datetime.date(2025, 6, 1)]
PROBES = [datetime.date(2024, 12, 31), datetime.date(2025, 3, 1), datetime.date(2025, 4, 15), datetime.date(2025, 6, 1)]


def test_the_querysets_and_status_on_agree_and_partition_every_tier_on_every_day():
    """Every combination of tier and plan dates around the probe days: one status each, the same in SQL and Python."""
    tiers: list[Tier] = []
    for launched, withdrawn in itertools.product(DAYS, DAYS):
        if launched and withdrawn and withdrawn < launched:
            continue
        plan = PlanFactory(launched_on=launched, withdrawn_on=withdrawn)
        periods = [(start, end) for start, end in itertools.product(DAYS, DAYS) if not (start and end and end <= start)]
        # One validity per period, so the periods of a plan never share a (plan, validity). Plain rows, not
        # TierFactory: its validity sequence is shared by the whole session and must stay under two years.
        tiers += Tier.objects.bulk_create(
            Tier(plan=plan, validity_days=days, price_cny=1, source=plan.source, effective_from=start, effective_to=end)
            for days, (start, end) in enumerate(periods, start=1)
        )

    for day in PROBES:
        by_sql = {
            status: set(Tier.objects.with_status(status=status, on=day).values_list("pk", flat=True))
            for status in Tier.Status.values
        }
        assert sum(len(ids) for ids in by_sql.values()) == len(tiers), day  # each tier exactly once
        for tier in tiers:
            status = period_status(
                on=day,
                effective_from=tier.effective_from,
                effective_to=tier.effective_to,
                launched_on=tier.plan.launched_on,
                withdrawn_on=tier.plan.withdrawn_on,
            )
            assert tier.pk in by_sql[status], (day, tier.effective_from, tier.effective_to, tier.plan.launched_on)
            assert tier.status_on(day) == status


# --------------------------------------------------------------------------- periods never overlap


def tier_values(plan: Any, **dates: Any) -> dict[str, Any]:
    return {"plan": plan, "validity_days": 7, "price_cny": Decimal("120.00"), "source": plan.source, **dates}


def test_a_closed_period_inside_a_current_one_is_refused_on_effective_from(analyst):
    current = TierFactory(validity_days=7, price_cny=Decimal("90.00"), effective_from=datetime.date(2025, 5, 1))
    inside = {"effective_from": datetime.date(2025, 6, 1), "effective_to": datetime.date(2025, 7, 1)}

    with pytest.raises(ValidationError) as caught:
        tier_create(actor=analyst, **tier_values(current.plan, **inside))

    assert caught.value.message_dict == {
        "effective_from": [
            "This period overlaps another tier of this plan with the same validity "
            "(¥90.00, from 2025-05-01, open-ended)."
        ]
    }
    assert list(Tier.objects.all()) == [current]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (None, datetime.date(2025, 5, 2)),  # undated, ends a day into the closed period
        (datetime.date(2025, 4, 30), None),  # open-ended from inside it
        (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),  # covers it
        (datetime.date(2025, 5, 10), datetime.date(2025, 5, 11)),  # one day inside it
    ],
)
def test_any_shared_day_is_an_overlap(start, end):
    closed = TierFactory(
        validity_days=7, effective_from=datetime.date(2025, 3, 1), effective_to=datetime.date(2025, 6, 1)
    )

    with pytest.raises(ValidationError) as caught:
        Tier(**tier_values(closed.plan, effective_from=start, effective_to=end)).full_clean()

    assert caught.value.message_dict["effective_from"] == [
        "This period overlaps another tier of this plan with the same validity (¥100.00, 2025-03-01–2025-06-01)."
    ]


def test_periods_that_meet_at_a_day_do_not_overlap_and_other_validities_are_free():
    closed = TierFactory(
        validity_days=7, effective_from=datetime.date(2025, 3, 1), effective_to=datetime.date(2025, 6, 1)
    )
    plan = closed.plan

    # [from, to): the day a period ends is the first day of the next.
    Tier(**tier_values(plan, effective_from=datetime.date(2025, 6, 1))).full_clean()
    Tier(**tier_values(plan, effective_to=datetime.date(2025, 3, 1))).full_clean()
    Tier(**{**tier_values(plan), "validity_days": 30}).full_clean()
    Tier(**tier_values(PlanFactory())).full_clean()


def test_a_tier_does_not_overlap_itself_when_edited():
    tier = TierFactory(validity_days=7, effective_from=datetime.date(2025, 5, 1))

    tier.effective_to = datetime.date(2025, 9, 1)
    tier.full_clean()


@ONLY_ON_POSTGRES
def test_the_database_refuses_a_closed_period_inside_a_current_one_saved_without_validation():
    current = TierFactory(validity_days=7, effective_from=datetime.date(2025, 5, 1))
    inside = {"effective_from": datetime.date(2025, 6, 1), "effective_to": datetime.date(2025, 7, 1)}

    with pytest.raises(IntegrityError, match="tier_periods_do_not_overlap"), transaction.atomic():
        Tier(**tier_values(current.plan, **inside)).save()
    with pytest.raises(IntegrityError, match="tier_periods_do_not_overlap"), transaction.atomic():
        Tier.objects.bulk_create([Tier(**tier_values(current.plan, **inside))])

    assert list(Tier.objects.all()) == [current]


@ONLY_ON_POSTGRES
def test_the_database_accepts_periods_that_meet_and_other_validities():
    current = TierFactory(validity_days=7, effective_from=datetime.date(2025, 5, 1))
    plan = current.plan

    Tier.objects.create(**tier_values(plan, effective_to=datetime.date(2025, 5, 1)))
    Tier.objects.create(**{**tier_values(plan), "validity_days": 30})

    assert plan.tiers.count() == 3


def test_the_constraint_is_on_postgres_only_and_replaces_the_one_open_tier_index():
    with connection.cursor() as cursor:
        names = set(connection.introspection.get_constraints(cursor, Tier._meta.db_table))

    assert ("tier_periods_do_not_overlap" in names) == (connection.vendor == "postgresql")
    assert "tier_one_current_per_plan_validity" not in names
