"""The programme's figures: one computation shared by the dashboard and the period reports.

- `activity_figures(territory_id, start, end)`: what happened between two dates (both
  included) in a territory: people referred, enrolled and exited, Café-métiers held and
  their attendance, job-dating interviews, outcomes, 6-month checks.
- `partner_figures(territory_id, year, start, end)`: each partner's commitments for the
  programme year against what it delivered between the dates (counted, never typed).
- `cohort_figures(programme_year)`: the programme year's young people against its target.
- `figures(programme_year)`: the dashboard, i.e. the three above over the calendar year.

Each figure is one aggregate query: the pages stay fast on large data (no query per row).
"""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from events.models import Event, EventStatus, Interview, InterviewOutcome, Registration
from events.models import RegistrationStatus as Attendance
from pacte.models import StructureKind
from participants.models import (
    Outcome,
    OutcomeKind,
    Participant,
    Status,
    StatusChange,
    Task,
    TaskKind,
)
from partners.models import Commitment, Partner
from partners.selectors import DELIVERY_LINES, deliveries

FOLLOWED = [Status.ACTIVE, Status.SUSPENDED, Status.EXITED]
CHECK_MONTHS = 6


def rate(part, whole):
    """A whole percentage, or None when there is nothing to divide by."""
    return round(100 * part / whole) if whole else None


def year_range(year):
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def held_events(territory_id, start, end, *, today=None):
    """Café-métiers of the dates that took place: past ones, and today's once closed."""
    today = today or timezone.localdate()
    return Event.objects.filter(territory_id=territory_id, date__range=(start, end)).filter(
        Q(date__lt=today) | Q(date=today, status=EventStatus.DONE)
    )


