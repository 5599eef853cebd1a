"""What each role's home page shows: the first question of their day, answered (ux.md).

- everyone on a check-in team today: the « Émargement du jour » of each event;
- coordinator: the year against its targets, the week's Café-métiers, who needs
  attention and the tasks due;
- pilot: the next meeting of the Cellule Emploi and the dashboard's headline figures;
- counsellor: my young people to call (their phone one tap away), my next contacts,
  my outcome checks and my people's next Café-métiers;
- recruiter: my job-dating tables and my company.

Each read is scoped to the user and bounded (a few rows, counts in SQL): the page costs
the same number of queries whatever the territory holds. `home_for(user)` says, beside
what to show, how many rows of personal data it shows, for the access log.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.utils import timezone

from events.models import Event, Registration, RegistrationStatus
from events.selectors import check_in_teams_of
from pacte.models import ProgrammeYear
from pacte.roles import Role
from participants.models import CellMeeting, Participant, TaskKind
from participants.permissions import can_lead_cell_meeting
from participants.selectors import open_tasks_for, participants_needing_attention
from partners.models import Partner
from steering import dashboard

HOME_ROWS = 10
CHECKS_WITHIN_DAYS = 7


@dataclass
class HomePage:
    context: dict = field(default_factory=dict)
    # Rows of personal data shown, by object type: one access-log entry each.
    shown: dict[str, int] = field(default_factory=dict)


def home_for(user, *, today=None) -> HomePage:
    today = today or timezone.localdate()
    page = HomePage(context={"today": today, "check_in_events": check_in_events(user, today)})
    build = {
        Role.COORDINATOR: _coordinator,
        Role.PILOT: _pilot,
        Role.COUNSELLOR: _counsellor,
        Role.RECRUITER: _recruiter,
    }.get(user.role)
    if build is not None:
        build(user, today, page)
    return page


def check_in_events(user, today) -> list:
    """Today's Café-métiers whose check-in team the user is on (events.selectors'
    check_in_teams_of, the rule events.permissions reads too)."""
    return list(check_in_teams_of(user).filter(date=today).order_by("starts_at", "pk"))


def current_year(user, today):
    """The territory's programme year of today's calendar year, if it was opened."""
    if user.territory_id is None:
        return None
    return ProgrammeYear.objects.of_territory(user.territory_id).filter(year=today.year).first()


def year_figures(programme_year, today) -> dict:
    """The year's young people and Café-métiers against its targets, and the calendar
    year's attendance: the dashboard's own counts (two queries)."""
    start, end = dashboard.year_range(programme_year.year)
    figures = {
        **dashboard.activity_figures(programme_year.territory_id, start, end, today=today),
        **dashboard.cohort_figures(programme_year),
    }
    figures["events_rate"] = dashboard.rate(figures["events_held"], figures["events_target"])
    return figures


def week_of(today) -> tuple[dt.date, dt.date]:
    """Monday to Sunday of today's week."""
    monday = today - dt.timedelta(days=today.weekday())
    return monday, monday + dt.timedelta(days=6)


def _coordinator(user, today, page):
    programme_year = current_year(user, today)
    monday, sunday = week_of(today)
    week = list(
        Event.objects.visible_to(user)
        .filter(date__range=(monday, sunday))
        .order_by("date", "starts_at", "pk")
    )
    due = open_tasks_for(user).filter(due_on__lte=today)
    tasks_due = list(due[:HOME_ROWS])
    page.context.update(
        programme_year=programme_year,
        figures=year_figures(programme_year, today) if programme_year else None,
        today_events=[event for event in week if event.date == today],
        week_events=[event for event in week if event.date != today],
        attention_count=participants_needing_attention(user).count(),
        tasks_due=tasks_due,
        tasks_due_count=due.count(),
    )
    page.shown["task"] = len(tasks_due)


def _pilot(user, today, page):
    programme_year = current_year(user, today)
    page.context.update(
        next_meeting=(
            CellMeeting.objects.visible_to(user)
            .filter(held_on__gte=today, closed_at__isnull=True)
            .annotate(cases=Count("items", filter=Q(items__withdrawn=False)))
            .order_by("held_on", F("starts_at").asc(nulls_last=True), "pk")
            .first()
        ),
        can_lead_meetings=can_lead_cell_meeting(user),
        programme_year=programme_year,
        figures=year_figures(programme_year, today) if programme_year else None,
    )


def _counsellor(user, today, page):
    """My young people who need a call, my next contacts planned, my outcome checks due,
    my people's next events."""
    mine = Participant.objects.visible_to(user).filter(Q(referent=user) | Q(stand_in=user))
    tasks = open_tasks_for(user)
    context = {
        "my_attention": list(
            mine.needs_attention(user).order_by("last_follow_up_on", "pk")[:HOME_ROWS]
        ),
        "my_next_contacts": list(tasks.filter(kind=TaskKind.NEXT_CONTACT)[:HOME_ROWS]),
        "my_checks": list(
            tasks.filter(
                kind=TaskKind.OUTCOME_CHECK,
                due_on__lte=today + dt.timedelta(days=CHECKS_WITHIN_DAYS),
            )[:HOME_ROWS]
        ),
        "my_events": list(
            Registration.objects.filter(
                participant__in=mine,
                event__date__gte=today,
                status__in=[
                    RegistrationStatus.INVITED,
                    RegistrationStatus.CONFIRMED,
                    RegistrationStatus.WAITING,
                ],
            )
            .select_related("event", "participant")
            .order_by("event__date", "pk")[:HOME_ROWS]
        ),
    }
    page.context.update(context)
    # The names of my young people are personal data shown: one list entry.
    page.shown["participant"] = sum(len(rows) for rows in context.values())


def _recruiter(user, today, page):
    page.context.update(
        own_partner=Partner.objects.visible_to(user).first(),
        tables=list(
            user.recruiter_tables.filter(event__date__gte=today)
            .select_related("event", "partner")
            .order_by("event__date", "pk")
        ),
    )
