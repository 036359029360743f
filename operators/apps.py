from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(**kwargs: object) -> None:
    # Models added after the groups' data migration get their permissions here.
    from django.contrib.auth.models import Group, Permission

    from operators.roles import role_permissions_sync

    role_permissions_sync(group_model=Group, permission_model=Permission)


class OperatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "operators"
    verbose_name = _("Operators and sources")

    def ready(self) -> None:
        post_migrate.connect(_sync_roles, dispatch_uid="operators_sync_roles")
