"""A request's language lasts as long as the request.

LocaleMiddleware activates the language a page asks for (the language cookie set by the switcher,
Accept-Language, else LANGUAGE_CODE) in the thread and leaves it there: whatever the thread runs
next outside a request (a test's assertions, an eager task, a management command in a shell that
served a page) would read Chinese. This middleware, around LocaleMiddleware, gives the thread back
the language it had before the request.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation


class RequestLanguageMiddleware:
    """Before LocaleMiddleware: restores the thread's language once the response is ready."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        previous = translation.get_language()
        try:
            return self.get_response(request)
        finally:
            translation.activate(previous) if previous else translation.deactivate()
