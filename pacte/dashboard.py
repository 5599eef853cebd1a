"""The programme's figures for one programme year of a territory (coordinators, pilot).

Each figure is one aggregate query: the page stays fast on large data.
"""

from django.db.models import Count, Q
from django.utils import timezone

from events.models import Event, Interview, InterviewOutcome, Registration, RegistrationStatus
from pacte.models import StructureKind
from participants.models import Outcome, OutcomeKind, Participant, Status, Task, TaskKind

FOLLOWED = [Status.ACTIVE, Status.SUSPENDED, Status.EXITED]


def _rate(part, whole):
    return round(100 * part / whole) if whole else None


def figures(programme_year) -> dict:
    year = programme_year.year
    territory_id = programme_year.territory_id
    cohort = Participant.objects.filter(programme_year=programme_year)
    people = cohort.aggregate(
        followed=Count("pk", filter=Q(status__in=FOLLOWED)),
        referred=Count("pk", filter=Q(status=Status.REFERRED)),
        in_qpv=Count("pk", filter=Q(status__in=FOLLOWED, lives_in_qpv=True)),
    )
    events = Event.objects.filter(territory_id=territory_id, date__year=year)
    held = (
        events.filter(date__lt=timezone.localdate()).count()
        + events.filter(date=timezone.localdate(), status="done").count()
    )
    attendance = Registration.objects.filter(event__in=events).aggregate(
        present=Count("pk", filter=Q(status=RegistrationStatus.PRESENT)),
        absent=Count("pk", filter=Q(status=RegistrationStatus.ABSENT)),
    )
    expected = attendance["present"] + attendance["absent"]
    outcomes = Outcome.objects.filter(participant__in=cohort)
    by_kind = dict(outcomes.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    checks = Task.objects.filter(
        participant__in=cohort, kind=TaskKind.OUTCOME_CHECK, check_months=6, done_at__isnull=False
    ).aggregate(
        done=Count("pk"),
        maintained=Count("pk", filter=Q(maintained=True)),
    )
    referrals = (
        cohort.filter(status__in=FOLLOWED)
        .values_list("referred_by__kind")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    return {
        "year": year,
        "target": programme_year.target_participants,
        "followed": people["followed"],
        "referred": people["referred"],
        "followed_rate": _rate(people["followed"], programme_year.target_participants),
        "events_held": held,
        "events_target": programme_year.target_events,
        "present": attendance["present"],
        "absent": attendance["absent"],
        "attendance_rate": _rate(attendance["present"], expected),
        "no_show_rate": _rate(attendance["absent"], expected),
        "interviews_held": Interview.objects.filter(
            table__event__in=events, outcome__in=InterviewOutcome.held()
        ).count(),
        "outcomes": [(OutcomeKind(kind).label, n) for kind, n in sorted(by_kind.items())],
        "durable_employment": outcomes.filter(kind__in=OutcomeKind.durable_employment())
        .values("participant")
        .distinct()
        .count(),
        "checks_done": checks["done"],
        "maintained": checks["maintained"],
        "maintained_rate": _rate(checks["maintained"], checks["done"]),
        "qpv_rate": _rate(people["in_qpv"], people["followed"]),
        "referrals": [(StructureKind(kind).label, n) for kind, n in referrals],
    }


def bars(rows, *, width=320, bar_height=22, gap=8):
    """Geometry of a horizontal bar chart drawn in SVG by the template."""
    top = max((value for _label, value in rows), default=0) or 1
    return {
        "height": len(rows) * (bar_height + gap),
        "width": width,
        "bars": [
            {
                "label": label,
                "value": value,
                "y": index * (bar_height + gap),
                "length": round(width * value / top),
                "height": bar_height,
            }
            for index, (label, value) in enumerate(rows)
        ],
    }
