"""Access rules of the project-wide pages: one small named function per rule."""

from functools import wraps

from django.core.exceptions import PermissionDenied

from pacte.roles import Role


def is_recruiter(user) -> bool:
    """A recruiter's screens: their own organisation, tables and candidates; never a
    justice flag, never another's file."""
    return user.is_authenticated and user.role == Role.RECRUITER


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


def can_manage_programme_years(user) -> bool:
    """The coordination opens, edits and closes its own territory's programme years."""
    return user.is_authenticated and user.role == Role.COORDINATOR and user.territory_id is not None


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


# The rule of the app that asks for each kind of background work, by dotted path (the
# foundation names the rules of higher layers without importing them, as pacte.schedules
# names their jobs): whoever no longer meets it opens no such work, and its job does not
# run for them.
WORK_KIND_RULES = {
    "participants_export": "participants.permissions.can_export_participants",
    "partners_import": "partners.permissions.can_edit_partners",
    "contacts_import": "partners.permissions.can_edit_partners",
}


def work_visible_q(user):
    """Background work a user may open: their own, asked in the territory they are still
    in, of a kind whose rule they still meet. Anyone else's is unknown to them (404); the
    administrator opens no participants export (only the coordination and the pilot
    export participants). A condition (Q) on BackgroundWork."""
    from django.db.models import Q
    from django.utils.module_loading import import_string

    if not user.is_authenticated:
        return Q(pk__in=[])
    condition = Q(requested_by_id=user.pk)
    if user.territory_id is None:
        condition &= Q(territory__isnull=True)
    else:
        condition &= Q(territory_id=user.territory_id)
    refused = [kind for kind, rule in WORK_KIND_RULES.items() if not import_string(rule)(user)]
    if refused:
        condition &= ~Q(kind__in=refused)
    return condition


def can_open_work(user, work) -> bool:
    """The same rule for one piece of work, tested in the database (never a second copy)."""
    from pacte.work.models import BackgroundWork

    return BackgroundWork.objects.filter(work_visible_q(user), pk=work.pk).exists()
