"""A demo-like programme year (2025, Paris) whose figures are counted by hand below.

Shared by the dashboard and report tests. Every date is in 2025 (or late 2024, to be
left out), so "held" events are past whatever day the suite runs.

Young people (cohort 2025 unless said):
  p1 active, SPIP, referred 10/01, enrolled 20/01, QPV, 19 at enrolment
  p2 active, SPIP, referred 03/02, enrolled 15/02, QPV, 17
  p3 suspended, PJJ, referred 20/02, enrolled 01/03, not QPV, 23
  p4 exited 15/09, mission locale, referred 02/04, enrolled 10/04, QPV unknown, 21
  p5 exited 03/11, SPIP, referred 05/05, enrolled 12/05, QPV, 24
  p6 active, France Travail, referred 01/07, enrolled 08/07, not QPV, 20
  p7 referred (pending), SPIP, referred 01/12, planned 15/12, QPV, 22
  p8 active, SPIP, referred 28/11/2024, enrolled 10/12/2024 (cohort 2025), QPV, 20
Café-métiers: E1 12/03 (p1, p2 present, p3 absent, p8 excused), E2 18/06 (p1, p4, p6
present, p5 absent), E3 15/10 (p2 present, p6 absent); E0 20/11/2024 (p8 present).
Job-dating: E2 Lidl p1 hire, p4 not retained, p6 no-show; E2 Carrefour p1 immersion;
E3 Lidl p2 second interview, p6 pending.
Workshops: E1 led by the mission locale (partner, no commitment), E2 led by Lidl.
Outcomes: p1 CDI at Lidl 01/07; p4 short CDD at Carrefour 01/08; p5 immersion at Lidl
20/05 then long temping 15/06; p2 training 01/09; p6 business creation 01/10; p8 long
CDD 20/12/2024.
6-month checks: p8's long CDD done 22/06 maintained; p5's temping done 16/12 not
maintained; p4's 3-month check done 01/11 (not a 6-month one); p1's not done yet.
Commitments 2025: Lidl 10 interviews, 2 immersions, 3 hires, 1 workshop; Carrefour 5
interviews, 0, 2 hires, 0.
"""

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from events.models import Event, Interview, RecruiterTable, Registration, Workshop
from pacte.factories import StructureFactory
from pacte.models import StructureKind
from participants.factories import ParticipantFactory, ProgrammeYearFactory
from participants.models import Outcome, OutcomeKind, Status, StatusChange, Task, TaskKind
from partners.models import Commitment, Partner

YEAR = 2025


def day(month, number, year=YEAR):
    return dt.date(year, month, number)


def moment(month, number, year=YEAR):
    return timezone.make_aware(dt.datetime(year, month, number, 10, 0))


