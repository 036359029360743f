"""The login-guarded download of a source's evidence file."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from operators.models import Source

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
