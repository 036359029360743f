"""Row versions for plans and tiers, and reviews as records of who approved which tier version.

The reviewed_by/reviewed_at stamp of a tier becomes a TierReview of the tier's version 1.
"""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def reviews_from_stamps(apps, schema_editor):
    Tier = apps.get_model("plans", "Tier")
    TierReview = apps.get_model("plans", "TierReview")
    for tier in Tier.objects.filter(reviewed_by__isnull=False):
        TierReview.objects.create(
            tier=tier, tier_version=tier.version, reviewer_id=tier.reviewed_by_id, reviewed_at=tier.reviewed_at
        )


def stamps_from_reviews(apps, schema_editor):
    TierReview = apps.get_model("plans", "TierReview")
    Tier = apps.get_model("plans", "Tier")
    for review in TierReview.objects.filter(voided_at__isnull=True):
        Tier.objects.filter(pk=review.tier_id).update(
            reviewed_by_id=review.reviewer_id, reviewed_at=review.reviewed_at
        )


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0005_tier_periods_do_not_overlap'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalplan',
            name='version',
            field=models.PositiveIntegerField(default=1, editable=False, help_text='Raised by every change; edits name the version they saw.', verbose_name='version'),
        ),
        migrations.AddField(
            model_name='historicaltier',
            name='version',
            field=models.PositiveIntegerField(default=1, editable=False, help_text='Raised by every change; edits name the version they saw.', verbose_name='version'),
        ),
        migrations.AddField(
            model_name='plan',
            name='version',
            field=models.PositiveIntegerField(default=1, editable=False, help_text='Raised by every change; edits name the version they saw.', verbose_name='version'),
        ),
        migrations.AddField(
            model_name='tier',
            name='version',
            field=models.PositiveIntegerField(default=1, editable=False, help_text='Raised by every change; edits name the version they saw.', verbose_name='version'),
        ),
        migrations.AlterField(
            model_name='historicalplan',
            name='history_change_reason',
            field=models.TextField(null=True),
        ),
        migrations.AlterField(
            model_name='historicaltier',
            name='history_change_reason',
            field=models.TextField(null=True),
        ),
        migrations.CreateModel(
            name='HistoricalTierReview',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('tier_version', models.PositiveIntegerField(verbose_name='tier version reviewed')),
                ('reviewed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='reviewed at')),
                ('voided_at', models.DateTimeField(blank=True, null=True, verbose_name='voided at')),
                ('voided_by_version', models.PositiveIntegerField(blank=True, help_text='The tier version whose change voided it.', null=True, verbose_name='voided by tier version')),
                ('history_change_reason', models.TextField(null=True)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('reviewer', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewer')),
                ('tier', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.tier', verbose_name='tier')),
            ],
            options={
                'verbose_name': 'historical tier review',
                'verbose_name_plural': 'historical tier reviews',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='TierReview',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('tier_version', models.PositiveIntegerField(verbose_name='tier version reviewed')),
                ('reviewed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='reviewed at')),
                ('voided_at', models.DateTimeField(blank=True, null=True, verbose_name='voided at')),
                ('voided_by_version', models.PositiveIntegerField(blank=True, help_text='The tier version whose change voided it.', null=True, verbose_name='voided by tier version')),
                ('reviewer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewer')),
                ('tier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reviews', to='plans.tier', verbose_name='tier')),
            ],
            options={
                'verbose_name': 'tier review',
                'verbose_name_plural': 'tier reviews',
                'ordering': ['tier_id', '-reviewed_at'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('voided_at__isnull', True)), fields=('tier',), name='tier_review_one_in_force_per_tier')],
            },
        ),
        migrations.RunPython(reviews_from_stamps, stamps_from_reviews),
        migrations.RemoveField(
            model_name='historicaltier',
            name='reviewed_at',
        ),
        migrations.RemoveField(
            model_name='historicaltier',
            name='reviewed_by',
        ),
        migrations.RemoveField(
            model_name='tier',
            name='reviewed_at',
        ),
        migrations.RemoveField(
            model_name='tier',
            name='reviewed_by',
        ),
    ]
