"""Admin entry of market context: indicators, their sourced values, exchange rates (writes through the services)."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.forms import BaseModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from competition.context import services
from competition.context.models import ExchangeRate, Indicator, IndicatorValue
from core.admin import ServiceAdmin
from core.admin.forms import VersionedModelForm, adopt, form_changes, instance_values
from core.admin.services import actor_of
from core.audit import AuditTrailActionMixin
from operators.admin import province_filter


@admin.register(Indicator)
class IndicatorAdmin(ServiceAdmin):
    list_display = ("code", "name_zh", "name_en", "unit", "kind")
    list_filter = ("kind",)
    search_fields = ("code", "name_zh", "name_en", "description")


class VersionedServiceAdmin(AuditTrailActionMixin, ServiceAdmin):
    """Saves and deletes through competition.context.services, checked against the version the form opened."""

    form = VersionedModelForm

    def service_save(self, *, request: HttpRequest, obj: models.Model, form: BaseModelForm, change: bool) -> None:
        if change:
            changes = form_changes(form, add=False)
            if changes:
                services.versioned_update(
                    instance=obj,  # type: ignore[type-var]
                    changes=changes,
                    actor=actor_of(request),
                    version=form.cleaned_data.get("based_on_version"),
                )
            return
        created = services.versioned_create(model=type(obj), actor=actor_of(request), **instance_values(obj))  # type: ignore[type-var]
        adopt(obj, created)

    def service_delete(self, *, request: HttpRequest, obj: models.Model) -> None:
        services.versioned_delete(instance=obj, actor=actor_of(request))  # type: ignore[arg-type]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(VersionedServiceAdmin):
    list_display = ("indicator", "region_name", "period_display", "value_display", "unit", "confidence", "source")
    list_filter = ("indicator", province_filter("province"), "period_precision", "confidence")
    search_fields = ("indicator__code", "indicator__name_zh", "indicator__name_en", "quote", "locator", "notes")
    autocomplete_fields = ("indicator", "province", "source")
    list_select_related = ("indicator", "province", "source")
    date_hierarchy = "period_start"

    @admin.display(description=_("region"), ordering="province__code")
    def region_name(self, obj: IndicatorValue) -> str:
        return obj.province.name_zh if obj.province is not None else str(_("national"))

    @admin.display(description=_("period"), ordering="period_start")
    def period_display(self, obj: IndicatorValue) -> str:
        return obj.period

    @admin.display(description=_("value"), ordering="value")
    def value_display(self, obj: IndicatorValue) -> str:
        return f"{obj.value.normalize():f}"


@admin.register(ExchangeRate)
class ExchangeRateAdmin(VersionedServiceAdmin):
    list_display = ("currency", "rate_on", "rate_display", "source")
    list_filter = ("currency",)
    search_fields = ("currency", "notes", "source__title", "source__publication")
    autocomplete_fields = ("source",)
    list_select_related = ("source",)
    date_hierarchy = "rate_on"

    @admin.display(description=_("CNY per unit"), ordering="cny_per_unit")
    def rate_display(self, obj: ExchangeRate) -> str:
        return f"{obj.cny_per_unit.normalize():f}"
