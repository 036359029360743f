"""The admin's door to the tier import: our own upload -> preview -> confirm view over `tier_import`.

Why our own view rather than django-import-export's import: import-export parses the upload with
tablib (its own CSV dialect, encoding handling and header rules) before any resource code runs,
numbers rows by their position in the dataset (so a quoted newline shifts every later line
number), has no row limit, and runs its own row loop and transaction. Routing it through our
engine would mean overriding its format, its dataset, its row loop and its result rendering, and
keeping two flows in step. Instead the tier admin keeps import-export for the Export button and
this mixin replaces the two import URLs (`import/` and `process_import/`, same names, so the
changelist's Import button and the permission code stay) with a view that calls
`plans.importing.tier_import` exactly as `manage.py import_tiers` does:

- upload: the size is checked before the file is read (the reader's own message);
- preview: `tier_import(dry_run=True)`: the same errors, notices and summary the command prints,
  a table of what would change (old -> new), and the failed rows as a CSV download;
- confirm: the previewed bytes are run again with `dry_run=False`. They wait in a file under
  TIER_IMPORT_PENDING_DIR (default: the system temp dir) named by a random token that only the
  uploading session knows, with its SHA-256 kept in the session; a confirm is one-shot. (On several
  hosts, point TIER_IMPORT_PENDING_DIR at a shared directory.)

Every row is validated again on confirm, so a tier changed by someone else since the preview
shows up as an error then, not as a lost edit.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.jobs import job_create
from plans.importing.reading import FileRejected, read_table, upload_checked
from plans.importing.tiers import ImportResult, tier_import
from plans.jobs import TIER_IMPORT
from plans.models import Tier

ORIGIN = "admin import"
SESSION_KEY = "tier_import_pending"
PENDING_MAX_AGE_SECONDS = 24 * 3600
# The preview lists what would change; a 20,000-row file would make a page no one reads.
PREVIEW_ROWS = 500
# A confirmed file this long is imported by a worker (core.jobs) rather than in the request.
BACKGROUND_ROWS = 2000


class TierImportForm(forms.Form):
    import_file = forms.FileField(
        label=gettext_lazy("File to import"),
        help_text=gettext_lazy(
            "CSV (UTF-8; comma, semicolon or tab separated) or XLSX with the columns of the tier export. "
            "You will see a preview before anything is saved."
        ),
    )

    def clean_import_file(self) -> Any:
        return upload_checked(self.cleaned_data["import_file"])


def _pending_dir() -> Path:
    directory = Path(getattr(settings, "TIER_IMPORT_PENDING_DIR", "") or Path(tempfile.gettempdir()) / "tier-import")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _prune_pending(directory: Path) -> None:
    """Previews nobody confirmed: their files go after a day."""
    cutoff = time.time() - PENDING_MAX_AGE_SECONDS
    for path in directory.glob("*.upload"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass  # another process pruned it first


def pending_save(request: HttpRequest, *, content: bytes, filename: str) -> str:
    """Keep previewed bytes for the confirm step; returns the token the confirm form carries."""
    directory = _pending_dir()
    _prune_pending(directory)
    token = secrets.token_urlsafe(24)
    (directory / f"{token}.upload").write_bytes(content)
    pending = dict(request.session.get(SESSION_KEY, {}))
    pending[token] = {"filename": filename, "sha256": hashlib.sha256(content).hexdigest()}
    request.session[SESSION_KEY] = pending
    return token


def pending_take(request: HttpRequest, token: str) -> tuple[bytes, str] | None:
    """The bytes and file name a token stands for, once: the file and the session entry are removed."""
    pending = dict(request.session.get(SESSION_KEY, {}))
    entry = pending.pop(token, None)  # only tokens this session created name a file
    request.session[SESSION_KEY] = pending
    if entry is None:
        return None
    path = _pending_dir() / f"{token}.upload"
    try:
        content = path.read_bytes()
        path.unlink()
    except OSError:
        return None
    if hashlib.sha256(content).hexdigest() != entry["sha256"]:
        return None
    return content, str(entry["filename"])


def background_rows() -> int:
    """From this many rows on, a confirmed import runs as a background job (setting TIER_IMPORT_BACKGROUND_ROWS)."""
    return int(getattr(settings, "TIER_IMPORT_BACKGROUND_ROWS", BACKGROUND_ROWS))


def _row_count(content: bytes, filename: str) -> int:
    try:
        return len(read_table(content, filename=filename).rows)
    except FileRejected:
        return 0  # the engine reports it, in the request


def _analyst(request: HttpRequest) -> AbstractBaseUser:
    user = request.user
    if not isinstance(user, AbstractBaseUser):  # admin_view let an anonymous request through: never
        raise PermissionDenied
    return user


class TierImportAdminMixin:
    """Replaces import-export's import views on the tier admin with the engine's preview/confirm."""

    import_template_name = "admin/plans/tier/import.html"

    # Provided by ModelAdmin and import-export's ImportMixin.
    admin_site: Any
    model: type[Tier]
    has_import_permission: Any
    message_user: Any

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = TierImportForm(request.POST or None, request.FILES or None)
        result: ImportResult | None = None
        token = ""
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["import_file"]
            content = b"".join(upload.chunks())
            filename = Path(upload.name or "upload").name[:200]
            actor = _analyst(request)
            result = tier_import(content=content, filename=filename, actor=actor, dry_run=True, origin=ORIGIN)
            if result.ok and (result.counts["new"] or result.counts["changed"]):
                token = pending_save(request, content=content, filename=filename)
        return self._render(request, form=form, result=result, token=token)

    @method_decorator(require_POST)
    def process_import(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        taken = pending_take(request, str(request.POST.get("token", "")))
        if taken is None:
            self.message_user(
                request, _("This preview has expired or was imported already; upload the file again."), messages.ERROR
            )
            return HttpResponseRedirect(reverse("admin:plans_tier_import"))
        content, filename = taken
        if _row_count(content, filename) >= background_rows():
            # A long import runs in a worker; its page shows the progress and, should rows fail, their file.
            job = job_create(
                kind=TIER_IMPORT,
                actor=_analyst(request),
                params={"origin": ORIGIN},
                input_content=content,
                input_name=filename,
            )
            self.message_user(
                request, _("The import of %(file)s runs in the background.") % {"file": filename}, messages.INFO
            )
            return HttpResponseRedirect(reverse("admin:core_job_change", args=[job.pk]))
        result = tier_import(content=content, filename=filename, actor=_analyst(request), origin=ORIGIN)
        if not result.ok:
            # Something changed since the preview; nothing was saved. Show why, as the preview would.
            return self._render(request, form=TierImportForm(), result=result, token="")
        self._log(request, result)
        self.message_user(request, result.summary, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:plans_tier_changelist"))

    def _log(self, request: HttpRequest, result: ImportResult) -> None:
        """The admin's "recent actions": one entry per tier the import added or changed."""
        for action, flag in (("new", ADDITION), ("changed", CHANGE)):
            ids = [outcome.tier_id for outcome in result.outcomes if outcome.action == action and outcome.tier_id]
            if ids:
                LogEntry.objects.log_actions(
                    user_id=_analyst(request).pk,
                    queryset=Tier.objects.filter(pk__in=ids),
                    action_flag=flag,
                    change_message=f"{ORIGIN}: {result.filename}",
                )

    def _render(
        self, request: HttpRequest, *, form: TierImportForm, result: ImportResult | None, token: str
    ) -> TemplateResponse:
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "title": _("Import price tiers"),
            "opts": self.model._meta,
            "form": form,
            "result": result,
            "token": token,
        }
        if result is not None:
            labels = {"new": _("new"), "changed": _("changed"), "error": _("error")}
            shown = [(outcome, labels[outcome.action]) for outcome in result.outcomes if outcome.action != "unchanged"]
            context["preview_rows"] = shown[:PREVIEW_ROWS]
            context["preview_hidden"] = max(len(shown) - PREVIEW_ROWS, 0)
            if result.errors:
                failed = result.failed_rows_csv().encode("utf-8")
                context["failed_rows_csv_base64"] = base64.b64encode(failed).decode("ascii")
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)
