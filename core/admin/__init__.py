"""The admin base every domain admin builds on: saves and deletes go through the services.

One write path: no admin calls save() or delete() itself. It hands the form's values to the
app's service with actor=request.user, so validation, audit (django-simple-history) and
signals happen once, exactly as for the API and the seed import. A ValidationError the
service raises after the form was accepted is shown on the form field it names, not as a 500.
"""

from core.admin import jobs  # noqa: F401 - registers the background jobs' admin
from core.admin.exports import EXPORT_FORMATS, SafeCSV, SafeXLSX
from core.admin.filters import code_filter
from core.admin.forms import (
    VersionedModelForm,
    add_service_error,
    adopt,
    form_changes,
    form_with_service_errors,
    instance_values,
    opened_version,
)
from core.admin.scale import EstimatedCountPaginator, LargeTableAdmin
from core.admin.services import ServiceAdmin, ServiceInline, ServiceRejected, actor_of, note, reject, rejecting

__all__ = [
    "EXPORT_FORMATS",
    "EstimatedCountPaginator",
    "LargeTableAdmin",
    "SafeCSV",
    "SafeXLSX",
    "ServiceAdmin",
    "ServiceInline",
    "ServiceRejected",
    "VersionedModelForm",
    "actor_of",
    "add_service_error",
    "adopt",
    "code_filter",
    "form_changes",
    "form_with_service_errors",
    "instance_values",
    "note",
    "opened_version",
    "reject",
    "rejecting",
]
