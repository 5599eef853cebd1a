"""Reminders as each territory chose: some days before (`reminder_days_before`, 0 for
none), and an SMS the morning of the Café-métiers; run twice, nothing more goes."""

import datetime as dt

import pytest
from django.utils import timezone

from events import notifications, outbox
from events.models import MessageKind, SentMessage
from pacte import sms
from pacte.schedules import SCHEDULES, ensure_schedules
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def delivered_when_queued(monkeypatch, settings):
    settings.SMS_BACKEND = "pacte.sms.LocmemBackend"
    settings.SITE_URL = "https://cafe-metiers.example.fr"
    monkeypatch.setattr(outbox, "deliver_after_commit", lambda ids: outbox.enqueue(list(ids)))
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def registration_in(days, **participant):
    event = EventFactory(date=TODAY + dt.timedelta(days=days))
    return RegistrationFactory(
        event=event,
        status="invited",
        participant__phone="+33611111111",
        participant__email="yanis@exemple.fr",
        participant__preferred_channel="both",
        **{f"participant__{k}": v for k, v in participant.items()},
    )


def kinds(registration):
    return sorted(
        SentMessage.objects.filter(registration=registration).values_list("kind", "channel")
    )


def test_a_territory_reminds_the_days_it_chose():
    in_three = registration_in(3)
    in_two = registration_in(2)
    territory = in_three.event.territory
    territory.reminder_days_before = 3
    territory.save()
    in_two.event.territory.refresh_from_db()

    notifications.send_due_reminders(today=TODAY)

    assert kinds(in_three) == [(MessageKind.REMINDER, "email"), (MessageKind.REMINDER, "sms")]
    assert kinds(in_two) == []


def test_a_territory_without_reminder_before_sends_none():
    registration = registration_in(2)
    territory = registration.event.territory
    territory.reminder_days_before = 0
    territory.save()

    assert notifications.send_due_reminders(today=TODAY) == 0
    assert kinds(registration) == []


def test_the_morning_of_the_event_an_sms_only_and_once():
    today = registration_in(0)

    assert notifications.send_due_reminders(today=TODAY) == 1
    assert notifications.send_due_reminders(today=TODAY) == 0

    assert kinds(today) == [(MessageKind.MORNING, "sms")]
    (sent,) = sms.outbox
    assert sent["text"].startswith("Aujourd'hui, Café-métiers de la préfecture")
    assert "Pacte" not in sent["text"]


def test_a_territory_may_send_no_morning_sms():
    registration = registration_in(0)
    territory = registration.event.territory
    territory.morning_reminder = False
    territory.save()

    assert notifications.send_due_reminders(today=TODAY) == 0


def test_every_recurring_job_is_a_schedule_made_once():
    from django_q.models import Schedule

    before = {s.name: s.next_run for s in Schedule.objects.all()}
    ensure_schedules()

    assert set(before) == set(SCHEDULES)
    assert {s.name: s.next_run for s in Schedule.objects.all()} == before
    funcs = set(Schedule.objects.values_list("func", flat=True))
    assert {"events.outbox.dispatch_due", "events.notifications.send_due_reminders"} <= funcs
    assert set(Schedule.objects.values_list("args", flat=True)) >= {
        "'apply_retention'",
        "'purge_access_log'",
        "'clearsessions'",
        "'axes_reset_logs'",
    }


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_every_scheduled_job_runs(name):
    import ast

    from django.utils.module_loading import import_string

    func, args, _every = SCHEDULES[name]
    arguments = ast.literal_eval(args) if args else ()
    import_string(func)(*(arguments if isinstance(arguments, tuple) else (arguments,)))
