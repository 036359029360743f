"""One scheduling mechanism: the lease leaves the schedule row (advisory lock / file lock), debounce goes."""

from django.db import migrations, models
from django.utils import timezone


def carry_dirty_over(apps, schema_editor):
    # A pending change under the old scheme (dirty or a queued task) stays pending under the new one.
    Schedule = apps.get_model("competition", "BenchmarkSchedule")
    Schedule.objects.filter(models.Q(dirty=True) | models.Q(queued_at__isnull=False)).update(pending_since=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("competition", "0004_unique_names_without_branch_or_operator"),
    ]

    operations = [
        migrations.AddField(
            model_name="benchmarkschedule",
            name="pending_since",
            field=models.DateTimeField(
                blank=True,
                help_text="Set by a change to the benchmarks' input; cleared when a run starts reading it.",
                null=True,
                verbose_name="recompute pending since",
            ),
        ),
        migrations.RunPython(carry_dirty_over, migrations.RunPython.noop),
        migrations.RemoveField(model_name="benchmarkschedule", name="dirty"),
        migrations.RemoveField(model_name="benchmarkschedule", name="lock_expires_at"),
        migrations.RemoveField(model_name="benchmarkschedule", name="lock_token"),
        migrations.RemoveField(model_name="benchmarkschedule", name="queued_at"),
    ]
