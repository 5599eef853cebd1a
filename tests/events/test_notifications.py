"""Convocations and reminders: the right channels and people, once, in neutral words."""

import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from events import documents, notifications, outbox
from events.models import Channel, EventStatus, MessageKind, RegistrationStatus, SentMessage
from pacte import sms
from participants.models import PreferredChannel
from tests.events.factories import EventFactory, RegistrationFactory
from tests.helpers import require_pdf_engine

Status = RegistrationStatus
PARIS = ZoneInfo("Europe/Paris")
FORBIDDEN_WORDS = ("pacte", "2ème chance", "justice", "spip", "pjj", "prison", "peine", "détention")
PHONE = "+33612345678"
EMAIL = "yanis@exemple.fr"
REP_PHONE = "+33698765432"
REP_EMAIL = "parent@exemple.fr"


class FailingBackend(sms.BaseBackend):
    def send(self, to, text):
        raise ConnectionError("SMS provider unreachable")


@pytest.fixture(autouse=True)
def sms_outbox(settings, monkeypatch):
    """SMS kept in memory; the convocation PDF stubbed (one test makes the real one)."""
    settings.SMS_BACKEND = "pacte.sms.LocmemBackend"
    settings.SITE_URL = "https://cafe-metiers.example.fr"
    monkeypatch.setattr(
        notifications,
        "convocation_pdf",
        lambda request, registration: HttpResponse(b"%PDF-1.7 stub"),
    )
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture(autouse=True)
def delivered_when_queued(monkeypatch):
    """The test's transaction never commits: here, what is queued is delivered at once (as
    after a commit). tests/events/test_outbox.py tests the delivery after the commit."""
    monkeypatch.setattr(outbox, "deliver_after_commit", lambda ids: outbox.enqueue(list(ids)))


@pytest.fixture
def event(db):
    return EventFactory(date=timezone.localdate() + dt.timedelta(days=14))


def register(event, status=Status.INVITED, **participant):
    defaults = {"first_name": "Yanis", "last_name": "Tessier", "phone": PHONE, "email": EMAIL}
    return RegistrationFactory(
        event=event,
        status=status,
        **{f"participant__{key}": value for key, value in {**defaults, **participant}.items()},
    )


def minor_birth_date():
    today = timezone.localdate()
    return today.replace(year=today.year - 16) - dt.timedelta(days=30)


def sent_rows(registration, kind=MessageKind.CONVOCATION):
    return set(
        SentMessage.objects.filter(registration=registration, kind=kind).values_list(
            "channel", "recipient"
        )
    )


def ics_of(message) -> Calendar:
    (content,) = [content for name, content, _ in message.attachments if name.endswith(".ics")]
    return Calendar.from_ical(content)


def everything_sent() -> list[str]:
    texts = [entry["text"] for entry in sms.outbox]
    for message in mail.outbox:
        texts += [message.subject, message.body]
        texts += [str(content) for name, content, _ in message.attachments if name.endswith(".ics")]
    return texts


# Channels and recipients ---------------------------------------------------------------------


def test_sms_only_when_the_young_person_prefers_sms(event):
    registration = register(event, preferred_channel=PreferredChannel.SMS)

    sent = notifications.send_convocation(registration)

    assert len(sent) == 1
    assert [entry["to"] for entry in sms.outbox] == [PHONE]
    assert mail.outbox == []
    assert sent_rows(registration) == {(Channel.SMS, PHONE)}


def test_email_only_when_the_young_person_prefers_email(event):
    registration = register(event, preferred_channel=PreferredChannel.EMAIL)

    notifications.send_convocation(registration)

    assert sms.outbox == []
    assert [message.to for message in mail.outbox] == [[EMAIL]]
    assert sent_rows(registration) == {(Channel.EMAIL, EMAIL)}


