"""After a no-show (#19 item 6): the morning after, an SMS proposes to call their
counsellor for another date, without blame or a justice word; the no-show task says so."""

import datetime as dt

import pytest
from django.utils import timezone

from events import notifications
from events.models import MessageKind, RegistrationStatus, SentMessage
from pacte import sms
from pacte.schedules import SCHEDULES
from participants.models import Task, TaskKind
from tests.events.factories import EventFactory, RegistrationFactory

FORBIDDEN_WORDS = ("pacte", "justice", "spip", "prison", "peine", "absent", "faute", "sanction")
PHONE = "+33612345678"


pytestmark = pytest.mark.usefixtures("messages_at_once")


@pytest.fixture
def yesterday(db):
    return EventFactory(date=timezone.localdate() - dt.timedelta(days=1))


def absent(event):
    registration = RegistrationFactory(
        event=event,
        status=RegistrationStatus.ABSENT,
        participant__phone=PHONE,
        participant__referent__first_name="Claire",
        participant__referent__phone="+33142000000",
    )
    Task.objects.create(
        participant=registration.participant,
        assignee=registration.participant.referent,
        kind=TaskKind.NO_SHOW_CALL,
        title="Rappeler après l’absence au Café-métiers",
        due_on=timezone.localdate(),
    )
    return registration


def test_the_morning_after_an_sms_proposes_another_date(yesterday):
    registration = absent(yesterday)

    assert notifications.send_no_show_messages() == 1

    (entry,) = sms.outbox
    assert entry["to"] == PHONE
    assert "Claire" in entry["text"] and "01 42 00 00 00" in entry["text"]
    assert "une autre date" in entry["text"]
    assert "/c/" not in entry["text"]  # the page opens nothing more after the day
    assert sms.segments(entry["text"]) <= 2
    for word in FORBIDDEN_WORDS:
        assert word not in entry["text"].lower(), word
    task = Task.objects.get(participant=registration.participant, kind=TaskKind.NO_SHOW_CALL)
    assert "un message lui propose de reprendre contact" in task.title


def test_once_only_and_never_to_those_who_came(yesterday):
    absent(yesterday)
    RegistrationFactory(event=yesterday, status=RegistrationStatus.PRESENT)
    notifications.send_no_show_messages()

    assert notifications.send_no_show_messages() == 0
    assert SentMessage.objects.filter(kind=MessageKind.NO_SHOW).count() == 1
    task = Task.objects.get(kind=TaskKind.NO_SHOW_CALL)
    assert task.title.count("reprendre contact") == 1


def test_only_the_morning_after(yesterday):
    absent(yesterday)
    assert notifications.send_no_show_messages(today=timezone.localdate() + dt.timedelta(1)) == 0


def test_it_is_a_daily_job():
    (job,) = [j for j in SCHEDULES.values() if j[0] == "events.notifications.send_no_show_messages"]
    assert isinstance(job[2], dt.time)
