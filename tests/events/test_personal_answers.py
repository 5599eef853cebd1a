"""« Je viens » / « Je ne peux pas venir » on the young person's page (#19 item 2): one tap
confirms, a decline frees the place at once and asks the referent to call back; they may
change their mind until the day before, through a free place or the waiting list."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events import answers
from events.models import Answer, DeclineReason, Registration, RegistrationStatus
from pacte.exceptions import DomainError
from pacte.models import AccessAction, AccessLog
from participants.models import Task, TaskKind
from tests.events.factories import EventFactory, RegistrationFactory

Status = RegistrationStatus


pytestmark = pytest.mark.usefixtures("messages_at_once")


@pytest.fixture
def event(db):
    return EventFactory(date=timezone.localdate() + dt.timedelta(days=10), capacity=2)


@pytest.fixture
def invited(event):
    return RegistrationFactory(event=event, participant__first_name="Yanis")


def post(registration, name, **data):
    url = reverse(f"events:{name}", args=[registration.personal_token])
    return Client().post(url, data, follow=True)


def refreshed(registration):
    return Registration.objects.get(pk=registration.pk)


def test_je_viens_confirms_in_one_tap(invited):
    response = post(invited, "personal_coming")

    registration = refreshed(invited)
    assert registration.status == Status.CONFIRMED and registration.confirmed_at
    assert registration.answer == Answer.COMING and registration.answered_at
    assert "nous vous attendons" in response.content.decode()
    assert "Vous avez confirmé votre venue" in response.content.decode()


def test_the_answer_is_an_entry_of_the_access_log_without_an_account(invited):
    post(invited, "personal_coming")

    entry = AccessLog.objects.get(action=AccessAction.UPDATE, object_id=invited.pk)
    assert entry.user is None and entry.participant_id == invited.participant_id
    assert entry.territory_id == invited.event.territory_id


def test_a_decline_frees_the_place_for_the_first_on_the_waiting_list(event, invited):
    RegistrationFactory(event=event)  # the second place
    first = RegistrationFactory(event=event, status=Status.WAITING)
    first.waitlisted_at = timezone.now() - dt.timedelta(days=1)
    first.save()
    later = RegistrationFactory(event=event, status=Status.WAITING, waitlisted_at=timezone.now())

    post(invited, "personal_not_coming", reason=DeclineReason.HEALTH)

    registration = refreshed(invited)
    assert registration.status == Status.EXCUSED
    assert registration.answer == Answer.NOT_COMING
    assert registration.decline_reason == DeclineReason.HEALTH
    assert refreshed(first).offered_until is not None  # offered the place (item 3)
    assert refreshed(later).offered_until is None


def test_a_decline_asks_the_referent_to_call_back(invited):
    post(invited, "personal_not_coming", reason=DeclineReason.TRANSPORT)

    task = Task.objects.get(participant=invited.participant, kind=TaskKind.DECLINE_CALL)
    assert task.assignee == invited.participant.referent and task.done_at is None
    assert "Rappeler" in task.title and "(Transport)" in task.title
    assert task.due_on == timezone.localdate()


def test_the_reason_is_optional(invited):
    post(invited, "personal_not_coming")

    registration = refreshed(invited)
    assert registration.status == Status.EXCUSED and registration.decline_reason == ""


def test_a_reason_outside_the_list_is_refused(invited):
    with pytest.raises(DomainError):
        answers.answer_not_coming(registration=invited, reason="prison")
    assert refreshed(invited).status == Status.INVITED


def test_changing_one_s_mind_takes_a_free_place(invited):
    post(invited, "personal_not_coming")
    response = post(invited, "personal_coming")

    assert refreshed(invited).status == Status.CONFIRMED
    assert "Finalement, je viens" not in response.content.decode()


def test_changing_one_s_mind_when_full_goes_to_the_waiting_list(event, invited):
    post(invited, "personal_not_coming")
    RegistrationFactory(event=event)
    RegistrationFactory(event=event)  # the two places are taken again

    response = post(invited, "personal_coming")

    registration = refreshed(invited)
    assert registration.status == Status.WAITING and registration.waitlisted_at
    assert "liste d’attente" in response.content.decode()


def test_no_answer_on_the_day_itself(event, invited, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: event.date)

    page = Client().get(reverse("events:personal_page", args=[invited.personal_token]))
    response = post(invited, "personal_not_coming")

    assert "Je ne peux pas venir" not in page.content.decode()
    assert refreshed(invited).status == Status.INVITED
    assert "Il n’est plus possible de répondre ici" in response.content.decode()


def test_a_cancelled_registration_cannot_answer(invited):
    Registration.objects.filter(pk=invited.pk).update(status=Status.CANCELLED)

    response = post(invited, "personal_coming")

    assert response.status_code == 404 and refreshed(invited).status == Status.CANCELLED


def test_the_referent_sees_the_answer_on_the_event_page_and_the_timeline(client_for, invited):
    post(invited, "personal_not_coming", reason=DeclineReason.WORK)
    client = client_for(invited.event.created_by)

    event_page = client.get(reverse("events:detail", args=[invited.event_id])).content.decode()
    file_page = client.get(reverse("participants:detail", args=[invited.participant_id]))

    assert "« Je ne peux pas venir » (Travail ou formation)" in event_page
    assert "a répondu « Je ne peux pas venir » par son lien (Travail ou formation)" in (
        file_page.content.decode()
    )


def test_only_a_post_answers(invited):
    url = reverse("events:personal_coming", args=[invited.personal_token])
    assert Client().get(url).status_code == 405
    assert refreshed(invited).status == Status.INVITED
