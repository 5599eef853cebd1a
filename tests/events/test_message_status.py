"""The event page says, per registration, what went and what did not: a badge per channel
with its words, the failures marked on the row with their reason, « Renvoyer la
convocation » where it failed, and the calendar entry to download."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import selectors, services
from events.models import MessageKind, MessageStatus, Registration, SentMessage
from pacte import sms
from pacte.exceptions import DomainError
from pacte.models import AccessLog
from pacte.roles import Role
from participants.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

Status = MessageStatus
REFUSED = "Numéro refusé par l’opérateur"


@pytest.fixture(autouse=True)
def sms_in_memory(settings):
    settings.SMS_BACKEND = "pacte.sms.LocmemBackend"
    settings.SITE_URL = "https://cafe-metiers.example.fr"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def users(users, cafe_metiers):
    """conftest's accounts with its Café-métiers and registrations."""
    return {**users, **cafe_metiers}


@pytest.fixture
def event(cafe_metiers):
    """Today's Café-métiers of conftest, a few days ahead so that the messages may leave."""
    event = cafe_metiers["event"]
    event.date = timezone.localdate() + dt.timedelta(days=3)
    event.save()
    return event


def message(registration, status, *, channel="sms", kind=MessageKind.CONVOCATION, **fields):
    recipient = {
        "sms": registration.participant.phone,
        "email": registration.participant.email or "jeune@exemple.fr",
    }[channel]
    return SentMessage.objects.create(
        registration=registration,
        kind=kind,
        channel=channel,
        recipient=fields.pop("recipient", recipient),
        status=status,
        **fields,
    )


def registration_of(event, users, **participant):
    return Registration.objects.create(
        event=event,
        participant=ParticipantFactory(
            programme_year=users["participant"].programme_year,
            structure_in_charge=users[Role.COUNSELLOR].structure,
            referent=users[Role.COUNSELLOR],
            **participant,
        ),
        status="invited",
        invited_by=users[Role.COORDINATOR],
    )


def row(page, registration) -> str:
    """The HTML of the registration's row on the event page."""
    html = page.content.decode()
    found = re.search(rf'<tr id="inscription-{registration.pk}">(.*?)</tr>', html, re.S)
    assert found, f"no row for registration {registration.pk}"
    return found.group(1)


def event_page(client, event):
    response = client.get(reverse("events:detail", args=[event.pk]))
    assert response.status_code == 200
    return response


@pytest.fixture
def went_and_failed(users, event):
    """One registration whose SMS went and e-mail arrived, one whose SMS was refused."""
    went = users["registration"]
    message(went, Status.SENT, sent_at=timezone.now())
    message(went, Status.DELIVERED, channel="email", delivered_at=timezone.now())
    failed = registration_of(event, users, last_name="Benali", first_name="Inès")
    message(failed, Status.FAILED, last_error=REFUSED, failed_at=timezone.now())
    return went, failed


# The event page --------------------------------------------------------------------------


def test_each_registration_shows_what_went_on_each_channel(
    client_for, users, event, went_and_failed
):
    went, failed = went_and_failed

    page = event_page(client_for(users[Role.COORDINATOR]), event)

    shown = row(page, went)
    assert "Convocation" in shown
    assert "SMS envoyé" in shown
    assert "E-mail remis" in shown
    assert "fr-badge--success" in shown
    assert "Message non remis" not in shown
    assert "Renvoyer la convocation" not in shown


def test_a_failed_convocation_is_marked_on_its_row_with_its_reason(
    client_for, users, event, went_and_failed
):
    _went, failed = went_and_failed

    shown = row(event_page(client_for(users[Role.COORDINATOR]), event), failed)

    # In words, not by colour alone: the row's mark, the channel's badge, the reason.
    assert '<p class="fr-badge fr-badge--sm fr-badge--error">Message non remis</p>' in shown
    assert '<p class="fr-badge fr-badge--sm fr-badge--error">SMS en échec</p>' in shown
    assert REFUSED in shown
    assert "Renvoyer la convocation" in shown


