"""GET /api/v1/changes/: the change feed, newest first, filtered, as JSON pages or CSV/XLSX."""

from __future__ import annotations

from django.db.models import QuerySet

from competition.changes import selectors
from competition.changes.filters import ChangeEventFilter
from competition.changes.models import ChangeEvent
from competition.changes.serializers import ChangeEventOutputSerializer
from core.api.base import ListCreateApi
from core.api.pagination import UncountedPagination


class ChangeEventListApi(ListCreateApi):
    """Every new tier, price or allowance change, withdrawal, launch and strategy milestone, newest first.

    Derived from the audit trail; read-only (the changes are made through tiers, plans, launches
    and strategies).
    """

    http_method_names = ["get", "head", "options"]
    # Years of changes: a COUNT on every page would cost what the whole history holds.
    pagination_class = UncountedPagination
    output_serializer_class = ChangeEventOutputSerializer
    filterset_class = ChangeEventFilter
    export_basename = "changes"

    def get_queryset(self) -> QuerySet[ChangeEvent]:
        return selectors.change_event_list()
