"""Create the analyst (add/change/delete) and viewer (read-only) groups."""

from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from core.roles import domain_apps, role_permissions_sync


def create_roles(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # Permissions are normally made after all migrations; make them now so the groups get them.
    for label in ("auth", *domain_apps()):
        app_config = apps.get_app_config(label)
        app_config.models_module = True  # the migration state's stub has none; create_permissions needs it set
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    role_permissions_sync(group_model=apps.get_model("auth", "Group"), permission_model=apps.get_model("auth", "Permission"))


def drop_roles(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("auth", "Group").objects.filter(name__in=["analyst", "viewer"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("operators", "0001_initial"),
        ("plans", "0001_initial"),
        ("competition", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, drop_roles)]
