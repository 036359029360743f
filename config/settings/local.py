"""Developer laptop / `make run`: the embedded default (SQLite, eager Celery)."""

from config.settings.base import *  # noqa: F403
from config.settings.base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
# A fixed local-only key keeps `make run` zero-config; production refuses to start without one.
SECRET_KEY = SECRET_KEY or "local-dev-only-not-secret"  # noqa: F405
