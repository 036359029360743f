"""Signals of the benchmarks, so watching can react to a published run without benchmarks importing it."""

from django.dispatch import Signal

# Sent once a run is published (complete, after its transaction commits); kwargs: run_id (int).
# A patch (competition.benchmarks.incremental) also sends its new revision (int) and the buckets it changed.
benchmark_run_published = Signal()