def activity_figures(territory_id, start, end, *, today=None) -> dict:
    participants = Participant.objects.filter(territory_id=territory_id)
    enrolled = Q(enrolled_on__range=(start, end)) & ~Q(status=Status.REFERRED)
    people = participants.aggregate(
        referred=Count("pk", filter=Q(referred_on__range=(start, end))),
        enrolled=Count("pk", filter=enrolled),
        enrolled_in_qpv=Count("pk", filter=enrolled & Q(lives_in_qpv=True)),
    )
    exited = (
        StatusChange.objects.filter(
            participant__territory_id=territory_id,
            to_status=Status.EXITED,
            changed_at__date__range=(start, end),
        )
        .values("participant")
        .distinct()
        .count()
    )
    events = held_events(territory_id, start, end, today=today)
    attendance = Registration.objects.filter(event__in=events).aggregate(
        present=Count("pk", filter=Q(status=Attendance.PRESENT)),
        absent=Count("pk", filter=Q(status=Attendance.ABSENT)),
        excused=Count("pk", filter=Q(status=Attendance.EXCUSED)),
    )
    expected = attendance["present"] + attendance["absent"]
    outcomes = Outcome.objects.filter(
        participant__territory_id=territory_id, starts_on__range=(start, end)
    )
    by_kind = dict(
        outcomes.order_by().values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    checks = Task.objects.filter(
        participant__territory_id=territory_id,
        kind=TaskKind.OUTCOME_CHECK,
        check_months=CHECK_MONTHS,
        done_at__date__range=(start, end),
    ).aggregate(done=Count("pk"), maintained=Count("pk", filter=Q(maintained=True)))
    return {
        "start": start,
        "end": end,
        "referred_in_period": people["referred"],
        "enrolled_in_period": people["enrolled"],
        "enrolled_in_qpv": people["enrolled_in_qpv"],
        "enrolled_qpv_rate": rate(people["enrolled_in_qpv"], people["enrolled"]),
        "exited_in_period": exited,
        "events_held": events.count(),
        "present": attendance["present"],
        "absent": attendance["absent"],
        "excused": attendance["excused"],
        "attendance_rate": rate(attendance["present"], expected),
        "no_show_rate": rate(attendance["absent"], expected),
        "interviews_held": Interview.objects.filter(
            table__event__in=events, outcome__in=InterviewOutcome.held()
        ).count(),
        # In the order of the choices; kinds with nothing are left out.
        "outcomes": [(kind.label, by_kind[kind]) for kind in OutcomeKind if by_kind.get(kind)],
        "outcomes_total": sum(by_kind.values()),
        "durable_employment": outcomes.filter(kind__in=OutcomeKind.durable_employment())
        .values("participant")
        .distinct()
        .count(),
        "checks_done": checks["done"],
        "maintained": checks["maintained"],
        "maintained_rate": rate(checks["maintained"], checks["done"]),
    }


def partner_figures(territory_id, year, start, end) -> dict:
    """Per partner: (committed, delivered) for each line; committed is None without a
    commitment for the programme year. Partners that committed or delivered, by name."""
    commitments = {
        commitment.partner_id: commitment
        for commitment in Commitment.objects.filter(
            partner__territory_id=territory_id,
            programme_year__territory_id=territory_id,
            programme_year__year=year,
        ).select_related("partner")
    }
    done = deliveries(territory_id, start, end)
    names = {pk: c.partner.name for pk, c in commitments.items()}
    missing = set(done) - set(names)
    if missing:
        names.update(Partner.objects.filter(pk__in=missing).values_list("pk", "name"))
    nothing = dict.fromkeys((key for key, _label in DELIVERY_LINES), 0)
    rows = []
    for pk, name in sorted(names.items(), key=lambda item: (item[1].lower(), item[0])):
        commitment = commitments.get(pk)
        delivered = done.get(pk, nothing)
        rows.append(
            {
                "partner_id": pk,
                "name": name,
                "lines": [
                    (
                        key,
                        getattr(commitment, key) if commitment else None,
                        delivered[key],
                    )
                    for key, _label in DELIVERY_LINES
                ],
            }
        )
    totals = [
        (
            label,
            sum(getattr(c, key) for c in commitments.values()),
            sum(d[key] for d in done.values()),
        )
        for key, label in DELIVERY_LINES
    ]
    return {"lines": [label for _key, label in DELIVERY_LINES], "rows": rows, "totals": totals}


def cohort_figures(programme_year) -> dict:
    """The programme year's young people (its cohort) against the year's targets."""
    cohort = Participant.objects.filter(programme_year=programme_year)
    people = cohort.aggregate(
        followed=Count("pk", filter=Q(status__in=FOLLOWED)),
        referred=Count("pk", filter=Q(status=Status.REFERRED)),
        in_qpv=Count("pk", filter=Q(status__in=FOLLOWED, lives_in_qpv=True)),
    )
    referrals = (
        cohort.filter(status__in=FOLLOWED)
        .order_by()
        .values_list("referred_by__kind")
        .annotate(n=Count("pk"))
        .order_by("-n", "referred_by__kind")
    )
    return {
        "year": programme_year.year,
        "target": programme_year.target_participants,
        "followed": people["followed"],
        "referred": people["referred"],
        "followed_rate": rate(people["followed"], programme_year.target_participants),
        "in_qpv": people["in_qpv"],
        "qpv_rate": rate(people["in_qpv"], people["followed"]),
        "referrals": [(StructureKind(kind).label, n) for kind, n in referrals],
        "events_target": programme_year.target_events,
    }


def figures(programme_year, *, today=None) -> dict:
    """The dashboard: the cohort against its targets, and the calendar year's activity."""
    start, end = year_range(programme_year.year)
    territory_id = programme_year.territory_id
    return {
        **activity_figures(territory_id, start, end, today=today),
        **cohort_figures(programme_year),
        "partners": partner_figures(territory_id, programme_year.year, start, end),
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


def paired_bars(rows, *, width=300, bar_height=18, gap=14):
    """Geometry of a chart of (label, committed, delivered): two bars per line."""
    top = max((max(committed, delivered) for _l, committed, delivered in rows), default=0) or 1
    group = 2 * bar_height + 2 + gap
    return {
        "height": len(rows) * group,
        "width": width,
        "groups": [
            {
                "label": label,
                "committed": committed,
                "delivered": delivered,
                "y": index * group,
                "y2": index * group + bar_height + 2,
                "committed_length": round(width * committed / top),
                "delivered_length": round(width * delivered / top),
                "height": bar_height,
            }
            for index, (label, committed, delivered) in enumerate(rows)
        ],
    }
