"""The two view shapes every API resource uses, and the schema class that documents them.

A resource is a list endpoint (`ListCreateApi`: GET filtered list, POST create) and a
detail endpoint (`DetailApi`: GET, PUT, PATCH, DELETE). Views stay a few lines: they name
a selector (`get_queryset`), a FilterSet, an input and an output serializer, and, where
the default audited write is not enough, the service to call. Every write goes through a
service with `actor=request.user`, so validation (full_clean) and the history record
happen in one place, inside one transaction.

Lists answer JSON pages (`page`, `page_size` up to StandardPagination.max_page_size), or,
with `?format=csv` / `?format=xlsx`, every filtered row in one file: exports are not
paginated, up to EXPORT_MAX_ROWS rows; a larger export is refused with a 400 on `format`
so a table is never silently cut.

A detail endpoint of a row with a `version` (`versioned = True`) answers GET with
`ETag: "<version>"`, and takes writes only based on a version: `If-Match: "<version>"` or a
`version` in the body. None is a 428, a stale one a 412 (the service checks it under a row
lock, so of concurrent writers based on one version exactly one wins).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, cast

from django.contrib.auth.models import AbstractBaseUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.errors import PreconditionRequired
from core.api.pagination import StandardPagination
from core.api.renderers import XLSX_MEDIA_TYPE, CSVRenderer, XLSXRenderer, export_stream
from core.api.rows import RowSerializer
from core.services import audited_delete, audited_update

EXPORT_FORMATS = frozenset({"csv", "xlsx"})
EXPORT_MAX_ROWS = 50_000
EXPORT_CHUNK_ROWS = 2000
MAX_ID = 2**63 - 1  # the largest BigAutoField key
# If-Match as the server reads it (if_match_version): one quoted version number, optionally weak.
NO_NUL_PATTERN = "^[^\\u0000]*$"
IF_MATCH_PATTERN = r'^(W/)?"[0-9]{1,18}"$'


def if_match_parameter(description: str, *, required: bool = False) -> OpenApiParameter:
    return OpenApiParameter(
        "If-Match",
        str,
        location=OpenApiParameter.HEADER,
        pattern=IF_MATCH_PATTERN,
        required=required,
        description=description,
    )


def decimal_string_pattern(field: serializers.DecimalField) -> str:
    """A decimal string as DecimalField reads it. drf-spectacular's own pattern makes every digit
    optional, so it allows "", "-" and "." which the field refuses.

    A `min_value` of 0 drops the sign; a positive `min_value` (the field's smallest step, e.g.
    0.001: "more than 0") also asks for a digit other than 0.
    """
    whole, places = field.max_whole_digits or 0, field.decimal_places or 0
    minimum = field.min_value
    forms = []
    if whole:
        forms.append(rf"[0-9]{{1,{whole}}}" + (rf"(\.[0-9]{{0,{places}}})?" if places else ""))
    if places:
        forms.append(("0?" if not whole else "") + rf"\.[0-9]{{1,{places}}}")
    if not whole:
        forms.append("0")
    sign = "-?" if minimum is None or minimum < 0 else ""
    nonzero = "(?=[^1-9]*[1-9])" if minimum is not None and minimum > 0 else ""
    return "^" + nonzero + sign + "(" + "|".join(forms) + ")$"


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(
        allow_null=True,
        help_text="The request field or query parameter at fault (dotted for nested input), "
        "or null when the error concerns the whole request.",
    )
    message = serializers.CharField(help_text="What is wrong, in words a person can act on.")
    code = serializers.CharField(help_text="A stable machine-readable code, e.g. `invalid`, `required`, `not_found`.")


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx response."""

    detail = serializers.CharField(help_text="One sentence: the first error, prefixed with its field.")
    # The metaclass turns this into a field, so Serializer.errors (the property) stays intact.
    errors = ErrorItemSerializer(many=True, help_text="Every problem found, one item each.")  # type: ignore[assignment]


