"""The participant page lists every message sent to the young person or their legal
representative, newest first, in plain French: the Café-métiers, the kind, the channel,
who received it, when, its status and why it failed; nothing of anyone else."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import participant_page
from events.models import Event, MessageKind, MessageStatus, Registration, SentMessage
from pacte.roles import Role
from participants.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

Status = MessageStatus
REFUSED = "Numéro refusé par l’opérateur"


def cafe(users, day, title="Café-métiers"):
    return Event.objects.create(
        territory=users["participant"].territory,
        title=title,
        date=day,
        starts_at=dt.time(14),
        ends_at=dt.time(18),
        venue="Préfecture",
        address="5 rue Leblanc, Paris",
        capacity=65,
        status="open",
        created_by=users[Role.COORDINATOR],
    )


def registration(users, event, participant=None):
    return Registration.objects.create(
        event=event,
        participant=participant or users["participant"],
        status="invited",
        invited_by=users[Role.COORDINATOR],
    )


def message(registration, status, *, at, kind=MessageKind.CONVOCATION, **fields):
    fields.setdefault("channel", "sms")
    fields.setdefault("recipient", "+33612345678")
    return SentMessage.objects.create(
        registration=registration, kind=kind, status=status, created_at=at, **fields
    )


@pytest.fixture
def messages(users):
    """A convocation refused, then an e-mail reminder delivered, then an SMS to the legal
    representative; another young person's message at the same event."""
    event = cafe(users, dt.date(2026, 12, 14), title="Café-métiers des métiers de la logistique")
    own = registration(users, event)
    start = timezone.make_aware(dt.datetime(2026, 12, 1, 9, 30))
    refused = message(
        own, Status.FAILED, at=start, last_error=REFUSED, failed_at=start + dt.timedelta(minutes=1)
    )
    reminder = message(
        own,
        Status.DELIVERED,
        at=start + dt.timedelta(days=10),
        kind=MessageKind.REMINDER,
        channel="email",
        recipient="jeune@exemple.fr",
        event_version=1,
        sent_at=start + dt.timedelta(days=10),
        delivered_at=start + dt.timedelta(days=10, minutes=2),
    )
    to_legal_rep = message(
        own,
        Status.SENT,
        at=start + dt.timedelta(days=11),
        to_legal_rep=True,
        recipient="+33698765432",
        sent_at=start + dt.timedelta(days=11),
    )
    someone_else = ParticipantFactory(
        programme_year=users["participant"].programme_year,
        structure_in_charge=users["participant"].structure_in_charge,
        referent=users[Role.COUNSELLOR],
        last_name="Quelqu’un",
    )
    message(
        registration(users, event, someone_else),
        Status.FAILED,
        at=start,
        last_error="Adresse e-mail refusée",
        recipient="+33600000001",
    )
    return refused, reminder, to_legal_rep


def messages_panel(client, participant) -> str:
    response = client.get(reverse("participants:detail", args=[participant.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    found = re.search(r'<div id="panneau-messages".*?</div>\s*</div>', html, re.S)
    assert found, "no Messages panel"
    return found.group(0)


def test_the_list_is_every_message_of_the_young_person_newest_first(users, messages):
    refused, reminder, to_legal_rep = messages

    rows = participant_page.participant_messages(users["participant"])

    assert [(r.kind, r.channel, r.recipient, r.status) for r in rows] == [
        ("Convocation", "SMS", "son représentant légal", "Envoyé"),
        ("Rappel", "E-mail", "le jeune", "Remis"),
        ("Convocation", "SMS", "le jeune", "Échec"),
    ]
    assert [r.at for r in rows] == [
        to_legal_rep.sent_at,
        reminder.delivered_at,
        refused.failed_at,
    ]
    assert [r.error for r in rows] == ["", "", REFUSED]
    assert {r.event_date for r in rows} == {dt.date(2026, 12, 14)}


def test_the_page_shows_them_in_plain_french(client_for, users, messages):
    panel = messages_panel(client_for(users[Role.COUNSELLOR]), users["participant"])

    assert "3 messages envoyés au jeune ou à son représentant légal" in panel
    assert "14 décembre 2026" in panel
    assert "Café-métiers des métiers de la logistique" in panel
    assert "Rappel" in panel and "E-mail" in panel and "Remis" in panel
    assert "son représentant légal" in panel and "le jeune" in panel
    assert "1 décembre 2026, 09 h 31" in panel  # when it failed, in Paris time
    assert '<p class="fr-badge fr-badge--sm fr-badge--error">Échec</p>' in panel
    assert REFUSED in panel
    # Codes never reach the screen.
    for code in ("failed", "delivered", "reminder", "to_legal_rep", "email<"):
        assert f">{code}" not in panel
    assert panel.index("son représentant légal") < panel.index(REFUSED)  # newest first


def test_nothing_of_another_young_person(client_for, users, messages):
    panel = messages_panel(client_for(users[Role.COORDINATOR]), users["participant"])

    assert "Adresse e-mail refusée" not in panel
    assert "+33600000001" not in panel
    assert len(participant_page.participant_messages(users["participant"])) == 3


def test_a_retry_says_when(client_for, users):
    event = cafe(users, timezone.localdate() + dt.timedelta(days=5))
    at = timezone.make_aware(dt.datetime(2026, 12, 4, 16, 10))
    message(
        registration(users, event),
        Status.RETRY,
        at=timezone.now(),
        attempts=1,
        last_error="Le service SMS ne répond pas",
        next_attempt_at=at,
    )

    panel = messages_panel(client_for(users[Role.COORDINATOR]), users["participant"])

    assert "Nouvel essai prévu" in panel
    assert "Nouvel essai le 4 décembre, 16 h 10" in panel
    assert "Le service SMS ne répond pas" in panel


def test_no_message_yet_says_what_happens(client_for, users):
    panel = messages_panel(client_for(users[Role.COUNSELLOR]), users["participant"])

    assert "Aucun message n’a encore été envoyé à ce jeune" in panel


def test_the_panel_is_a_tab_of_the_page(client_for, users):
    response = client_for(users[Role.PILOT]).get(
        reverse("participants:detail", args=[users["participant"].pk])
    )

    assert 'aria-controls="panneau-messages"' in response.content.decode()


def count_queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_list_costs_one_query_whatever_its_length(client_for, users):
    client = client_for(users[Role.COORDINATOR])
    url = reverse("participants:detail", args=[users["participant"].pk])
    first = registration(users, cafe(users, dt.date(2026, 12, 1)))
    message(first, Status.SENT, at=timezone.now())
    few = count_queries(client, url)
    for index in range(10):
        own = registration(users, cafe(users, dt.date(2026, 12, 2 + index)))
        message(own, Status.FAILED, at=timezone.now(), last_error=REFUSED)
        message(own, Status.SENT, at=timezone.now(), channel="email", recipient="j@exemple.fr")

    assert count_queries(client, url) == few
