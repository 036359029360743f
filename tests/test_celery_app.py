"""config/celery_app.py: eager mode without a broker publishes without kombu's broker warning."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest
from django.conf import settings

from competition.benchmarks import scheduling
from config.celery_app import EAGER_STAND_IN_BROKER, app


@pytest.mark.django_db
def test_eager_mode_without_a_broker_publishes_without_a_no_hostname_warning(caplog) -> None:
    with caplog.at_level(logging.WARNING):
        assert scheduling.benchmarks_publish(trigger="test") is True
    assert [record.getMessage() for record in caplog.records if record.name.startswith("kombu")] == []


def test_eager_mode_stands_in_the_in_process_memory_broker_and_settings_still_say_no_broker() -> None:
    assert (app.conf.task_always_eager, app.conf.broker_url) == (True, EAGER_STAND_IN_BROKER)
    assert settings.CELERY_BROKER_URL == ""


def test_a_worker_process_registers_the_tasks_of_every_app_part() -> None:
    # A fresh process, as `celery -A config worker` starts: only autodiscovery imports the tasks modules.
    script = (
        "from config.celery_app import app; app.loader.import_default_modules(); "
        "print(' '.join(sorted(name for name in app.tasks if not name.startswith('celery.'))))"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=settings.BASE_DIR
    ).stdout.split()

    assert found == [
        "competition.analyser_sensitivity_store",
        "competition.benchmarks_basket_input",
        "competition.benchmarks_history_fill",
        "competition.benchmarks_recompute",
        "competition.watching_check_thresholds",
        "competition.watching_match_changes",
        "competition.watching_send_digests",
        "core.jobs.run",
    ]
