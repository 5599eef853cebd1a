"""A write is all or nothing (#15, item 11): a database cut midway keeps nothing of an
event's creation or of a bulk invitation, and sends no convocation."""

import datetime as dt
from unittest import mock

import pytest
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Registration, SentMessage
from pacte import audit
from pacte.models import AccessLog
from pacte.roles import Role
from participants.factories import ParticipantFactory
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db

real_log_write = audit.log_write


def cut_at(call_number):
    """The audit log's write fails at its n-th call, as a database cut would."""
    calls = {"n": 0}

    def log_write(**kwargs):
        calls["n"] += 1
        if calls["n"] == call_number:
            raise DatabaseError("connexion perdue")
        return real_log_write(**kwargs)

    return mock.patch("pacte.audit.log_write", side_effect=log_write)


def test_an_event_cut_midway_is_not_created_without_its_staff_or_log_entry(
    client_for, users, django_capture_on_commit_callbacks
):
    coordinator = users[Role.COORDINATOR]
    data = {
        "title": "Café-métiers",
        "date": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "starts_at": "14:00",
        "ends_at": "18:00",
        "venue": "Préfecture",
        "address": "Paris",
        "capacity": "65",
        "status": "draft",
        "staff": [users[Role.COUNSELLOR].pk],
    }
    logged = AccessLog.objects.count()

    with cut_at(1), pytest.raises(DatabaseError):
        client_for(coordinator).post(reverse("events:create"), data)

    assert not Event.objects.exists()
    assert not Event.staff.through.objects.exists()
    assert AccessLog.objects.count() == logged


def test_an_event_is_created_with_its_staff_and_its_log_entry(client_for, users):
    coordinator = users[Role.COORDINATOR]

    response = client_for(coordinator).post(
        reverse("events:create"),
        {
            "title": "Café-métiers",
            "date": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
            "starts_at": "14:00",
            "ends_at": "18:00",
            "venue": "Préfecture",
            "address": "Paris",
            "capacity": "65",
            "status": "draft",
            "staff": [users[Role.COUNSELLOR].pk],
        },
    )

    event = Event.objects.get()
    assert response["Location"] == reverse("events:detail", args=[event.pk])
    assert (event.territory_id, event.created_by) == (coordinator.territory_id, coordinator)
    assert list(event.staff.all()) == [users[Role.COUNSELLOR]]
    assert AccessLog.objects.filter(object_type="event", object_id=event.pk).exists()


def test_a_bulk_invitation_cut_midway_keeps_none_and_sends_nothing(
    client_for, users, mailoutbox, django_capture_on_commit_callbacks
):
    coordinator = users[Role.COORDINATOR]
    event = EventFactory(territory=coordinator.structure.territory, created_by=coordinator)
    base = users["participant"]
    people = [
        ParticipantFactory(
            programme_year=base.programme_year,
            structure_in_charge=base.structure_in_charge,
            referent=base.referent,
        )
        for _ in range(24)
    ]

    # Three invitations are written, the fourth's log entry fails.
    with (
        cut_at(4),
        pytest.raises(DatabaseError),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        client_for(coordinator).post(
            reverse("events:bulk_invite", args=[event.pk]),
            {"participants": [p.pk for p in people]},
        )

    assert not Registration.objects.filter(event=event).exists()
    assert callbacks == []
    assert not SentMessage.objects.exists() and mailoutbox == []


def test_a_bulk_invitation_invites_everyone_chosen_at_once(client_for, users):
    coordinator = users[Role.COORDINATOR]
    event = EventFactory(
        territory=coordinator.structure.territory, created_by=coordinator, capacity=20
    )
    base = users["participant"]
    people = [
        ParticipantFactory(
            programme_year=base.programme_year,
            structure_in_charge=base.structure_in_charge,
            referent=base.referent,
        )
        for _ in range(24)
    ]

    client_for(coordinator).post(
        reverse("events:bulk_invite", args=[event.pk]), {"participants": [p.pk for p in people]}
    )

    statuses = list(Registration.objects.filter(event=event).values_list("status", flat=True))
    assert (statuses.count("invited"), statuses.count("waiting")) == (20, 4)
