from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetitionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "competition"
    verbose_name = _("Competition")

    def ready(self) -> None:
        # Benchmarks go stale when tiers change; plans tells us through its own signal, once the change commits.
        from competition.benchmarks.receivers import benchmarks_on_tiers_changed
        from plans.signals import tiers_changed

        tiers_changed.connect(benchmarks_on_tiers_changed, dispatch_uid="competition_benchmarks_on_tiers_changed")
