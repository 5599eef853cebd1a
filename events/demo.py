"""Demo Café-métiers: one past (65 young people present, as in March 2018) and one upcoming."""

import datetime as dt

from django.utils import timezone

from events.job_dating.services import interview_record, propose_schedule
from events.models import (
    Event,
    EventPartner,
    Interview,
    PartnerRole,
    RecruiterTable,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopKind,
)
from participants.models import Participant

COMPANIES = [
    "Lidl",
    "Carrefour",
    "Galeries Lafayette",
    "Franprix — Groupe Géant Casino",
    "Akor-Alternance",
]
WORKSHOPS = [
    (WorkshopKind.COACHING, "Se présenter en deux minutes", dt.time(14), dt.time(15), "Salle 1"),
    (WorkshopKind.JOB_SEARCH, "Chercher un emploi", dt.time(14), dt.time(15), "Salle 2"),
    (
        WorkshopKind.EMPLOYMENT_ACTORS,
        "Les acteurs de l’emploi",
        dt.time(15),
        dt.time(16),
        "Salle 1",
    ),
    (WorkshopKind.JOB_DATING, "Job-dating", dt.time(16), dt.time(18), "Grand salon"),
]


def build_events(*, territory, partners, accounts):
    today = timezone.localdate()
    coordinator = accounts["coordination"]
    past, created_past = Event.objects.get_or_create(
        territory=territory,
        title="Café-métiers de printemps",
        defaults={
            "date": today - dt.timedelta(days=45),
            "starts_at": dt.time(14),
            "ends_at": dt.time(18),
            "venue": "Préfecture de Paris",
            "address": "5 rue Leblanc, 75015 Paris",
            "capacity": 70,
            "status": "done",
            "created_by": coordinator,
        },
    )
    upcoming, created_upcoming = Event.objects.get_or_create(
        territory=territory,
        title="Café-métiers d’hiver",
        defaults={
            "date": today + dt.timedelta(days=20),
            "starts_at": dt.time(14),
            "ends_at": dt.time(18),
            "venue": "Préfecture de Paris",
            "address": "5 rue Leblanc, 75015 Paris",
            "capacity": 65,
            "status": "open",
            "created_by": coordinator,
        },
    )
    participants = list(Participant.objects.filter(territory=territory).order_by("pk"))
    _event_of_the_day(territory, participants, accounts)
    if created_past:
        _furnish(past, partners)
        for participant in participants[:65]:
            Registration.objects.create(
                event=past,
                participant=participant,
                status=RegistrationStatus.PRESENT,
                invited_by=coordinator,
                confirmed_at=timezone.now(),
                checked_in_at=timezone.now(),
                checked_in_by=coordinator,
            )
    if created_past:
        _job_dating(past, partners, accounts)
    if created_upcoming:
        _furnish(upcoming, partners)
        upcoming.staff.add(accounts["conseiller"])
        for index, participant in enumerate(p for p in participants if p.status == "active"):
            Registration.objects.create(
                event=upcoming,
                participant=participant,
                invited_by=coordinator,
                status=RegistrationStatus.CONFIRMED
                if index % 3 == 0
                else RegistrationStatus.INVITED,
            )


def _furnish(event, partners):
    for name in COMPANIES:
        presence = EventPartner.objects.create(
            event=event, partner=partners[name], role=PartnerRole.JOB_DATING, recruiters=2
        )
        presence.offers.set(partners[name].offers.all())
    for kind, title, start, end, room in WORKSHOPS:
        Workshop.objects.create(
            event=event,
            kind=kind,
            title=title,
            starts_at=start,
            ends_at=end,
            room=room,
            capacity=70,
            facilitator=partners["France Travail Paris"],
        )


OUTCOMES_IN_TURN = [
    ("not_retained", "", "Pas encore disponible"),
    ("second_interview", "", ""),
    ("hire", "cdi", ""),
    ("not_retained", "", "Souhaite un autre secteur"),
    ("immersion", "", ""),
    ("hire", "alternance", ""),
]


def _job_dating(event, partners, accounts):
    """Tables of the five companies, the proposed schedule, and what each interview led to."""
    for name in COMPANIES:
        RecruiterTable.objects.create(
            event=event,
            partner=partners[name],
            starts_at=dt.time(16),
            ends_at=dt.time(18),
            recruiter=accounts["recruteur"] if name == "Lidl" else None,
        )
    coordinator = accounts["coordination"]
    propose_schedule(by=coordinator, event=event)
    for index, interview in enumerate(Interview.objects.filter(table__event=event).order_by("pk")):
        outcome, contract, reason = OUTCOMES_IN_TURN[index % len(OUTCOMES_IN_TURN)]
        interview_record(
            by=coordinator,
            interview=interview,
            outcome=outcome,
            contract_type=contract,
            reason=reason,
        )


def _event_of_the_day(territory, participants, accounts):
    """A Café-métiers today, whatever the day `make run` is: its check-in to try on a phone
    (the counsellor is on its team), a few already present, one on the waiting list, and
    young people of the territory who are not registered, to admit as walk-ins."""
    today = timezone.localdate()
    coordinator = accounts["coordination"]
    event, created = Event.objects.get_or_create(
        territory=territory,
        title="Café-métiers du jour",
        defaults={
            "date": today,
            "starts_at": dt.time(14),
            "ends_at": dt.time(18),
            "venue": "Mairie du 19e arrondissement",
            "address": "5-7 place Armand-Carrel, 75019 Paris",
            "capacity": 16,
            "status": "open",
            "created_by": coordinator,
        },
    )
    if event.date != today:
        Event.objects.filter(pk=event.pk).update(date=today)  # the demo's day is today
    if not created:
        return
    event.staff.add(accounts["conseiller"])
    active = [p for p in participants if p.status == "active"]
    for index, participant in enumerate(active[:17]):
        status = RegistrationStatus.CONFIRMED if index % 2 else RegistrationStatus.INVITED
        if index < 3:
            status = RegistrationStatus.PRESENT
        if index == 16:
            status = RegistrationStatus.WAITING
        Registration.objects.create(
            event=event,
            participant=participant,
            invited_by=coordinator,
            status=status,
            confirmed_at=timezone.now() if status != RegistrationStatus.INVITED else None,
            checked_in_at=timezone.now() if status == RegistrationStatus.PRESENT else None,
            checked_in_by=coordinator if status == RegistrationStatus.PRESENT else None,
            waitlisted_at=timezone.now() if status == RegistrationStatus.WAITING else None,
        )
