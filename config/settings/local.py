"""Developer laptop / `make run`: the embedded default (SQLite, eager Celery).

The SQLite database is base.DATABASES: WAL and immediate transactions (base.SQLITE_OPTIONS), so
the dev server, a Celery worker and `load_seed` can write at once, a second writer waiting.
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
# A fixed local-only key keeps `make run` zero-config; production refuses to start without one.
SECRET_KEY = SECRET_KEY or "local-dev-only-not-secret"  # noqa: F405
