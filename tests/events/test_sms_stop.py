"""STOP (#19 item 5): « Ne plus recevoir de SMS » on the page, a reply STOP through the
provider's webhook, or the counsellor by hand, records that the number refuses SMS; no
SMS goes to it any more, the referent gets a task, the file shows « SMS refusés » with
the date; a counsellor lifts it with the young person's agreement (logged)."""

import datetime as dt
import json

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from events import notifications
from pacte import sms
from pacte.models import AccessAction, AccessLog
from participants.models import OptOutSource, PreferredChannel, SmsOptOut, Task, TaskKind
from tests.events.factories import RegistrationFactory

SECRET = "un-secret-de-test-assez-long"
PHONE = "+33612345678"


@pytest.fixture(autouse=True)
def webhook_and_no_pdf(messages_at_once, settings, monkeypatch):
    settings.SMS_DELIVERY_WEBHOOK_SECRET = SECRET
    monkeypatch.setattr(notifications, "convocation_pdf", lambda request, registration: _no_pdf())


def _no_pdf():
    raise OSError("no PDF in these tests")


@pytest.fixture
def registration(db):
    return RegistrationFactory(
        participant__phone=PHONE, participant__preferred_channel=PreferredChannel.SMS
    )


def stop_on_the_page(registration):
    url = reverse("events:personal_stop_sms", args=[registration.personal_token])
    return Client().post(url, follow=True)


def test_the_page_s_button_records_the_refusal_and_tells_the_referent(registration):
    response = stop_on_the_page(registration)

    assert "vous ne recevrez plus de SMS" in response.content.decode()
    assert "Ne plus recevoir de SMS" not in response.content.decode()
    opt_out = SmsOptOut.objects.get(phone=PHONE)
    assert opt_out.source == OptOutSource.PAGE
    task = Task.objects.get(kind=TaskKind.SMS_REFUSED, participant=registration.participant)
    assert task.assignee == registration.participant.referent
    assert AccessLog.objects.filter(action=AccessAction.CREATE, object_type="smsoptout").exists()


def test_no_sms_goes_to_a_number_that_refused_them(registration):
    stop_on_the_page(registration)

    notifications.send_convocation(registration)

    assert sms.outbox == []


def test_their_e_mail_takes_over_when_the_file_holds_one(registration):
    participant = registration.participant
    participant.email = "yanis@exemple.fr"
    participant.save()
    stop_on_the_page(registration)

    notifications.send_convocation(registration)

    assert sms.outbox == [] and [m.to for m in mail.outbox] == [["yanis@exemple.fr"]]


def report(secret=SECRET, **payload):
    return Client().post(
        reverse("sms_delivery_report", args=[secret]),
        json.dumps(payload),
        content_type="application/json",
    )


def test_a_reply_stop_through_the_webhook_records_the_refusal(registration):
    response = report(msg_status="replied", to="33612345678", reply=" Stop. ")

    assert response.status_code == 200 and response.json() == {"known": True}
    assert SmsOptOut.objects.get(phone=PHONE).source == OptOutSource.SMS_REPLY


def test_another_reply_or_another_secret_records_nothing(registration):
    report(msg_status="replied", to="33612345678", reply="Je viendrai")
    refused = report("mauvais-secret", msg_status="replied", to="33612345678", reply="STOP")
    assert refused.status_code == 404
    assert not SmsOptOut.objects.exists()


def test_the_provider_s_unsubscription_counts_as_stop(registration):
    report(event="unsubscribed", phoneNumber="+33612345678")
    assert SmsOptOut.objects.filter(phone=PHONE).exists()


def test_the_file_shows_it_and_the_counsellor_lifts_it_with_agreement(client_for, registration):
    participant = registration.participant
    counsellor = participant.referent
    client = client_for(counsellor)
    detail = reverse("participants:detail", args=[participant.pk])

    client.post(reverse("participants:sms_refusal", args=[participant.pk]), {"action": "refuse"})
    page = client.get(detail).content.decode()
    assert "SMS refusés" in page and "Lever le refus des SMS" in page
    assert SmsOptOut.objects.get(phone=PHONE).recorded_by == counsellor

    client.post(reverse("participants:sms_refusal", args=[participant.pk]), {"action": "lift"})
    assert not SmsOptOut.objects.exists()
    assert AccessLog.objects.filter(
        user=counsellor, action=AccessAction.DELETE, object_type="smsoptout"
    ).exists()
    notifications.send_convocation(registration)
    assert [entry["to"] for entry in sms.outbox] == [PHONE]


def test_a_legal_representative_s_refusal_leaves_the_young_person_s_sms(db):
    from participants.sms_opt_outs import sms_opt_out

    registration = RegistrationFactory(
        participant__phone=PHONE,
        participant__legal_rep_phone="+33698765432",
        participant__birth_date=dt.date(2010, 1, 1),
    )
    sms_opt_out(phone="+33698765432", source=OptOutSource.SMS_REPLY)

    notifications.send_convocation(registration)

    assert [entry["to"] for entry in sms.outbox] == [PHONE]


def test_the_refusal_is_in_the_right_of_access_and_goes_with_the_file(registration):
    from pacte.personal_data import holding_of

    stop_on_the_page(registration)
    holding = holding_of(SmsOptOut)

    assert holding is not None and holding.deleted
    assert list(holding.rows_of(registration.participant_id).values_list("phone", flat=True)) == [
        PHONE
    ]
