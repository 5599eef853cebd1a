"""Reads of events, scoped to the user."""

import datetime as dt

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from events.models import Event, RecruiterTable, Registration, RegistrationStatus
from pacte.roles import Role
from participants.eligibility import search_key
from participants.models import JusticeMeasure, Participant

Status = RegistrationStatus


PICK_LIMIT = 30
# A name searched is a few words: what is typed beyond adds no filter (and no loop).
SEARCH_MAX_LENGTH, SEARCH_MAX_WORDS = 100, 5


def search_words(query) -> list[str]:
    return search_key(query[:SEARCH_MAX_LENGTH]).split()[:SEARCH_MAX_WORDS]


def participants_matching(queryset, query, *, limit=PICK_LIMIT):
    """The first participants whose name holds every word of the query, none without one.

    What a select offers to pick from (invite, admit a walk-in): never a whole
    territory, which counts thousands of people at national scale.
    """
    words = search_words(query)
    if not words:
        return queryset.none()
    for word in words:
        queryset = queryset.filter(search_name__contains=word)
    first = queryset.order_by("last_name", "first_name", "pk").values("pk")[:limit]
    return queryset.filter(pk__in=first)


def events_visible_to(user):
    """A recruiter's, those where they hold a table; the territory's for the staff; none
    for the administrator (an event's pages list the young people invited)."""
    if user.role == Role.ADMINISTRATOR:
        return Event.objects.none()
    if user.role == Role.RECRUITER:
        return Event.objects.filter(
            pk__in=RecruiterTable.objects.filter(recruiter_id=user.pk).values("event_id")
        )
    if user.territory_id is None:
        return Event.objects.none()
    return Event.objects.filter(territory_id=user.territory_id)


def events_with_counts(user):
    return events_visible_to(user).annotate(
        invited=Count("registrations", filter=Q(registrations__status=Status.INVITED)),
        confirmed=Count("registrations", filter=Q(registrations__status=Status.CONFIRMED)),
        present=Count("registrations", filter=Q(registrations__status=Status.PRESENT)),
        waiting=Count("registrations", filter=Q(registrations__status=Status.WAITING)),
    )


def event_for_page(user, pk):
    return get_object_or_404(events_with_counts(user), pk=pk)


def registrations_for(user, event):
    """The registrations of the participants the user sees (all of them for the coordination)."""
    return (
        event.registrations.filter(participant__in=Participant.objects.visible_to(user))
        .select_related("participant__structure_in_charge", "participant__referent")
        .order_by("participant__last_name", "participant__first_name", "pk")
    )


def check_in_list(event, query=""):
    """Name and status only, whatever the structure: what check-in staff may see."""
    registrations = (
        event.registrations.exclude(status=Status.CANCELLED)
        .only("id", "status", "participant__first_name", "participant__last_name", "event_id")
        .select_related("participant")
    )
    for word in search_words(query):
        registrations = registrations.filter(participant__search_name__contains=word)
    return registrations.order_by("participant__last_name", "participant__first_name", "pk")


def counters(event):
    counts = event.registrations.aggregate(
        present=Count("pk", filter=Q(status=Status.PRESENT)),
        expected=Count(
            "pk", filter=Q(status__in=[Status.INVITED, Status.CONFIRMED, Status.PRESENT])
        ),
    )
    return counts


def outside_allowed_hours(event, registrations, user):
    """Registrations whose justice measure keeps the person in during the event.

    Only for those who may read the measure: nobody else learns why.
    """
    readable = set(
        Participant.objects.justice_visible_to(user)
        .filter(pk__in=[r.participant_id for r in registrations])
        .values_list("pk", flat=True)
    )
    flagged = set()
    measures = JusticeMeasure.objects.filter(
        participant_id__in=readable,
        starts_on__lte=event.date,
        ends_on__gte=event.date,
        out_from__isnull=False,
    )
    for measure in measures:
        if event.starts_at < measure.out_from or event.ends_at > measure.out_until:
            flagged.add(measure.participant_id)
    return flagged


def upcoming(events, today: dt.date):
    return events.filter(date__gte=today).order_by("date", "pk")


def registration_in_scope(user, pk):
    """A registration of a participant the user sees, at an event of their territory."""
    return get_object_or_404(
        Registration.objects.filter(
            participant__in=Participant.objects.visible_to(user),
            event__in=events_visible_to(user),
        ).select_related("event", "participant"),
        pk=pk,
    )


def interviews_outside_hours(interviews, user):
    """Interviews at a time the person's justice measure keeps them in: only for those
    who may read the measure (nobody else learns why)."""
    interviews = list(interviews)
    readable = set(
        Participant.objects.justice_visible_to(user)
        .filter(pk__in=[i.registration.participant_id for i in interviews])
        .values_list("pk", flat=True)
    )
    flagged = set()
    for interview in interviews:
        participant_id = interview.registration.participant_id
        if participant_id not in readable:
            continue
        day = interview.table.event.date
        for measure in JusticeMeasure.objects.filter(
            participant_id=participant_id,
            starts_on__lte=day,
            ends_on__gte=day,
            out_from__isnull=False,
        ):
            if interview.starts_at < measure.out_from or interview.ends_at > measure.out_until:
                flagged.add(interview.pk)
    return flagged
