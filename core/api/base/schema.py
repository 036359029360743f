"""The schema class every API view uses: input and output serializers documented apart, the
export formats of a list, the If-Match of a versioned write, and the error body of every 4xx."""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from core.api.base.exports import EXPORT_MAX_ROWS
from core.api.base.versions import if_match_parameter
from core.api.renderers import XLSX_MEDIA_TYPE

NO_NUL_PATTERN = "^[^\\u0000]*$"
# Text that may not be blank: DRF strips whitespace (Unicode spaces too) before its blank check.
NOT_BLANK_PATTERN = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"


def _views() -> Any:
    """The view module, read when a schema is generated: the views name this schema class, so
    this module cannot import them when it loads."""
    from core.api.base import views

    return views


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
        if isinstance(self.view, _views().ListCreateApi):
            return self.method == "GET"
        if isinstance(self.view, _views().DetailApi):
            return False
        return super()._is_list_view(serializer)

    def _is_create_operation(self) -> bool:
        return isinstance(self.view, _views().ListCreateApi) and self.method == "POST"

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
            # DRF's CharField refuses a NUL byte in any text, and whitespace alone where it may not be blank.
            refuses_blank = not field.allow_blank and field.trim_whitespace
            schema["pattern"] = NOT_BLANK_PATTERN if refuses_blank else NO_NUL_PATTERN
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
        if isinstance(self.view, _views().DetailApi) and self.method in self._version_checked_methods():
            parameters.append(
                if_match_parameter(
                    'The ETag of the row the change is based on, e.g. "3" (or give `version` in the '
                    "body, except on DELETE, which has none). Required: none is a 428, a stale one a 412.",
                    required=self.method == "DELETE",
                )
            )
        if self.method == "GET" and isinstance(self.view, _views().ListCreateApi):
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
