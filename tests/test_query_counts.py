"""Query counts of the main pages, pinned: the same with a few rows as with many.

Each page is asked once with few rows, then again after rows are added on every
relation it shows (enough that an N+1 would add dozens of queries): the count must
not move, and must stay within the budget of issue #10 (12, counting the session,
the user, the second factor and the access log).
"""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from events.models import Event, Registration, RegistrationStatus
from pacte.roles import Role
from participants.factories import (
    FollowUpFactory,
    JusticeMeasureFactory,
    ParticipantFactory,
    PlanActionFactory,
    TaskFactory,
)
from participants.models import AgendaItem, CellMeeting
from partners.models import Partner
from tests.partners.factories import PartnerFactory

pytestmark = pytest.mark.django_db

BUDGET = 12


@pytest.fixture
def coordinator_client(client_for, users, settings):
    """The coordinator, second factor given: its query is counted like in production."""
    settings.PACTE_OTP_REQUIRED = True
    user = users[Role.COORDINATOR]
    device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    client = client_for(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    client.get(reverse("home"))  # the session's first request writes its timestamps
    return client


def count(client, url, **params):
    """Queries of one request, the cache empty: the worst case, the same every time."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def more_participants(like, n):
    return [
        ParticipantFactory(
            programme_year=like.programme_year,
            structure_in_charge=like.structure_in_charge,
            referent=like.referent,
            first_name="Hélène",
            last_name=f"Martin{index}",
            search_name=f"helene martin{index}",
            last_follow_up_on=timezone.localdate() - dt.timedelta(days=40),
        )
        for index in range(n)
    ]


def test_the_participants_list_in_all_its_forms(coordinator_client, users):
    participant = users["participant"]
    url = reverse("participants:list")
    few = count(coordinator_client, url)
    more_participants(participant, 120)
    structure = participant.structure_in_charge.pk

    counts = {
        "page 1": count(coordinator_client, url),
        "page 3": count(coordinator_client, url, page=3),
        "search": count(coordinator_client, url, q="helene mart"),
        "filters": count(
            coordinator_client, url, status="active", structure_in_charge=structure, sort="name"
        ),
        "sorted by follow-up": count(coordinator_client, url, sort="-last_follow_up"),
    }

    assert set(counts.values()) == {few}, counts
    assert few <= BUDGET


def test_the_needs_attention_list(coordinator_client, users):
    url = reverse("participants:attention")
    few = count(coordinator_client, url)
    more_participants(users["participant"], 80)

    assert count(coordinator_client, url) == count(coordinator_client, url, page=2) == few
    assert few <= BUDGET


def test_the_participant_page(coordinator_client, users):
    participant = users["participant"]
    url = reverse("participants:detail", args=[participant.pk])
    few = count(coordinator_client, url)
    FollowUpFactory.create_batch(40, participant=participant)
    JusticeMeasureFactory(participant=participant)
    # Every source of the timeline and the panels, several rows each.
    counsellor = users[Role.COUNSELLOR]
    for index in range(5):
        participant.status_changes.create(
            from_status="active", to_status="suspended", changed_by=counsellor, reason="x"
        )
        participant.referent_changes.create(
            from_referent=counsellor, to_referent=counsellor, changed_by=counsellor
        )
        PlanActionFactory(participant=participant)
        outcome = participant.outcomes.create(
            kind="training", starts_on=dt.date(2026, 1, 1 + index), recorded_by=counsellor
        )
        TaskFactory(participant=participant, done_at=timezone.now(), done_by=counsellor)
        TaskFactory(participant=participant, outcome=outcome, check_months=3)
        Registration.objects.create(
            event=Event.objects.create(
                territory=participant.territory,
                date=dt.date(2026, 2, 1 + index),
                starts_at=dt.time(14),
                ends_at=dt.time(18),
                venue="Préfecture",
                address="Paris",
                capacity=10,
                created_by=users[Role.COORDINATOR],
            ),
            participant=participant,
            status=RegistrationStatus.PRESENT,
            invited_by=users[Role.COORDINATOR],
        )
        meeting = CellMeeting.objects.create(
            territory=participant.territory, held_on=dt.date(2026, 3, 1 + index), pilot=counsellor
        )
        AgendaItem.objects.create(
            meeting=meeting,
            participant=participant,
            decision="Relancer",
            decided_at=timezone.now(),
            decided_by=counsellor,
        )

    assert count(coordinator_client, url) == few
    assert few <= BUDGET


def test_the_event_page_and_the_check_in_search(coordinator_client, users, cafe_metiers):
    event = cafe_metiers["event"]
    detail = reverse("events:detail", args=[event.pk])
    check_in = reverse("events:check_in", args=[event.pk])
    few = (count(coordinator_client, detail), count(coordinator_client, check_in, q="a"))
    for participant in more_participants(users["participant"], 40):
        Registration.objects.create(
            event=event,
            participant=participant,
            status=RegistrationStatus.CONFIRMED,
            invited_by=users[Role.COORDINATOR],
        )

    assert (count(coordinator_client, detail), count(coordinator_client, check_in, q="a")) == few
    assert count(coordinator_client, detail, inviter="helene") <= few[0] + 1
    assert max(few) <= BUDGET


def test_the_partners_list(coordinator_client, users, paris):
    url = reverse("partners:list")
    PartnerFactory(territory=paris)
    few = count(coordinator_client, url)
    PartnerFactory.create_batch(60, territory=paris)
    assert Partner.objects.count() >= 61

    assert count(coordinator_client, url) == count(coordinator_client, url, page=2) == few
    assert few <= BUDGET


def test_the_events_list_stays_fixed(coordinator_client, users, paris):
    url = reverse("events:list")
    few = count(coordinator_client, url)
    for days in range(30):
        Event.objects.create(
            territory=paris,
            date=timezone.localdate() + dt.timedelta(days=days),
            starts_at=dt.time(14),
            ends_at=dt.time(18),
            venue="Préfecture",
            address="—",
            capacity=65,
            created_by=users[Role.COORDINATOR],
        )

    assert count(coordinator_client, url) == few
