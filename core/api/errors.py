"""One JSON body for every API error, and the translation of the services' Django errors.

Every 4xx answers

    {"detail": "price_cny: The price cannot be negative.",
     "errors": [{"field": "price_cny", "message": "The price cannot be negative.", "code": "invalid"}]}

`detail` is one human sentence (the first error, prefixed with its field); `errors` lists
every problem. `field` is the request field or query parameter at fault (dotted for nested
input, e.g. `milestones.0.happened_on`), or null when the error concerns the whole request
(authentication, permissions, a missing object, a rule spanning several fields).

A 400 means the request breaks a rule the OpenAPI schema states (a type, a pattern, a range,
a required field) or a rule of the data the schema cannot state (an end before its start).
A request the schema allows can still name what the data does not hold; that is no malformed
request, so it is not a 400 (and a client validating against the schema can tell them apart):
when every error is of that kind, a reference to a row that does not exist (a body's `plan`,
a filter's `operator` code; code `does_not_exist`) is a 404, as JSON:API has it, and a value
another row already holds (code `unique`) a 409. The body is the same, naming the field.

The services raise django.core.exceptions.ValidationError (from full_clean) with a
message_dict; those become 400s naming the field (or 409s, as above). Deleting a row that others still point
to (on_delete=PROTECT) becomes 409; an edit based on a stale row version (StaleVersion)
412. Errors are always JSON, even when the request asked for ?format=csv or xlsx, so
clients can read them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.services import StaleVersion

NON_FIELD_KEYS = {api_settings.NON_FIELD_ERRORS_KEY, NON_FIELD_ERRORS}
# Error codes of a request the schema allows that the data refuses (see the module docstring).
MISSING_ROW_CODES = frozenset({"does_not_exist"})
TAKEN_CODES = frozenset({"unique", "unique_together"})


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = gettext_lazy(
        'Name the version your change is based on: send If-Match with the ETag of your GET (e.g. If-Match: "3"), '
        "or `version` in the body."
    )
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy("The row changed since the version your change is based on.")
    default_code = "stale_version"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "too_large"


class TooMany(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "too_many_fields"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The request conflicts with the current state of the data.")
    default_code = "conflict"


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: DRF's handler, plus our body and our conversions."""
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real server error: let Django log it and answer 500
    errors = list(error_items(response.data))
    response.status_code = state_status(errors, response.status_code)
    response.data = {"detail": summary(errors, response.status_code), "errors": errors}
    request = context.get("request")
    if request is not None:
        # An export request's error is still JSON: a CSV of an error dict helps no one.
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    return response


def _as_api_exception(exc: Exception) -> Exception:
    # Django refuses these bodies while reading them (request.body, request.POST, request.GET);
    # on its own it would answer an HTML 400 page.
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge(
            detail=_("The request body is larger than %(limit)d bytes; send less.")
            % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
        )
    if isinstance(exc, TooManyFieldsSent):
        return TooMany(
            detail=_("The request has more than %(limit)d fields or query parameters; send fewer.")
            % {"limit": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}
        )
    if isinstance(exc, TooManyFilesSent):
        return TooMany(
            detail=_("The request has more than %(limit)d files; send fewer.")
            % {"limit": settings.DATA_UPLOAD_MAX_NUMBER_FILES},
            code="too_many_files",
        )
    if isinstance(exc, StaleVersion):
        return PreconditionFailed(detail=exc.message)
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(detail=as_serializer_error(exc))
    if isinstance(exc, ProtectedError | RestrictedError):
        blockers = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        kinds = sorted({str(obj._meta.verbose_name_plural) for obj in blockers})
        return Conflict(
            detail=_("Cannot delete: still referenced by %(count)d row(s) of %(kinds)s. Delete or reassign them first.")
            % {"count": len(blockers), "kinds": ", ".join(kinds)},
            code="protected",
        )
    if isinstance(exc, IntegrityError):
        # full_clean in the services catches these first; a concurrent write can still race it.
        return Conflict(detail=_("The change conflicts with existing data; reload and try again."), code="integrity")
    return exc


def state_status(errors: list[dict[str, Any]], status_code: int) -> int:
    """A 400 whose every error is a missing row (404) or a taken value (409) answers that status."""
    codes = {error["code"] for error in errors}
    if status_code != status.HTTP_400_BAD_REQUEST or not codes or not codes <= MISSING_ROW_CODES | TAKEN_CODES:
        return status_code
    return status.HTTP_404_NOT_FOUND if codes & MISSING_ROW_CODES else status.HTTP_409_CONFLICT


def error_items(data: Any, field: str | None = None) -> Iterator[dict[str, Any]]:
    """Flatten DRF's error detail (dicts, lists, ErrorDetail strings) into field/message/code items."""
    if isinstance(data, dict):
        if "detail" in data and len(data) == 1 and field is None:
            yield from error_items(data["detail"], None)
            return
        for key, value in data.items():
            key = str(key)
            child = None if key in NON_FIELD_KEYS and field is None else (f"{field}.{key}" if field else key)
            yield from error_items(value, child)
    elif isinstance(data, list):
        if all(isinstance(item, str) for item in data):
            for item in data:
                yield {"field": field, "message": str(item), "code": getattr(item, "code", "invalid")}
        else:
            for index, item in enumerate(data):
                if item:  # nested list serializers report {} for valid items
                    yield from error_items(item, f"{field}.{index}" if field else str(index))
    else:
        yield {"field": field, "message": str(data), "code": getattr(data, "code", "error")}


def summary(errors: list[dict[str, Any]], status_code: int) -> str:
    if not errors:
        return _("Request failed with status %(status)d.") % {"status": status_code}
    first = errors[0]
    message = first["message"]
    if first["field"]:
        message = f"{first['field']}: {message}"
    if len(errors) > 1:
        message += " " + _("(and %(count)d more)") % {"count": len(errors) - 1}
    return message


@csrf_exempt  # a wrong URL is a 404 whatever the method; a CSRF 403 page would hide that
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """The JSON 404 for any path under /api/v1/ that no route matches."""
    message = _("No API endpoint at %(path)s.") % {"path": request.path}
    return JsonResponse(
        {"detail": message, "errors": [{"field": None, "message": message, "code": "not_found"}]},
        status=status.HTTP_404_NOT_FOUND,
        json_dumps_params={"ensure_ascii": False},
    )


def _error_response(message: str, code: str, status_code: int) -> JsonResponse:
    return JsonResponse(
        {"detail": message, "errors": [{"field": None, "message": message, "code": code}]},
        status=status_code,
        json_dumps_params={"ensure_ascii": False},
    )


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: what Django refuses outside a DRF view (a SuspiciousOperation); JSON under /api/."""
    if _is_api(request):
        return _error_response(_("The request is malformed or too large."), "bad_request", status.HTTP_400_BAD_REQUEST)
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an unexpected error (logged by Django); JSON under /api/, the error page elsewhere."""
    if _is_api(request):
        return _error_response(
            _("The server failed to answer this request; it has been logged. Try again later."),
            "server_error",
            status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    return defaults.server_error(request)
