"""Factories of Café-métiers, workshops and registrations (tests)."""

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from events.models import (
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopKind,
)
from pacte.factories import TerritoryFactory, UserFactory
from participants.factories import ParticipantFactory, ProgrammeYearFactory


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event

    territory = factory.SubFactory(TerritoryFactory, paris=True)
    date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))
    starts_at = dt.time(14, 0)
    ends_at = dt.time(18, 0)
    venue = "Préfecture de Paris"
    address = "5 rue Leblanc, 75015 Paris"
    capacity = 65
    status = EventStatus.OPEN
    # A coordinator of the prefecture of the event's territory.
    created_by = factory.SubFactory(
        UserFactory, coordinator=True, structure__territory=factory.SelfAttribute("...territory")
    )


class WorkshopFactory(DjangoModelFactory):
    class Meta:
        model = Workshop

    event = factory.SubFactory(EventFactory)
    kind = WorkshopKind.COACHING
    title = "Se présenter en deux minutes"
    starts_at = dt.time(14, 30)
    ends_at = dt.time(15, 30)
    room = "Salle 1"
    capacity = 20


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    # A young person of the event's territory.
    participant = factory.SubFactory(
        ParticipantFactory,
        programme_year=factory.SubFactory(
            ProgrammeYearFactory, territory=factory.SelfAttribute("...event.territory")
        ),
    )
    status = RegistrationStatus.INVITED
    invited_by = factory.SelfAttribute("event.created_by")
