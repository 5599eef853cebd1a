"""The SMS provider's delivery reports: only with the secret, bounded, rate-limited; they
move a message to delivered or failed (with a task for the referent)."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from events import outbox
from events.models import MessageStatus, SentMessage
from participants.models import Task, TaskKind
from tests.events.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

SECRET = "un-secret-de-test-assez-long"


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.SMS_DELIVERY_WEBHOOK_SECRET = SECRET


@pytest.fixture
def sent(db):
    message = SentMessage.objects.create(
        registration=RegistrationFactory(status="invited"),
        kind="convocation",
        channel="sms",
        recipient="+33611111111",
        status=MessageStatus.SENT,
        provider_message_id="1511882900176220",
    )
    return message


def report(secret=SECRET, **payload):
    return Client().post(
        reverse("sms_delivery_report", args=[secret]),
        json.dumps(payload),
        content_type="application/json",
    )


def test_a_delivered_report_marks_the_message_delivered(sent):
    response = report(messageId=1511882900176220, msg_status="delivered", to="33611111111")

    assert response.status_code == 200
    assert response.json() == {"known": True}
    sent.refresh_from_db()
    assert sent.status == MessageStatus.DELIVERED and sent.delivered_at is not None


def test_a_hard_bounce_fails_the_message_and_calls_the_referent(sent):
    report(messageId="1511882900176220", msg_status="hard_bounce")

    sent.refresh_from_db()
    assert sent.status == MessageStatus.FAILED
    assert sent.last_error == "Non remis : le numéro ne reçoit pas les SMS"
    task = Task.objects.get(kind=TaskKind.MESSAGE_FAILED)
    assert task.assignee == sent.registration.participant.referent


def test_intermediate_reports_change_nothing(sent):
    for status in ("sent", "soft_bounce"):
        assert report(messageId=1511882900176220, msg_status=status).status_code == 200
    sent.refresh_from_db()
    assert sent.status == MessageStatus.SENT


def test_without_the_secret_there_is_no_such_page(sent, settings):
    assert report("faux", messageId=1511882900176220, msg_status="delivered").status_code == 404
    settings.SMS_DELIVERY_WEBHOOK_SECRET = ""
    assert report("x", messageId=1, msg_status="delivered").status_code == 404
    sent.refresh_from_db()
    assert sent.status == MessageStatus.SENT


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'"x"', b"{" * 70_000])
def test_a_malformed_report_is_a_bad_request(body):
    response = Client().post(
        reverse("sms_delivery_report", args=[SECRET]), body, content_type="application/json"
    )
    assert response.status_code == 400


def test_an_unknown_message_is_answered_but_changes_nothing(sent):
    assert report(messageId=42, msg_status="delivered").json() == {"known": False}


def test_reports_are_rate_limited_per_address(settings, sent):
    settings.PACTE_WEBHOOK_REQUESTS_PER_ADDRESS = (3, 60)

    statuses = [report(messageId=1, msg_status="sent").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_a_report_for_a_failed_message_does_not_give_a_second_task(sent):
    outbox.record_delivery_report(provider_message_id=sent.provider_message_id, delivered=False)
    report(messageId=sent.provider_message_id, msg_status="hard_bounce")

    assert Task.objects.filter(kind=TaskKind.MESSAGE_FAILED).count() == 1