ERROR_DESCRIPTIONS = {
    "400": "Invalid input or query parameter; `errors[].field` names it. Nothing was written.",
    "401": "Not authenticated: send a session cookie or `Authorization: Token <key>`.",
    "403": "Authenticated, but writing requires the analyst role.",
    "404": "No such object (or page), or the request names a row that does not exist (a reference in the "
    "body or a filter's code or id; `errors[].field` names it, code `does_not_exist`). Nothing was written.",
    "406": "The Accept header and `format` ask for different formats.",
    "409": "A value another row already holds (code `unique`), the row is still referenced by others (delete "
    "those first), or a concurrent change conflicted. Nothing was written.",
    "412": "Stale version: the row changed since the version named in If-Match (or `version`). Nothing was "
    "written; GET it again and reapply the change.",
    "413": "The body is larger than the server reads (DATA_UPLOAD_MAX_MEMORY_SIZE). Nothing was written.",
    "415": "The body's Content-Type is not JSON, form or multipart data.",
    "428": "The change names no version: send If-Match with the ETag of your GET (or `version` in the body).",
    "429": "Too many requests: slow down (see the Retry-After header).",
}


class ApiAutoSchema(AutoSchema):
    """Documents input and output serializers separately, the export formats and the error bodies."""

    def get_request_serializer(self) -> Any:
        input_class = getattr(self.view, "input_serializer_class", None)
        if self.method in ("POST", "PUT", "PATCH") and input_class is not None:
            return input_class
        return super().get_request_serializer()

    def get_response_serializers(self) -> Any:
        output_class = getattr(self.view, "output_serializer_class", None)
        return output_class or super().get_response_serializers()

    def _is_list_view(self, serializer: Any = None) -> bool:
        # Our views are plain GenericAPIViews: say which GETs are lists, so they are paginated in the schema.
        if isinstance(self.view, ListCreateApi):
            return self.method == "GET"
        if isinstance(self.view, DetailApi):
            return False
        return super()._is_list_view(serializer)

    def _is_create_operation(self) -> bool:
        return isinstance(self.view, ListCreateApi) and self.method == "POST"

    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> Any:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.ListSerializer) and schema.get("type") == "array":
            # drf-spectacular leaves out a list's bounds (`many=True, min_length=1`), which the list refuses.
            bounds = {"minItems": getattr(field, "min_length", None), "maxItems": getattr(field, "max_length", None)}
            schema.update({key: value for key, value in bounds.items() if value is not None})
        if isinstance(field, serializers.DecimalField) and "pattern" in schema and field.max_whole_digits is not None:
            schema["pattern"] = decimal_string_pattern(field)
        if (
            direction == "request"
            and isinstance(field, serializers.CharField)
            and schema.get("type") == "string"
            and "pattern" not in schema
            and "format" not in schema
            # drf-spectacular adds a RegexValidator's pattern (a slug, a province code) after this
            and not any(isinstance(validator, RegexValidator) for validator in field.validators)
        ):
            schema["pattern"] = NO_NUL_PATTERN  # DRF's CharField refuses a NUL byte in any text
        return schema

    def _map_basic_serializer(self, serializer: Any, direction: Any) -> Any:
        # What a serializer's fields cannot say of the whole object (no unknown fields, "one of these",
        # "not both"): its `schema_rules`, a JSON Schema fragment kept beside the rule it restates.
        schema = super()._map_basic_serializer(serializer, direction)
        rules = getattr(serializer, "schema_rules", None)
        if rules:
            schema.update(rules(direction) if callable(rules) else rules)
        return schema

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if isinstance(self.view, DetailApi) and self.method in self._version_checked_methods():
            parameters.append(
                if_match_parameter(
                    'The ETag of the row the change is based on, e.g. "3" (or give `version` in the '
                    "body, except on DELETE, which has none). Required: none is a 428, a stale one a 412.",
                    required=self.method == "DELETE",
                )
            )
        if self.method == "GET" and isinstance(self.view, ListCreateApi):
            parameters.append(
                OpenApiParameter(
                    "format",
                    str,
                    enum=["json", "csv", "xlsx"],
                    description="Answer as JSON pages (default), or every filtered row as CSV (UTF-8 with BOM) "
                    f"or XLSX, with the same columns, unpaginated up to {EXPORT_MAX_ROWS} rows.",
                )
            )
        return parameters

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code, response in responses.items():
            content = response.get("content", {}) if code.startswith("2") else {}
            if "text/csv" in content:
                content["text/csv"] = {"schema": {"type": "string", "description": "CSV, UTF-8 with BOM"}}
            if XLSX_MEDIA_TYPE in content:
                content[XLSX_MEDIA_TYPE] = {"schema": {"type": "string", "format": "binary"}}
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(response=ErrorSerializer, description=ERROR_DESCRIPTIONS[code]),
                    code,
                    media_types=["application/json"],
                )
        return responses

    def _version_checked_methods(self) -> tuple[str, ...]:
        default = ("PUT", "PATCH", "DELETE") if getattr(self.view, "versioned", False) else ()
        return tuple(getattr(self.view, "version_checked_methods", default))

    def _error_codes(self) -> list[str]:
        codes = ["400", "401", "403", "404", "406"]
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes.append("409")
        if self.method in self._version_checked_methods():
            codes.extend(["412", "428"])
        if self.method in ("POST", "PUT", "PATCH"):
            codes.extend(["413", "415"])
        codes.append("429")  # the user and anonymous throttles of REST_FRAMEWORK apply everywhere
        return codes


