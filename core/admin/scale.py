"""Admin lists that stay fast at a million rows: no full COUNT(*) of a big table, one count per page.

Django's changelist counts the filtered list (for the pages) and, unless told otherwise, the whole
table again (for "N of M"): at a million tiers that is two identical sequential scans per page view.
`LargeTableAdmin` turns the second count off, and its paginator reads an unfiltered count of a big
PostgreSQL table from the planner's statistics instead of scanning it (core.counting, the rule the
API's pages share). The page then says "about N". A filtered list is counted exactly:
its filters (operator, province, bucket ...) run on indexes and the analyst wants the real number.

Libraries considered: django-fast-count (keeps a table of cached counts refreshed by a forked
process and asks for a model manager swap on every model) and django-postgresql-estimated-count
(one 0.1.0 release, also a manager swap); neither is an admin paginator, and this one is a dozen lines.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin import helpers
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

# The counting rule is core.counting's, shared with the API's pages.
from core.counting import ESTIMATE_FROM_ROWS, EstimatedCountPaginator, table_row_estimate

__all__ = ["ESTIMATE_FROM_ROWS", "EstimatedCountPaginator", "LargeTableAdmin", "table_row_estimate"]


class LargeTableAdmin(admin.ModelAdmin):
    """What every admin of this project gets: one count per changelist, estimated when unfiltered and big.

    Big tables must also keep off what scans them per page view: date_hierarchy (a DISTINCT over
    the dates of every row), a list_filter on a plain field (AllValuesFieldListFilter is a DISTINCT
    over the column) and select boxes of foreign keys to big tables (raw_id_fields or
    autocomplete_fields instead); tests/core/test_admin_scale.py checks every registered admin.
    """

    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def action_checkbox(self, obj: Any) -> SafeString:
        # Django renders this checkbox through the form widget templates, a template render per row
        # (a third of a 100-row page's time): the same markup, formatted directly.
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )
