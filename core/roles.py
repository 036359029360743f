"""The two roles: analysts add and change data, viewers only read it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

ANALYST = "analyst"
VIEWER = "viewer"


def domain_apps() -> tuple[str, ...]:
    """The apps whose models carry the roles' permissions and an audit trail (settings.DOMAIN_APPS).

    A setting rather than a list here: core sits below the domain apps and names none of them.
    """
    return tuple(settings.DOMAIN_APPS)


def role_permissions_sync(*, group_model: Any, permission_model: Any) -> None:
    """Give `analyst` view/add/change/delete and `viewer` view on every model of the domain apps.

    Takes the models as arguments so a data migration can pass its historical versions.
    """
    analyst, _ = group_model.objects.get_or_create(name=ANALYST)
    viewer, _ = group_model.objects.get_or_create(name=VIEWER)
    domain = permission_model.objects.filter(content_type__app_label__in=domain_apps())
    analyst.permissions.add(*domain)
    viewer.permissions.add(*domain.filter(codename__startswith="view_"))


def is_analyst(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser or user.groups.filter(name=ANALYST).exists())  # type: ignore[attr-defined]
