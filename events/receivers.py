"""What events do when something happens in a lower layer (connected in EventsConfig.ready)."""

from django.utils import timezone

from events import services
from events.models import Registration, RegistrationStatus

UPCOMING = [RegistrationStatus.INVITED, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]


def withdraw_from_upcoming_events(sender, *, participant, by, **kwargs):
    """A young person who exits is no longer expected: each registration to a Café-métiers
    to come is cancelled (its place goes to the waiting list), in the exit's transaction."""
    upcoming = Registration.objects.filter(
        participant=participant, status__in=UPCOMING, event__date__gte=timezone.localdate()
    ).select_related("event", "participant")
    for registration in upcoming.order_by("event_id", "pk"):
        services.registration_withdraw(by=by, registration=registration)