def test_a_message_nobody_knows_went_is_marked_too(client_for, users, event):
    registration = users["registration"]
    message(registration, Status.UNKNOWN, last_error="Envoi interrompu : vérifiez.")

    shown = row(event_page(client_for(users[Role.COORDINATOR]), event), registration)

    assert '<p class="fr-badge fr-badge--sm fr-badge--error">Envoi à vérifier</p>' in shown
    assert "SMS : état inconnu" in shown
    assert "Envoi interrompu : vérifiez." in shown
    assert "Renvoyer la convocation" in shown


def test_a_retry_says_when_and_why(client_for, users, event):
    registration = users["registration"]
    at = timezone.now() + dt.timedelta(hours=20)
    message(
        registration,
        Status.RETRY,
        attempts=2,
        last_error="Le service SMS ne répond pas",
        next_attempt_at=at,
    )

    shown = row(event_page(client_for(users[Role.COORDINATOR]), event), registration)

    when = selectors.retry_moment(at, timezone.localdate())
    assert f"SMS : nouvel essai {when}" in shown
    assert "Le service SMS ne répond pas" in shown
    assert "Message non remis" not in shown  # not yet: it is tried again
    assert "Renvoyer la convocation" not in shown


def test_the_moment_of_a_retry_reads_as_people_write_it():
    today = dt.date(2026, 12, 3)
    at_today = timezone.make_aware(dt.datetime(2026, 12, 3, 14, 10))
    tomorrow = timezone.make_aware(dt.datetime(2026, 12, 4, 9, 5))

    assert selectors.retry_moment(at_today, today) == "à 14 h 10"
    assert selectors.retry_moment(tomorrow, today) == "le 4 décembre à 09 h 05"


def test_reminders_and_the_legal_representative_have_their_own_lines(client_for, users, event):
    registration = users["registration"]
    message(registration, Status.SENT)
    message(registration, Status.PENDING, kind=MessageKind.REMINDER, event_version=1)
    message(registration, Status.SENT, to_legal_rep=True, recipient="+33698765432")

    shown = row(event_page(client_for(users[Role.COORDINATOR]), event), registration)

    assert "Convocation au représentant légal" in shown
    assert "Rappel" in shown
    assert "SMS en attente d’envoi" in shown
    assert shown.index("Convocation") < shown.index("Rappel")


def test_the_convocation_at_a_corrected_number_replaces_the_one_refused(client_for, users, event):
    registration = users["registration"]
    message(registration, Status.FAILED, last_error=REFUSED, recipient="+33600000000")
    message(registration, Status.SENT)  # the number written in the file since

    shown = row(event_page(client_for(users[Role.COORDINATOR]), event), registration)

    assert "SMS envoyé" in shown
    assert "Message non remis" not in shown


def test_no_message_yet_says_so(client_for, users, event):
    shown = row(event_page(client_for(users[Role.COORDINATOR]), event), users["registration"])

    assert "Aucun message envoyé" in shown


def count_queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_messages_cost_one_query_whatever_their_number(client_for, users, event):
    client = client_for(users[Role.COORDINATOR])
    url = reverse("events:detail", args=[event.pk])
    message(users["registration"], Status.SENT)
    few = count_queries(client, url)
    for index in range(30):
        registration = registration_of(event, users, last_name=f"Martin{index}")
        message(registration, Status.FAILED, last_error=REFUSED)
        message(registration, Status.SENT, channel="email")
        message(registration, Status.PENDING, kind=MessageKind.REMINDER, event_version=1)

    assert count_queries(client, url) == few


# Sending the convocation again ---------------------------------------------------------