def test_both_channels_when_the_young_person_prefers_both(event):
    registration = register(event, preferred_channel=PreferredChannel.BOTH)

    sent = notifications.send_convocation(registration)

    assert len(sent) == 2
    assert len(sms.outbox) == 1 and len(mail.outbox) == 1
    assert sent_rows(registration) == {(Channel.SMS, PHONE), (Channel.EMAIL, EMAIL)}


def test_a_channel_without_a_contact_is_skipped(event):
    registration = register(event, preferred_channel=PreferredChannel.BOTH, phone="")

    notifications.send_convocation(registration)

    assert sms.outbox == []
    assert sent_rows(registration) == {(Channel.EMAIL, EMAIL)}


def test_a_minors_legal_representative_receives_the_convocation_too(event):
    registration = register(
        event,
        preferred_channel=PreferredChannel.SMS,
        birth_date=minor_birth_date(),
        legal_rep_name="Samira Tessier",
        legal_rep_phone=REP_PHONE,
        legal_rep_email=REP_EMAIL,
    )
    assert registration.participant.is_minor

    notifications.send_convocation(registration)

    assert sent_rows(registration) == {
        (Channel.SMS, PHONE),
        (Channel.SMS, REP_PHONE),
        (Channel.EMAIL, REP_EMAIL),
    }
    rep_sms = next(entry["text"] for entry in sms.outbox if entry["to"] == REP_PHONE)
    assert "Yanis est invité(e)" in rep_sms
    (rep_email,) = mail.outbox
    assert rep_email.to == [REP_EMAIL]
    assert rep_email.body.startswith("Bonjour Samira Tessier,")
    assert "représentant(e) légal(e)" in rep_email.body


def test_an_adults_former_legal_representative_is_not_contacted(event):
    registration = register(
        event,
        preferred_channel=PreferredChannel.SMS,
        legal_rep_phone=REP_PHONE,
        legal_rep_email=REP_EMAIL,
    )
    assert not registration.participant.is_minor

    notifications.send_convocation(registration)

    assert sent_rows(registration) == {(Channel.SMS, PHONE)}


def test_no_convocation_for_the_waiting_list_or_a_cancelled_registration(event):
    for status in (Status.WAITING, Status.CANCELLED, Status.ABSENT):
        registration = register(event, status=status, last_name=f"Nom-{status}")
        assert notifications.send_convocation(registration) == []
    assert sms.outbox == [] and mail.outbox == []


def test_no_convocation_for_a_past_event(db):
    registration = register(EventFactory(date=timezone.localdate() - dt.timedelta(days=1)))

    assert notifications.send_convocation(registration) == []
    assert sms.outbox == []


# What is sent --------------------------------------------------------------------------------


def test_the_email_carries_an_ics_in_paris_time_with_a_stable_uid(event):
    registration = register(event, preferred_channel=PreferredChannel.EMAIL)

    notifications.send_convocation(registration)

    (message,) = mail.outbox
    (entry,) = ics_of(message).walk("VEVENT")
    start, end = entry.decoded("dtstart"), entry.decoded("dtend")
    assert start == dt.datetime.combine(event.date, dt.time(14, 0), tzinfo=PARIS)
    assert end == dt.datetime.combine(event.date, dt.time(18, 0), tzinfo=PARIS)
    assert entry["dtstart"].params["TZID"] == "Europe/Paris"
    assert start.utcoffset() == dt.datetime.combine(event.date, dt.time(14), PARIS).utcoffset()
    assert str(entry["summary"]) == "Café-métiers — Préfecture"
    assert str(entry["location"]) == "Préfecture de Paris, 5 rue Leblanc, 75015 Paris"
    assert str(entry["uid"]) == notifications.calendar_uid(registration)
    again = Calendar.from_ical(notifications.calendar_file(registration))
    assert str(next(iter(again.walk("VEVENT")))["uid"]) == str(entry["uid"])
    other = register(event, last_name="Benali", phone="", email="ines@exemple.fr")
    assert notifications.calendar_uid(other) != str(entry["uid"])
    names = [name for name, _, _ in message.attachments]
    assert "cafe-metiers.ics" in names and any(name.endswith(".pdf") for name in names)


