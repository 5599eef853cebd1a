"""The roles of domain.md, as auth groups whose permissions come from code.

A user's role is the `role` field of the user; saving a user puts them in the
matching group, so Django's permissions (the admin site) follow the role.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordination")
    PILOT = "pilot", _("Pilotage (Cellule Emploi)")
    COUNSELLOR = "counsellor", _("Conseiller ou conseillère")
    RECRUITER = "recruiter", _("Recruteur ou recruteuse")
    ADMINISTRATOR = "administrator", _("Administration")


# Django model permissions of each role group, as "app_label.codename": they open
# the admin site's sections. The HTML pages check the role rules of permissions.py,
# and scoping to a territory or a structure is done by querysets, not here.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.COORDINATOR: [
        # The partner section of the admin site (scoped to the territory there).
        "partners.view_partner",
        "partners.add_partner",
        "partners.change_partner",
        "partners.view_contact",
        "partners.add_contact",
        "partners.change_contact",
        "partners.delete_contact",
        "partners.view_joboffer",
        "partners.add_joboffer",
        "partners.change_joboffer",
        "partners.delete_joboffer",
        "partners.view_commitment",
        "partners.add_commitment",
        "partners.change_commitment",
    ],
    Role.PILOT: [],
    Role.COUNSELLOR: [],
    Role.RECRUITER: [],
    Role.ADMINISTRATOR: [],  # administrators are superusers
}

# Roles whose members log into the admin site (coordinators: its partner section only).
STAFF_ROLES = {Role.ADMINISTRATOR, Role.COORDINATOR}


def group_name(role: str) -> str:
    return str(Role(role).label)


def ensure_role_groups(*, using: str = "default", apps=global_apps, **kwargs) -> None:
    """Create each role's group with exactly the permissions of ROLE_PERMISSIONS.

    Runs after every migrate and flush (post_migrate), so the groups exist in
    every database, the test ones included. Idempotent.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
    for role in Role:
        group, _created = Group.objects.using(using).get_or_create(name=group_name(role))
        wanted = ROLE_PERMISSIONS[role]
        perms = []
        for dotted in wanted:
            app_label, codename = dotted.split(".")
            perms.append(
                Permission.objects.using(using).get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(perms)


# Roles that open participants' files: they need the second factor (recruiters do not).
SECOND_FACTOR_ROLES = {Role.ADMINISTRATOR, Role.COORDINATOR, Role.PILOT, Role.COUNSELLOR}
