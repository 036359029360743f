"""Handing a Celery task to the broker from a request without letting a dead broker hold the request.

Without a broker (eager mode, `make run`) the task runs here and now. With one, the publish gets a
connection of its own with short timeouts and no retries: a broker that does not answer costs the
request at most `timeout` seconds and a warning, and whatever the task would have done is left for
its catch-up beat.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from kombu.exceptions import OperationalError as KombuOperationalError

logger = logging.getLogger(__name__)

# After a publish found the broker dead, further publishes from this process skip it for a while:
# one commit may publish several tasks, and each must not add its own timeout to the request.
BROKER_DOWN_SECONDS = 10.0
_broker_down_until: dict[str, float] = {}  # by broker URL


def broker_recently_down(app: Any) -> bool:
    """Whether a publish from this process found the app's broker unavailable in the last BROKER_DOWN_SECONDS."""
    return time.monotonic() < _broker_down_until.get(str(app.conf.broker_url), 0.0)


def broker_mark_down(app: Any) -> None:
    _broker_down_until[str(app.conf.broker_url)] = time.monotonic() + BROKER_DOWN_SECONDS


def task_publish(task: Any, *, kwargs: dict[str, Any], timeout: float = 0.5) -> bool:
    """Queue `task` with `kwargs`; False (logged) when the broker did not answer within `timeout`."""
    app = task.app
    if app.conf.task_always_eager:
        task.apply_async(kwargs=kwargs)
        return True
    if broker_recently_down(app):
        logger.warning("broker unavailable a moment ago; %s is left to its catch-up beat", task.name)
        return False
    fail_fast = {"max_retries": 0, "socket_connect_timeout": timeout, "socket_timeout": timeout}
    try:
        with app.connection_for_write(connect_timeout=timeout, transport_options=fail_fast) as broker:
            task.apply_async(kwargs=kwargs, connection=broker, retry=False, ignore_result=True)
    except (KombuOperationalError, OSError) as error:
        broker_mark_down(app)
        logger.warning("broker unavailable (%s); %s is left to its catch-up beat", error, task.name)
        return False
    return True
