"""config/celery_app.py: eager mode without a broker publishes without kombu's broker warning."""

from __future__ import annotations

import logging

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
