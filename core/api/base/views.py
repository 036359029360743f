"""BaseApi and the two view shapes: ListCreateApi (GET the filtered list as JSON pages or an
export, POST one row) and DetailApi (GET, PUT, PATCH, DELETE one row).

Lists answer JSON pages (`page`, `page_size` up to StandardPagination.max_page_size), or,
with `?format=csv` / `?format=xlsx`, every filtered row in one file (core.api.base.exports).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, cast

from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.base.exports import EXPORT_FORMATS, ExportMixin
from core.api.base.schema import ApiAutoSchema
from core.api.base.versions import VersionedMixin
from core.api.pagination import StandardPagination
from core.api.renderers import CSVRenderer, XLSXRenderer, export_stream
from core.api.rows import RowSerializer
from core.services import audited_delete, audited_update

MAX_ID = 2**63 - 1  # the largest BigAutoField key


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


class ListCreateApi(ExportMixin, BaseApi):
    """GET: the filtered list (JSON pages or a full CSV/XLSX export). POST: create one row."""

    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer]
    filter_backends = [DjangoFilterBackend]
    pagination_class = StandardPagination
    export_basename: ClassVar[str] = ""
    # Large exports (the tier list) stream: rows are read and written a chunk at a time.
    stream_exports: ClassVar[bool] = False
    # A list of a table that grows to a million rows (the tiers): its unfiltered `count` is the
    # planner's estimate (core.counting), not a scan of every row per request.
    estimated_count: ClassVar[bool] = False

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response | StreamingHttpResponse:
        queryset = self.filter_queryset(self.get_queryset())
        if request.accepted_renderer.format in EXPORT_FORMATS:
            if isinstance(self.paginator, StandardPagination):
                self.paginator.check_parameters(request)  # ignored by an export, but still refused when bad
            if self.stream_exports:
                rows = self.export_rows(queryset, stream=True)
                return export_stream(view=self, request=request, rows=rows, extension=request.accepted_renderer.format)
            return Response(self.export_rows(queryset))
        # Counted before `.values()` adds its columns' joins (StandardPagination's `counted`).
        assert isinstance(self.paginator, StandardPagination)  # pagination_class, or a subclass of it
        page = self.paginator.paginate_queryset(
            self.output_rows(queryset), request, view=self, counted=queryset, estimate=self.estimated_count
        )
        data = self.output_serializer_class(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.perform_create(self.validated_input())
        return Response(self.output(instance), status=status.HTTP_201_CREATED)


# DetailApi's docstring is every detail operation's description in the schema; "the module
# docstring" it names is core.api.base.versions'.
class DetailApi(VersionedMixin, BaseApi):
    """GET one row; PUT replaces the fields it names (all required ones), PATCH changes some; DELETE.

    With `versioned`, GET sends the row's ETag and every write must name the version it is based
    on (see the module docstring); the write hooks read it from `based_on_version`.
    """

    renderer_classes = [JSONRenderer]
    filter_backends: list[Any] = []

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
