"""The audit trail across every history-tracked domain model: who changed what, when, field by field.

django-simple-history stores one full snapshot per save; this module turns consecutive snapshots
of the same row into one line per changed field (old -> new), in memory, so an export of a
period costs one query per model rather than one per record.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from core import exports
from core.roles import domain_apps

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
CSV_COLUMNS = ("when", "who", "model", "object_id", "object", "action", "field", "old", "new", "reason")


@dataclass(frozen=True)
class AuditEntry:
    when: datetime.datetime
    who: str
    model: str
    object_id: Any
    object: str
    action: str
    field: str
    old: str
    new: str
    reason: str

    def as_row(self) -> list[str]:
        return [
            self.when.isoformat(),
            self.who,
            self.model,
            str(self.object_id),
            self.object,
            self.action,
            self.field,
            self.old,
            self.new,
            self.reason,
        ]


def audited_models() -> list[type[models.Model]]:
    """Every model of the domain apps that keeps a history, as `app_label.model_name` order."""
    found = [
        model
        for label in domain_apps()
        for model in apps.get_app_config(label).get_models()
        if hasattr(model._meta, "simple_history_manager_attribute")
    ]
    return sorted(found, key=lambda model: model._meta.label_lower)


def audit_entries(
    *,
    model_labels: Iterable[str] | None = None,
    object_ids: Iterable[int] | None = None,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    username: str | None = None,
) -> list[AuditEntry]:
    """Audit lines, newest first, filtered by model (`plans.tier`), object ids, period and author."""
    wanted = {label.lower() for label in model_labels} if model_labels else None
    ids = list(object_ids) if object_ids is not None else None
    entries: list[AuditEntry] = []
    for model in audited_models():
        if wanted is not None and model._meta.label_lower not in wanted:
            continue
        entries.extend(_model_entries(model, object_ids=ids, since=since, until=until, username=username))
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


def _model_entries(
    model: type[models.Model],
    *,
    object_ids: list[int] | None,
    since: datetime.datetime | None,
    until: datetime.datetime | None,
    username: str | None,
) -> Iterator[AuditEntry]:
    history = getattr(model, model._meta.simple_history_manager_attribute)  # type: ignore[attr-defined]
    records = history.select_related("history_user").order_by("id", "history_date", "history_id")
    if object_ids is not None:
        records = records.filter(id__in=object_ids)
    if until is not None:
        records = records.filter(history_date__lt=until)
    previous = None
    names: dict[Any, str] = {}  # one __str__ per object: it may follow foreign keys (a query each)
    for record in records:
        # The record before `since` is still read: the first change in the period diffs against it.
        older = previous if previous is not None and previous.id == record.id else None
        previous = record
        if since is not None and record.history_date < since:
            continue
        who = record.history_user.get_username() if record.history_user_id else ""
        if username is not None and who != username:
            continue
        if record.id not in names:
            names[record.id] = _name(record)
        yield from _record_entries(model, record, older, who, names[record.id])


def _name(record: Any) -> str:
    try:
        return str(record.instance)
    except models.ObjectDoesNotExist:
        # The row points at something since deleted; its id still identifies it.
        return f"{record.instance._meta.verbose_name} {record.id}"


def _record_entries(model: type[models.Model], record: Any, older: Any, who: str, name: str) -> Iterator[AuditEntry]:
    action = ACTIONS.get(record.history_type, record.history_type)
    base = {
        "when": record.history_date,
        "who": who,
        "model": model._meta.label_lower,
        "object_id": record.id,
        "object": name,
        "action": action,
        "reason": record.history_change_reason or "",
    }
    if action == "deleted":
        yield AuditEntry(field="", old="", new="", **base)
        return
    if older is None:
        # A creation (or a row created before history was kept): every field it was given.
        for field in record.instance._meta.concrete_fields:
            if field.primary_key:
                continue
            value = getattr(record, field.attname)
            if value not in (None, ""):
                yield AuditEntry(field=field.name, old="", new=_text(value), **base)
        return
    for change in record.diff_against(older).changes:
        yield AuditEntry(field=change.field, old=_text(change.old), new=_text(change.new), **base)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        # Many-to-many changes come as lists of through-row dicts; the related ids are what matters.
        return ", ".join(str(_related_id(item)) for item in value)
    return str(value)


def _related_id(item: object) -> object:
    if isinstance(item, dict):
        related = [value for key, value in item.items() if key not in {"id", "history", "m2m_history_id"}]
        return related[-1] if related else item
    return item


def audit_csv(entries: Iterable[AuditEntry]) -> str:
    """The entries as CSV, written by the one export writer (an edited value may start with "=")."""
    return exports.csv_text(header=CSV_COLUMNS, rows=(entry.as_row() for entry in entries))


@admin.action(description=_("Download the audit trail of the selected rows (CSV)"))
def download_audit_trail(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
    """Every recorded change of the selected rows, field by field, as the audit export writes it."""
    entries = audit_entries(
        model_labels=[queryset.model._meta.label_lower], object_ids=list(queryset.values_list("pk", flat=True))
    )
    response = HttpResponse(audit_csv(entries), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{queryset.model._meta.model_name}.csv"'
    return response


class AuditTrailActionMixin:
    """Adds the audit-trail download to a ModelAdmin's actions, whatever actions it declares itself."""

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)  # type: ignore[misc]
        if request.user.has_perm(f"{self.opts.app_label}.view_{self.opts.model_name}"):  # type: ignore[attr-defined]
            actions["download_audit_trail"] = (
                download_audit_trail,
                "download_audit_trail",
                download_audit_trail.short_description,  # type: ignore[attr-defined]
            )
        return actions