def build(*, territory, coordinator, counsellor, mission_locale):
    programme_year = ProgrammeYearFactory(
        territory=territory, year=YEAR, target_participants=100, target_events=3
    )
    spip = StructureFactory(territory=territory, spip=True)
    pjj = StructureFactory(territory=territory, name="PJJ Paris", kind=StructureKind.PJJ)
    france_travail = StructureFactory(
        territory=territory, name="France Travail Paris", kind=StructureKind.FRANCE_TRAVAIL
    )

    def young(status, referred_by, referred_on, enrolled_on, qpv, age):
        return ParticipantFactory(
            programme_year=programme_year,
            status=status,
            referred_by=referred_by,
            referred_on=referred_on,
            enrolled_on=enrolled_on,
            lives_in_qpv=qpv,
            birth_date=enrolled_on.replace(year=enrolled_on.year - age) - dt.timedelta(days=3),
            structure_in_charge=mission_locale,
            referent=counsellor,
        )

    p1 = young(Status.ACTIVE, spip, day(1, 10), day(1, 20), True, 19)
    p2 = young(Status.ACTIVE, spip, day(2, 3), day(2, 15), True, 17)
    p3 = young(Status.SUSPENDED, pjj, day(2, 20), day(3, 1), False, 23)
    p4 = young(Status.EXITED, mission_locale, day(4, 2), day(4, 10), None, 21)
    p5 = young(Status.EXITED, spip, day(5, 5), day(5, 12), True, 24)
    p6 = young(Status.ACTIVE, france_travail, day(7, 1), day(7, 8), False, 20)
    p7 = young(Status.REFERRED, spip, day(12, 1), day(12, 15), True, 22)
    p8 = young(Status.ACTIVE, spip, day(11, 28, 2024), day(12, 10, 2024), True, 20)
    for person, when in ((p4, moment(9, 15)), (p5, moment(11, 3))):
        StatusChange.objects.create(
            participant=person,
            from_status=Status.ACTIVE,
            to_status=Status.EXITED,
            changed_at=when,
            changed_by=counsellor,
            reason="Sortie",
        )

    def event(date, status="done"):
        return Event.objects.create(
            territory=territory,
            date=date,
            starts_at=dt.time(14),
            ends_at=dt.time(18),
            venue="Préfecture",
            address="5 rue Leblanc",
            capacity=65,
            status=status,
            created_by=coordinator,
        )

    e0, e1, e2, e3 = event(day(11, 20, 2024)), event(day(3, 12)), event(day(6, 18)), None
    e3 = event(day(10, 15), status="closed")  # past: held, even if never closed
    registrations = {}
    for ev, rows in (
        (e0, [(p8, "present")]),
        (e1, [(p1, "present"), (p2, "present"), (p3, "absent"), (p8, "excused")]),
        (e2, [(p1, "present"), (p4, "present"), (p6, "present"), (p5, "absent")]),
        (e3, [(p2, "present"), (p6, "absent")]),
    ):
        for person, status in rows:
            registrations[ev.pk, person.pk] = Registration.objects.create(
                event=ev, participant=person, status=status, invited_by=coordinator
            )

    lidl = Partner.objects.create(
        territory=territory, name="Lidl", kind="employer", siret="81234567600017"
    )
    carrefour = Partner.objects.create(
        territory=territory, name="Carrefour", kind="employer", siret="65201405100033"
    )
    local_mission = Partner.objects.create(
        territory=territory, name="Mission locale (partenaire)", kind="mission_locale"
    )
    Commitment.objects.create(
        partner=lidl,
        programme_year=programme_year,
        interviews=10,
        immersions=2,
        hires=3,
        workshops=1,
    )
    Commitment.objects.create(
        partner=carrefour, programme_year=programme_year, interviews=5, immersions=0, hires=2
    )

    def table(ev, partner):
        return RecruiterTable.objects.create(
            event=ev, partner=partner, starts_at=dt.time(15), ends_at=dt.time(17)
        )

    def interview(tab, person, at, outcome):
        Interview.objects.create(
            table=tab,
            registration=registrations[tab.event_id, person.pk],
            starts_at=at,
            ends_at=(dt.datetime.combine(dt.date.min, at) + dt.timedelta(minutes=15)).time(),
            outcome=outcome,
        )

    lidl_june, carrefour_june, lidl_october = (
        table(e2, lidl),
        table(e2, carrefour),
        table(e3, lidl),
    )
    interview(lidl_june, p1, dt.time(15), "hire")
    interview(lidl_june, p4, dt.time(15, 15), "not_retained")
    interview(lidl_june, p6, dt.time(15, 30), "no_show")
    interview(carrefour_june, p1, dt.time(15, 30), "immersion")
    interview(lidl_october, p2, dt.time(15), "second_interview")
    interview(lidl_october, p6, dt.time(15, 15), "pending")
    for ev, kind, partner in (
        (e1, "coaching", local_mission),
        (e2, "job_search", lidl),
        (e3, "actors", None),
    ):
        Workshop.objects.create(
            event=ev,
            kind=kind,
            starts_at=dt.time(14),
            ends_at=dt.time(15),
            capacity=20,
            facilitator=partner,
        )

    def outcome(person, kind, starts_on, employer=None):
        return Outcome.objects.create(
            participant=person,
            kind=kind,
            starts_on=starts_on,
            employer=employer,
            recorded_by=counsellor,
        )

    cdi = outcome(p1, OutcomeKind.CDI, day(7, 1), lidl)
    short = outcome(p4, OutcomeKind.CDD_SHORT, day(8, 1), carrefour)
    outcome(p5, OutcomeKind.IMMERSION, day(5, 20), lidl)
    temping = outcome(p5, OutcomeKind.TEMPING_LONG, day(6, 15))
    outcome(p2, OutcomeKind.TRAINING, day(9, 1))
    outcome(p6, OutcomeKind.BUSINESS, day(10, 1))
    long_cdd = outcome(p8, OutcomeKind.CDD_LONG, day(12, 20, 2024))

    def check(person, checked, months, done_at=None, maintained=None):
        Task.objects.create(
            participant=person,
            assignee=counsellor,
            kind=TaskKind.OUTCOME_CHECK,
            title=f"Vérifier à {months} mois",
            due_on=checked.starts_on + dt.timedelta(days=30 * months),
            outcome=checked,
            check_months=months,
            done_at=done_at,
            done_by=counsellor if done_at else None,
            maintained=maintained,
        )

    check(p8, long_cdd, 6, moment(6, 22), True)
    check(p5, temping, 6, moment(12, 16), False)
    check(p4, short, 3, moment(11, 1), True)
    check(p1, cdi, 6)

    return SimpleNamespace(
        programme_year=programme_year,
        people=[p1, p2, p3, p4, p5, p6, p7, p8],
        partners={"lidl": lidl, "carrefour": carrefour, "local_mission": local_mission},
        events=[e0, e1, e2, e3],
    )
