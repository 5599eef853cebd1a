"""The waiting list is told it is on the list (#14 item 5): no convocation, no QR code, no
« vous êtes attendu(e) »; the convocation follows once a place frees up."""

import pytest
from django.core import mail
from django.urls import reverse

from events import outbox, services
from events.models import MessageKind, RegistrationStatus, SentMessage
from pacte import sms
from pacte.roles import Role
from participants.factories import ParticipantFactory
from participants.models import PreferredChannel
from tests.events.factories import EventFactory
from tests.events.test_notifications import FORBIDDEN_WORDS

pytestmark = pytest.mark.django_db
Status = RegistrationStatus


@pytest.fixture(autouse=True)
def sms_outbox(settings, monkeypatch):
    settings.SMS_BACKEND = "pacte.sms.LocmemBackend"
    monkeypatch.setattr(outbox, "deliver_after_commit", lambda ids: outbox.enqueue(list(ids)))
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def full_event(users):
    event = EventFactory(territory=users["participant"].territory, capacity=1)
    services.registration_invite(
        by=users[Role.COORDINATOR], event=event, participant=users["participant"]
    )
    return event


def waitlisted(users, event, **fields):
    participant = ParticipantFactory(
        programme_year=users["participant"].programme_year, first_name="Awa", **fields
    )
    return services.registration_invite(
        by=users[Role.COORDINATOR], event=event, participant=participant
    )


def test_the_waiting_list_gets_a_message_saying_so_and_no_convocation(users, full_event):
    sms.outbox.clear()
    registration = waitlisted(users, full_event)

    assert registration.status == Status.WAITING
    kinds = set(
        SentMessage.objects.filter(registration=registration).values_list("kind", flat=True)
    )
    assert kinds == {MessageKind.WAITING}
    (text,) = [entry["text"] for entry in sms.outbox]
    assert "liste d'attente" in text
    assert "attendu" not in text and "convocation" in text  # « vous recevrez une convocation »
    assert not any(word in text.lower() for word in FORBIDDEN_WORDS)


def test_the_waiting_list_email_carries_no_convocation_and_no_calendar(users, full_event):
    mail.outbox.clear()
    waitlisted(users, full_event, preferred_channel=PreferredChannel.EMAIL, email="awa@exemple.fr")

    (message,) = mail.outbox
    assert "liste d'attente" in message.body and "attendu" not in message.body
    assert message.attachments == []


def test_a_freed_place_sends_an_offer_then_the_convocation_once_taken(users, full_event):
    registration = waitlisted(users, full_event)
    holder = full_event.registrations.get(participant=users["participant"])

    services.registration_withdraw(
        by=users[Role.COORDINATOR], registration=holder, status=Status.CANCELLED
    )

    registration.refresh_from_db()
    assert registration.status == Status.WAITING and registration.offered_until is not None
    assert SentMessage.objects.filter(registration=registration, kind=MessageKind.OFFER).exists()
    assert not SentMessage.objects.filter(
        registration=registration, kind=MessageKind.CONVOCATION
    ).exists()

    services.registration_confirm(by=users[Role.COORDINATOR], registration=registration)

    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert SentMessage.objects.filter(
        registration=registration, kind=MessageKind.CONVOCATION
    ).exists()


def test_no_convocation_pdf_or_calendar_for_the_waiting_list(client_for, users, full_event):
    registration = waitlisted(users, full_event)
    client = client_for(users[Role.COORDINATOR])

    assert client.get(reverse("events:convocation", args=[registration.pk])).status_code == 404
    assert client.get(reverse("events:calendar", args=[registration.pk])).status_code == 404
