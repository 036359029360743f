"""Saved draft sets: an analyst's named drafts for the analyser, shareable read-only by link."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from operators.models import Province


class DraftSet(models.Model):
    """Up to six draft tiers with the province and date they are analysed against.

    The drafts are JSON checked by the analyser's one validator (`validation.drafts_validate`);
    they are never tiers and never enter a benchmark. Its owner edits it; any logged-in user
    holding the link (`share_token`) may read it.
    """

    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="draft_sets", verbose_name=_("owner")
    )
    drafts = models.JSONField(_("drafts"), default=list)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
        help_text=_("The province whose cheapest options the baskets are compared with; empty for the whole market."),
    )
    as_of = models.DateField(_("as of"), null=True, blank=True, help_text=_("Empty: the day it is opened."))
    share_token = models.UUIDField(_("share token"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False, help_text=_("Raised by every change; edits name the version they saw.")
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["owner_id", "name"]
        verbose_name = _("draft set")
        verbose_name_plural = _("draft sets")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"],
                name="draft_set_name_unique_per_owner",
                violation_error_message=_("You already have a draft set with this name."),
                violation_error_code="unique",  # a taken value: the API's 409, like every unique field
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from competition.analyser.validation import InvalidInput, drafts_validate

        try:
            self.drafts = [draft.as_json() for draft in drafts_validate(self.drafts)]
        except InvalidInput as invalid:
            # One message per bad field, prefixed with where it is, on the drafts field.
            raise ValidationError(
                {
                    "drafts": [
                        f"{field}: {message}" if field != "drafts" else message
                        for field, messages in invalid.errors.items()
                        for message in messages
                    ]
                }
            ) from invalid
