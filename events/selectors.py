"""Reads of events, scoped to the user."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateformat import time_format
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import (
    Channel,
    Event,
    MessageKind,
    MessageStatus,
    Registration,
    RegistrationStatus,
    SentMessage,
)
from pacte.roles import Role
from participants.eligibility import search_key
from participants.models import JusticeMeasure, Participant
from participants.models import Status as ParticipantStatus

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


WALK_IN_MATCHES = 10


def walk_in_matches(event, name, birth_date):
    """Files of the territory for a walk-in: the name's words and the exact birth date.

    The door team may not read these files: each match carries its name, the structure
    that follows it and its registration to this event, nothing else.
    """
    words = search_words(name)
    if not words:
        return []
    matches = Participant.objects.filter(
        territory_id=event.territory_id, birth_date=birth_date, anonymised_at__isnull=True
    ).exclude(status=ParticipantStatus.EXITED)
    for word in words:
        matches = matches.filter(search_name__contains=word)
    matches = list(
        matches.select_related("structure_in_charge")
        .only("first_name", "last_name", "territory_id", "structure_in_charge__name")
        .order_by("last_name", "first_name", "pk")[:WALK_IN_MATCHES]
    )
    statuses = dict(
        event.registrations.filter(participant__in=matches).values_list("participant_id", "status")
    )
    for participant in matches:
        participant.registration_status = statuses.get(participant.pk)
    return matches


def check_in_teams_of(user):
    """The events whose check-in team the user is on: every event of their territory for
    a coordinator, those naming them staff for a counsellor, none for anyone else. The
    one statement of the rule: events.permissions and the home page read it."""
    if user.role == Role.COORDINATOR:
        return Event.objects.visible_to(user)
    if user.role == Role.COUNSELLOR:
        return Event.objects.visible_to(user).filter(staff=user)
    return Event.objects.none()


def events_with_counts(user):
    return Event.objects.visible_to(user).annotate(
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


def registrations_with_deliveries(user, event, *, query="", status="") -> list[Registration]:
    """registrations_for (those whose name holds the query's words, of one status if
    given), each with what went to it and what did not (`deliveries`), read in one query
    more whatever their number."""
    registrations = registrations_for(user, event)
    for word in search_words(query):
        registrations = registrations.filter(participant__search_name__contains=word)
    if status in Status.values:
        registrations = registrations.filter(status=status)
    registrations = list(registrations)
    found = deliveries_for(registrations)
    for registration in registrations:
        registration.deliveries = found[registration.pk]
    return registrations


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


def _readable_measures(user, participant_ids):
    """The measures with allowed hours of these participants, for the user who may read
    them (one query: the rule is a subquery)."""
    readable = Participant.objects.justice_visible_to(user).filter(pk__in=participant_ids)
    return JusticeMeasure.objects.filter(participant__in=readable, out_from__isnull=False)


def outside_allowed_hours(event, registrations, user):
    """Registrations whose justice measure keeps the person in during the event.

    Only for those who may read the measure: nobody else learns why.
    """
    measures = _readable_measures(user, [r.participant_id for r in registrations]).filter(
        starts_on__lte=event.date, ends_on__gte=event.date
    )
    flagged = set()
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
            event__in=Event.objects.visible_to(user),
        ).select_related("event", "participant"),
        pk=pk,
    )


def interviews_outside_hours(interviews, user):
    """Interviews at a time the person's justice measure keeps them in: only for those
    who may read the measure (nobody else learns why)."""
    interviews = list(interviews)
    measures_of = {}
    for measure in _readable_measures(user, [i.registration.participant_id for i in interviews]):
        measures_of.setdefault(measure.participant_id, []).append(measure)
    flagged = set()
    for interview in interviews:
        day = interview.table.event.date
        for measure in measures_of.get(interview.registration.participant_id, []):
            if not measure.starts_on <= day <= measure.ends_on:
                continue
            if interview.starts_at < measure.out_from or interview.ends_at > measure.out_until:
                flagged.add(interview.pk)
    return flagged


# What went to each registration (the event page) --------------------------------------

# The lines of a registration's messages, in this order, the young person's first.
KIND_ORDER = [
    MessageKind.CONVOCATION,
    MessageKind.CHANGE,
    MessageKind.REMINDER,
    MessageKind.MORNING,
    MessageKind.WAITING,
    MessageKind.OFFER,
    MessageKind.CANCELLATION,
    MessageKind.NO_SHOW,
]
KIND_TITLES = {
    MessageKind.CONVOCATION: gettext_lazy("Convocation"),
    MessageKind.CHANGE: gettext_lazy("Changement annoncé"),
    MessageKind.REMINDER: gettext_lazy("Rappel"),
    MessageKind.MORNING: gettext_lazy("Rappel du jour"),
    MessageKind.WAITING: gettext_lazy("Liste d’attente"),
    MessageKind.OFFER: gettext_lazy("Place proposée"),
    MessageKind.CANCELLATION: gettext_lazy("Annulation"),
    MessageKind.NO_SHOW: gettext_lazy("Après l’absence"),
}
LEGAL_REP_TITLE = gettext_lazy("%(kind)s au représentant légal")
# A badge per status: its DSFR variant and its words (the text says it: never colour alone).
STATUS_BADGES = {
    MessageStatus.PENDING: ("info", gettext_lazy("%(channel)s en attente d’envoi")),
    MessageStatus.SENDING: ("info", gettext_lazy("%(channel)s en cours d’envoi")),
    MessageStatus.RETRY: ("warning", gettext_lazy("%(channel)s : nouvel essai prévu")),
    MessageStatus.SENT: ("success", gettext_lazy("%(channel)s envoyé")),
    MessageStatus.DELIVERED: ("success", gettext_lazy("%(channel)s remis")),
    MessageStatus.FAILED: ("error", gettext_lazy("%(channel)s en échec")),
    MessageStatus.UNKNOWN: ("warning", gettext_lazy("%(channel)s : état inconnu")),
}
CHANNEL_NAMES = {Channel.SMS: Channel.SMS.label, Channel.EMAIL: Channel.EMAIL.label}
# Those a person must look at: the row is marked, the convocation may be sent again.
NOT_DELIVERED = {MessageStatus.FAILED, MessageStatus.UNKNOWN}
# Those whose last error is shown beside the badge (why it failed, why it is tried again).
EXPLAINED = NOT_DELIVERED | {MessageStatus.RETRY}


@dataclass(frozen=True, slots=True)
class MessageBadge:
    level: str  # the DSFR badge variant: success, info, warning, error
    label: str  # « SMS envoyé », « E-mail en échec »
    detail: str = ""  # why, in plain French (the last error)


@dataclass(frozen=True, slots=True)
class MessageLine:
    title: str  # « Convocation », « Rappel au représentant légal »
    badges: tuple[MessageBadge, ...]


@dataclass(slots=True)
class Deliveries:
    """What went to one registration, and what did not."""

    lines: list[MessageLine] = field(default_factory=list)
    failed: bool = False  # a message shown failed
    unknown: bool = False  # nobody knows whether a message shown went
    convocation_not_delivered: bool = False  # the convocation may be sent again


def retry_moment(moment, today) -> str:
    """« à 14 h 10 » today, « le 4 décembre à 9 h 00 » another day."""
    local = timezone.localtime(moment)
    hour = time_format(local.time(), "H \\h i")
    if local.date() == today:
        return _("à %(hour)s") % {"hour": hour}
    return _("le %(day)s à %(hour)s") % {"day": date_format(local.date(), "j F"), "hour": hour}


def _badge(channel, status, error, next_attempt_at, now) -> MessageBadge:
    level, label = STATUS_BADGES.get(status, ("info", "%(channel)s"))
    name = CHANNEL_NAMES.get(channel, channel)
    if status == MessageStatus.RETRY and next_attempt_at is not None and next_attempt_at > now:
        text = _("%(channel)s : nouvel essai %(moment)s") % {
            "channel": name,
            "moment": retry_moment(next_attempt_at, timezone.localdate(now)),
        }
    else:
        text = label % {"channel": name}
    return MessageBadge(level, text, error if status in EXPLAINED else "")


def deliveries_for(registrations) -> dict[int, Deliveries]:
    """Each registration's messages as badges, in one query whatever their number: per
    kind and recipient, the latest message of each channel (a corrected number's
    convocation replaces the one refused; the participant page lists them all)."""
    found = {registration.pk: Deliveries() for registration in registrations}
    if not found:
        return found
    rows = (
        SentMessage.objects.filter(registration_id__in=list(found))
        .order_by("registration_id", "-created_at", "-pk")
        .values_list(
            "registration_id",
            "kind",
            "to_legal_rep",
            "channel",
            "status",
            "last_error",
            "next_attempt_at",
        )
    )
    latest = {}
    for registration_id, kind, legal_rep, channel, *rest in rows:
        latest.setdefault((registration_id, kind, legal_rep, channel), rest)
    now = timezone.now()
    kind_rank = {kind: index for index, kind in enumerate(KIND_ORDER)}
    channel_rank = {Channel.SMS: 0, Channel.EMAIL: 1}
    lines = {}
    for key in sorted(
        latest,
        key=lambda k: (k[0], kind_rank.get(k[1], len(KIND_ORDER)), k[2], channel_rank.get(k[3], 2)),
    ):
        registration_id, kind, legal_rep, channel = key
        status, error, next_attempt_at = latest[key]
        deliveries = found[registration_id]
        deliveries.failed |= status == MessageStatus.FAILED
        deliveries.unknown |= status == MessageStatus.UNKNOWN
        if kind == MessageKind.CONVOCATION and status in NOT_DELIVERED:
            deliveries.convocation_not_delivered = True
        lines.setdefault((registration_id, kind, legal_rep), []).append(
            _badge(channel, status, error, next_attempt_at, now)
        )
    for (registration_id, kind, legal_rep), badges in lines.items():
        title = str(KIND_TITLES.get(kind, kind))
        if legal_rep:
            title = LEGAL_REP_TITLE % {"kind": title}
        found[registration_id].lines.append(MessageLine(title, tuple(badges)))
    return found
