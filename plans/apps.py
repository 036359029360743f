from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "plans"
    verbose_name = _("Tariff plans")

    def ready(self) -> None:
        # The tier import and export as background jobs (core.jobs), in the web and in the workers.
        from plans import jobs  # noqa: F401
