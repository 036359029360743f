"""The Makefile's `run` target, read with `make -n` (nothing runs): the admin password comes last."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_prints_the_admin_password_last_then_starts_the_server() -> None:
    steps = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert steps[-2] == ".venv/bin/python manage.py ensure_superuser --login-url http://127.0.0.1:8123/admin/"
    assert steps[-1] == ".venv/bin/python manage.py runserver 127.0.0.1:8123"
