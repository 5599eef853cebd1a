"""One capacity rule: places held = invited + confirmed + present, counted under the
event's row lock by every path that changes them; nobody beyond capacity without a
recorded reason; a capacity never drops below the places held."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, RegistrationStatus
from pacte.exceptions import DomainError
from pacte.roles import Role
from tests.events.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

Status = RegistrationStatus


@pytest.fixture
def coordinator(users):
    return users[Role.COORDINATOR]


@pytest.fixture
def full_day(paris, coordinator):
    """Today, 10 places, all held by ten invitations."""
    event = Event.objects.create(
        territory=paris,
        date=timezone.localdate(),
        starts_at=dt.time(14),
        ends_at=dt.time(18),
        venue="Préfecture",
        address="Paris",
        capacity=10,
        status="open",
        created_by=coordinator,
    )
    for _ in range(10):
        RegistrationFactory(event=event, status=Status.INVITED, participant__territory=paris)
    return event


def present(event):
    return event.registrations.filter(status=Status.PRESENT).count()


def test_the_repro_a_walk_in_without_reason_is_refused_when_the_invited_hold_every_place(
    full_day, coordinator, users
):
    walk_in = users["participant"]  # not registered

    with pytest.raises(DomainError) as refused:
        services.walk_in_admit(by=coordinator, event=full_day, participant=walk_in)
    assert refused.value.field == "reason"

    for registration in full_day.registrations.all():
        services.check_in(by=coordinator, registration=registration)
    assert present(full_day) == 10  # never 11 for 10 places


def test_beyond_capacity_only_with_a_recorded_reason(full_day, coordinator, users):
    walk_in = users["participant"]

    registration = services.walk_in_admit(
        by=coordinator, event=full_day, participant=walk_in, reason="Venu avec son conseiller"
    )

    assert registration.over_capacity_reason == "Venu avec son conseiller"


def test_someone_on_the_waiting_list_is_admitted_before_being_checked_in(full_day, coordinator):
    waiting = RegistrationFactory(
        event=full_day, status=Status.WAITING, participant__territory=full_day.territory
    )

    with pytest.raises(DomainError):
        services.check_in(by=coordinator, registration=waiting)
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING


def test_someone_invited_is_admitted_without_taking_a_second_place(full_day, coordinator):
    invited = full_day.registrations.first()

    services.walk_in_admit(by=coordinator, event=full_day, participant=invited.participant)

    invited.refresh_from_db()
    assert invited.status == Status.PRESENT and invited.over_capacity_reason == ""


def test_confirming_an_invitation_takes_no_other_place(full_day, coordinator):
    for registration in full_day.registrations.all():
        services.registration_confirm(by=coordinator, registration=registration)

    assert full_day.registrations.filter(status=Status.CONFIRMED).count() == 10


def test_the_capacity_never_drops_below_the_places_held(client_for, full_day, coordinator):
    client = client_for(coordinator)
    form = client.get(reverse("events:update", args=[full_day.pk])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        capacity="8",
        date=full_day.date.isoformat(),
        starts_at="14:00",
        ends_at="18:00",
        staff=[],
    )

    response = client.post(reverse("events:update", args=[full_day.pk]), data)

    assert response.status_code == 200
    assert response.context["form"].errors["capacity"] == [
        "10 personnes ont une place (invitées, confirmées ou présentes) : la capacité ne "
        "peut pas descendre en dessous de 10."
    ]
    full_day.refresh_from_db()
    assert full_day.capacity == 10
