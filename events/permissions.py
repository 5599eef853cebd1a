"""Who may do what with a Café-métiers. One small rule per function."""

from django.utils import timezone

from pacte.roles import Role

# Administration is technical: an event's pages list the young people invited.
EVENT_ROLES = {Role.COORDINATOR, Role.PILOT, Role.COUNSELLOR}


def can_list_events(user) -> bool:
    return user.is_authenticated and user.role in EVENT_ROLES


def can_manage_events(user) -> bool:
    """Create and edit events, invite anyone of the territory, admit beyond capacity."""
    return user.is_authenticated and user.role == Role.COORDINATOR


def can_manage_event(user, event) -> bool:
    return can_manage_events(user) and event.territory_id == user.territory_id


def can_invite(user, event) -> bool:
    """Who may invite from the event's page: the coordination and the counsellors of its
    territory (each invitation then checked by can_register)."""
    return user.role in {Role.COORDINATOR, Role.COUNSELLOR} and (
        event.territory_id == user.territory_id
    )


def can_read_event_report(user, event) -> bool:
    """The figures of an event: the coordination and the Cellule Emploi's pilot of its
    territory."""
    return user.role in {Role.COORDINATOR, Role.PILOT} and event.territory_id == user.territory_id


def can_register(user, event, participant) -> bool:
    """Coordinators invite anyone of their territory; counsellors their own participants."""
    from participants.permissions import can_edit_participant

    if event.territory_id != user.territory_id or participant.territory_id != event.territory_id:
        return False
    if user.role == Role.COORDINATOR:
        return True
    return user.role == Role.COUNSELLOR and can_edit_participant(user, participant)


def is_on_check_in_team(user, event) -> bool:
    """Any coordinator of the territory, or a counsellor named staff of the event (the
    rule is events.selectors.check_in_teams_of)."""
    from events.selectors import check_in_teams_of

    if not user.is_authenticated or event.territory_id != user.territory_id:
        return False
    if user.role == Role.COORDINATOR:
        return True  # the whole territory: no query
    return check_in_teams_of(user).filter(pk=event.pk).exists()


def check_in_is_open(event) -> bool:
    """Check-in happens on the event's day only (after it, the paper sheet is entered)."""
    return event.date == timezone.localdate()


def is_check_in_staff(user, event) -> bool:
    """On the check-in team, on the event's day: may check in, un-check, admit a walk-in."""
    return check_in_is_open(event) and is_on_check_in_team(user, event)
