"""django-import-export resource for launches: the admin's import and export, through the audited write path."""

from __future__ import annotations

from typing import Any

from import_export import fields, resources, widgets

from competition.market.models import Launch, Partner
from core.services import audited_update
from operators.models import Branch, Operator, Source
from plans.models import Plan
from plans.resources import KnownForeignKeyWidget

PLAIN_FIELDS = (
    "operator",
    "branch",
    "name_zh",
    "name_en",
    "kind",
    "launched_on",
    "date_precision",
    "status",
    "summary_zh",
    "summary_en",
    "source",
)


class LaunchResource(resources.ModelResource):
    """Launches by id; operators by code (cmcc), branches by name (北京联通), partners by name, `;`-separated."""

    operator = fields.Field(
        attribute="operator", column_name="operator", widget=KnownForeignKeyWidget(Operator, "code")
    )
    branch = fields.Field(attribute="branch", column_name="branch", widget=KnownForeignKeyWidget(Branch, "name_zh"))
    source = fields.Field(attribute="source", column_name="source", widget=KnownForeignKeyWidget(Source))
    partners = fields.Field(
        attribute="partners",
        column_name="partners",
        widget=widgets.ManyToManyWidget(Partner, separator=";", field="name_zh"),
    )
    plans = fields.Field(attribute="plans", column_name="plans", widget=widgets.ManyToManyWidget(Plan, separator=";"))

    class Meta:
        model = Launch
        fields = ("id", *PLAIN_FIELDS, "partners", "plans")
        export_order = ("id", *PLAIN_FIELDS, "partners", "plans")
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def save_instance(self, instance: Launch, is_create: bool, row: Any, **kwargs: Any) -> None:
        """Validate (full_clean) and save with the analyst named in the history, as the admin form does."""
        changes = {name: getattr(instance, name) for name in PLAIN_FIELDS}
        audited_update(instance=instance, changes=changes, actor=kwargs.get("user"))
