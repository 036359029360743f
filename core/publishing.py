"""Handing a Celery task to the broker from a request without letting a dead broker hold the request.

Without a broker (eager mode, `make run`) the task runs here and now. With one, the publish gets a
connection of its own with short timeouts and no retries: a broker that does not answer costs the
request at most `timeout` seconds and a warning, and whatever the task would have done is left for
its catch-up beat.
"""

from __future__ import annotations

import logging
from typing import Any

from kombu.exceptions import OperationalError as KombuOperationalError

logger = logging.getLogger(__name__)


def task_publish(task: Any, *, kwargs: dict[str, Any], timeout: float = 0.5) -> bool:
    """Queue `task` with `kwargs`; False (logged) when the broker did not answer within `timeout`."""
    app = task.app
    if app.conf.task_always_eager:
        task.apply_async(kwargs=kwargs)
        return True
    fail_fast = {"max_retries": 0, "socket_connect_timeout": timeout, "socket_timeout": timeout}
    try:
        with app.connection_for_write(connect_timeout=timeout, transport_options=fail_fast) as broker:
            task.apply_async(kwargs=kwargs, connection=broker, retry=False, ignore_result=True)
    except (KombuOperationalError, OSError) as error:
        logger.warning("broker unavailable (%s); %s is left to its catch-up beat", error, task.name)
        return False
    return True
