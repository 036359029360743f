"""Change events derived from the audit trail: one per kind of market change, and the rebuild."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from competition.changes import selectors
from competition.changes.models import ChangeEvent
from competition.changes.services import change_events_rebuild
from plans.services.tiers import tier_correct

pytestmark = pytest.mark.django_db


def feed() -> list[tuple[str, datetime.date]]:
    return [(event.kind, event.changed_on) for event in selectors.change_event_list()]


def test_it_records_one_event_per_kind_newest_first(every_kind):
    assert feed() == [
        ("milestone", datetime.date(2025, 6, 1)),
        ("launch", datetime.date(2025, 5, 1)),
        ("withdrawal", datetime.date(2025, 4, 1)),
        ("allowance_change", datetime.date(2025, 3, 1)),
        ("price_change", datetime.date(2025, 2, 1)),
        ("new_tier", datetime.date(2025, 1, 1)),
    ]


def test_a_price_change_compares_the_successor_with_the_tier_it_replaces(every_kind):
    change = ChangeEvent.objects.get(kind="price_change")
    assert (change.price_before_cny, change.price_after_cny) == (Decimal("90.00"), Decimal("60.00"))
    assert (change.per_gb_before_cny, change.per_gb_after_cny) == (Decimal("3.00"), Decimal("2.00"))
    assert (change.tier_id, change.fields_changed) == (every_kind["cheaper"].pk, ["price_cny"])
    assert (change.operator_code, change.province_code, change.bucket) == ("cmcc", "31", "1-7")
    assert (change.who_zh, change.subject_zh, change.validity_days) == ("上海移动", "熊猫卡", 7)


def test_an_allowance_change_names_the_data_before_and_after(every_kind):
    change = ChangeEvent.objects.get(kind="allowance_change")
    assert (change.data_before_gb, change.data_after_gb, change.per_gb_after_cny) == (
        Decimal("30.000"),
        Decimal("40.000"),
        Decimal("1.50"),
    )


def test_the_close_of_a_superseded_tier_is_no_withdrawal(every_kind):
    withdrawal = ChangeEvent.objects.get(kind="withdrawal")
    assert (withdrawal.tier_id, withdrawal.price_before_cny) == (every_kind["more_data"].pk, Decimal("60.00"))


def test_a_correction_in_place_is_a_price_change_marked_as_correction(
    every_kind, analyst, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tier_correct(tier=every_kind["tier"], changes={"price_cny": Decimal("95.00")}, actor=analyst, reason="typo")
    correction = ChangeEvent.objects.get(correction=True)
    assert (correction.kind, correction.price_before_cny, correction.price_after_cny) == (
        "price_change",
        Decimal("90.00"),
        Decimal("95.00"),
    )


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kind": "launch"}, ["launch"]),
        ({"bucket": "1-7"}, ["withdrawal", "allowance_change", "price_change", "new_tier"]),
        ({"province": "31"}, ["launch", "withdrawal", "allowance_change", "price_change", "new_tier"]),
        ({"operator": "cmcc", "since": datetime.date(2025, 4, 1)}, ["milestone", "launch", "withdrawal"]),
        ({"operator": "cucc"}, []),
    ],
)
def test_the_filters_narrow_the_feed(every_kind, filters, expected):
    assert [event.kind for event in selectors.change_event_list(**filters)] == expected


def test_recording_is_keyed_to_the_history_record_so_a_rebuild_keeps_every_event(every_kind):
    before = list(ChangeEvent.objects.order_by("id").values_list("id", "kind", "history_id"))
    ChangeEvent.objects.filter(kind="launch").delete()
    assert change_events_rebuild() == 6
    after = list(ChangeEvent.objects.order_by("id").values_list("id", "kind", "history_id"))
    assert [row for row in after if row[1] != "launch"] == [row for row in before if row[1] != "launch"]
    assert sorted(row[1] for row in after) == sorted(row[1] for row in before)


def test_the_first_page_reads_one_page_without_counting(every_kind, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows, older = selectors.change_event_page(selectors.change_event_list(), page=1, page_size=4)
    assert (len(rows), older) == (4, True)
