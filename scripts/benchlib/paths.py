"""Where the benchmark scripts live and write: the checkout, its Python, the maintenance database, the report."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(sys.executable).parent
ADMIN_URL = os.environ.get("BENCH_ADMIN_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REPORT = ROOT / "docs" / "benchmarks.md"
# Each part's figures as JSON, so `make bench` can summarise parts measured in earlier runs.
RESULTS_DIR = ROOT / "var" / "bench"
