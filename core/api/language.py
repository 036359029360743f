"""The language of the API: English unless the request asks for another (Accept-Language).

Pages follow the site's default (zh-hans), a language cookie or the browser. An API client is a
script or a notebook: its error messages and labels are English unless it sends
`Accept-Language: zh-hans` (or zh, zh-CN, ...). A language cookie set by the pages does not
change what a script reads.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation.trans_real import get_supported_language_variant, parse_accept_lang_header

API_PREFIX = "/api/"
API_DEFAULT_LANGUAGE = "en"


def api_language(accept_language: str) -> str:
    """The supported language an Accept-Language header asks for first, else English."""
    for code, _quality in parse_accept_lang_header(accept_language):
        if code == "*":
            break
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return API_DEFAULT_LANGUAGE


class ApiLanguageMiddleware:
    """After LocaleMiddleware: under /api/, the language is the Accept-Language header's, else English."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        language = api_language(request.headers.get("Accept-Language", ""))
        # The thread gets its language back after the request (core.locale.RequestLanguageMiddleware);
        # LocaleMiddleware keeps our Content-Language header.
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers["Content-Language"] = language
        return response
