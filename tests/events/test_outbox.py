"""The outbox: messages written pending by what causes them, delivered off the request once
it commits, retried with back-off, failed for good into a task for the referent, and never
resent when nobody knows whether they went."""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from events import outbox, services
from events.models import Event, MessageStatus, Registration, SentMessage
from pacte import sms
from pacte.roles import Role
from participants.factories import ParticipantFactory
from participants.models import Task, TaskKind
from tests.sms_stub import INVALID_NUMBER, SERVER_ERROR, BrevoStub, accepted

pytestmark = pytest.mark.django_db

Status = MessageStatus


@pytest.fixture(autouse=True)
def sms_in_memory(settings):
    settings.SMS_BACKEND = "pacte.sms.LocmemBackend"
    settings.SITE_URL = "https://cafe-metiers.example.fr"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def stub(settings):
    server = BrevoStub()
    server.start()
    settings.SMS_BACKEND = "pacte.sms.BrevoBackend"
    settings.SMS_API_URL = server.url
    settings.SMS_API_KEY = "test-key"
    settings.SMS_READ_TIMEOUT = 0.5
    yield server
    server.stop()


@pytest.fixture
def coordinator(users):
    return users[Role.COORDINATOR]


@pytest.fixture
def event(paris, coordinator):
    return Event.objects.create(
        territory=paris,
        date=timezone.localdate() + dt.timedelta(days=10),
        starts_at=dt.time(14),
        ends_at=dt.time(18),
        venue="Préfecture",
        address="5 rue Leblanc, Paris",
        capacity=80,
        status="draft",
        created_by=coordinator,
    )


def invite(event, users, count, **participant):
    """Invitations to a draft event (nothing is sent while it is a draft)."""
    registrations = []
    for index in range(count):
        person = ParticipantFactory(
            programme_year=users["participant"].programme_year,
            structure_in_charge=users[Role.COUNSELLOR].structure,
            referent=users[Role.COUNSELLOR],
            phone=f"+336{index:08d}",
            preferred_channel="sms",
            **participant,
        )
        registrations.append(
            Registration.objects.create(
                event=event, participant=person, status="invited", invited_by=event.created_by
            )
        )
    return registrations


def message_of(registration):
    return SentMessage.objects.get(registration=registration)


def test_opening_an_event_writes_its_messages_pending_and_sends_none_in_the_request(
    client_for, users, coordinator, event, sms_in_memory, django_capture_on_commit_callbacks
):
    invite(event, users, 65)
    client = client_for(coordinator)
    form = client.get(reverse("events:update", args=[event.pk])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        status="open", date=event.date.isoformat(), starts_at="14:00", ends_at="18:00", staff=[]
    )

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("events:update", args=[event.pk]), data)

    assert response.status_code == 302
    assert SentMessage.objects.filter(status=Status.PENDING).count() == 65
    assert sms_in_memory == []  # nothing left during the request
    assert queued  # their delivery, handed to the cluster once the request commits

    for callback in queued:  # the commit
        callback()

    assert SentMessage.objects.filter(status=Status.SENT).count() == 65
    assert len(sms_in_memory) == 65


def test_a_rolled_back_invitation_sends_nothing(users, coordinator, event, sms_in_memory):
    event.status = "open"
    event.save()
    person = ParticipantFactory(
        programme_year=users["participant"].programme_year,
        structure_in_charge=users[Role.COUNSELLOR].structure,
        referent=users[Role.COUNSELLOR],
    )

    with pytest.raises(RuntimeError), transaction.atomic():
        services.registration_invite(by=coordinator, event=event, participant=person)
        raise RuntimeError("the database went away")

    assert not SentMessage.objects.exists()
    assert sms_in_memory == []


def test_a_message_is_sent_once_whatever_the_workers(users, event, sms_in_memory):
    (registration,) = invite(event, users, 1)
    event.status = "open"
    event.save()
    services.convocations_send(event=event)  # its delivery waits for a commit
    message = message_of(registration)

    assert outbox.deliver(message.pk) == Status.SENT
    assert outbox.deliver(message.pk) == "skipped"  # a second worker given the same job
    assert len(sms_in_memory) == 1
    assert message_of(registration).attempts == 1


def test_a_provider_failing_twice_then_accepting_sends_exactly_one(users, event, stub):
    (registration,) = invite(event, users, 1)
    stub.script(SERVER_ERROR, SERVER_ERROR, accepted("4242"))
    event.status = "open"
    event.save()
    services.convocations_send(event=event)
    message = message_of(registration)

    for _attempt in range(3):
        outbox.deliver(message.pk)
        SentMessage.objects.filter(pk=message.pk, status=Status.RETRY).update(
            next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
        )
        outbox.dispatch_due()

    message.refresh_from_db()
    assert (message.status, message.attempts, message.provider_message_id) == (
        Status.SENT,
        3,
        "4242",
    )
    assert len(stub.requests) == 3
    assert not Task.objects.filter(kind=TaskKind.MESSAGE_FAILED).exists()


def test_a_temporary_failure_waits_longer_each_time(users, event, stub):
    (registration,) = invite(event, users, 1)
    stub.script(SERVER_ERROR)
    event.status = "open"
    event.save()
    services.convocations_send(event=event)
    message = message_of(registration)
    before = timezone.now()

    outbox.deliver(message.pk)

    message.refresh_from_db()
    assert message.status == Status.RETRY
    assert message.last_error == "Le service SMS est indisponible"
    assert message.next_attempt_at >= before + outbox.RETRY_DELAYS[0]
    assert outbox.deliver(message.pk) == "skipped"  # not before its time


