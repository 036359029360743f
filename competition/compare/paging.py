"""The pager of the comparison pages: links to the neighbouring pages that keep every other filter."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Pager:
    page: int
    page_count: int  # the last page, or where the rows were not counted (`exact` false) the next one
    previous_url: str
    next_url: str
    exact: bool = True

    @property
    def has_other_pages(self) -> bool:
        return bool(self.previous_url or self.next_url)


def page_url(request: HttpRequest, page: int) -> str:
    """This page with its query string (filters, sort, as_of) and `page` set; page 1 drops the parameter."""
    query = request.GET.copy()
    query.pop("page", None)
    if page > 1:
        query["page"] = str(page)
    return f"?{query.urlencode()}" if query else request.path


def pager(request: HttpRequest, *, page: int, page_count: int, exact: bool = True) -> Pager:
    return Pager(
        page=page,
        page_count=page_count,
        exact=exact,
        previous_url=page_url(request, page - 1) if page > 1 else "",
        next_url=page_url(request, page + 1) if page < page_count else "",
    )
