"""The two roles: analysts add and change data, viewers only read it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

ANALYST = "analyst"
VIEWER = "viewer"
DOMAIN_APPS = ("operators", "plans", "competition")


def role_permissions_sync(*, group_model: Any, permission_model: Any) -> None:
    """Give `analyst` view/add/change/delete and `viewer` view on every model of the domain apps.

    Takes the models as arguments so a data migration can pass its historical versions.
    """
    analyst, _ = group_model.objects.get_or_create(name=ANALYST)
    viewer, _ = group_model.objects.get_or_create(name=VIEWER)
    domain = permission_model.objects.filter(content_type__app_label__in=DOMAIN_APPS)
    analyst.permissions.add(*domain)
    viewer.permissions.add(*domain.filter(codename__startswith="view_"))


def is_analyst(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser or user.groups.filter(name=ANALYST).exists())  # type: ignore[attr-defined]
