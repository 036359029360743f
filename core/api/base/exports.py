"""The export path of a list: with `?format=csv` / `?format=xlsx`, every filtered row in one file.

Exports are not paginated, up to EXPORT_MAX_ROWS rows; a larger export is refused with a 400 on
`format` so a table is never silently cut.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers

EXPORT_FORMATS = frozenset({"csv", "xlsx"})
EXPORT_MAX_ROWS = 50_000
EXPORT_CHUNK_ROWS = 2000


class ExportMixin:
    """Every filtered row of a ListCreateApi, serialised as its JSON rows are."""

    output_serializer_class: ClassVar[type[serializers.BaseSerializer]]

    def get_export_fields(self) -> Mapping[str, serializers.Field]:
        return self.output_serializer_class().fields  # type: ignore[attr-defined]

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
        rows = self.output_rows(queryset)  # type: ignore[attr-defined]
        return self.output_serializer_class(rows, many=True, context=self.get_serializer_context()).data  # type: ignore[attr-defined]

    def _export_chunks(self, queryset: QuerySet) -> Iterator[dict[str, Any]]:
        context = self.get_serializer_context()  # type: ignore[attr-defined]
        chunk: list[Any] = []
        for instance in self.output_rows(queryset).iterator(chunk_size=EXPORT_CHUNK_ROWS):  # type: ignore[attr-defined]
            chunk.append(instance)
            if len(chunk) == EXPORT_CHUNK_ROWS:
                yield from self.output_serializer_class(chunk, many=True, context=context).data
                chunk = []
        if chunk:
            yield from self.output_serializer_class(chunk, many=True, context=context).data