def test_the_email_attaches_the_real_convocation_pdf(event, monkeypatch):
    require_pdf_engine()
    monkeypatch.setattr(notifications, "convocation_pdf", documents.convocation_pdf)
    registration = register(event, preferred_channel=PreferredChannel.EMAIL)

    notifications.send_convocation(registration)

    (message,) = mail.outbox
    (pdf,) = [content for name, content, _ in message.attachments if name.endswith(".pdf")]
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Convocation" in text and "TESSIER" in text
    assert "La convocation est jointe" in message.body


@pytest.mark.django_db
@pytest.mark.parametrize(("day", "offset"), [(dt.date(2027, 1, 13), 1), (dt.date(2027, 7, 7), 2)])
def test_the_ics_follows_paris_summer_and_winter_time(day, offset):
    registration = RegistrationFactory(event=EventFactory(date=day))

    (entry,) = Calendar.from_ical(notifications.calendar_file(registration)).walk("VEVENT")

    start = entry.decoded("dtstart")
    assert (start.hour, start.minute) == (14, 0)
    assert start.utcoffset() == dt.timedelta(hours=offset)
    assert start.astimezone(dt.UTC).hour == 14 - offset


@pytest.mark.parametrize("error", [ImportError("no weasyprint"), OSError("no pango")])
def test_without_a_pdf_engine_the_email_goes_without_the_pdf(event, monkeypatch, error):
    def broken(request, registration):
        raise error

    monkeypatch.setattr(notifications, "convocation_pdf", broken)
    registration = register(event, preferred_channel=PreferredChannel.EMAIL)

    notifications.send_convocation(registration)

    (message,) = mail.outbox
    assert [name for name, _, _ in message.attachments] == ["cafe-metiers.ics"]
    assert "La convocation est jointe" not in message.body


def test_the_wording_is_neutral_and_dated_in_french_words(db):
    event = EventFactory(date=timezone.localdate() + dt.timedelta(days=2))
    registration = register(
        event,
        preferred_channel=PreferredChannel.BOTH,
        birth_date=minor_birth_date(),
        legal_rep_name="Samira Tessier",
        legal_rep_phone=REP_PHONE,
        legal_rep_email=REP_EMAIL,
    )
    notifications.send_convocation(registration)
    notifications.send_due_reminders()

    texts = everything_sent()
    assert len(texts) == 2 * 2 + 2 * 2 * 3  # 4 SMS; 4 e-mails with subject, body and .ics
    date_label = documents.long_date(event.date)
    for text in texts:
        for word in FORBIDDEN_WORDS:
            assert word not in text.lower(), f"« {word} » in {text!r}"
    for entry in sms.outbox:
        assert sms.segments(entry["text"]) <= notifications.SMS_MAX_SEGMENTS
        assert all(sms.septets(char) for char in entry["text"]), "sent as 7-bit GSM"
        assert "Café-métiers de la préfecture" in entry["text"]
        assert date_label in entry["text"] and "14 h 00" in entry["text"]
    for message in mail.outbox:
        assert "Café-métiers de la préfecture" in message.subject
        assert date_label in message.subject and date_label in message.body
        assert "&#x27;" not in message.body, "plain text, not HTML-escaped"


def test_a_long_address_still_fits_in_an_sms(event):
    event.venue = "Salle des fêtes " * 12
    event.address = "avenue très longue " * 12
    event.save()
    registration = register(event, preferred_channel=PreferredChannel.SMS)

    notifications.send_convocation(registration)

    (entry,) = sms.outbox
    assert sms.segments(entry["text"]) == notifications.SMS_MAX_SEGMENTS
    # Cut before the personal link, which ends it whole (#19).
    link = f"/c/{registration.personal_token}/"
    assert entry["text"].endswith(link) and "... Détails et code QR : " in entry["text"]
    assert documents.long_date(event.date) in entry["text"]


