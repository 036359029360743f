"""The session's seed snapshot gives a test exactly the rows a fresh `load_seed` writes."""

from __future__ import annotations

from django.core.management import call_command

from competition.models import KeyFigure, Launch, Strategy
from operators.models import Branch, Operator, Province, Source
from plans.models import Plan, Tier


def test_the_restored_seed_has_the_rows_load_seed_writes(seed):
    counts = {model: model.objects.count() for model in (Operator, Province, Source, Branch, Plan, Tier)}

    assert counts == {Operator: 4, Province: 31, Source: 19, Branch: 7, Plan: 12, Tier: 23}
    assert (Launch.objects.count(), Strategy.objects.count(), KeyFigure.objects.count()) == (14, 20, 75)


def test_the_restored_seed_keeps_its_history(seed):
    tier = Tier.objects.get(plan__name_zh="熊猫卡", validity_days=7)

    assert tier.history.count() == 1


def test_loading_the_seed_over_the_restored_seed_changes_nothing(seed):
    before = {model: model.objects.count() for model in (Plan, Tier, Tier.history.model)}

    call_command("load_seed", verbosity=0)

    assert {model: model.objects.count() for model in before} == before
