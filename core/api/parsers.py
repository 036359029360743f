"""The JSON body parser: DRF's, with limits on how deep and how large a body may be.

A body nested deeper than MAX_JSON_DEPTH, or with more values than
DATA_UPLOAD_MAX_NUMBER_FIELDS (the limit Django applies to form fields), is a 400 in the
API's error body before any serializer sees it; no resource takes anything close to either.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 32


class BodyTooComplex(ParseError):
    default_code = "too_complex"


def check_shape(data: Any) -> None:
    """Refuse a parsed body nested deeper than MAX_JSON_DEPTH or with too many values (iteratively)."""
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    values = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, dict | list):
            continue
        if depth > MAX_JSON_DEPTH:
            raise BodyTooComplex(
                _("The JSON body is nested more than %(limit)d levels deep.") % {"limit": MAX_JSON_DEPTH}
            )
        children = node.values() if isinstance(node, dict) else node
        values += len(node)
        if limit is not None and values > limit:
            raise BodyTooComplex(
                _("The JSON body has more than %(limit)d values; send fewer fields.") % {"limit": limit}
            )
        stack.extend((child, depth + 1) for child in children)


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise BodyTooComplex(
                _("The JSON body is nested more than %(limit)d levels deep.") % {"limit": MAX_JSON_DEPTH}
            ) from None
        check_shape(data)
        return data
