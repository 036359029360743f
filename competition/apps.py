from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetitionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "competition"
    verbose_name = _("Competition")

    def ready(self) -> None:
        # Benchmarks go stale when tiers change; plans tells us through its own signal, inside the
        # writer's transaction, so the pending mark commits with the change.
        from competition.benchmarks.receivers import benchmarks_on_tiers_changing
        from plans.signals import tiers_changing

        tiers_changing.connect(benchmarks_on_tiers_changing, dispatch_uid="competition_benchmarks_on_tiers_changing")
