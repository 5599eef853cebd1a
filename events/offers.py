"""Offers of the waiting list (#19 item 3): a freed place is offered to the first on the
list until a deadline (events.services.promote_waiting); accepting confirms (events.answers),
declining or the deadline passing hands it to the next one. This is the scheduled job that
hands over the offers whose deadline has passed.
"""

from django.db import transaction
from django.utils import timezone

from events.models import Event, Registration, RegistrationStatus
from events.services import promote_waiting

Status = RegistrationStatus


def lapsed_offers(now=None):
    return Registration.objects.filter(
        status=Status.WAITING,
        offered_until__isnull=False,
        offered_until__lte=now or timezone.now(),
    )


def offers_expire(now=None) -> int:
    """Each offer past its deadline lapses (they stay on the list, offered no place
    again) and the place goes to the next one. One event at a time, under the event's
    lock (as every path that frees or takes a place). Returns how many offers lapsed."""
    now = now or timezone.now()
    lapsed = 0
    event_ids = set(lapsed_offers(now).values_list("event_id", flat=True))
    for event_id in sorted(event_ids):
        lapsed += _expire_for(event_id, now)
    return lapsed


@transaction.atomic
def _expire_for(event_id, now) -> int:
    event = Event.objects.select_for_update().select_related("territory").get(pk=event_id)
    rows = list(lapsed_offers(now).filter(event=event).select_for_update())
    for registration in rows:
        registration.offered_until, registration.offer_lapsed_at = None, now
        registration.save(update_fields=["offered_until", "offer_lapsed_at", "updated_at"])
    # The places freed, as many as there are, each to the next one of the list.
    while rows and promote_waiting(event) is not None:
        pass
    return len(rows)
