"""Demo participants of Paris: every status, with realistic follow-up histories.

Created only when missing (same name and birth date), so running again changes nothing.
"""

import datetime as dt
import random

from django.utils import timezone

from participants.eligibility import search_key
from participants.factories import (
    FollowUpFactory,
    JusticeMeasureFactory,
    ParticipantFactory,
    ProgrammeYearFactory,
)
from participants.models import (
    FollowUpKind,
    JusticeKind,
    OutcomeKind,
    Participant,
    Sector,
    Status,
)
from participants.services import outcome_record

SUMMARIES = [
    "Premier entretien : point sur la situation, le logement et les papiers d’identité.",
    "Appel pour préparer le Café-métiers ; intéressé par la grande distribution.",
    "Rendez-vous avec le SPIP pour les horaires de sortie ; tout est en ordre.",
    "Travail sur le CV et la présentation en entretien.",
    "Démarche auprès de France Travail pour l’inscription.",
    "Pas de nouvelles depuis deux semaines ; message laissé.",
]
STATUSES = (
    [Status.REFERRED] * 4 + [Status.ACTIVE] * 14 + [Status.SUSPENDED] * 2 + [Status.EXITED] * 4
)


def build_participants(*, territory, structures, accounts, count=80):
    today = timezone.localdate()
    years = _programme_years(territory, today)
    counsellors = _counsellors(structures, accounts)
    referrers = [
        structures["SPIP de Paris"],
        structures["PJJ — Direction territoriale de Paris"],
        structures["Mission locale de Paris"],
    ]
    for index in range(count):
        # One generator per person: the same person comes out whatever ran before.
        rng = random.Random(f"pacte-demo-{index}")  # noqa: S311 - demo data, reproducible
        first_name, last_name = _name(index)
        if Participant.objects.filter(
            territory=territory, search_name=search_key(first_name, last_name)
        ).exists():
            continue
        referent = counsellors[index % len(counsellors)]
        participant = _demo_file(
            rng,
            index,
            today=today,
            years=years,
            territory=territory,
            referent=referent,
            referred_by=referrers[index % len(referrers)],
        )
        _demo_follow_ups(rng, index, participant, referent=referent, today=today)
        _demo_justice_and_outcome(rng, participant, referent=referent, today=today)


def _programme_years(territory, today):
    """Files go in the year of their enrolment date: this year's and last year's are open."""
    years = {
        year: ProgrammeYearFactory(territory=territory, year=year)
        for year in (today.year - 1, today.year)
    }
    ProgrammeYearFactory(
        territory=territory,
        year=2018,
        target_participants=100,
        closed_at=dt.datetime(2019, 1, 31, 12, tzinfo=dt.UTC),
    )
    return years


def _counsellors(structures, accounts):
    return [accounts["conseiller"]] + [
        user
        for user in structures["Mission locale de Paris"].users.filter(role="counsellor")
        if user.username != "conseiller"
    ][:2]


def _demo_file(rng, index, *, today, years, territory, referent, referred_by):
    first_name, last_name = _name(index)
    enrolled_on = today - dt.timedelta(days=rng.randint(20, 300))
    birth_date = enrolled_on - dt.timedelta(days=rng.randint(17 * 365 + 5, 25 * 365))
    return ParticipantFactory(
        programme_year=years[enrolled_on.year],
        territory=territory,
        first_name=first_name,
        last_name=last_name,
        birth_date=birth_date,
        enrolled_on=enrolled_on,
        status=STATUSES[index % len(STATUSES)],
        referred_by=referred_by,
        structure_in_charge=referent.structure,
        referent=referent,
        phone=f"+3361{rng.randint(1000000, 9999999)}",
        lives_in_qpv=index % 3 != 0,
        wished_sectors=[Sector.RETAIL, Sector.LOGISTICS][: 1 + index % 2],
        legal_rep_name="Représentant légal" if (enrolled_on - birth_date).days < 18 * 365 else "",
    )


