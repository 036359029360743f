"""The competition app's admin, registered by its parts."""

from competition.benchmarks import admin as benchmarks_admin
from competition.market import admin as market_admin

__all__ = ["benchmarks_admin", "market_admin"]
