"""JSON pages: `page` (1, 2, ... or `last`) and `page_size` (1 up to max_page_size; larger is capped).

A value that is no positive integer (`page_size=abc`, `page_size=null`, `page_size=`, `page=0`)
is a 400 naming the parameter, never a silent fallback to the default. A page past the end
is a 404.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

POSITIVE_INTEGER = re.compile(r"[1-9][0-9]{0,17}")
MAX_PARAMETER = 10**18 - 1  # the largest value POSITIVE_INTEGER reads, as the schema states it


def positive_integer(request: Request, name: str, *, also: tuple[str, ...] = ()) -> str | None:
    """The parameter's value (None when absent), or a 400 naming it when it is no positive integer."""
    if name not in request.query_params:
        return None
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise exceptions.ValidationError({name: [_("Give %(name)s once.") % {"name": name}]})
    value = values[0]
    if POSITIVE_INTEGER.fullmatch(value) or value in also:
        return value
    raise exceptions.ValidationError(
        {name: [_("“%(value)s” is not a positive whole number (1, 2, 3, ...).") % {"value": value[:40]}]}
    )


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request: Request) -> int:
        value = positive_integer(request, self.page_size_query_param)
        return self.page_size if value is None else min(int(value), self.max_page_size)

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        value = positive_integer(request, self.page_query_param, also=tuple(self.last_page_strings))
        if value is None:
            return 1
        return paginator.num_pages if value in self.last_page_strings else value

    def check_parameters(self, request: Request) -> None:
        """Refuse a bad `page` / `page_size` where they are not used (an unpaginated export) as where they are."""
        positive_integer(request, self.page_size_query_param)
        positive_integer(request, self.page_query_param, also=tuple(self.last_page_strings))

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "The page number, from 1; a page past the end is a 404.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PARAMETER},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, from 1 (default {self.page_size}); a larger value than "
                f"{self.max_page_size} is capped at {self.max_page_size}.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PARAMETER},
            },
        ]


class UncountedPagination(StandardPagination):
    """Pages of a list too long to COUNT on every request (a feed): `page` and `page_size` as usual,
    `next` / `previous` links, no `count` and no `last` page. Reads page_size + 1 rows to know
    whether a next page exists, so a page costs what it shows, not what the whole list holds.
    """

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        self.request = request
        size = self.get_page_size(request)
        value = positive_integer(request, self.page_query_param)
        self.number = int(value) if value is not None else 1
        start = (self.number - 1) * size
        rows = list(queryset[start : start + size + 1])
        if self.number > 1 and not rows:
            raise exceptions.NotFound(_("Invalid page."))
        self.has_next = len(rows) > size
        return rows[:size]

    def get_paginated_response(self, data: Any) -> Any:
        from rest_framework.response import Response
        from rest_framework.utils.urls import remove_query_param, replace_query_param

        assert self.request is not None  # set by paginate_queryset
        url = self.request.build_absolute_uri()
        next_url = replace_query_param(url, self.page_query_param, self.number + 1) if self.has_next else None
        previous_url = None
        if self.number == 2:
            previous_url = remove_query_param(url, self.page_query_param)
        elif self.number > 2:
            previous_url = replace_query_param(url, self.page_query_param, self.number - 1)
        return Response({"next": next_url, "previous": previous_url, "results": data})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        parameters[0]["description"] = "The page number, from 1 (no `last`: the list is not counted)."
        return parameters
