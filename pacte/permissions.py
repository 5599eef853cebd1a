"""Access rules of the project-wide pages: one small named function per rule."""

from functools import wraps

from django.core.exceptions import PermissionDenied

from pacte.roles import Role


def can_manage_accounts(user) -> bool:
    return user.is_authenticated and user.role in {Role.COORDINATOR, Role.ADMINISTRATOR}


def assignable_roles(user) -> list[Role]:
    """Roles a user may give to an account they manage."""
    if user.role == Role.ADMINISTRATOR:
        return list(Role)
    if user.role == Role.COORDINATOR:
        # Not the pilot: it reads the access log, so the administrator alone gives it.
        return [Role.COORDINATOR, Role.COUNSELLOR, Role.RECRUITER]
    return []


def rule_required(rule):
    """Decorate a view with the rule it needs; a user failing it gets a 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not rule(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.rule = rule
        return wrapped

    return decorator


def can_read_access_log(user) -> bool:
    """The Cellule Emploi's pilot (their territory) and administrators (everything)."""
    return user.is_authenticated and user.role in {Role.PILOT, Role.ADMINISTRATOR}


def can_see_dashboard(user) -> bool:
    return user.is_authenticated and user.role in {Role.COORDINATOR, Role.PILOT}


def can_see_reports(user) -> bool:
    """Period reports and statistics of their own territory: the coordination and the pilot."""
    return (
        user.is_authenticated
        and user.role in {Role.COORDINATOR, Role.PILOT}
        and user.territory_id is not None
    )


def can_read_full_privacy_notice(user) -> bool:
    """The privacy notice that names the programme and its justice data: staff only."""
    return user.is_authenticated and user.role in {
        Role.COORDINATOR,
        Role.PILOT,
        Role.COUNSELLOR,
        Role.ADMINISTRATOR,
    }
