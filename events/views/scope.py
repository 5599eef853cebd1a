"""What every page of a Café-métiers finds first.

Each page first finds its object in the user's scope (what they may not see is a 404,
for a recruiter probing event ids too), then checks the rule it needs (a 403).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from events import permissions, selectors
from events.models import Event, RegistrationStatus
from participants.models import Participant


def require(allowed):
    if not allowed:
        raise PermissionDenied


def visible_event(request, pk):
    return get_object_or_404(Event.objects.visible_to(request.user), pk=pk)


def managed_event(request, pk):
    event = visible_event(request, pk)
    require(permissions.can_manage_event(request.user, event))
    return event


def team_event(request, pk):
    """The event, for its check-in team (anyone else: a 404, as for an event not theirs)."""
    event = visible_event(request, pk)
    if not permissions.is_on_check_in_team(request.user, event):
        raise Http404
    return event


def event_registration(request, pk):
    """A registration in the user's scope (404), for a role that works on events (403)."""
    registration = selectors.registration_in_scope(request.user, pk)
    require(permissions.can_list_events(request.user))
    return registration


def posted_ids(values, limit=None) -> list[int]:
    """The ids a form posted, without what is not one (a 404 or a 500 otherwise)."""
    ids = [int(v) for v in values if v.isdecimal() and len(v) <= 18]
    return ids[:limit]


def invitable(user, event):
    """Participants the user may register and who are not registered yet."""
    return (
        Participant.objects.editable_by(user)
        .filter(territory_id=event.territory_id)
        .exclude(
            registrations__event=event,
            registrations__status__in=[
                s for s in RegistrationStatus if s != RegistrationStatus.CANCELLED
            ],
        )
        .exclude(status="exited")
        .select_related("structure_in_charge")
    )
