"""What people type stays within bounds (#15, items 3 and 14): a clear French error next to
the field, every error in one pass, a check in the database behind the form, and no loop
that a number can make endless."""

import datetime as dt
import signal
from contextlib import contextmanager

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from events.models import (
    MAX_REASON,
    MAX_SLOTS,
    MAX_TEXT,
    Event,
    EventPartner,
    RecruiterTable,
    Registration,
    Workshop,
)
from pacte.roles import Role
from participants.factories import ParticipantFactory
from partners.models import Partner
from tests.events.factories import EventFactory, RegistrationFactory
from tests.partners.factories import fictitious_siret

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(users):
    return users[Role.COORDINATOR]


@pytest.fixture
def event(coordinator):
    return EventFactory(territory=coordinator.structure.territory, created_by=coordinator)


@pytest.fixture
def company(paris):
    return Partner.objects.create(
        territory=paris, name="Lidl", kind="employer", siret=fictitious_siret(7)
    )


def event_data(**changes):
    return {
        "title": "Café-métiers",
        "date": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "starts_at": "14:00",
        "ends_at": "18:00",
        "venue": "Préfecture",
        "address": "5 rue Leblanc, 75015 Paris",
        "capacity": "65",
        "status": "draft",
        "description": "",
        **changes,
    }


# The event form ------------------------------------------------------------------


def test_every_bound_of_a_new_event_is_told_next_to_its_field_in_one_pass(client_for, coordinator):
    response = client_for(coordinator).post(
        reverse("events:create"),
        event_data(date="2101-01-01", capacity="0", description="x" * (MAX_TEXT + 1)),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"date", "capacity", "description"}
    assert "31 décembre 2100" in errors["date"][0]
    assert "supérieure ou égale à 1" in errors["capacity"][0]
    assert "10000 caractères" in errors["description"][0]
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("date", "2101-01-01", "31 décembre 2100"),
        ("date", "1989-12-31", "date est passée"),
        ("capacity", "1001", "inférieure ou égale à 1000"),
        ("capacity", "-3", "supérieure ou égale à 1"),
        ("capacity", "99999999999999999999", "inférieure ou égale à 1000"),
    ],
)
def test_a_number_or_a_date_out_of_bounds_is_refused(
    client_for, coordinator, field, value, expected
):
    response = client_for(coordinator).post(reverse("events:create"), event_data(**{field: value}))

    assert response.status_code == 200
    assert expected in response.context["form"].errors[field][0]
    assert not Event.objects.exists()


def test_a_new_event_is_not_in_the_past_but_may_be_today(client_for, coordinator):
    client = client_for(coordinator)
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    refused = client.post(reverse("events:create"), event_data(date=yesterday.isoformat()))
    accepted = client.post(
        reverse("events:create"), event_data(date=timezone.localdate().isoformat())
    )

    assert "date est passée" in refused.context["form"].errors["date"][0]
    assert accepted.status_code == 302
    assert Event.objects.get().date == timezone.localdate()


def test_a_past_event_keeps_its_date_when_edited_but_is_not_moved_into_the_past(
    client_for, coordinator
):
    past = EventFactory(
        territory=coordinator.structure.territory,
        created_by=coordinator,
        date=timezone.localdate() - dt.timedelta(days=40),
        status="done",
    )
    client = client_for(coordinator)
    url = reverse("events:update", args=[past.pk])
    data = event_data(date=past.date.isoformat(), status="done", title="Café-métiers de mars")

    assert client.post(url, data).status_code == 302
    past.refresh_from_db()
    assert past.title == "Café-métiers de mars"

    earlier = (past.date - dt.timedelta(days=1)).isoformat()
    refused = client.post(url, {**data, "date": earlier})
    assert "date est passée" in refused.context["form"].errors["date"][0]


# The parts of an event -----------------------------------------------------------


@pytest.mark.parametrize("minutes", ["0", "4", "121"])
def test_an_interview_length_out_of_bounds_is_refused_next_to_its_field(
    client_for, coordinator, event, company, minutes
):
    response = client_for(coordinator).post(
        reverse("events:table_create", args=[event.pk]),
        {"partner": company.pk, "starts_at": "16:00", "ends_at": "17:00", "slot_minutes": minutes},
    )

    assert response.status_code == 200
    assert "slot_minutes" in response.context["form"].errors
    assert not RecruiterTable.objects.exists()


def test_a_table_holds_at_least_one_interview(client_for, coordinator, event, company):
    response = client_for(coordinator).post(
        reverse("events:table_create", args=[event.pk]),
        {"partner": company.pk, "starts_at": "16:00", "ends_at": "16:10", "slot_minutes": "15"},
    )

    assert "Un entretien au moins" in response.context["form"].errors["slot_minutes"][0]


@pytest.mark.parametrize("capacity", ["0", "1001"])
def test_a_workshop_capacity_out_of_bounds_is_refused(client_for, coordinator, event, capacity):
    response = client_for(coordinator).post(
        reverse("events:workshop_create", args=[event.pk]),
        {"kind": "coaching", "starts_at": "14:00", "ends_at": "15:00", "capacity": capacity},
    )

    assert "capacity" in response.context["form"].errors
    assert not Workshop.objects.filter(event=event).exists()


