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

        # A deleted run's rows go with the run's partition of the row table (competition.benchmarks.partitions).
        from django.db.models.signals import pre_delete

        from competition.benchmarks.models import BenchmarkRun
        from competition.benchmarks.receivers import rows_on_run_deleted

        pre_delete.connect(rows_on_run_deleted, sender=BenchmarkRun, dispatch_uid="competition_benchmark_rows_drop")

        # The change feed is derived from the audit trail: every history record, once its transaction commits.
        from simple_history.signals import post_create_historical_record

        from competition.changes.receivers import change_events_on_history_record

        post_create_historical_record.connect(change_events_on_history_record, dispatch_uid="competition_change_events")

        # Threshold watches compare each published benchmark run with the one before it.
        from competition.benchmarks.signals import benchmark_run_published
        from competition.watching.receivers import watching_on_benchmark_run_published

        benchmark_run_published.connect(watching_on_benchmark_run_published, dispatch_uid="competition_watching_run")

        # The rank sensitivity of a published run (or of a patch's buckets) is stored by a follow-up task.
        from competition.analyser.receivers import sensitivity_on_benchmark_run_published

        benchmark_run_published.connect(
            sensitivity_on_benchmark_run_published, dispatch_uid="competition_analyser_sensitivity"
        )

        # Any visitor profile is costed from a compact input stored after each publish (a worker's task).
        from competition.benchmarks.receivers import basket_input_on_run_published

        benchmark_run_published.connect(basket_input_on_run_published, dispatch_uid="competition_basket_input")
