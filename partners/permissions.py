"""Who may read partner records. Editing happens in the admin site (coordinators)."""

from pacte.roles import Role


def can_list_partners(user) -> bool:
    return user.is_authenticated and user.role in {
        Role.ADMINISTRATOR,
        Role.COORDINATOR,
        Role.PILOT,
        Role.COUNSELLOR,
    }


def can_see_delivery(user) -> bool:
    """Commitments against delivery: the coordination and the Cellule Emploi."""
    return user.role in {Role.ADMINISTRATOR, Role.COORDINATOR, Role.PILOT}


def can_edit_partners(user) -> bool:
    return user.is_authenticated and user.role in {Role.ADMINISTRATOR, Role.COORDINATOR}
