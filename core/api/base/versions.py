"""Versioned rows: a detail endpoint of a row with a `version` (`versioned = True`) answers GET with
`ETag: "<version>"`, and takes writes only based on a version: `If-Match: "<version>"` or a
`version` in the body. None is a 428, a stale one a 412 (the service checks it under a row
lock, so of concurrent writers based on one version exactly one wins).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.errors import PreconditionRequired

# If-Match as the server reads it (if_match_version): one quoted version number, optionally weak.
IF_MATCH_PATTERN = r'^(W/)?"[0-9]{1,18}"$'


def if_match_parameter(description: str, *, required: bool = False) -> OpenApiParameter:
    return OpenApiParameter(
        "If-Match",
        str,
        location=OpenApiParameter.HEADER,
        pattern=IF_MATCH_PATTERN,
        required=required,
        description=description,
    )


def if_match_version(request: Request) -> int | None:
    """The version an If-Match header names (None without the header); the one parse of it.

    A list or `*` is a 428 (a change is based on one version); a tag that is no version number
    matches no version, so the check fails as for a stale one.
    """
    header = request.headers.get("If-Match", "").strip()
    if not header:
        return None
    tags = [tag.strip() for tag in header.split(",") if tag.strip()]
    if len(tags) != 1 or tags[0] == "*":
        raise PreconditionRequired(_('If-Match must name the one version your change is based on, e.g. If-Match: "3".'))
    tag = tags[0].removeprefix("W/").strip('"')
    return int(tag) if tag.isdigit() else 0


class VersionedMixin:
    """ETags out and required versions in, for a detail view with `versioned = True`."""

    versioned: ClassVar[bool] = False
    request: Any  # the DRF Request of the view this mixes into

    def tagged(self, response: Response, instance: models.Model, *, moved: bool = False) -> Response:
        """Send the row's version as its ETag. A write answered by another row (a superseded tier's
        successor) names that row in Content-Location, which the ETag then describes."""
        if not self.versioned:
            return response
        location = self.detail_location(instance) if moved else None
        if moved and location is None:
            return response  # an ETag would describe the requested row, which this body is not
        response["ETag"] = f'"{instance.version}"'  # type: ignore[attr-defined]
        if location is not None:
            response["Content-Location"] = location
        return response

    def detail_location(self, instance: models.Model) -> str | None:
        """The URL of another row's detail endpoint (override where a write can answer with another row)."""
        return None

    def required_version(self, body_version: Any) -> int | None:
        """The version a write is based on: If-Match, else the body's `version`; none is a 428."""
        if not self.versioned:
            return None
        header_version = if_match_version(self.request)
        if header_version is not None:
            return header_version
        if body_version is None:
            raise PreconditionRequired()
        if isinstance(body_version, int) or (isinstance(body_version, str) and body_version.isdigit()):
            return int(body_version)
        raise exceptions.ValidationError({"version": [_("A valid integer is required.")]})