# Once, and only once -------------------------------------------------------------------------


def test_the_convocation_is_sent_once(event):
    registration = register(event, preferred_channel=PreferredChannel.BOTH)

    first = notifications.send_convocation(registration)
    second = notifications.send_convocation(registration)

    assert len(first) == 2 and second == []
    assert SentMessage.objects.filter(registration=registration).count() == 2
    assert len(sms.outbox) == 1 and len(mail.outbox) == 1


def test_a_failed_sms_waits_for_its_next_attempt_while_the_email_goes(event, settings):
    registration = register(event, preferred_channel=PreferredChannel.BOTH)
    settings.SMS_BACKEND = "tests.events.test_notifications.FailingBackend"

    notifications.send_convocation(registration)

    by_channel = {m.channel: m for m in SentMessage.objects.filter(registration=registration)}
    assert by_channel[Channel.EMAIL].status == "sent"
    assert (by_channel[Channel.SMS].status, by_channel[Channel.SMS].attempts) == ("retry", 1)
    assert len(mail.outbox) == 1 and sms.outbox == []

    settings.SMS_BACKEND = "pacte.sms.LocmemBackend"
    SentMessage.objects.filter(pk=by_channel[Channel.SMS].pk).update(next_attempt_at=None)
    outbox.dispatch_due()

    assert SentMessage.objects.get(pk=by_channel[Channel.SMS].pk).status == "sent"
    assert len(mail.outbox) == 1 and len(sms.outbox) == 1


def reminder_scene():
    """Two days from now: who is reminded, and who is not."""
    soon = EventFactory(date=timezone.localdate() + dt.timedelta(days=2))
    reminded = [
        register(soon, Status.INVITED, last_name="Invité", phone="+33611111111"),
        register(soon, Status.CONFIRMED, last_name="Confirmé", phone="+33622222222"),
    ]
    not_reminded = [
        register(soon, Status.CONFIRMED, last_name="Suspendu"),
        register(soon, Status.WAITING, last_name="Attente"),
        register(soon, Status.CANCELLED, last_name="Annulé"),
        register(EventFactory(date=soon.date + dt.timedelta(days=1)), last_name="Plus tard"),
        register(EventFactory(date=soon.date - dt.timedelta(days=1)), last_name="Demain"),
        register(
            EventFactory(date=soon.date, status=EventStatus.DRAFT, created_by=soon.created_by),
            last_name="Brouillon",
        ),
    ]
    paused = not_reminded[0]
    paused.reminders_paused = True
    paused.save()
    return reminded, not_reminded


@pytest.mark.django_db
def test_reminders_go_two_days_before_to_those_expected_once():
    reminded, not_reminded = reminder_scene()

    assert notifications.send_due_reminders() == 2
    assert notifications.send_due_reminders() == 0, "running twice sends nothing twice"

    assert sorted(entry["to"] for entry in sms.outbox) == ["+33611111111", "+33622222222"]
    for registration in reminded:
        assert sent_rows(registration, MessageKind.REMINDER) == {
            (Channel.SMS, registration.participant.phone)
        }
    assert not SentMessage.objects.filter(registration__in=not_reminded).exists()
    assert all(entry["text"].startswith("Rappel Café-métiers") for entry in sms.outbox)


@pytest.mark.django_db
def test_a_reminder_is_sent_even_after_the_convocation():
    reminded, _ = reminder_scene()
    notifications.send_convocation(reminded[0])

    assert notifications.send_due_reminders() == 2
    kinds = SentMessage.objects.filter(registration=reminded[0]).values_list("kind", flat=True)
    assert sorted(kinds) == [MessageKind.CONVOCATION, MessageKind.REMINDER]