def resend(client, registration):
    return client.post(reverse("events:convocation_resend", args=[registration.pk]))


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.COUNSELLOR])
def test_a_failed_convocation_is_sent_again(
    client_for, users, event, sms_in_memory, role, django_capture_on_commit_callbacks
):
    registration = users["registration"]
    failed = message(registration, Status.FAILED, attempts=1, last_error=REFUSED)

    with django_capture_on_commit_callbacks(execute=True):
        response = resend(client_for(users[role]), registration)

    assert response.status_code == 302
    assert response["Location"] == reverse("events:detail", args=[event.pk])
    failed.refresh_from_db()
    assert failed.status == Status.SENT
    assert [m["to"] for m in sms_in_memory] == [registration.participant.phone]
    assert AccessLog.objects.filter(
        object_type="registration", object_id=registration.pk, action="update"
    ).exists()


def test_an_unknown_convocation_is_sent_again(users, event, django_capture_on_commit_callbacks):
    registration = users["registration"]
    unknown = message(registration, Status.UNKNOWN, attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        queued = services.convocation_resend(by=users[Role.COORDINATOR], registration=registration)

    unknown.refresh_from_db()
    assert (queued, unknown.status) == (1, Status.SENT)


def test_the_page_says_it_left(client_for, users, event, django_capture_on_commit_callbacks):
    registration = users["registration"]
    message(registration, Status.FAILED, last_error=REFUSED)
    client = client_for(users[Role.COORDINATOR])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("events:convocation_resend", args=[registration.pk]), follow=True
        )

    text = response.content.decode()
    assert "La convocation de" in text and "repart (1 message)" in text
    # The page comes back before the job ran: the message waits for its new attempt.
    shown = row(response, registration)
    assert "SMS : nouvel essai prévu" in shown
    assert "Message non remis" not in shown
    assert "Renvoyer la convocation" not in shown


def test_a_corrected_number_gets_the_convocation_not_the_refused_one(
    users, event, sms_in_memory, django_capture_on_commit_callbacks
):
    registration = users["registration"]
    refused = message(registration, Status.FAILED, last_error=REFUSED, recipient="+33600000000")
    participant = registration.participant
    participant.phone = "+33611223344"
    participant.save()

    with django_capture_on_commit_callbacks(execute=True):
        services.convocation_resend(by=users[Role.COORDINATOR], registration=registration)

    refused.refresh_from_db()
    assert refused.status == Status.FAILED  # the refused number is not tried again
    assert [m["to"] for m in sms_in_memory] == ["+33611223344"]
    assert registration.messages.get(recipient="+33611223344").status == Status.SENT


def test_a_sent_convocation_is_not_sent_again(client_for, users, event, sms_in_memory):
    registration = users["registration"]
    sent = message(registration, Status.SENT)

    response = resend(client_for(users[Role.COORDINATOR]), registration)

    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == Status.SENT
    assert sms_in_memory == []
    with pytest.raises(DomainError, match="n’est pas en échec"):
        services.convocation_resend(by=users[Role.COORDINATOR], registration=registration)


def test_the_refusal_is_said_on_the_page(client_for, users, event):
    registration = users["registration"]
    message(registration, Status.DELIVERED)

    response = client_for(users[Role.COORDINATOR]).post(
        reverse("events:convocation_resend", args=[registration.pk]), follow=True
    )

    assert "n’est pas en échec : il n’y a rien à renvoyer" in response.content.decode()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"status": "cancelled"}, "n’est plus en cours"),
        ({"status": "present"}, "n’est plus en cours"),
    ],
)
def test_a_registration_no_longer_standing_is_not_convoked_again(users, event, change, words):
    registration = users["registration"]
    message(registration, Status.FAILED, last_error=REFUSED)
    Registration.objects.filter(pk=registration.pk).update(**change)

    with pytest.raises(DomainError, match=words):
        services.convocation_resend(by=users[Role.COORDINATOR], registration=registration)


def test_no_button_where_it_would_be_refused(client_for, users, event):
    registration = users["registration"]
    message(registration, Status.FAILED, last_error=REFUSED)
    Registration.objects.filter(pk=registration.pk).update(status="excused")

    shown = row(event_page(client_for(users[Role.COORDINATOR]), event), registration)

    assert "Message non remis" in shown  # what happened stays said
    assert "Renvoyer la convocation" not in shown


