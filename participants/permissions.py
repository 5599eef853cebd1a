"""Who may do what with a participant's file. One small rule per function.

Object rules answer for a participant already fetched through
`Participant.objects.visible_to(user)`: what is out of scope is a 404 before
any of these is asked. A rule that also scopes a list is written once, as a condition
in participants.querysets (RULES), and asked here of one file (`holds`).
"""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from pacte.models import StructureKind, User
from pacte.roles import Role
from pacte.scoping import TerritoryRule
from participants.querysets import holds

# Administration is technical: administrators open no participant's file.
FILE_ROLES = {Role.COORDINATOR, Role.PILOT, Role.COUNSELLOR}

# Rules of the territory, each once (pacte.scoping): `.q(user)` scopes a list,
# `.holds(user, record)` answers for one record.
COORDINATION = TerritoryRule(Role.COORDINATOR)  # right of access, stand-ins
HISTORY_READERS = TerritoryRule(Role.COORDINATOR, Role.PILOT)
CELL_READERS = TerritoryRule(Role.COORDINATOR, Role.PILOT)  # CellMeeting.visible_to
CELL_LEADERS = TerritoryRule(Role.PILOT)  # CellMeeting.led_by


def can_list_participants(user) -> bool:
    return user.is_authenticated and user.role in FILE_ROLES


def can_create_participant(user) -> bool:
    return user.is_authenticated and user.role in {Role.COORDINATOR, Role.COUNSELLOR}


def can_edit_participant(user, participant) -> bool:
    """The coordination of the territory; a counsellor of the structure in charge, or
    standing in (the rule: participants.querysets.editable_q)."""
    return holds("editable", user, participant)


def can_log_follow_up(user, participant) -> bool:
    """Counsellors who see the young person (in charge or referring) and coordinators."""
    return user.role in {Role.COORDINATOR, Role.COUNSELLOR}


def can_override_eligibility(user) -> bool:
    return user.role == Role.COORDINATOR


def can_view_justice(user, participant) -> bool:
    """The rule: participants.querysets.justice_visible_q."""
    return holds("justice_visible", user, participant)


def can_edit_justice(user, participant) -> bool:
    """The rule: participants.querysets.justice_editable_q."""
    return holds("justice_editable", user, participant)


def can_export_participants(user) -> bool:
    """Exports leave the application: the coordination and the pilot only."""
    return user.is_authenticated and user.role in {Role.COORDINATOR, Role.PILOT}


def can_complete_task(user, task) -> bool:
    return task.assignee_id == user.pk or can_edit_participant(user, task.participant)


def can_export_right_of_access(user, participant) -> bool:
    """The coordination hands a young person everything held about them."""
    return COORDINATION.holds(user, participant)


def can_see_retention_due(user) -> bool:
    return user.is_authenticated and user.role == Role.COORDINATOR


def can_read_history(user, participant) -> bool:
    """Who changed the file, and what: the coordination and the pilot of the territory."""
    return HISTORY_READERS.holds(user, participant)


def can_see_cell_meetings(user) -> bool:
    """The Cellule Emploi's meetings: the coordination and the pilot of the territory."""
    return user.is_authenticated and user.role in {Role.COORDINATOR, Role.PILOT}


def can_lead_cell_meeting(user, meeting=None) -> bool:
    """The pilot prepares the agenda and records the decisions, until the meeting is closed."""
    if meeting is None:
        return CELL_LEADERS.applies_to(user)
    return CELL_LEADERS.holds(user, meeting) and not meeting.is_closed


# A stand-in covers an absence, not a transfer: at most this long (domain.md).
STAND_IN_MAX_DAYS = 60


def can_name_stand_in(user, participant) -> bool:
    """The referent, or a coordinator of the territory: nobody names themself a reader."""
    if user.role == Role.COORDINATOR:
        return COORDINATION.holds(user, participant)
    return user.role == Role.COUNSELLOR and participant.referent_id == user.pk


# A hand-over is decided by the same people as a stand-in.
can_hand_over = can_name_stand_in


def _active_counsellors():
    today = timezone.localdate()
    return User.objects.filter(role=Role.COUNSELLOR, is_active=True).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )


def _referring_spip(participant) -> list[int]:
    referred_by = participant.referred_by
    return [referred_by.pk] if referred_by.kind == StructureKind.SPIP else []


def stand_in_candidates(participant, by):
    """Who may stand in for the referent: a counsellor of the referent's structure or of the
    referring SPIP, never the referent, never the person asking."""
    structures = [participant.structure_in_charge_id, *_referring_spip(participant)]
    return (
        _active_counsellors()
        .filter(structure_id__in=structures)
        .exclude(pk__in=[participant.referent_id, by.pk])
    )


def hand_over_candidates(participant, by):
    """Who may become the referent: for the referent, a counsellor of their own structure
    (another structure takes charge through the coordination); for the coordination, any
    counsellor of the territory; never the current referent, never the person asking."""
    candidates = _active_counsellors().filter(structure__territory_id=participant.territory_id)
    if by.role != Role.COORDINATOR:
        candidates = candidates.filter(structure_id=by.structure_id)
    return candidates.exclude(pk__in=[participant.referent_id, by.pk])


def stand_in_latest_end(today=None) -> dt.date:
    return (today or timezone.localdate()) + dt.timedelta(days=STAND_IN_MAX_DAYS)
