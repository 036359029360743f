"""The competition app's admin, registered by its parts."""

from competition.benchmarks import admin as benchmarks_admin
from competition.context import admin as context_admin
from competition.market import admin as market_admin

__all__ = ["benchmarks_admin", "context_admin", "market_admin"]
