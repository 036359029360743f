"""django-import-export resources for plans and tiers: the admin's export, and the plan import.

Tiers are exported here but never imported through import-export: the admin's tier import is
plans.importing.admin_views, which hands the file to the same engine as `import_tiers`
(plans.importing.tier_import). TierResource refuses import_data so no third way in appears.
Plans import through import-export and write through plans.services, like the admin forms.
"""

from __future__ import annotations

import json
from typing import Any

from import_export import fields, resources, widgets
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ImportForm

from core.admin import EXPORT_FORMATS
from operators.models import Branch, Source
from plans import pricing
from plans.importing import upload_checked
from plans.models import Plan, Tier
from plans.services import plan_create, plan_update

# The API's tier CSV export, in its order: what analysts export, edit and import again.
TIER_COLUMNS = (
    "id",
    "plan",
    "plan_name",
    "branch_name",
    "operator_code",
    "province_code",
    "validity_days",
    "price_cny",
    "data_gb",
    "data_unlimited",
    "domestic_voice_min",
    "intl_voice_min",
    "intl_discount_cap_cny",
    "price_per_gb_cny",
    "price_per_day_cny",
    "confidence",
    "is_promotional",
    "price_qualifier",
    "effective_from",
    "effective_to",
    "source",
    "notes",
    "version",  # imported back, it refuses a row whose tier changed since the export
)


class LimitedImportForm(ImportForm):
    """import-export's import form (plans, launches) with the tier import's size limit, checked unparsed."""

    def clean_import_file(self) -> Any:
        return upload_checked(self.cleaned_data["import_file"])


class AnalystImportExportMixin(ImportExportMixin):
    """Import/export buttons for a domain admin: CSV and XLSX, the import's size limit, service writes."""

    import_formats = [base_formats.CSV, base_formats.XLSX]
    export_formats = EXPORT_FORMATS
    import_form_class = LimitedImportForm


class TierResource(resources.ModelResource):
    plan_name = fields.Field(attribute="plan__name_zh", column_name="plan_name", readonly=True)
    branch_name = fields.Field(attribute="plan__branch__name_zh", column_name="branch_name", readonly=True)
    operator_code = fields.Field(attribute="plan__branch__operator__code", column_name="operator_code", readonly=True)
    province_code = fields.Field(attribute="plan__branch__province__code", column_name="province_code", readonly=True)
    price_per_gb_cny = fields.Field(column_name="price_per_gb_cny", readonly=True)
    price_per_day_cny = fields.Field(column_name="price_per_day_cny", readonly=True)
    data_unlimited = fields.Field(attribute="data_unlimited", column_name="data_unlimited", widget=widgets.CharWidget())
    is_promotional = fields.Field(attribute="is_promotional", column_name="is_promotional", widget=widgets.CharWidget())

    class Meta:
        model = Tier
        fields = TIER_COLUMNS
        export_order = TIER_COLUMNS

    def get_queryset(self):
        return Tier.objects.select_related("plan__branch__operator", "plan__branch__province")

    def dehydrate_price_per_gb_cny(self, tier: Tier) -> str:
        value = tier.price_per_gb.value
        return "" if value is None else str(pricing.round_cny(value))

    def dehydrate_price_per_day_cny(self, tier: Tier) -> str:
        return str(pricing.round_cny(tier.price_per_day))

    def dehydrate_data_unlimited(self, tier: Tier) -> str:
        return "true" if tier.data_unlimited else "false"  # as the API's CSV writes booleans

    def dehydrate_is_promotional(self, tier: Tier) -> str:
        return "true" if tier.is_promotional else "false"

    def import_data(self, *args: Any, **kwargs: Any) -> Any:
        # Export only: a second reader of tier files would be a second import engine.
        raise RuntimeError("Tier files are imported by plans.importing.tier_import (admin and import_tiers).")


class KnownForeignKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key by a lookup field; an unknown value is a validation error on the column, not a crash."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist as error:
            name = self.model._meta.verbose_name
            raise ValueError(f"No {name} with {self.field} “{value}”.") from error


class DayListWidget(widgets.JSONWidget):
    """Validity options as JSON text, `[]` when there are none (an empty cell reads back as none)."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        return super().clean(value, row, **kwargs) if value not in (None, "") else []

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return json.dumps(value or [])


class PlanResource(resources.ModelResource):
    """Plans by id; a new plan names its branch by its Chinese name (北京移动) and cites a source id."""

    branch = fields.Field(
        attribute="branch", column_name="branch", widget=KnownForeignKeyWidget(Branch, field="name_zh")
    )
    source = fields.Field(attribute="source", column_name="source", widget=KnownForeignKeyWidget(Source))
    validity_options_days = fields.Field(
        attribute="validity_options_days", column_name="validity_options_days", widget=DayListWidget()
    )

    WRITABLE = (
        "branch",
        "name_zh",
        "name_en",
        "segment",
        "validity_options_days",
        "launched_on",
        "withdrawn_on",
        "source",
        "notes",
    )

    class Meta:
        model = Plan
        fields = (
            "id",
            "branch",
            "name_zh",
            "name_en",
            "segment",
            "validity_options_days",
            "launched_on",
            "withdrawn_on",
            "source",
            "notes",
        )
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def save_instance(self, instance: Plan, is_create: bool, row: Any, **kwargs: Any) -> None:
        """Create or update through plans.services, so the history names the analyst."""
        if kwargs.get("dry_run") and not kwargs.get("using_transactions", True):
            return
        actor = kwargs.get("user")
        values = {name: getattr(instance, name) for name in self.WRITABLE}
        if is_create:
            instance.pk = plan_create(actor=actor, **values).pk
            return
        stored = Plan.objects.get(pk=instance.pk)
        changes = {name: value for name, value in values.items() if getattr(stored, name) != value}
        if changes:
            plan_update(plan=stored, changes=changes, actor=actor)