def test_a_past_event_is_not_convoked_again(users, event):
    registration = users["registration"]
    message(registration, Status.FAILED, last_error=REFUSED)
    event.date = timezone.localdate() - dt.timedelta(days=1)
    event.save()

    with pytest.raises(DomainError, match="est passé"):
        services.convocation_resend(by=users[Role.COORDINATOR], registration=registration)


def test_a_number_since_removed_asks_to_complete_the_file(users, event):
    registration = users["registration"]
    message(registration, Status.FAILED, last_error=REFUSED)
    registration.participant.phone = ""
    registration.participant.save()

    with pytest.raises(DomainError, match="complétez-le"):
        services.convocation_resend(by=users[Role.COORDINATOR], registration=registration)
    assert registration.messages.get().status == Status.FAILED


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (Role.PILOT, 403),
        (Role.RECRUITER, 404),
        ("other_coordinator", 404),
        (Role.ADMINISTRATOR, 404),
    ],
)
def test_who_may_not_send_it_again(client_for, users, event, sms_in_memory, who, status):
    registration = users["registration"]
    failed = message(registration, Status.FAILED, last_error=REFUSED)

    response = resend(client_for(users[who]), registration)

    assert response.status_code == status
    failed.refresh_from_db()
    assert failed.status == Status.FAILED
    assert sms_in_memory == []


def test_a_counsellor_of_another_structure_may_not(client_for, users, event, sms_in_memory):
    """They see the young person they referred, but do not register them."""
    from pacte.factories import StructureFactory, UserFactory

    spip = StructureFactory(territory=event.territory, name="SPIP de Paris", kind="spip")
    registration = users["registration"]
    registration.participant.referred_by = spip
    registration.participant.save()
    colleague = UserFactory(role=Role.COUNSELLOR, structure=spip)
    message(registration, Status.FAILED, last_error=REFUSED)

    page = event_page(client_for(colleague), event)
    response = resend(client_for(colleague), registration)

    assert "Renvoyer la convocation" not in row(page, registration)
    assert response.status_code == 403
    assert sms_in_memory == []
    with pytest.raises(DomainError):
        services.convocation_resend(by=colleague, registration=registration)


def test_the_resend_answers_post_only(client_for, users, event):
    response = client_for(users[Role.COORDINATOR]).get(
        reverse("events:convocation_resend", args=[users["registration"].pk])
    )

    assert response.status_code == 405


# The calendar entry ----------------------------------------------------------------------


def test_the_calendar_entry_downloads(client_for, users, event):
    registration = users["registration"]

    response = client_for(users[Role.COUNSELLOR]).get(
        reverse("events:calendar", args=[registration.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == (
        f'attachment; filename="cafe-metiers-{event.date:%Y-%m-%d}.ics"'
    )
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR")
    assert f"DTSTART;TZID=Europe/Paris:{event.date:%Y%m%d}T140000" in body
    assert "SUMMARY:Café-métiers — Préfecture" in body
    assert f"cafe-metiers-inscription-{registration.pk}@" in body
    assert "Pacte" not in body


def test_the_calendar_download_is_logged_as_an_export(client_for, users, event):
    registration = users["registration"]
    client = client_for(users[Role.COORDINATOR])

    client.get(reverse("events:calendar", args=[registration.pk]))

    entry = AccessLog.objects.get(object_type="registration", object_id=registration.pk)
    assert entry.action == "export"
    assert entry.participant_id == registration.participant_id
    assert entry.user == users[Role.COORDINATOR]


def test_the_event_page_links_the_calendar_entry(client_for, users, event):
    registration = users["registration"]

    shown = row(event_page(client_for(users[Role.COORDINATOR]), event), registration)

    assert reverse("events:calendar", args=[registration.pk]) in shown
    assert "Calendrier (.ics)" in shown


def test_the_calendar_of_a_registration_out_of_scope_is_a_404(client_for, users, event):
    response = client_for(users["other_coordinator"]).get(
        reverse("events:calendar", args=[users["registration"].pk])
    )

    assert response.status_code == 404
    assert not AccessLog.objects.filter(action="export").exists()