def test_a_refused_number_fails_at_once_and_becomes_a_call_for_the_referent(users, event, stub):
    (registration,) = invite(event, users, 1, first_name="Yanis", last_name="Tessier")
    stub.script(INVALID_NUMBER)
    event.status = "open"
    event.save()
    services.convocations_send(event=event)
    message = message_of(registration)

    assert outbox.deliver(message.pk) == Status.FAILED

    message.refresh_from_db()
    assert message.attempts == 1 and message.failed_at is not None
    assert message.last_error == "Numéro refusé par l’opérateur"
    task = Task.objects.get(kind=TaskKind.MESSAGE_FAILED)
    assert task.title == "Convocation non remise à Yanis Tessier : appeler"
    assert task.assignee == users[Role.COUNSELLOR]
    assert task.due_on == timezone.localdate()


def test_the_last_attempt_failing_fails_the_message(users, event, stub):
    (registration,) = invite(event, users, 1)
    stub.script(*[SERVER_ERROR] * outbox.MAX_ATTEMPTS)
    event.status = "open"
    event.save()
    services.convocations_send(event=event)
    message = message_of(registration)

    for _attempt in range(outbox.MAX_ATTEMPTS):
        SentMessage.objects.filter(pk=message.pk).update(next_attempt_at=None)
        outbox.deliver(message.pk)

    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, outbox.MAX_ATTEMPTS)
    assert Task.objects.filter(kind=TaskKind.MESSAGE_FAILED).count() == 1
    assert len(stub.requests) == outbox.MAX_ATTEMPTS


def test_a_message_left_sending_becomes_unknown_and_is_never_resent(users, event, sms_in_memory):
    (registration,) = invite(event, users, 1)
    event.status = "open"
    event.save()
    services.convocations_send(event=event)
    message = message_of(registration)
    # A worker took it and died before writing what the provider answered.
    SentMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING,
        attempts=1,
        claimed_at=timezone.now() - outbox.STUCK_AFTER - dt.timedelta(seconds=1),
    )

    assert outbox.dispatch_due() == {"enqueued": 0, "unknown": 1}

    message.refresh_from_db()
    assert message.status == Status.UNKNOWN
    assert outbox.deliver(message.pk) == "skipped"
    outbox.dispatch_due()
    assert sms_in_memory == []


def test_a_pending_message_whose_job_was_lost_goes_at_the_next_dispatch(
    users, event, sms_in_memory
):
    (registration,) = invite(event, users, 1)
    event.status = "open"
    event.save()
    services.convocations_send(event=event)
    SentMessage.objects.update(created_at=timezone.now() - outbox.LOST_AFTER * 2)

    assert outbox.dispatch_due()["enqueued"] == 1

    assert message_of(registration).status == Status.SENT
    assert len(sms_in_memory) == 1


def test_delivery_reports_move_a_message_to_delivered_or_failed(users, event, sms_in_memory):
    first, second = invite(event, users, 2)
    event.status = "open"
    event.save()
    services.convocations_send(event=event)
    for registration, provider_id in ((first, "p-1"), (second, "p-2")):
        message = message_of(registration)
        outbox.deliver(message.pk)
        SentMessage.objects.filter(pk=message.pk).update(provider_message_id=provider_id)

    assert outbox.record_delivery_report(provider_message_id="p-1", delivered=True)
    assert outbox.record_delivery_report(provider_message_id="p-2", delivered=False)
    assert not outbox.record_delivery_report(provider_message_id="nope", delivered=True)

    assert message_of(first).status == Status.DELIVERED
    assert message_of(second).status == Status.FAILED
    assert Task.objects.filter(kind=TaskKind.MESSAGE_FAILED).count() == 1


def test_a_failed_message_is_sent_again_on_request(
    users, event, stub, django_capture_on_commit_callbacks
):
    (registration,) = invite(event, users, 1)
    stub.script(INVALID_NUMBER, accepted("77"))
    event.status = "open"
    event.save()
    services.convocations_send(event=event)
    message = message_of(registration)
    outbox.deliver(message.pk)

    with django_capture_on_commit_callbacks(execute=True):
        outbox.resend(message)

    message.refresh_from_db()
    assert (message.status, message.provider_message_id) == (Status.SENT, "77")


def test_an_email_goes_through_the_outbox_too(users, event):
    (registration,) = invite(event, users, 1)
    participant = registration.participant
    participant.preferred_channel = "email"
    participant.email = "yanis@exemple.fr"
    participant.save()
    event.status = "open"
    event.save()
    services.convocations_send(event=event)

    outbox.deliver(message_of(registration).pk)

    assert message_of(registration).status == Status.SENT
    assert mail.outbox[0].to == ["yanis@exemple.fr"]


def test_every_kind_of_message_has_its_failure_task_and_its_line_on_the_event_page():
    from events.models import MessageKind as Kind
    from events.selectors import KIND_ORDER, KIND_TITLES

    assert set(outbox.FAILED_TASK_TITLES) == set(Kind) == set(KIND_ORDER) == set(KIND_TITLES)