class BaseApi(GenericAPIView):
    schema = ApiAutoSchema()
    output_serializer_class: ClassVar[type[serializers.BaseSerializer]]
    input_serializer_class: ClassVar[type[serializers.BaseSerializer] | None] = None
    # Set by a versioned DetailApi before a write: the version the request based it on.
    based_on_version: int | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # An id in the path beyond any row's (a 64-bit key) names no row: a 404, before any query
        # (SQLite cannot even bind it, and a related-id lookup does not guard against it).
        if any(isinstance(value, int) and not 0 <= value <= MAX_ID for value in kwargs.values()):
            raise exceptions.NotFound()

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        """`format` names one of the view's formats; anything else (`format=`, `format=html`) is a 400 on it."""
        if not force and "format" in request.query_params:
            formats = [renderer.format for renderer in self.get_renderers()]
            values = request.query_params.getlist("format")
            if len(values) > 1 or values[0] not in formats:
                raise exceptions.ValidationError(
                    {
                        "format": [
                            _("“%(value)s” is not a format of this endpoint; use one of: %(formats)s.")
                            % {"value": ",".join(values)[:40], "formats": ", ".join(formats)}
                        ]
                    }
                )
        return super().perform_content_negotiation(request, force)

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.request is not None and self.request.method in ("POST", "PUT", "PATCH") and self.input_serializer_class:
            return self.input_serializer_class
        return self.output_serializer_class

    def output_rows(self, queryset: QuerySet) -> Any:
        """What the output serializer reads: `.values()` rows for a RowSerializer, else the instances."""
        serializer_class = self.output_serializer_class
        return serializer_class.rows(queryset) if issubclass(serializer_class, RowSerializer) else queryset

    def output(self, instance: models.Model) -> dict[str, Any]:
        """Serialize one row as the list shows it (reloaded through the selector, so computed columns match)."""
        row = self.output_rows(self.get_queryset().filter(pk=instance.pk)).get()
        return self.output_serializer_class(row, context=self.get_serializer_context()).data

    def validated_input(self, *, instance: models.Model | None = None, partial: bool = False) -> dict[str, Any]:
        assert self.input_serializer_class is not None, f"{type(self).__name__} takes no input"
        serializer = self.input_serializer_class(
            instance, data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @property
    def actor(self) -> AbstractBaseUser:
        """The user a write is attributed to (the permission class lets only analysts write)."""
        return cast(AbstractBaseUser, self.request.user)

    # The write hooks: the default is the audited write of core.services; views whose
    # models have their own services (plans, tiers) override them.
    def perform_create(self, data: dict[str, Any]) -> models.Model:
        model = self.get_queryset().model
        return audited_update(instance=model(), changes=data, actor=self.actor)

    def perform_update(self, instance: Any, data: dict[str, Any]) -> models.Model:
        return audited_update(instance=instance, changes=data, actor=self.actor)

    def perform_destroy(self, instance: Any) -> None:
        audited_delete(instance=instance, actor=self.actor)


class ListCreateApi(BaseApi):
    """GET: the filtered list (JSON pages or a full CSV/XLSX export). POST: create one row."""

    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer]
    filter_backends = [DjangoFilterBackend]
    pagination_class = StandardPagination
    export_basename: ClassVar[str] = ""
    # Large exports (the tier list) stream: rows are read and written a chunk at a time.
    stream_exports: ClassVar[bool] = False

    def get_export_fields(self) -> Mapping[str, serializers.Field]:
        return self.output_serializer_class().fields  # type: ignore[attr-defined]

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response | StreamingHttpResponse:
        queryset = self.filter_queryset(self.get_queryset())
        if request.accepted_renderer.format in EXPORT_FORMATS:
            if isinstance(self.paginator, StandardPagination):
                self.paginator.check_parameters(request)  # ignored by an export, but still refused when bad
            if self.stream_exports:
                rows = self.export_rows(queryset, stream=True)
                return export_stream(view=self, request=request, rows=rows, extension=request.accepted_renderer.format)
            return Response(self.export_rows(queryset))
        page = self.paginate_queryset(self.output_rows(queryset))
        data = self.output_serializer_class(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    def export_rows(self, queryset: QuerySet, *, stream: bool = False) -> Any:
        """Every filtered row serialized (a list), or with `stream` an iterator serializing a chunk at a time."""
        count = queryset.count()
        if count > EXPORT_MAX_ROWS:
            raise exceptions.ValidationError(
                {
                    "format": [
                        _("The export would have %(count)d rows; the limit is %(limit)d. Narrow the filters.")
                        % {"count": count, "limit": EXPORT_MAX_ROWS}
                    ]
                }
            )
        if stream:
            return self._export_chunks(queryset)
        rows = self.output_rows(queryset)
        return self.output_serializer_class(rows, many=True, context=self.get_serializer_context()).data

    def _export_chunks(self, queryset: QuerySet) -> Iterator[dict[str, Any]]:
        context = self.get_serializer_context()
        chunk: list[Any] = []
        for instance in self.output_rows(queryset).iterator(chunk_size=EXPORT_CHUNK_ROWS):
            chunk.append(instance)
            if len(chunk) == EXPORT_CHUNK_ROWS:
                yield from self.output_serializer_class(chunk, many=True, context=context).data
                chunk = []
        if chunk:
            yield from self.output_serializer_class(chunk, many=True, context=context).data

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.perform_create(self.validated_input())
        return Response(self.output(instance), status=status.HTTP_201_CREATED)


def if_match_version(request: Request) -> int | None:
    """The version an If-Match header names (None without the header); the one parse of it.

    A list or `*` is a 428 (a change is based on one version); a tag that is no version number
    matches no version, so the check fails as for a stale one.
    """
    header = request.headers.get("If-Match", "").strip()
    if not header:
        return None
    tags = [tag.strip() for tag in header.split(",") if tag.strip()]
    if len(tags) != 1 or tags[0] == "*":
        raise PreconditionRequired(_('If-Match must name the one version your change is based on, e.g. If-Match: "3".'))
    tag = tags[0].removeprefix("W/").strip('"')
    return int(tag) if tag.isdigit() else 0


class DetailApi(BaseApi):
    """GET one row; PUT replaces the fields it names (all required ones), PATCH changes some; DELETE.

    With `versioned`, GET sends the row's ETag and every write must name the version it is based
    on (see the module docstring); the write hooks read it from `based_on_version`.
    """

    renderer_classes = [JSONRenderer]
    filter_backends: list[Any] = []
    versioned: ClassVar[bool] = False

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        return self.tagged(Response(self.output(instance)), instance)

    def put(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._update(partial=False)

    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._update(partial=True)

    def _update(self, *, partial: bool) -> Response:
        instance = self.get_object()
        data = self.validated_input(instance=instance, partial=partial)
        self.based_on_version = self.required_version(data.pop("version", None))
        saved = self.perform_update(instance, data)
        return self.tagged(Response(self.output(saved)), saved, moved=saved.pk != instance.pk)

    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        body = self.request.data.get("version") if isinstance(self.request.data, Mapping) else None
        self.based_on_version = self.required_version(body)
        self.perform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def tagged(self, response: Response, instance: models.Model, *, moved: bool = False) -> Response:
        """Send the row's version as its ETag. A write answered by another row (a superseded tier's
        successor) names that row in Content-Location, which the ETag then describes."""
        if not self.versioned:
            return response
        location = self.detail_location(instance) if moved else None
        if moved and location is None:
            return response  # an ETag would describe the requested row, which this body is not
        response["ETag"] = f'"{instance.version}"'  # type: ignore[attr-defined]
        if location is not None:
            response["Content-Location"] = location
        return response

    def detail_location(self, instance: models.Model) -> str | None:
        """The URL of another row's detail endpoint (override where a write can answer with another row)."""
        return None

    def required_version(self, body_version: Any) -> int | None:
        """The version a write is based on: If-Match, else the body's `version`; none is a 428."""
        if not self.versioned:
            return None
        header_version = if_match_version(self.request)
        if header_version is not None:
            return header_version
        if body_version is None:
            raise PreconditionRequired()
        if isinstance(body_version, int) or (isinstance(body_version, str) and body_version.isdigit()):
            return int(body_version)
        raise exceptions.ValidationError({"version": [_("A valid integer is required.")]})
