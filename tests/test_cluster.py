"""Two job clusters (`manage.py qcluster`, DEBUG off) on PostgreSQL against the SMS
provider's loopback stub: the convocations of an event of 65 leave off the request and end
sent, a provider failing twice sends each message once, a refused number ends « échec »
with a task for the referent, and the day's reminders go out once for both clusters."""

import datetime as dt
import os
import secrets
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from events import services
from events.models import Event, MessageStatus, Registration, SentMessage
from pacte.factories import StructureFactory, TerritoryFactory, UserFactory
from pacte.roles import Role
from pacte.schedules import SCHEDULES
from participants.factories import ParticipantFactory, ProgrammeYearFactory
from participants.models import Task, TaskKind
from tests.sms_stub import INVALID_NUMBER, SERVER_ERROR, BrevoStub

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the clusters share a PostgreSQL database"
    ),
]

INVITED = 65
REMINDED = 5
REMINDERS = next(name for name, job in SCHEDULES.items() if job[0].endswith("send_due_reminders"))
DISPATCH = next(name for name, job in SCHEDULES.items() if job[0].endswith("dispatch_due"))


def wait_until(condition, seconds, what, clusters):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        for process, log in clusters:
            assert process.poll() is None, f"a cluster stopped:\n{log.read_text()}"
        time.sleep(0.5)
    logs = "\n".join(log.read_text()[-3000:] for _process, log in clusters)
    raise AssertionError(f"{what} not reached in {seconds} s\n{logs}")


def cluster_environment(stub, secret_key) -> dict:
    database = settings.DATABASES["default"]
    credentials = quote(database["USER"] or "", safe="")
    if database.get("PASSWORD"):
        credentials += ":" + quote(database["PASSWORD"], safe="")
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment.update(
        {
            "DATABASE_URL": (
                f"postgres://{credentials}@{database.get('HOST') or '127.0.0.1'}:"
                f"{database.get('PORT') or 5432}/{quote(database['NAME'], safe='')}"
            ),
            "DEBUG": "0",
            "SECRET_KEY": secret_key,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": "https://cafe-metiers.example.fr",
            "SMS_BACKEND": "pacte.sms.BrevoBackend",
            "SMS_API_URL": stub.url,
            "SMS_API_KEY": "loopback-key",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "PACTE_JOB_WORKERS": "2",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return environment


@pytest.fixture
def stub():
    server = BrevoStub()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def clusters(stub, tmp_path, settings, monkeypatch):
    from django_q.conf import Conf

    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}  # jobs go to the broker
    # Jobs are signed with the secret key: this process and the clusters share one.
    secret_key = secrets.token_urlsafe(48)
    monkeypatch.setattr(Conf, "SECRET_KEY", secret_key)
    started = []
    try:
        for index in range(2):
            log = tmp_path / f"qcluster-{index}.log"
            with log.open("w") as output:
                process = subprocess.Popen(
                    [sys.executable, "manage.py", "qcluster"],
                    cwd=settings.BASE_DIR,
                    env=cluster_environment(stub, secret_key),
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            started.append((process, log))
        yield started
    finally:
        for process, _log in started:
            process.terminate()
        for process, _log in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def programme():
    paris = TerritoryFactory(paris=True)
    mission_locale = StructureFactory(territory=paris, name="Mission locale de Paris")
    coordinator = UserFactory(
        role=Role.COORDINATOR, structure=StructureFactory(territory=paris, prefecture=True)
    )
    referent = UserFactory(role=Role.COUNSELLOR, structure=mission_locale)
    year = ProgrammeYearFactory(territory=paris, year=timezone.localdate().year)
    return paris, coordinator, referent, year


def event_with_invitations(paris, coordinator, referent, year, *, days, count, first_phone):
    event = Event.objects.create(
        territory=paris,
        date=timezone.localdate() + dt.timedelta(days=days),
        starts_at=dt.time(14),
        ends_at=dt.time(18),
        venue="Préfecture",
        address="5 rue Leblanc, Paris",
        capacity=80,
        status="draft",
        created_by=coordinator,
    )
    for index in range(count):
        participant = ParticipantFactory(
            programme_year=year,
            territory=paris,
            structure_in_charge=referent.structure,
            referent=referent,
            phone=f"+336{first_phone + index:08d}",
            preferred_channel="sms",
        )
        Registration.objects.create(
            event=event, participant=participant, status="invited", invited_by=coordinator
        )
    return event


def test_two_clusters_deliver_retry_fail_and_remind_once(stub, clusters):
    paris, coordinator, referent, year = programme()
    event = event_with_invitations(
        paris, coordinator, referent, year, days=10, count=INVITED, first_phone=0
    )
    soon = event_with_invitations(
        paris, coordinator, referent, year, days=2, count=REMINDED, first_phone=1000
    )
    # Two provider failures, then one refused number; every other request is accepted.
    stub.script(SERVER_ERROR, SERVER_ERROR, INVALID_NUMBER)

    # Opening the event: its messages are written pending, delivered once committed.
    started = time.monotonic()
    with transaction.atomic():
        Event.objects.filter(pk=event.pk).update(status="open")
        event.refresh_from_db()
        queued = services.convocations_send(event=event)
        assert SentMessage.objects.filter(status=MessageStatus.PENDING).count() == INVITED
    assert queued == INVITED
    assert time.monotonic() - started < 5  # nothing was sent in the transaction

    convocations = SentMessage.objects.filter(registration__event=event)
    wait_until(
        lambda: not convocations.filter(status__in=["pending", "sending"]).exists(),
        90,
        "every convocation handled",
        clusters,
    )
    assert convocations.filter(status=MessageStatus.FAILED).count() == 1
    assert convocations.filter(status=MessageStatus.RETRY).count() == 2
    failed = convocations.get(status=MessageStatus.FAILED)
    assert failed.last_error == "Numéro refusé par l’opérateur"
    assert Task.objects.filter(kind=TaskKind.MESSAGE_FAILED, assignee=referent).count() == 1

    # The two retries, due now: the dispatcher (every minute) hands them out again.
    convocations.filter(status=MessageStatus.RETRY).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )
    wait_until(
        lambda: convocations.filter(status=MessageStatus.SENT).count() == INVITED - 1,
        120,
        "the retried convocations sent",
        clusters,
    )
    accepted = [request.json["recipient"] for request, status in stub.answered if status == 201]
    assert len(accepted) == len(set(accepted)) == INVITED - 1  # each recipient once

    # The day's reminders, due for both clusters: they go out once.
    from django_q.models import Schedule
    from django_q.models import Task as Job

    Schedule.objects.filter(name=REMINDERS).update(
        next_run=timezone.now() - dt.timedelta(seconds=1)
    )
    Event.objects.filter(pk=soon.pk).update(status="open")
    reminders = SentMessage.objects.filter(registration__event=soon, kind="reminder")
    wait_until(
        lambda: reminders.filter(status="sent").count() == REMINDED,
        120,
        "the reminders sent",
        clusters,
    )
    time.sleep(3)  # a second run, if any, would have queued by now
    assert Job.objects.filter(func="events.notifications.send_due_reminders").count() == 1
    assert reminders.count() == REMINDED
    assert Schedule.objects.get(name=DISPATCH).next_run > timezone.now() - dt.timedelta(minutes=2)
