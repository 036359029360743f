"""Benchmark history: per bucket, metric and scope, the median, minimum, maximum and sample count of each day
the benchmarks' input changed (and at least monthly).

models.py holds the stored days and points, services.py fills them (after each recompute and by
`manage.py backfill_benchmark_history`), selectors.py reads a series (`history_series`).
"""
