"""Capacity holds when many people act at the same moment (PostgreSQL, real threads)."""

import datetime as dt
import functools
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from events import services
from events.job_dating import services as job_dating
from events.models import Event, Interview, RecruiterTable, Registration, RegistrationStatus
from pacte.exceptions import DomainError
from pacte.factories import StructureFactory, TerritoryFactory, UserFactory
from pacte.roles import Role
from participants.factories import ParticipantFactory, ProgrammeYearFactory
from partners.models import Partner
from tests.partners.factories import fictitious_siret

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT … FOR UPDATE) are tested on PostgreSQL",
    ),
]

THREADS = 12
CAPACITY = 5


@pytest.fixture
def setting():
    paris = TerritoryFactory(paris=True)
    coordinator = UserFactory(
        role=Role.COORDINATOR, structure=StructureFactory(territory=paris, prefecture=True)
    )
    event = Event.objects.create(
        territory=paris,
        date=timezone.localdate() + dt.timedelta(days=7),
        starts_at=dt.time(14),
        ends_at=dt.time(18),
        venue="Préfecture",
        address="Paris",
        capacity=THREADS,
        status="open",
        created_by=coordinator,
    )
    year = ProgrammeYearFactory(territory=paris)
    participants = [ParticipantFactory(programme_year=year) for _ in range(THREADS)]
    return coordinator, event, participants


def run_together(action, items):
    """Start every action at the same instant, each in its own thread and connection.
    What each returned or raised is an outcome: a refusal (DomainError) is an answer,
    anything else (a deadlock, a broken constraint) a failure the test can see."""
    barrier = threading.Barrier(len(items))
    outcomes = []
    lock = threading.Lock()

    def worker(item):
        try:
            barrier.wait(timeout=10)
            result = action(item)
        except Exception as error:
            result = error
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=worker, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_concurrent_confirmations_never_exceed_capacity(setting):
    coordinator, event, participants = setting
    registrations = [
        services.registration_invite(by=coordinator, event=event, participant=p)
        for p in participants
    ]
    # The coordination lowers the capacity after inviting everyone.
    Event.objects.filter(pk=event.pk).update(capacity=CAPACITY)

    outcomes = run_together(
        lambda r: services.registration_confirm(by=coordinator, registration=r), registrations
    )

    confirmed = Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
    assert confirmed.count() == CAPACITY
    assert sum(isinstance(o, DomainError) for o in outcomes) == THREADS - CAPACITY


def test_concurrent_invitations_fill_the_places_then_the_waiting_list(setting):
    coordinator, event, participants = setting
    Event.objects.filter(pk=event.pk).update(capacity=CAPACITY)

    run_together(
        lambda p: services.registration_invite(by=coordinator, event=event, participant=p),
        participants,
    )

    statuses = list(Registration.objects.filter(event=event).values_list("status", flat=True))
    assert statuses.count(RegistrationStatus.INVITED) == CAPACITY
    assert statuses.count(RegistrationStatus.WAITING) == THREADS - CAPACITY


def test_concurrent_check_ins_of_one_person_are_one_check_in(setting):
    coordinator, event, participants = setting
    Event.objects.filter(pk=event.pk).update(date=timezone.localdate())
    registration = services.registration_invite(
        by=coordinator, event=event, participant=participants[0]
    )

    run_together(
        lambda _: services.check_in(by=coordinator, registration=registration), range(THREADS)
    )

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PRESENT
    assert Registration.objects.filter(event=event, status="present").count() == 1


