"""What every benchmark script shares: throwaway databases, child processes, gunicorn, figures, the report.

The scripts (scripts/bench*.py, scripts/load.py) import it as `benchlib` (scripts/ is on sys.path
when a script runs) and use the names below from it. Nothing here knows what a script measures:

- `paths`: the checkout, its Python, the maintenance database, the report and the results folder;
- `databases`: create, clone from a template, drop (only names that say bench or load);
- `processes`: the environment of a child process, commands run to their end, accounts, gunicorn on loopback;
- `targets`: percentiles, timings, a target with its ratio, each part's results for `make bench`;
- `sections`: the machine's description and the one way a script rewrites its own section of
  docs/benchmarks.md.
"""

from benchlib.databases import (
    admin_execute,
    bench_database_name,
    database_create,
    database_drop,
    database_exists,
    database_url,
)
from benchlib.paths import ADMIN_URL, BIN, PYTHON, REPORT, RESULTS_DIR, ROOT
from benchlib.processes import (
    ACCOUNTS,
    accounts,
    child_env,
    default_workers,
    gunicorn,
    gunicorn_start,
    manage,
    peak_rss_mb,
    run,
    run_json,
    setup_django,
    stop,
    wait_healthy,
)
from benchlib.sections import load_average, machine, machine_line, measured, now_utc, section_markers, write_section
from benchlib.targets import TARGET_HEADER, Target, median, percentile, results_load, results_save, timed_ms

__all__ = [
    "ACCOUNTS",
    "ADMIN_URL",
    "BIN",
    "PYTHON",
    "REPORT",
    "RESULTS_DIR",
    "ROOT",
    "TARGET_HEADER",
    "Target",
    "accounts",
    "admin_execute",
    "bench_database_name",
    "child_env",
    "database_create",
    "database_drop",
    "database_exists",
    "database_url",
    "default_workers",
    "gunicorn",
    "gunicorn_start",
    "load_average",
    "machine",
    "machine_line",
    "manage",
    "measured",
    "median",
    "now_utc",
    "peak_rss_mb",
    "percentile",
    "results_load",
    "results_save",
    "run",
    "run_json",
    "section_markers",
    "setup_django",
    "stop",
    "timed_ms",
    "wait_healthy",
    "write_section",
]
