"""Structured logs: every line names its request (django-guid's id) or its Celery task.

Production (config.settings.production) writes one JSON object per line through
python-json-logger, with these filters attached to the handler:

- django-guid's CorrelationId: `request_id`, the id of the HTTP request (taken from the
  request's `X-Request-ID` header when a load balancer sets one, else new). Its Celery
  integration sends it along with every task the request queues, so a worker's lines about that
  task carry the same `request_id`;
- TaskContext (here): `task_id` and `task_name` of the Celery task being run, empty outside one.

RequestLogMiddleware writes one line per request (method, path, status, duration), so the
access log is JSON with the request id too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

request_logger = logging.getLogger("core.requests")


class TaskContext(logging.Filter):
    """Adds `task_id` and `task_name` of the running Celery task (empty strings outside a task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        from celery import current_task

        task = current_task if current_task and current_task.request.id else None
        record.task_id = task.request.id if task else ""
        record.task_name = task.name if task else ""
        return True


class RequestLogMiddleware:
    """One log line per request, after the response: method, path, status, milliseconds."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        request_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response