@pytest.mark.parametrize("recruiters", ["0", "21"])
def test_a_number_of_recruiters_out_of_bounds_is_refused(
    client_for, coordinator, event, company, recruiters
):
    response = client_for(coordinator).post(
        reverse("events:event_partner_create", args=[event.pk]),
        {"partner": company.pk, "role": "job_dating", "recruiters": recruiters},
    )

    assert "recruiters" in response.context["form"].errors
    assert not EventPartner.objects.exists()


def test_a_reason_for_admission_beyond_capacity_is_bounded(client_for, coordinator, users):
    event = EventFactory(
        territory=coordinator.structure.territory,
        created_by=coordinator,
        date=timezone.localdate(),
        capacity=1,
    )
    RegistrationFactory(event=event, status="confirmed")
    walk_in = ParticipantFactory(programme_year=users["participant"].programme_year)

    response = client_for(coordinator).post(
        reverse("events:walk_in", args=[event.pk]),
        {
            "participant": walk_in.pk,
            "naissance": walk_in.birth_date.isoformat(),
            "reason": "x" * (MAX_REASON + 1),
        },
        follow=True,
    )

    assert not Registration.objects.filter(participant=walk_in).exists()
    assert "2000 caractères" in response.content.decode()


# The database holds the bounds too ------------------------------------------------


def _event_fields(coordinator, **changes):
    return {
        "territory": coordinator.structure.territory,
        "created_by": coordinator,
        "date": timezone.localdate(),
        "starts_at": dt.time(14),
        "ends_at": dt.time(18),
        "venue": "Préfecture",
        "address": "Paris",
        "capacity": 65,
        **changes,
    }


@pytest.mark.parametrize(
    "changes",
    [
        {"date": dt.date(1989, 12, 31)},
        {"date": dt.date(2101, 1, 1)},
        {"capacity": 0},
        {"capacity": 1001},
        {"description": "x" * (MAX_TEXT + 1)},
    ],
    ids=["date-before", "date-after", "no-place", "too-many-places", "description"],
)
def test_the_database_refuses_an_event_out_of_bounds(coordinator, changes):
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(**_event_fields(coordinator, **changes))


@pytest.mark.parametrize(
    "make",
    [
        lambda event, company: RecruiterTable.objects.create(
            event=event, partner=company, starts_at=dt.time(16), ends_at=dt.time(17), slot_minutes=0
        ),
        lambda event, company: RecruiterTable.objects.create(
            event=event, partner=company, starts_at=dt.time(17), ends_at=dt.time(16)
        ),
        lambda event, company: Workshop.objects.create(
            event=event, kind="coaching", starts_at=dt.time(14), ends_at=dt.time(15), capacity=0
        ),
        lambda event, company: Workshop.objects.create(
            event=event, kind="coaching", starts_at=dt.time(15), ends_at=dt.time(14), capacity=10
        ),
        lambda event, company: EventPartner.objects.create(
            event=event, partner=company, recruiters=0
        ),
        lambda event, company: RegistrationFactory(
            event=event, over_capacity_reason="x" * (MAX_REASON + 1)
        ),
    ],
    ids=[
        "zero-minute-interview",
        "table-ends-first",
        "workshop-without-place",
        "workshop-ends-first",
        "no-recruiter",
        "reason",
    ],
)
def test_the_database_refuses_a_part_out_of_bounds(event, company, make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make(event, company)


# Loops are counted ----------------------------------------------------------------


@contextmanager
def returns_within(seconds):
    """Fail, rather than hang and eat the memory, if the block does not return in time."""

    def interrupt(signum, frame):
        raise TimeoutError("no answer in time")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("minutes", [0, -15, None, 121])
def test_a_table_of_a_length_out_of_bounds_has_no_slot_and_returns_at_once(minutes):
    table = RecruiterTable(starts_at=dt.time(0), ends_at=dt.time(23, 59), slot_minutes=minutes)

    with returns_within(0.05):
        assert table.slots() == []


def test_a_whole_day_of_the_shortest_interviews_is_counted():
    table = RecruiterTable(starts_at=dt.time(0), ends_at=dt.time(23, 59), slot_minutes=5)

    slots = table.slots()

    assert len(slots) == 287 <= MAX_SLOTS
    assert slots[:2] == [dt.time(0), dt.time(0, 5)] and slots[-1] == dt.time(23, 50)


def test_a_search_of_many_words_is_cut_to_a_few(client_for, coordinator, event):
    event.date = timezone.localdate()
    event.save()

    response = client_for(coordinator).get(
        reverse("events:check_in", args=[event.pk]), {"q": "mot " * 5000}
    )

    assert response.status_code == 200
    assert len(response.context["query"]) <= 100


# What is not an id is not a 500 ----------------------------------------------------


def test_a_paper_sheet_posted_with_what_is_not_an_id_is_not_an_error(
    client_for, coordinator, event
):
    registration = RegistrationFactory(event=event)

    response = client_for(coordinator).post(
        reverse("events:attendance", args=[event.pk]),
        {"present": ["abc", "²", "9" * 5000, str(registration.pk)]},
    )

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == "present"


def test_a_bulk_invitation_posted_with_what_is_not_an_id_is_not_an_error(
    client_for, coordinator, event
):
    response = client_for(coordinator).post(
        reverse("events:bulk_invite", args=[event.pk]), {"participants": ["abc", "1.5"]}
    )

    assert response.status_code == 302
    assert not Registration.objects.filter(event=event).exists()
