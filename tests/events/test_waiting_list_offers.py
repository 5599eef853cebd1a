"""Waiting-list offers with a deadline (#19 item 3): a freed place goes to the first on the
list as an offer held for the territory's hours (48 by default), never past the day
before the event; accepting confirms, declining or the deadline passes it to the next one
(a scheduled job); the coordinator sees who holds an offer until when."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events import answers, offers, services
from events.models import MessageKind, Registration, RegistrationStatus, SentMessage
from pacte import sms
from pacte.schedules import SCHEDULES
from tests.events.factories import EventFactory, RegistrationFactory

Status = RegistrationStatus
PARIS = ZoneInfo("Europe/Paris")
PHONE = "+33612345678"


@pytest.fixture(autouse=True)
def public_site(messages_at_once, settings):
    settings.SITE_URL = "https://cafe-metiers.example.fr"


@pytest.fixture
def event(db):
    return EventFactory(date=timezone.localdate() + dt.timedelta(days=10), capacity=1)


def waiting(event, minutes_ago, **participant):
    return RegistrationFactory(
        event=event,
        status=Status.WAITING,
        waitlisted_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        participant__phone=PHONE,
        **{f"participant__{key}": value for key, value in participant.items()},
    )


@pytest.fixture
def full(event):
    """One place, held; two on the waiting list, the first since longer."""
    holder = RegistrationFactory(event=event, status=Status.CONFIRMED)
    first, second = waiting(event, 60, first_name="Inès"), waiting(event, 30)
    return holder, first, second


def fresh(registration):
    return Registration.objects.get(pk=registration.pk)


def test_a_freed_place_is_offered_to_the_first_on_the_list_for_48_hours(full):
    holder, first, second = full
    before = timezone.now()

    answers.answer_not_coming(registration=holder)

    offered = fresh(first)
    assert offered.status == Status.WAITING  # an offer, not yet a place
    assert before + dt.timedelta(hours=48) <= offered.offered_until
    assert offered.offered_until <= timezone.now() + dt.timedelta(hours=48)
    assert fresh(second).offered_until is None


def test_the_offer_message_carries_the_deadline_and_the_link(full):
    holder, first, _second = full
    answers.answer_not_coming(registration=holder)

    (entry,) = [e for e in sms.outbox if e["to"] == PHONE]
    offered = fresh(first)
    assert "une place s'est libérée" in entry["text"]
    assert entry["text"].endswith(f"/c/{offered.personal_token}/")
    assert SentMessage.objects.filter(registration=first, kind=MessageKind.OFFER).count() == 1
    local = timezone.localtime(offered.offered_until, PARIS)
    assert f"{local:%H} h {local:%M}" in entry["text"]


def test_an_offer_holds_the_place_against_a_new_invitation(full, users):
    holder, first, _second = full
    answers.answer_not_coming(registration=holder)
    assert services.places_taken(holder.event) == 1
    assert not services.has_free_place(holder.event)


def test_the_offer_never_runs_past_the_day_before_the_event(db):
    event = EventFactory(date=timezone.localdate() + dt.timedelta(days=1), capacity=1)
    now = dt.datetime.combine(timezone.localdate(), dt.time(9), tzinfo=PARIS)

    deadline = services.offer_deadline(event, now)

    assert deadline == dt.datetime.combine(event.date, dt.time.min, tzinfo=PARIS)


def test_too_late_for_an_offer_the_place_is_given_with_a_convocation(db):
    event = EventFactory(date=timezone.localdate(), capacity=1)
    holder = RegistrationFactory(event=event, status=Status.CONFIRMED)
    first = waiting(event, 10)

    services.registration_withdraw(by=event.created_by, registration=holder)

    promoted = fresh(first)
    assert promoted.status == Status.INVITED and promoted.offered_until is None


def test_the_territory_sets_the_hours_to_answer(full):
    holder, first, _second = full
    territory = holder.event.territory
    territory.waiting_offer_hours = 24
    territory.save()

    answers.answer_not_coming(registration=holder)

    remaining = fresh(first).offered_until - timezone.now()
    assert dt.timedelta(hours=23) < remaining <= dt.timedelta(hours=24)


def test_accepting_the_offer_on_the_page_confirms(full):
    holder, first, _second = full
    answers.answer_not_coming(registration=holder)
    page = Client().get(reverse("events:personal_page", args=[first.personal_token]))
    assert "Une place s’est libérée pour vous" in page.content.decode()
    assert "Elle vous est gardée jusqu’au" in page.content.decode()

    Client().post(reverse("events:personal_coming", args=[first.personal_token]))

    confirmed = fresh(first)
    assert confirmed.status == Status.CONFIRMED and confirmed.offered_until is None
    assert SentMessage.objects.filter(registration=first, kind=MessageKind.CONVOCATION).exists()


def test_declining_the_offer_passes_it_to_the_next_one(full):
    holder, first, second = full
    answers.answer_not_coming(registration=holder)

    answers.answer_not_coming(registration=fresh(first))

    assert fresh(first).status == Status.EXCUSED
    assert fresh(second).offered_until is not None


def test_the_deadline_passing_hands_the_offer_to_the_next_one(full):
    holder, first, second = full
    answers.answer_not_coming(registration=holder)
    later = fresh(first).offered_until + dt.timedelta(minutes=1)

    assert offers.offers_expire(now=later) == 1

    lapsed = fresh(first)
    assert lapsed.status == Status.WAITING and lapsed.offered_until is None
    assert lapsed.offer_lapsed_at == later
    next_one = fresh(second)
    assert next_one.offered_until is not None and next_one.offers_made == 1


def test_a_lapsed_offer_is_not_made_again(event):
    holder = RegistrationFactory(event=event, status=Status.CONFIRMED)
    only = waiting(event, 10)
    answers.answer_not_coming(registration=holder)

    offers.offers_expire(now=fresh(only).offered_until + dt.timedelta(minutes=1))

    assert fresh(only).offered_until is None and fresh(only).offers_made == 1
    assert services.has_free_place(event)  # the counsellors may invite someone


def test_the_job_is_scheduled_every_few_minutes():
    (job,) = [job for job in SCHEDULES.values() if job[0] == "events.offers.offers_expire"]
    assert job[2] <= 5


def test_the_coordinator_sees_who_holds_an_offer_until_when(client_for, full):
    holder, first, _second = full
    answers.answer_not_coming(registration=holder)

    page = client_for(holder.event.created_by).get(reverse("events:detail", args=[holder.event_id]))

    local = timezone.localtime(fresh(first).offered_until)
    assert f"Place proposée jusqu’au {local:%-d/%m %H:%M}" in page.content.decode()


def test_the_counsellor_confirms_an_offer_taken_by_phone(client_for, full):
    holder, first, _second = full
    answers.answer_not_coming(registration=holder)

    services.registration_confirm(by=holder.event.created_by, registration=fresh(first))

    confirmed = fresh(first)
    assert confirmed.status == Status.CONFIRMED and confirmed.offered_until is None


def test_without_an_offer_the_waiting_list_is_not_confirmed(full):
    from pacte.exceptions import DomainError

    _holder, first, _second = full
    with pytest.raises(DomainError):
        services.registration_confirm(by=first.event.created_by, registration=first)
