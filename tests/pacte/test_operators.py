"""The header, the PDFs and the e-mails name the user's (or the event's) own prefecture, not
always Paris; e-mails keep the configured address, with the territory's sender name."""

import datetime as dt
from email.utils import parseaddr

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events import notifications, outbox
from events.models import Event, Registration
from pacte import services
from pacte.factories import StructureFactory, UserFactory
from pacte.roles import Role
from participants.factories import ParticipantFactory, ProgrammeYearFactory

pytestmark = pytest.mark.django_db

SEINE_SAINT_DENIS = "Préfecture de la Seine-Saint-Denis"


@pytest.fixture
def seine_saint_denis(other_territory):
    other_territory.prefecture_name = SEINE_SAINT_DENIS
    other_territory.save()
    return other_territory


def test_the_header_names_the_users_own_prefecture(client_for, users, seine_saint_denis):
    theirs = client_for(users["other_coordinator"]).get(reverse("home")).content.decode()
    ours = client_for(users[Role.COORDINATOR]).get(reverse("home")).content.decode()

    assert SEINE_SAINT_DENIS in theirs and "préfecture de Paris" not in theirs
    assert "préfecture de Paris" in ours


def test_an_invitation_comes_from_the_accounts_prefecture(users, seine_saint_denis, settings):
    settings.DEFAULT_FROM_EMAIL = "Café-métiers — Préfecture <ne-pas-repondre@prefecture.example>"
    account = users["other_coordinator"]

    services.account_send_invitation(account=account, base_url="https://pacte.example")

    assert parseaddr(mail.outbox[0].from_email) == (
        f"Café-métiers — {SEINE_SAINT_DENIS}",
        "ne-pas-repondre@prefecture.example",
    )
    assert mail.outbox[0].message()["From"]  # Django encodes it


def test_a_convocation_comes_from_the_events_prefecture(
    users, seine_saint_denis, settings, monkeypatch
):
    settings.DEFAULT_FROM_EMAIL = "Café-métiers — Préfecture <ne-pas-repondre@prefecture.example>"
    settings.SITE_URL = "https://cafe-metiers.example.fr"
    monkeypatch.setattr(outbox, "deliver_after_commit", lambda ids: outbox.enqueue(list(ids)))
    coordinator = users["other_coordinator"]
    event = Event.objects.create(
        territory=seine_saint_denis,
        date=timezone.localdate() + dt.timedelta(days=10),
        starts_at=dt.time(14),
        ends_at=dt.time(18),
        venue="Bobigny",
        address="1 esplanade Jean Moulin",
        capacity=10,
        status="open",
        created_by=coordinator,
    )
    structure = StructureFactory(territory=seine_saint_denis, name="Mission locale de Bobigny")
    participant = ParticipantFactory(
        programme_year=ProgrammeYearFactory(territory=seine_saint_denis),
        structure_in_charge=structure,
        referent=UserFactory(role=Role.COUNSELLOR, structure=structure),
        preferred_channel="email",
        email="yanis@exemple.fr",
    )
    registration = Registration.objects.create(
        event=event, participant=participant, status="invited", invited_by=coordinator
    )

    notifications.send_convocation(registration)

    assert parseaddr(mail.outbox[0].from_email)[0] == f"Café-métiers — {SEINE_SAINT_DENIS}"


def test_the_password_reset_email_is_branded_like_the_invitation(users, settings):
    settings.DEFAULT_FROM_EMAIL = "Café-métiers — Préfecture <ne-pas-repondre@prefecture.example>"
    recruiter = users[Role.RECRUITER]

    Client().post(reverse("password_reset"), {"email": recruiter.email})

    (message,) = mail.outbox
    assert message.subject == "Nouveau mot de passe pour le service Café-métiers de la préfecture"
    assert recruiter.username in message.body
    assert "/mot-de-passe/nouveau/" in message.body
    assert "Pacte" not in message.subject + message.body  # recruiters receive it too
    assert parseaddr(message.from_email)[0].endswith("préfecture de Paris")
