"""Views every app shares: the health probe and the audit-trail export."""

import datetime

from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.audit import audit_csv, audit_entries, audited_models
from core.health import broker_status, workers_answering


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Health for load balancers and people: the database, the broker and the workers.

    503 when this web host cannot serve (its database or its broker fails): a load balancer then
    takes it out of rotation. Workers run on hosts of their own, so none answering is reported
    ("status": "degraded", "workers": "none answered") without failing the web host's probe.
    """
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - any failure means unhealthy
        checks["database"] = f"error: {error.__class__.__name__}"
    checks["broker"] = broker_status()
    healthy = all(value in {"ok", "not configured"} for value in checks.values())
    workers = workers_answering() if checks["broker"] == "ok" else None
    if workers is None:
        checks["workers"] = "not configured" if checks["broker"] == "not configured" else "unknown"
    else:
        checks["workers"] = "ok" if workers else "none answered"
    status = "ok" if healthy and checks["workers"] in {"ok", "not configured"} else "degraded" if healthy else "error"
    body: dict[str, object] = {"status": status, "checks": checks}
    if workers:
        body["workers"] = workers
    return JsonResponse(body, status=200 if healthy else 503)


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
