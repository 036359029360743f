"""The Celery app: reads CELERY_* settings and finds the tasks modules of each app and app part."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("telecom")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Tasks of the competition app live in its parts, not in competition/tasks.py.
app.autodiscover_tasks(["competition.benchmarks"])
