"""The two view shapes every API resource uses, and the schema class that documents them.

A resource is a list endpoint (`ListCreateApi`: GET filtered list, POST create) and a
detail endpoint (`DetailApi`: GET, PUT, PATCH, DELETE). Views stay a few lines: they name
a selector (`get_queryset`), a FilterSet, an input and an output serializer, and, where
the default audited write is not enough, the service to call. Every write goes through a
service with `actor=request.user`, so validation (full_clean) and the history record
happen in one place, inside one transaction.

- `views`: BaseApi, ListCreateApi, DetailApi.
- `exports`: the CSV/XLSX path of a list (every filtered row, up to EXPORT_MAX_ROWS).
- `versions`: If-Match and ETags of versioned rows.
- `schema`: ApiAutoSchema and the error body it documents.
"""

from core.api.base.exports import EXPORT_CHUNK_ROWS, EXPORT_FORMATS, EXPORT_MAX_ROWS
from core.api.base.schema import ApiAutoSchema, ErrorSerializer, decimal_string_pattern
from core.api.base.versions import IF_MATCH_PATTERN, if_match_parameter, if_match_version
from core.api.base.views import MAX_ID, BaseApi, DetailApi, ListCreateApi

__all__ = [
    "EXPORT_CHUNK_ROWS",
    "EXPORT_FORMATS",
    "EXPORT_MAX_ROWS",
    "IF_MATCH_PATTERN",
    "MAX_ID",
    "ApiAutoSchema",
    "BaseApi",
    "DetailApi",
    "ErrorSerializer",
    "ListCreateApi",
    "decimal_string_pattern",
    "if_match_parameter",
    "if_match_version",
]
