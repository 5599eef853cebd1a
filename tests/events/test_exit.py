"""A young person who exits the programme leaves the Café-métiers to come: their
registrations are cancelled and their place goes to the waiting list."""

import datetime as dt

import pytest
from django.utils import timezone

from events.models import RegistrationStatus
from pacte.roles import Role
from participants import services
from participants.models import Status
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_an_exit_withdraws_the_upcoming_registrations_only(users):
    participant = users["participant"]
    participant.status = Status.ACTIVE
    participant.save()
    territory = participant.territory
    soon = EventFactory(territory=territory, capacity=1)
    mine = RegistrationFactory(event=soon, participant=participant, status="confirmed")
    waiting = RegistrationFactory(event=soon, status="waiting", participant__territory=territory)
    past = RegistrationFactory(
        event=EventFactory(territory=territory, date=timezone.localdate() - dt.timedelta(days=3)),
        participant=participant,
        status="present",
    )

    services.participant_change_status(
        by=users[Role.COORDINATOR], participant=participant, to_status=Status.EXITED, reason="Parti"
    )

    for registration in (mine, waiting, past):
        registration.refresh_from_db()
    assert mine.status == RegistrationStatus.CANCELLED
    assert waiting.offered_until is not None  # the freed place, offered (#19 item 3)
    assert past.status == RegistrationStatus.PRESENT
