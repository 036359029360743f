from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from core.roles import is_analyst


class IsAnalystOrReadOnly(BasePermission):
    """Any logged-in user reads; only the analyst group (or a superuser) writes."""

    message = "Writing requires the analyst role."

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        if request.method in SAFE_METHODS:
            return True
        return is_analyst(request.user)
