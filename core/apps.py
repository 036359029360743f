from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(**kwargs: object) -> None:
    # Models added after the groups' data migration get their permissions here.
    from django.contrib.auth.models import Group, Permission

    from core.roles import role_permissions_sync

    role_permissions_sync(group_model=Group, permission_model=Permission)


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        post_migrate.connect(_sync_roles, dispatch_uid="core_sync_roles")
