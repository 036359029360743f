"""The analyst and viewer groups the data migration creates, and is_analyst."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser, Group, Permission

from core.roles import ANALYST, VIEWER, domain_apps, is_analyst, role_permissions_sync
from tests.factories import UserFactory


def domain_models() -> list[str]:
    return sorted(
        model._meta.model_name
        for label in domain_apps()
        for model in apps.get_app_config(label).get_models()
        if not model._meta.model_name.startswith("historical")
    )


def codenames(group_name: str) -> set[str]:
    return set(Group.objects.get(name=group_name).permissions.values_list("codename", flat=True))


@pytest.mark.django_db
def test_the_analyst_group_may_view_add_change_and_delete_every_domain_model():
    granted = codenames(ANALYST)

    for model_name in domain_models():
        for action in ("view", "add", "change", "delete"):
            assert f"{action}_{model_name}" in granted, f"{action}_{model_name}"


@pytest.mark.django_db
def test_the_viewer_group_may_only_view():
    granted = codenames(VIEWER)

    assert {f"view_{model_name}" for model_name in domain_models()} <= granted
    assert all(codename.startswith("view_") for codename in granted)


@pytest.mark.django_db
def test_the_groups_cover_the_core_entities():
    assert {"operator", "province", "source", "branch", "plan", "tier", "perk", "launch", "strategy"} <= set(
        domain_models()
    )


@pytest.mark.django_db
def test_role_sync_is_idempotent_and_restores_a_removed_permission():
    analyst = Group.objects.get(name=ANALYST)
    analyst.permissions.remove(Permission.objects.get(codename="change_tier"))
    before = Group.objects.count()

    role_permissions_sync(group_model=Group, permission_model=Permission)
    role_permissions_sync(group_model=Group, permission_model=Permission)

    assert Group.objects.count() == before
    assert "change_tier" in codenames(ANALYST)


@pytest.mark.django_db
def test_is_analyst_is_true_for_an_analyst(analyst):
    assert is_analyst(analyst)


@pytest.mark.django_db
def test_is_analyst_is_false_for_a_viewer(viewer):
    assert not is_analyst(viewer)


@pytest.mark.django_db
def test_is_analyst_is_false_for_a_user_without_a_role(outsider):
    assert not is_analyst(outsider)


@pytest.mark.django_db
def test_is_analyst_is_true_for_a_superuser():
    assert is_analyst(UserFactory(username="root", is_superuser=True))


def test_is_analyst_is_false_for_an_anonymous_user():
    assert not is_analyst(AnonymousUser())


@pytest.mark.django_db
def test_an_analyst_has_the_model_permissions_the_admin_checks(analyst, viewer):
    assert analyst.has_perms(["plans.add_tier", "plans.change_tier", "plans.delete_tier", "competition.add_launch"])
    assert viewer.has_perm("plans.view_tier")
    assert not viewer.has_perm("plans.change_tier")
