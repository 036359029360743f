"""The Procfile, compose.yaml and the Celery routes agree: two worker queues, each task on the right one."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from django.conf import settings

from config.celery_app import app

ROOT = Path(__file__).resolve().parent.parent


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line and not line.startswith("#"))


def queues_of(command: str) -> str:
    match = re.search(r"--queues (\S+)", command)
    return match.group(1) if match else ""


def test_the_procfile_runs_the_web_two_workers_on_separate_queues_and_beat():
    processes = procfile()
    assert set(processes) == {"release", "web", "benchmarks", "jobs", "beat"}
    assert processes["web"].startswith("gunicorn config.wsgi ")
    assert (queues_of(processes["benchmarks"]), queues_of(processes["jobs"])) == ("benchmarks", "default")
    assert set(settings.CELERY_TASK_QUEUES) == {"benchmarks", "default"}


def test_compose_runs_the_same_processes_as_the_procfile():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert {"web", "benchmarks", "jobs", "beat", "release", "postgres", "pgbouncer", "redis"} <= set(services)
    for name in ("benchmarks", "jobs"):
        assert queues_of(services[name]["command"]) == queues_of(procfile()[name])
    assert services["web"]["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert "pgbouncer:6432" in services["web"]["environment"]["DATABASE_URL"]
    assert services["pgbouncer"]["environment"]["POOL_MODE"] == "transaction"


def test_tasks_are_routed_by_name_to_their_queue():
    def queue(name: str) -> str:
        return str(app.amqp.router.route({}, name)["queue"].name)

    assert queue("competition.benchmarks_recompute") == "benchmarks"
    assert queue("core.jobs.run") == "default"
    # The stored rank sensitivity follows a published run without holding up the next patch.
    assert queue("competition.analyser_sensitivity_store") == "default"
    assert queue("competition.benchmarks_basket_input") == "default"
    assert queue("competition.watching.notify_watchers") == "default"  # notifications (another branch's tasks)
    assert queue("plans.anything_new") == "default"
