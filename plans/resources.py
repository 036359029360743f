"""django-import-export resources for plans and tiers: the admin's import and export.

Both write through plans.services, like the admin forms, the API and `import_tiers`. The tier
resource hands each row to the same TierRowImporter as `import_tiers`, so the admin preview shows
exactly what the command would do (new, changed with old -> new, unchanged as skipped), its errors
name the file's line (header = line 1) and the field, and a failed file can be downloaded with
its errors. import-export runs the whole file in one transaction and only commits on confirm.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ImportForm
from import_export.results import Result, RowResult

from core.admin import EXPORT_FORMATS
from operators.models import Branch, Source
from plans import pricing
from plans.importing import MAX_IMPORT_BYTES, ImportResult, RowOutcome, TierRowImporter, cell_text, header_problem
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
    "effective_from",
    "effective_to",
    "source",
    "notes",
)
IMPORT_TYPES = {
    "new": RowResult.IMPORT_TYPE_NEW,
    "changed": RowResult.IMPORT_TYPE_UPDATE,
    "unchanged": RowResult.IMPORT_TYPE_SKIP,
    "error": RowResult.IMPORT_TYPE_INVALID,
}


class LimitedImportForm(ImportForm):
    """The admin's import form with the import's own size limit, checked before the file is parsed."""

    def clean_import_file(self) -> Any:
        upload = self.cleaned_data["import_file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(
                _("The file is %(size)s bytes; the import accepts at most %(limit)s bytes (5 MB).")
                % {"size": upload.size, "limit": MAX_IMPORT_BYTES}
            )
        return upload


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
        # Rows are matched by the importer (id, else plan + validity), not by import-export's loader.
        import_id_fields: tuple[str, ...] = ()
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

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

    # --- import: every row through the same importer as `import_tiers`

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        header = [str(name or "").strip().lower() for name in dataset.headers or []]
        problem = header_problem(header)
        if problem:
            while len(dataset):
                dataset.rpop()  # refuse the file whole: no row is tried, the error says why
            raise ValidationError(problem)
        self._header = header
        self._outcomes: list[RowOutcome] = []
        origin = "admin import"
        self._importer = TierRowImporter(actor=kwargs.get("user"), reason=f"{origin}: {kwargs.get('file_name') or '-'}")

    def import_row(self, row: dict[str, Any], instance_loader: Any, **kwargs: Any) -> RowResult:
        line = kwargs["row_number"] + 1  # row 1 of the data is line 2 of the file
        values = {str(name or "").strip().lower(): cell_text(value).strip() for name, value in row.items()}
        outcome = self._importer.run(line=line, values=values)
        self._outcomes.append(outcome)
        result = RowResult()
        result.import_type = IMPORT_TYPES[outcome.action]
        result.object_id = outcome.tier_id
        result.object_repr = f"line {line}" + (f" · tier {outcome.tier_id}" if outcome.tier_id else "")
        result.diff = self._diff(outcome)
        if outcome.action in {"new", "changed"}:
            # The admin writes a LogEntry per saved row from it ("recent actions").
            assert outcome.tier_id is not None  # a saved row names its tier
            result.instance = Tier.objects.get(pk=outcome.tier_id)
        if outcome.errors:
            messages: dict[str, list[str]] = {}
            for error in outcome.errors:
                messages.setdefault(error.field or NON_FIELD_ERRORS, []).append(str(error))
            result.validation_error = ValidationError(messages)
        return result

    def after_import(self, dataset: Any, result: Result, **kwargs: Any) -> None:
        outcomes = getattr(self, "_outcomes", [])
        if any(outcome.errors for outcome in outcomes):
            failed = ImportResult(filename="", dry_run=True, header=self._header, outcomes=outcomes).failed_rows_csv()
            # Carried on the result so the preview page can offer it for download without storing a file.
            result.failed_rows_csv_base64 = base64.b64encode(("\ufeff" + failed).encode()).decode()

    def _diff(self, outcome: RowOutcome) -> list[SafeString | str]:
        cells: list[SafeString | str] = []
        for column in self.get_diff_headers():
            name = column.strip().lower()
            if name in outcome.changes:
                old, new = outcome.changes[name]
                cells.append(format_html("<del>{}</del> <ins>{}</ins>", old, new))
            else:
                cells.append(outcome.values.get(name, ""))
        return cells


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
