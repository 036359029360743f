"""Load the seed data in fixtures/ into any database, idempotently and all-or-nothing.

The data files key every row by natural keys, never by database ids (competition.seed.identity
lists them). Each row is looked up by its key and then, through the apps' write services and as
the seed's own user (so validation, audit history and the tiers-changed signal happen exactly as
for an edit in the admin):

- missing: created;
- present with the file's values: left alone (a second run writes nothing and adds no history);
- present, different, and only ever written by the seed: corrected (the file was fixed);
- present, different, and touched by anyone else, or deleted by an analyst: skipped and reported,
  never overwritten or recreated. `make run` therefore keeps working after analysts edit the data.

The files: competition.seed.files reads them, .reference / .plans / .market turn their rows into
writes, .writer decides create / leave / correct / skip, .identity holds the rules for "ours".
This lives in `competition` because it is the one app allowed to know every other app.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from competition.seed.context import load_market_context
from competition.seed.files import SeedError, read_seed_file
from competition.seed.identity import SEED_USERNAME, Skip, seed_actor
from competition.seed.market import load_launches, load_strategies
from competition.seed.plans import load_plans
from competition.seed.reference import (
    load_branches,
    load_operators,
    load_partners,
    load_perks,
    load_provinces,
    load_sources,
)
from competition.seed.writer import SeedReport, SeedWriter, Tally

DEFAULT_SEED_DIR = Path(settings.BASE_DIR) / "fixtures"

# Loaded in this order because later files refer to rows of earlier ones.
STEPS: tuple[tuple[str, Callable[[SeedWriter, Mapping[str, Any]], None]], ...] = (
    ("operators.yaml", load_operators),
    ("provinces.yaml", load_provinces),
    ("sources.yaml", load_sources),
    ("branches.yaml", load_branches),
    ("perks.yaml", load_perks),
    ("plans.yaml", load_plans),
    ("partners.yaml", load_partners),
    ("launches.yaml", load_launches),
    ("strategies.yaml", load_strategies),
    ("market_context.yaml", load_market_context),
)
SEED_FILES = tuple(name for name, _step in STEPS)

ENTITIES = (
    "operators",
    "provinces",
    "sources",
    "branches",
    "perks",
    "plans",
    "tiers",
    "partners",
    "launches",
    "strategies",
    "strategy milestones",
    "key figures",
    "indicators",
    "indicator values",
)

__all__ = [
    "DEFAULT_SEED_DIR",
    "ENTITIES",
    "SEED_FILES",
    "SEED_USERNAME",
    "SeedError",
    "SeedReport",
    "Skip",
    "Tally",
    "seed_load",
]


def seed_load(*, path: Path = DEFAULT_SEED_DIR, actor: AbstractBaseUser | None = None) -> SeedReport:
    """Load every data file under `path` in one transaction; raise SeedError (and write nothing) on a bad row.

    `actor` defaults to the seed's own user (identity.seed_actor), whose writes are the ones the
    loader may correct later.
    """
    # Read every file first: a syntax error anywhere stops the run before anything is written.
    contents = {name: read_seed_file(path / name) for name in SEED_FILES}
    with transaction.atomic():
        writer = SeedWriter(entities=ENTITIES, actor=actor or seed_actor())
        for name, step in STEPS:
            step(writer, contents[name])
    return writer.report
