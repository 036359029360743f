"""JSON pages: `page` (1, 2, ... or `last`) and `page_size` (1 up to max_page_size; larger is capped).

A value that is no positive integer (`page_size=abc`, `page_size=null`, `page_size=`, `page=0`)
is a 400 naming the parameter, never a silent fallback to the default. A page past the end
is a 404.

`count` follows core.counting's rule, as the admin's lists: an unfiltered list of a big table
(a million tiers) is counted from the planner's statistics, not by a scan of every row per request.
An estimate is within a few percent, so it is trusted only for pages well inside it: `page=last`
and a page near or past its end count exactly, so the end of the list is never a wrong 404.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.paginator import InvalidPage
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from core import counting
from core.counting import EstimatedCountPaginator, table_row_estimate

POSITIVE_INTEGER = re.compile(r"[1-9][0-9]{0,17}")
MAX_PARAMETER = 10**18 - 1  # the largest value POSITIVE_INTEGER reads, as the schema states it
# A page whose last row lies within this share of an estimated count reads the estimate; a later
# one (the estimate may be a few percent short or long) counts exactly.
ESTIMATE_TRUSTED_SHARE = 0.9


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


class ListPaginator(EstimatedCountPaginator):
    """core.counting's paginator, told to count exactly for a page the estimate cannot vouch for.

    `counted` is what to count when it is not the object list itself: the filtered queryset before
    `.values()` named its columns (each related column is a join the COUNT(*) would keep). Only a
    list that may be big (`estimate`) asks for the estimate: that is a query of its own.
    """

    exact = False

    def __init__(
        self, object_list: Any, per_page: int, *, counted: QuerySet[Any] | None = None, estimate: bool = False
    ) -> None:
        super().__init__(object_list, per_page)
        self.counted = object_list if counted is None else counted
        self.may_estimate = estimate

    @cached_property
    def estimate(self) -> int | None:
        if not self.may_estimate or not isinstance(self.counted, QuerySet):
            return None
        return table_row_estimate(self.counted)

    def count_exactly_unless_within(self, number: int | None) -> None:
        """Count exactly unless page `number` (None: the last page) ends well inside the estimate."""
        estimate = self.estimate
        if estimate is None or number is None or number * self.per_page > estimate * ESTIMATE_TRUSTED_SHARE:
            self.exact = True

    @cached_property
    def count(self) -> int:
        if not self.exact and self.estimate is not None:
            self.estimated = True
            return self.estimate
        return self.counted.count() if isinstance(self.counted, QuerySet) else len(self.counted)


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000

    def paginate_queryset(
        self,
        queryset: Any,
        request: Request,
        view: Any = None,
        *,
        counted: QuerySet[Any] | None = None,
        estimate: bool = False,
    ) -> list[Any] | None:
        """As DRF's, counting `counted` (default: `queryset`) by ListPaginator's rule; `estimate`: the list
        may be a big table (the tiers), whose unfiltered count is estimated."""
        self.request = request
        paginator = ListPaginator(queryset, self.get_page_size(request), counted=counted, estimate=estimate)
        page_number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage as exc:
            message = self.invalid_page_message.format(page_number=page_number, message=str(exc))
            raise exceptions.NotFound(message) from exc
        return list(self.page)

    def get_page_size(self, request: Request) -> int:
        value = positive_integer(request, self.page_size_query_param)
        return self.page_size if value is None else min(int(value), self.max_page_size)

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        value = positive_integer(request, self.page_query_param, also=tuple(self.last_page_strings))
        last = value in self.last_page_strings
        if isinstance(paginator, ListPaginator):
            paginator.count_exactly_unless_within(None if last else int(value or 1))
        if value is None:
            return 1
        return paginator.num_pages if last else value

    def check_parameters(self, request: Request) -> None:
        """Refuse a bad `page` / `page_size` where they are not used (an unpaginated export) as where they are."""
        positive_integer(request, self.page_size_query_param)
        positive_integer(request, self.page_query_param, also=tuple(self.last_page_strings))

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        envelope = super().get_paginated_response_schema(schema)
        envelope["properties"]["count"]["description"] = (
            "Rows in the filtered list. Unfiltered, a table of more than "
            f"{counting.ESTIMATE_FROM_ROWS:,} rows is counted from the database's statistics (within a few "
            "percent); `page=last` and pages near the end count exactly."
        )
        return envelope

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

    def paginate_queryset(
        self,
        queryset: Any,
        request: Request,
        view: Any = None,
        *,
        counted: QuerySet[Any] | None = None,
        estimate: bool = False,
    ) -> list[Any] | None:
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
