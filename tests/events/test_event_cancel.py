"""Cancelling or moving a Café-métiers (#19 item 4): « Annulé » tells everyone who still
expected it and keeps their registrations as « événement annulé »; a new date or place
asks those confirmed to confirm again, keeping their place."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events import answers, notifications, outbox, services
from events.forms import EventForm
from events.models import EventStatus, MessageKind, RegistrationStatus, SentMessage
from pacte import sms
from pacte.exceptions import DomainError
from tests.events.factories import EventFactory, RegistrationFactory

Status = RegistrationStatus


pytestmark = pytest.mark.usefixtures("messages_at_once")


@pytest.fixture
def event(db):
    return EventFactory(date=timezone.localdate() + dt.timedelta(days=10), capacity=2)


def register(event, status, phone):
    return RegistrationFactory(
        event=event, status=status, participant__phone=phone, waitlisted_at=timezone.now()
    )


@pytest.fixture
def people(event):
    return {
        "invited": register(event, Status.INVITED, "+33611111111"),
        "confirmed": register(event, Status.CONFIRMED, "+33622222222"),
        "waiting": register(event, Status.WAITING, "+33633333333"),
        "excused": register(event, Status.EXCUSED, "+33644444444"),
    }


def test_cancelling_tells_everyone_who_expected_it_and_keeps_the_registrations(event, people):
    told = services.event_cancel(by=event.created_by, event=event)

    assert told == 3
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED and event.cancelled_at
    texts = {entry["to"]: entry["text"] for entry in sms.outbox}
    assert set(texts) == {"+33611111111", "+33622222222", "+33633333333"}
    assert all("est annulé" in text for text in texts.values())
    for name in ("invited", "confirmed", "waiting"):
        people[name].refresh_from_db()
        assert people[name].status == Status.EVENT_CANCELLED, name
    people["excused"].refresh_from_db()
    assert people["excused"].status == Status.EXCUSED
    assert SentMessage.objects.filter(kind=MessageKind.CANCELLATION).count() == 3


def test_cancelling_closes_the_offers(event, people):
    answers.answer_not_coming(registration=people["confirmed"])
    people["waiting"].refresh_from_db()
    assert people["waiting"].offered_until is not None

    services.event_cancel(by=event.created_by, event=event)

    people["waiting"].refresh_from_db()
    assert people["waiting"].offered_until is None


def test_only_the_coordination_cancels_an_event_to_come_once(event, people, users):
    with pytest.raises(DomainError):
        services.event_cancel(by=users["other_coordinator"], event=event)
    services.event_cancel(by=event.created_by, event=event)
    with pytest.raises(DomainError, match="déjà annulé"):
        services.event_cancel(by=event.created_by, event=event)
    past = EventFactory(date=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(DomainError, match="a eu lieu"):
        services.event_cancel(by=past.created_by, event=past)


def test_the_event_page_asks_first_then_cancels(client_for, event, people):
    client = client_for(event.created_by)
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "Annuler le Café-métiers" in page

    asked = client.get(reverse("events:cancel", args=[event.pk]))
    assert "3 personnes invitées, confirmées ou en liste d’attente" in asked.content.decode()
    event.refresh_from_db()
    assert event.status != EventStatus.CANCELLED  # asking changes nothing

    done = client.post(reverse("events:cancel", args=[event.pk]), follow=True)
    assert "Le Café-métiers est annulé : 3 personnes prévenues." in done.content.decode()
    assert "Annuler le Café-métiers" not in done.content.decode()


def test_the_young_person_s_page_says_it_is_cancelled(event, people):
    services.event_cancel(by=event.created_by, event=event)
    token = people["invited"].personal_token

    page = Client().get(reverse("events:personal_page", args=[token])).content.decode()

    assert "est annulé" in page and "Je viens" not in page
    assert "data:image/svg+xml" not in page  # no QR code any more


def test_the_form_offers_no_cancellation_and_a_cancelled_event_is_not_edited(event, people):
    form = EventForm(instance=event, user=event.created_by)
    assert EventStatus.CANCELLED not in dict(form.fields["status"].choices)

    services.event_cancel(by=event.created_by, event=event)
    data = {
        "title": event.title,
        "date": event.date.isoformat(),
        "starts_at": "14:00",
        "ends_at": "18:00",
        "venue": event.venue,
        "address": event.address,
        "capacity": 2,
        "status": EventStatus.OPEN,
    }
    form = EventForm(data, instance=event, user=event.created_by)
    assert form.is_valid(), form.errors
    with pytest.raises(DomainError, match="annulé"):
        services.event_update(by=event.created_by, form=form)


def test_moving_the_event_asks_those_confirmed_to_confirm_again(client_for, event, people):
    client = client_for(event.created_by)
    data = {
        "title": event.title,
        "date": (event.date + dt.timedelta(days=7)).isoformat(),
        "starts_at": "14:00",
        "ends_at": "18:00",
        "venue": event.venue,
        "address": event.address,
        "capacity": 2,
        "status": EventStatus.OPEN,
    }

    client.post(reverse("events:update", args=[event.pk]), data)

    people["confirmed"].refresh_from_db()
    assert people["confirmed"].status == Status.INVITED  # keeps the place, confirms again
    assert services.places_taken(event) == 2
    text = next(e["text"] for e in sms.outbox if e["to"] == "+33622222222")
    assert "Merci de confirmer à nouveau votre venue" in text


def test_a_cancelled_event_is_not_counted_as_held(event, people):
    from steering.dashboard import held_events

    services.event_cancel(by=event.created_by, event=event)
    later = event.date + dt.timedelta(days=1)

    held = held_events(event.territory_id, event.date, event.date, today=later)

    assert event not in held


def test_what_had_not_left_yet_stays_only_the_cancellation_goes(event, people, monkeypatch):
    from events.models import MessageStatus

    reminder = SentMessage.objects.create(
        registration=people["invited"],
        kind=MessageKind.REMINDER,
        channel="sms",
        recipient="+33611111111",
        status=MessageStatus.RETRY,
        event_version=9,
    )

    services.event_cancel(by=event.created_by, event=event)

    reminder.refresh_from_db()
    assert reminder.status == MessageStatus.FAILED
    assert reminder.last_error == "Retenu : le Café-métiers est annulé"
    assert outbox.deliver(reminder.pk) == "skipped"
    assert not [e for e in sms.outbox if "Rappel" in e["text"]]


def test_the_cancellation_e_mail_takes_the_entry_out_of_the_calendar(event):
    from django.core import mail
    from icalendar import Calendar

    from participants.models import PreferredChannel

    registration = RegistrationFactory(
        event=event,
        status=Status.CONFIRMED,
        participant__email="yanis@exemple.fr",
        participant__preferred_channel=PreferredChannel.EMAIL,
    )

    services.event_cancel(by=event.created_by, event=event)

    (message,) = [m for m in mail.outbox if "Annulé" in m.subject]
    (ics,) = [content for name, content, _ in message.attachments if name.endswith(".ics")]
    calendar = Calendar.from_ical(ics)
    (entry,) = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "CANCEL" and str(entry["STATUS"]) == "CANCELLED"
    assert str(entry["UID"]) == notifications.calendar_uid(registration)