def test_proposals_and_manual_bookings_at_once_take_their_locks_in_one_order(setting):
    """Once 6 of 9 requests ended in a 500 (deadlock) with 2 × 8 threads. Every booking
    locks the event first, then the table, then the registration: they queue, none fails,
    and each sees the slots the previous one took."""
    coordinator, event, participants = setting
    registrations = [
        services.registration_invite(by=coordinator, event=event, participant=p)
        for p in participants
    ]
    tables = [
        RecruiterTable.objects.create(
            event=event,
            partner=Partner.objects.create(
                territory=event.territory,
                name=f"Entreprise {n}",
                kind="employer",
                siret=fictitious_siret(100 + n),
            ),
            starts_at=dt.time(16),
            ends_at=dt.time(17),
            slot_minutes=15,
        )
        for n in range(4)
    ]
    proposals = [
        functools.partial(job_dating.propose_schedule, by=coordinator, event=event)
        for _ in range(8)
    ]
    # Eight people, each at one table at 16:00 or 16:15: the slots the proposals want too.
    bookings = [
        functools.partial(
            job_dating.interview_book,
            by=coordinator,
            table=tables[n % 4],
            registration=registrations[n],
            starts_at=dt.time(16, 15 * (n // 4)),
        )
        for n in range(8)
    ]

    outcomes = run_together(lambda act: act(), proposals + bookings)

    assert len(outcomes) == 16
    failures = [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, DomainError)]
    assert failures == []
    proposed = sum(o for o in outcomes if type(o) is int)
    booked = sum(isinstance(o, Interview) for o in outcomes)
    interviews = Interview.objects.filter(table__event=event)
    assert interviews.count() == proposed + booked > 0
    # Nobody twice at the same time, no slot taken twice.
    assert len(set(interviews.values_list("registration_id", "starts_at"))) == interviews.count()
    assert len(set(interviews.values_list("table_id", "starts_at"))) == interviews.count()
    # The last proposal saw every booking: nothing is left to propose.
    assert job_dating.propose_schedule(by=coordinator, event=event) == 0


def test_a_freed_place_is_offered_to_one_person_only(setting):
    """The young person declines on their page while their counsellor withdraws them, at
    the same instant: one place freed, one offer (#19 item 3)."""
    from events import answers

    coordinator, event, participants = setting
    event.capacity = 1
    event.save()
    holder = Registration.objects.create(
        event=event,
        participant=participants[0],
        status=RegistrationStatus.CONFIRMED,
        invited_by=coordinator,
    )
    for minutes, participant in enumerate(participants[1:6]):
        Registration.objects.create(
            event=event,
            participant=participant,
            status=RegistrationStatus.WAITING,
            waitlisted_at=timezone.now() - dt.timedelta(minutes=60 - minutes),
            invited_by=coordinator,
        )
    frees = [
        lambda: answers.answer_not_coming(registration=holder),
        lambda: services.registration_withdraw(by=coordinator, registration=holder),
    ] * 3

    outcomes = run_together(lambda free: free(), frees)

    assert not [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, DomainError)]
    offered = Registration.objects.filter(event=event, offered_until__gt=timezone.now())
    assert offered.count() == 1
    assert offered.get().participant == participants[1]  # the first on the list


def test_two_places_freed_at_once_go_to_two_people_of_the_list(setting):
    """Two young people decline at the same instant: each freed place is offered to its
    own person of the waiting list, in order (without the event's lock both would offer
    the same first person, and the second place to nobody)."""
    from events import answers

    coordinator, event, participants = setting
    event.capacity = 2
    event.save()
    holders = [
        Registration.objects.create(
            event=event,
            participant=participant,
            status=RegistrationStatus.CONFIRMED,
            invited_by=coordinator,
        )
        for participant in participants[:2]
    ]
    for minutes, participant in enumerate(participants[2:5]):
        Registration.objects.create(
            event=event,
            participant=participant,
            status=RegistrationStatus.WAITING,
            waitlisted_at=timezone.now() - dt.timedelta(minutes=60 - minutes),
            invited_by=coordinator,
        )

    outcomes = run_together(lambda holder: answers.answer_not_coming(registration=holder), holders)

    assert not [o for o in outcomes if isinstance(o, Exception)]
    offered = Registration.objects.filter(event=event, offered_until__gt=timezone.now())
    assert set(offered.values_list("participant", flat=True)) == {
        participants[2].pk,
        participants[3].pk,
    }
