import datetime

from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from operators.audit import audit_csv, audit_entries, audited_models
from operators.health import broker_status
from operators.models import Source


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: the database answers, and the broker when one is configured."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - any failure means unhealthy
        checks["database"] = f"error: {error.__class__.__name__}"
    checks["broker"] = broker_status()
    healthy = all(value in {"ok", "not configured"} for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)


@never_cache
@require_GET
@staff_member_required
def audit_export(request: HttpRequest) -> HttpResponse:
    """The audit trail as CSV: ?model=plans.tier&object=12&since=2025-06-01&until=2025-07-01&user=lin.

    Every filter is optional; dates are days in the site's time zone, `until` inclusive.
    """
    labels = {model._meta.label_lower for model in audited_models()}
    models_wanted = request.GET.getlist("model")
    unknown = sorted(set(models_wanted) - labels)
    if unknown:
        return HttpResponseBadRequest(f"unknown model {', '.join(unknown)}; one of: {', '.join(sorted(labels))}")
    readable = [label for label in models_wanted or labels if request.user.has_perm(_view_permission(label))]
    if not readable:
        return HttpResponse("you may not view the history of these models", status=403)
    try:
        since = _day_start(request.GET.get("since"))
        until = _day_start(request.GET.get("until"), next_day=True)
        ids = [int(value) for value in request.GET.getlist("object")] or None
    except ValueError:
        return HttpResponseBadRequest("since/until take YYYY-MM-DD; object takes whole numbers")
    entries = audit_entries(
        model_labels=readable, object_ids=ids, since=since, until=until, username=request.GET.get("user") or None
    )
    response = HttpResponse(audit_csv(entries), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate().isoformat()}.csv"'
    return response


def _view_permission(label: str) -> str:
    app_label, model_name = label.split(".")
    return f"{app_label}.view_{model_name}"


def _day_start(text: str | None, *, next_day: bool = False) -> datetime.datetime | None:
    if not text:
        return None
    day = datetime.date.fromisoformat(text) + datetime.timedelta(days=1 if next_day else 0)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


EVIDENCE_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".gif": "image/gif",
}


@never_cache
@require_GET
@staff_member_required
def source_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """A source's evidence file, for signed-in staff who may view sources (uploads are never public).

    The type comes from our own allow-list, never from the upload, and the response may not run
    scripts or be sniffed into something else.
    """
    if not request.user.has_perm("operators.view_source"):
        raise Http404
    source = get_object_or_404(Source, pk=pk)
    if not source.evidence:
        raise Http404
    extension = "." + source.evidence.name.rsplit(".", 1)[-1].lower()
    content_type = EVIDENCE_CONTENT_TYPES.get(extension)
    if content_type is None:
        raise Http404
    response = FileResponse(source.evidence.open("rb"), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="source-{source.pk}{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; object-src 'self'"
    return response
