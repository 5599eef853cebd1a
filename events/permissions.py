"""Who may do what with a Café-métiers. One small rule per function."""

from django.utils import timezone

from pacte.roles import Role
from pacte.scoping import TerritoryRule

# Administration is technical: an event's pages list the young people invited.
EVENT_ROLES = {Role.COORDINATOR, Role.PILOT, Role.COUNSELLOR}

# Each rule once (pacte.scoping): the querysets filter with `.q(user)`, the predicates
# below ask `.holds(user, event)` of one event.
STAFF_OF_THE_TERRITORY = TerritoryRule(*EVENT_ROLES)  # reads its events (EventQuerySet)
MANAGERS = TerritoryRule(Role.COORDINATOR)
INVITERS = TerritoryRule(Role.COORDINATOR, Role.COUNSELLOR)
REPORT_READERS = TerritoryRule(Role.COORDINATOR, Role.PILOT)


def can_list_events(user) -> bool:
    return user.is_authenticated and user.role in EVENT_ROLES


def can_manage_events(user) -> bool:
    """Create and edit events, invite anyone of the territory, admit beyond capacity."""
    return user.is_authenticated and user.role == Role.COORDINATOR


def can_manage_event(user, event) -> bool:
    return MANAGERS.holds(user, event)


def can_cancel_event(user, event) -> bool:
    """The coordination, for an event still to come (once cancelled, for good)."""
    from events.models import EventStatus

    return (
        MANAGERS.holds(user, event)
        and event.date >= timezone.localdate()
        and event.status not in {EventStatus.DONE, EventStatus.CANCELLED}
    )


def can_invite(user, event) -> bool:
    """Who may invite from the event's page: the coordination and the counsellors of its
    territory (each invitation then checked by can_register)."""
    return INVITERS.holds(user, event)


def can_read_event_report(user, event) -> bool:
    """The figures of an event: the coordination and the Cellule Emploi's pilot of its
    territory."""
    return REPORT_READERS.holds(user, event)


def can_register(user, event, participant) -> bool:
    """Coordinators invite anyone of their territory; counsellors their own participants."""
    from participants.permissions import can_edit_participant

    if not INVITERS.holds(user, event) or participant.territory_id != event.territory_id:
        return False
    if user.role == Role.COORDINATOR:
        return True
    return user.role == Role.COUNSELLOR and can_edit_participant(user, participant)


def is_on_check_in_team(user, event) -> bool:
    """Any coordinator of the territory, or a counsellor named staff of the event (the
    rule is events.selectors.check_in_teams_of)."""
    from events.selectors import check_in_teams_of

    if MANAGERS.holds(user, event):
        return True  # the whole territory: no query
    if not STAFF_OF_THE_TERRITORY.holds(user, event):
        return False
    return check_in_teams_of(user).filter(pk=event.pk).exists()


def check_in_is_open(event) -> bool:
    """Check-in happens on the event's day only (after it, the paper sheet is entered)."""
    return event.date == timezone.localdate()


def is_check_in_staff(user, event) -> bool:
    """On the check-in team, on the event's day: may check in, un-check, admit a walk-in."""
    return check_in_is_open(event) and is_on_check_in_team(user, event)
