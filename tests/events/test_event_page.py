"""The event page holds 65 registrations (#14 items 12, 13): search and filter within them,
each row's actions in one menu, invite by typing, a cancellation asked first."""

import pytest
from django.urls import reverse

from events.models import RegistrationStatus
from pacte.roles import Role
from participants.factories import ParticipantFactory
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
Status = RegistrationStatus
HTMX = {"HX-Request": "true"}


@pytest.fixture
def event(users):
    event = EventFactory(territory=users["participant"].territory)
    year = users["participant"].programme_year
    for index, status in enumerate([Status.INVITED] * 20 + [Status.CONFIRMED] * 10):
        RegistrationFactory(
            event=event,
            status=status,
            participant=ParticipantFactory(
                programme_year=year, last_name=f"Nom{index:02d}", first_name="Jeune"
            ),
        )
    RegistrationFactory(
        event=event,
        status=Status.CONFIRMED,
        participant=ParticipantFactory(programme_year=year, first_name="Inès", last_name="Camara"),
    )
    return event


def test_the_registrations_are_searched_by_name(client_for, users, event):
    client = client_for(users[Role.COORDINATOR])

    html = client.get(reverse("events:detail", args=[event.pk]), {"q": "camara"}).content.decode()

    assert "CAMARA Inès" in html and "NOM00" not in html
    assert "1 inscription trouvée" in html


def test_the_registrations_are_filtered_by_status_and_only_the_list_comes_back(
    client_for, users, event
):
    client = client_for(users[Role.COORDINATOR])

    html = client.get(
        reverse("events:detail", args=[event.pk]),
        {"etat": Status.CONFIRMED},
        headers={**HTMX, "HX-Target": "inscriptions"},
    ).content.decode()

    assert "11 inscriptions trouvées" in html
    assert "<h1" not in html  # the list alone, the page does not move


def test_each_row_has_its_actions_in_one_menu(client_for, users, event):
    html = (
        client_for(users[Role.COORDINATOR])
        .get(reverse("events:detail", args=[event.pk]))
        .content.decode()
    )

    assert html.count('<details class="pacte-menu">') == 31
    assert html.count("<summary") == 31


def test_typing_a_name_suggests_whom_to_invite_and_one_tap_invites(client_for, users, event):
    client = client_for(users[Role.COORDINATOR])
    newcomer = ParticipantFactory(
        programme_year=users["participant"].programme_year, first_name="Yanis", last_name="Diallo"
    )

    suggestions = client.get(
        reverse("events:detail", args=[event.pk]),
        {"inviter": "dial"},
        headers={**HTMX, "HX-Target": "suggestions-invitation"},
    ).content.decode()
    assert "Inviter DIALLO Yanis" in suggestions and "<h1" not in suggestions
    client.post(
        reverse("events:registration_create", args=[event.pk]), {"participant": newcomer.pk}
    )

    assert event.registrations.get(participant=newcomer).status == Status.INVITED


def test_those_already_invited_are_not_suggested(client_for, users, event):
    suggestions = (
        client_for(users[Role.COORDINATOR])
        .get(
            reverse("events:detail", args=[event.pk]),
            {"inviter": "camara"},
            headers={**HTMX, "HX-Target": "suggestions-invitation"},
        )
        .content.decode()
    )

    assert "Inviter CAMARA" not in suggestions and "Personne à inviter" in suggestions


def test_cancelling_a_registration_is_asked_first(client_for, users, event):
    client = client_for(users[Role.COORDINATOR])
    registration = event.registrations.get(participant__last_name="Camara")
    url = reverse("events:registration_withdraw", args=[registration.pk])

    confirmation = client.get(url).content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert "Annuler l’inscription de" in confirmation and 'value="cancelled"' in confirmation

    client.post(url, {"status": Status.CANCELLED})
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED


def test_a_counsellor_cannot_cancel_someone_elses_registration_by_its_url(client_for, users, event):
    registration = event.registrations.get(participant__last_name="Camara")

    response = client_for(users[Role.COUNSELLOR]).post(
        reverse("events:registration_withdraw", args=[registration.pk]),
        {"status": Status.CANCELLED},
    )

    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED and response.status_code in {403, 404}


def test_a_past_event_cannot_keep_its_registrations_open(client_for, users, event):
    import datetime as dt

    from django.utils import timezone

    from events.models import Event

    Event.objects.filter(pk=event.pk).update(date=timezone.localdate() - dt.timedelta(days=2))
    event.refresh_from_db()
    client = client_for(users[Role.COORDINATOR])
    data = {
        "title": event.title,
        "date": event.date.isoformat(),
        "starts_at": "14:00",
        "ends_at": "18:00",
        "venue": event.venue,
        "address": event.address,
        "capacity": 65,
        "status": "open",
    }

    page = client.post(reverse("events:update", args=[event.pk]), data)
    assert "ne peuvent plus être ouvertes" in page.context["form"].errors["status"][0]
    newcomer = ParticipantFactory(programme_year=users["participant"].programme_year)
    client.post(
        reverse("events:registration_create", args=[event.pk]), {"participant": newcomer.pk}
    )
    assert not event.registrations.filter(participant=newcomer).exists()