@pytest.mark.django_db
def test_reminders_of_a_given_day():
    reminded, _ = reminder_scene()
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    assert notifications.send_due_reminders(today=yesterday) == 1  # the event of tomorrow
    assert [entry["to"] for entry in sms.outbox] == [PHONE]


@pytest.mark.django_db
def test_the_command_says_how_many_reminders_went():
    reminder_scene()
    out = io.StringIO()

    call_command("send_reminders", stdout=out)
    call_command("send_reminders", stdout=out)

    assert out.getvalue().splitlines() == ["2 rappels envoyés.", "Aucun rappel envoyé."]


# SMS backends ------------------------------------------------------------------------------


def test_file_backend_appends_json_lines(settings, tmp_path):
    settings.SMS_BACKEND = "pacte.sms.FileBackend"
    settings.SMS_FILE_PATH = tmp_path / "var" / "sms.log"

    sms.send_sms(PHONE, "Premier message")
    sms.send_sms(PHONE, "Deuxième message")

    lines = settings.SMS_FILE_PATH.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["text"] for line in lines] == ["Premier message", "Deuxième message"]
    assert json.loads(lines[0])["to"] == PHONE


def test_console_backend_prints(settings, capsys):
    settings.SMS_BACKEND = "pacte.sms.ConsoleBackend"

    sms.send_sms(PHONE, "Bonjour")

    assert PHONE in capsys.readouterr().out


# A new date, new hours or a new place --------------------------------------------------------


def reschedule(event, **fields):
    for name, value in fields.items():
        setattr(event, name, value)
    event.schedule_version += 1
    event.save()


def test_a_change_notice_goes_once_per_new_schedule_in_neutral_words(event):
    registration = register(event, preferred_channel=PreferredChannel.BOTH)
    notifications.send_convocation(registration)
    sms.outbox.clear()
    mail.outbox.clear()

    reschedule(event, date=event.date + dt.timedelta(days=7), venue="Mairie du 15e")
    assert len(notifications.send_change_notice(registration)) == 2
    assert notifications.send_change_notice(registration) == []
    (text,) = [entry["text"] for entry in sms.outbox]
    assert documents.long_date(event.date) in text and "Mairie du 15e" in text
    (message,) = mail.outbox
    assert message.subject.startswith("Changement : Café-métiers de la préfecture")
    for text in everything_sent():
        for word in FORBIDDEN_WORDS:
            assert word not in text.lower(), f"« {word} » in {text!r}"

    reschedule(event, starts_at=dt.time(15))
    assert len(notifications.send_change_notice(registration)) == 2


def test_the_updated_calendar_entry_replaces_the_first(event):
    registration = register(event, preferred_channel=PreferredChannel.EMAIL)
    notifications.send_convocation(registration)
    reschedule(event, starts_at=dt.time(15))
    notifications.send_change_notice(registration)

    first, changed = (ics_of(message).walk("VEVENT")[0] for message in mail.outbox)
    assert first["uid"] == changed["uid"]
    assert int(changed["sequence"]) > int(first.get("sequence", 0))
    assert changed.decoded("dtstart").hour == 15


def test_after_a_new_date_the_reminder_goes_again_but_the_convocation_does_not(db):
    event = EventFactory(date=timezone.localdate() + dt.timedelta(days=2))
    registration = register(event, preferred_channel=PreferredChannel.SMS)
    notifications.send_convocation(registration)
    assert notifications.send_due_reminders() == 1

    reschedule(event, starts_at=dt.time(16), ends_at=dt.time(19))
    assert notifications.send_convocation(registration) == []
    assert notifications.send_due_reminders() == 1
    assert notifications.send_due_reminders() == 0


def test_no_change_notice_for_a_cancelled_registration_or_a_draft_event(event):
    cancelled = register(event, status=Status.CANCELLED)
    reschedule(event, venue="Autre lieu")
    assert notifications.send_change_notice(cancelled) == []
    event.status = EventStatus.DRAFT
    event.save()
    assert notifications.send_change_notice(register(event, first_name="Inès")) == []