def _demo_follow_ups(rng, index, participant, *, referent, today):
    """A few contacts after enrolment, then the date of the last one on the file."""
    status, enrolled_on = participant.status, participant.enrolled_on
    last = None
    for step in range(rng.randint(0 if status == Status.REFERRED else 2, 6)):
        last = enrolled_on + dt.timedelta(days=12 * step + rng.randint(0, 8))
        if last > today:
            break
        _demo_follow_up(rng, participant, referent=referent, happened_on=last)
    if status == Status.ACTIVE and index % 4 and (last is None or last < today):
        # Most active young people were seen recently; one in four has gone quiet.
        last = today - dt.timedelta(days=rng.randint(2, 25))
        _demo_follow_up(rng, participant, referent=referent, happened_on=last)
    participant.last_follow_up_on = last if last and last <= today else None
    participant.save(update_fields=["last_follow_up_on"])


def _demo_follow_up(rng, participant, *, referent, happened_on):
    FollowUpFactory(
        participant=participant,
        author=referent,
        happened_on=happened_on,
        kind=rng.choice(list(FollowUpKind)),
        summary=rng.choice(SUMMARIES),
    )


def _demo_justice_and_outcome(rng, participant, *, referent, today):
    """A justice measure for those referred by justice, an outcome for those who left."""
    if participant.referred_by.kind in {"spip", "pjj"}:
        JusticeMeasureFactory(
            participant=participant,
            updated_by=referent,
            kind=rng.choice(list(JusticeKind)[:4]),
            ends_on=today + dt.timedelta(days=rng.randint(10, 300)),
        )
    if participant.status == Status.EXITED:
        outcome_record(
            by=referent,
            participant=participant,
            kind=rng.choice(
                [
                    OutcomeKind.CDI,
                    OutcomeKind.CDD_LONG,
                    OutcomeKind.ALTERNANCE,
                    OutcomeKind.TRAINING,
                ]
            ),
            starts_on=participant.enrolled_on + dt.timedelta(days=40),
            employer_name="Lidl",
        )


FIRST_NAMES = [
    "Yanis",
    "Inès",
    "Moussa",
    "Léa",
    "Kevin",
    "Hélène",
    "Mamadou",
    "Sarah",
    "Rayan",
    "Chloé",
    "Bilal",
    "Aïcha",
    "Lucas",
    "Fatou",
    "Théo",
    "Nour",
]
LAST_NAMES = [
    "Diallo",
    "Martin",
    "Benali",
    "Traoré",
    "Lefèvre",
    "Nguyen",
    "Haddad",
    "Moreau",
    "Camara",
    "Petit",
    "Ferreira",
    "Boucher",
    "Koné",
    "Girard",
]


def _name(index):
    return FIRST_NAMES[index % len(FIRST_NAMES)], LAST_NAMES[(index * 5) % len(LAST_NAMES)]


DEMO_DECISIONS = [
    (
        "Reprendre contact cette semaine ; proposer l’atelier de présentation de soi.",
        "Appeler le jeune et l’inscrire à l’atelier",
    ),
    ("Orientation acceptée : entrée dans le programme à confirmer avec le SPIP.", ""),
    ("Solution maintenue : féliciter le jeune, point avec l’employeur dans 3 mois.", ""),
]


def build_cell_meetings(*, territory, accounts):
    """A closed meeting two weeks ago with its decisions, and the next one in preparation."""
    from participants.cell import services as cell_services  # noqa: PLC0415 - demo only
    from participants.models import CellMeeting  # noqa: PLC0415

    if CellMeeting.objects.filter(territory=territory).exists():
        return
    pilot = accounts["pilote"]
    today = timezone.localdate()
    past = cell_services.meeting_create(
        by=pilot,
        meeting=CellMeeting(
            held_on=today - dt.timedelta(days=14),
            starts_at=dt.time(10),
            place="Préfecture de Paris, salle Lutèce",
            other_attendees="Conseillère France Travail, référente PJJ",
        ),
        attendees=[accounts["coordination"], accounts["conseiller"], accounts["conseiller2"]],
    )
    for item, (decision, task) in zip(past.items.all(), DEMO_DECISIONS, strict=False):
        cell_services.decision_record(
            by=pilot,
            item=item,
            decision=decision,
            task_title=task,
            task_due_on=today + dt.timedelta(days=3) if task else None,
        )
    cell_services.meeting_close(by=pilot, meeting=past)
    cell_services.meeting_create(
        by=pilot,
        meeting=CellMeeting(
            held_on=today + dt.timedelta(days=7),
            starts_at=dt.time(10),
            place="Préfecture de Paris, salle Lutèce",
        ),
        attendees=[accounts["coordination"], accounts["conseiller"]],
    )
