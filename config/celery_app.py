"""The Celery app: reads CELERY_* settings and finds the tasks modules of each app and app part."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("telecom")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Tasks of the competition app live in its parts, not in competition/tasks.py.
app.autodiscover_tasks(["competition.analyser", "competition.benchmarks", "competition.watching"])

# Without a broker the tasks run eagerly, yet Celery's eager apply_async still takes a producer from
# the broker pool, and an empty broker URL makes kombu warn "No hostname was supplied" on every change.
# Kombu's in-process memory transport, named with its host, stands in; nothing leaves the process.
# settings.CELERY_BROKER_URL stays empty, so the eager switch and /healthz still see "no broker".
EAGER_STAND_IN_BROKER = "memory://localhost/"


@app.on_after_configure.connect
def _stand_in_broker_when_eager(sender: Celery, **kwargs: object) -> None:
    if sender.conf.task_always_eager and not sender.conf.broker_url:
        sender.conf.broker_url = EAGER_STAND_IN_BROKER
