"""Reads of participants, already scoped to the user."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import CharField, DateField, F, Value
from django.db.models.functions import Coalesce, Concat, TruncDate
from django.shortcuts import get_object_or_404
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from events.models import (
    Channel,
    Interview,
    InterviewOutcome,
    MessageKind,
    MessageStatus,
    Registration,
    RegistrationStatus,
    SentMessage,
)
from pacte import compiled
from pacte.compiled import as_date
from pacte.links import pk_url
from pacte.models import User
from pacte.phones import format_phone
from pacte.prepared import prepared
from participants.models import (
    AgendaItem,
    FollowUp,
    FollowUpKind,
    JusticeMeasure,
    Outcome,
    Participant,
    PlanAction,
    ReferentChange,
    Status,
    StatusChange,
    Task,
    TaskKind,
)


def participants_for_list(user):
    return Participant.objects.visible_to(user).select_related(
        "referent", "structure_in_charge", "programme_year"
    )


@dataclass(frozen=True, slots=True)
class ListRow:
    """A row of the participants list, read as plain values: no model instance."""

    pk: int
    url: str
    last_name: str
    first_name: str
    status: str
    referent: str
    structure: str
    enrolled_on: date
    year: int
    last_follow_up_on: date | None


LIST_VALUES = (
    "pk",
    "last_name",
    "first_name",
    "status",
    "referent__first_name",
    "referent__last_name",
    "referent__username",
    "structure_in_charge__name",
    "enrolled_on",
    "programme_year__year",
    "last_follow_up_on",
)


def list_rows(queryset) -> list[ListRow]:
    """The rows of a page of the list, in its order, in one query.

    Model instances and `{% url %}` per row cost the list most of its time at 50 rows:
    the referent is labelled as User.__str__ does, the link reversed once (pk_url).
    """
    return [
        ListRow(
            pk=pk,
            url=pk_url("participants:detail", pk),
            last_name=last_name,
            first_name=first_name,
            status=status,
            referent=User.label(referent_first, referent_last, username),
            structure=structure,
            enrolled_on=enrolled_on,
            year=year,
            last_follow_up_on=last_follow_up_on,
        )
        for (
            pk,
            last_name,
            first_name,
            status,
            referent_first,
            referent_last,
            username,
            structure,
            enrolled_on,
            year,
            last_follow_up_on,
        ) in queryset.values_list(*LIST_VALUES)
    ]


def participant_for_page(user, pk):
    """The participant if the user may see them, with what the page shows."""
    with prepared():
        return get_object_or_404(
            Participant.objects.visible_to(user).select_related(
                "referent",
                "stand_in",
                "structure_in_charge",
                "referred_by",
                "programme_year",
            ),
            pk=pk,
        )


def participant_panels(participant, *, with_justice):
    """Plan actions, outcomes, tasks and justice measures of the participant page, read
    once for their panels and for the timeline. Compiled once per process and prepared
    (compiled.instances): compiling these four small reads cost more than running them.
    The participant was found in the user's scope: their id is all that varies."""
    pk = participant.pk
    panels = (
        compiled.instances("participant-plan", _plan_actions_of, pk),
        compiled.instances("participant-outcomes", _outcomes_of, pk),
        compiled.instances("participant-tasks", _tasks_of, pk),
        compiled.instances("participant-justice", _justice_of, pk) if with_justice else [],
    )
    for found in panels:
        for obj in found:
            obj.participant = participant
    return panels


def _plan_actions_of(participant_id):
    return PlanAction.objects.filter(participant_id=participant_id).select_related(
        "partner", "created_by"
    )


def _outcomes_of(participant_id):
    return Outcome.objects.filter(participant_id=participant_id).select_related("recorded_by")


def _tasks_of(participant_id):
    return Task.objects.filter(participant_id=participant_id).select_related("assignee", "done_by")


def _justice_of(participant_id):
    return JusticeMeasure.objects.filter(participant_id=participant_id)


@dataclass
class TimelineEntry:
    day: date
    kind: str
    title: str
    text: str
    author: object
    # A follow-up's « prochain contact le », shown as planned.
    next_contact_on: date | None = None


def _recorded_events_query(participant_id):
    """Follow-ups, status and referent changes, decisions of the Cellule Emploi,
    Café-métiers and job-dating interviews of a participant, in one query (UNION ALL) as
    (day, kind, id, code, text, extra, planned, author): a query each cost more in round
    trips and model instances than the rows they bring."""
    text = CharField()
    blank = Value("", output_field=text)
    no_day = Value(None, output_field=DateField())
    nobody = {"author_first": blank, "author_last": blank, "author_username": blank}

    def author(path):
        return {
            "author_first": Coalesce(f"{path}__first_name", Value(""), output_field=text),
            "author_last": Coalesce(f"{path}__last_name", Value(""), output_field=text),
            "author_username": Coalesce(f"{path}__username", Value(""), output_field=text),
        }

    def rows(queryset, kind, **given):
        # Prefixed: a model's own field (a follow-up's kind) may share a column's name.
        columns = {"kind": Value(kind, output_field=text), "ident": F("pk"), "planned": no_day}
        columns |= given
        order = ["day", "kind", "ident", "code", "text", "extra", "planned"] + list(nobody)
        return (
            queryset.order_by()
            .annotate(**{f"t_{name}": value for name, value in columns.items()})
            .values_list(*(f"t_{name}" for name in order))
        )

    follow_ups = rows(
        FollowUp.objects.filter(participant_id=participant_id),
        "follow_up",
        day=F("happened_on"),
        code=F("kind"),
        text=F("summary"),
        extra=F("next_step"),
        planned=F("next_contact_on"),
        **author("author"),
    )
    status = rows(
        StatusChange.objects.filter(participant_id=participant_id),
        "status",
        day=TruncDate("changed_at"),
        code=F("to_status"),
        text=F("reason"),
        extra=blank,
        **author("changed_by"),
    )
    referent = rows(
        ReferentChange.objects.filter(participant_id=participant_id),
        "referent",
        day=TruncDate("changed_at"),
        code=Concat(
            "to_referent__first_name", Value(" "), "to_referent__last_name", output_field=text
        ),
        text=F("reason"),
        extra=blank,
        **author("changed_by"),
    )
    decisions = rows(
        AgendaItem.objects.filter(participant_id=participant_id, decided_at__isnull=False),
        "cell_decision",
        day=F("meeting__held_on"),
        code=blank,
        text=F("decision"),
        extra=blank,
        **author("decided_by"),
    )
    events = rows(
        Registration.objects.filter(participant_id=participant_id),
        "event",
        day=F("event__date"),
        code=F("status"),
        text=blank,
        extra=blank,
        **nobody,
    )
    interviews = rows(
        Interview.objects.filter(registration__participant_id=participant_id).exclude(
            outcome=InterviewOutcome.PENDING
        ),
        "interview",
        day=F("table__event__date"),
        code=F("outcome"),
        text=F("reason"),
        extra=F("table__partner__name"),
        **author("recorded_by"),
    )
    return follow_ups.union(status, referent, decisions, events, interviews, all=True)


def _recorded_events(participant) -> list[TimelineEntry]:
    """The entries of `_recorded_events_query`, its SQL compiled once per process."""
    follow_up_kinds = {code: str(label) for code, label in FollowUpKind.choices}
    next_step = _("Prochaine étape")
    titles = {
        "follow_up": lambda code, extra: follow_up_kinds.get(code, code),
        "status": lambda code, extra: _("Statut : %(s)s") % {"s": Status(code).label},
        "referent": lambda code, extra: _("Nouveau référent : %(r)s") % {"r": code},
        "cell_decision": lambda code, extra: _("Décision de la Cellule Emploi"),
        "event": lambda code, extra: (
            _("Café-métiers : %(s)s") % {"s": RegistrationStatus(code).label}
        ),
        "interview": lambda code, extra: (
            _("Job-dating avec %(p)s : %(o)s") % {"p": extra, "o": InterviewOutcome(code).label}
        ),
    }
    found = [
        (as_date(day), *rest)
        for day, *rest in compiled.rows(
            "participant-timeline", _recorded_events_query, participant.pk
        )
    ]
    # Newest first; on the same day, follow-ups first (latest written first), then
    # the rest in the order of their kinds above, each in the order it was written.
    order = {kind: index for index, kind in enumerate(titles)}
    entries = []
    for day, kind, _ident, code, body, extra, planned, first, last, username in sorted(
        found,
        key=lambda row: (
            row[0],
            -order[row[1]],
            row[2] if row[1] == "follow_up" else -row[2],
        ),
        reverse=True,
    ):
        if kind == "follow_up" and extra:
            body = f"{body}\n{next_step} : {extra}"
        entries.append(
            TimelineEntry(
                day,
                kind,
                titles[kind](code, extra),
                body,
                User.label(first, last, username),
                next_contact_on=as_date(planned) if planned else None,
            )
        )
    return entries


def participant_timeline(participant, *, plan_actions=None, outcomes=None, tasks=None):
    """Follow-ups, plan actions, status and referent changes, outcomes and their checks,
    job-dating interviews, Café-métiers and decisions of the Cellule Emploi, newest first.

    A page that shows the plan actions, outcomes and tasks too passes them in (with
    their authors selected), so they are read once."""
    if plan_actions is None:
        plan_actions = participant.plan_actions.select_related("created_by")
    if outcomes is None:
        outcomes = participant.outcomes.select_related("recorded_by")
    if tasks is None:
        tasks = participant.tasks.select_related("done_by")
    entries = _recorded_events(participant)
    entries += [
        TimelineEntry(
            o.starts_on,
            "outcome",
            _("Sortie : %(k)s") % {"k": o.get_kind_display()},
            o.employer_name,
            o.recorded_by,
        )
        for o in outcomes
    ]
    entries += [
        TimelineEntry(
            a.created_at.date(),
            "plan_action",
            _("Action : %(c)s") % {"c": a.get_category_display()},
            a.description,
            a.created_by,
        )
        for a in plan_actions
    ]
    entries += [
        TimelineEntry(
            t.done_at.date(),
            "check",
            t.title,
            (_("Solution toujours en place") if t.maintained else _("La solution a pris fin"))
            if t.kind == TaskKind.OUTCOME_CHECK
            else _("Fait"),
            t.done_by,
        )
        for t in tasks
        if t.done_at is not None
    ]
    return sorted(entries, key=lambda entry: entry.day, reverse=True)


@dataclass(frozen=True, slots=True)
class MessageRow:
    """A message sent to the young person or their legal representative, in plain words."""

    event_pk: int
    event_date: date
    event_title: str
    kind: str
    channel: str
    recipient: str
    at: datetime  # its last step: delivered, failed, sent, or written
    status: str
    level: str  # the DSFR badge variant
    error: str
    next_attempt_at: datetime | None


MESSAGE_LEVELS = {
    MessageStatus.SENT: "success",
    MessageStatus.DELIVERED: "success",
    MessageStatus.FAILED: "error",
    MessageStatus.UNKNOWN: "warning",
    MessageStatus.RETRY: "warning",
}
MESSAGE_EXPLAINED = {MessageStatus.FAILED, MessageStatus.UNKNOWN, MessageStatus.RETRY}


def participant_messages(participant) -> list[MessageRow]:
    """Every message of the participant's Café-métiers, newest first, in one query."""
    labels = {
        "kind": dict(MessageKind.choices),
        "channel": dict(Channel.choices),
        "status": dict(MessageStatus.choices),
    }
    to_them, to_legal_rep = _("le jeune"), _("son représentant légal")
    rows = (
        SentMessage.objects.filter(registration__participant_id=participant.pk)
        .order_by("-created_at", "-pk")
        .values_list(
            "registration__event_id",
            "registration__event__date",
            "registration__event__title",
            "kind",
            "channel",
            "to_legal_rep",
            "status",
            "last_error",
            "created_at",
            "sent_at",
            "delivered_at",
            "failed_at",
            "next_attempt_at",
        )
    )
    return [
        MessageRow(
            event_pk=event_pk,
            event_date=event_date,
            event_title=event_title,
            kind=str(labels["kind"].get(kind, kind)),
            channel=str(labels["channel"].get(channel, channel)),
            recipient=to_legal_rep if legal_rep else to_them,
            at=delivered_at or failed_at or sent_at or created_at,
            status=str(labels["status"].get(status, status)),
            level=MESSAGE_LEVELS.get(status, "info"),
            error=error if status in MESSAGE_EXPLAINED else "",
            next_attempt_at=next_attempt_at if status == MessageStatus.RETRY else None,
        )
        for (
            event_pk,
            event_date,
            event_title,
            kind,
            channel,
            legal_rep,
            status,
            error,
            created_at,
            sent_at,
            delivered_at,
            failed_at,
            next_attempt_at,
        ) in rows
    ]


def participants_needing_attention(user):
    """No follow-up for 30 days, justice measure ending within 60 days, outcome check due."""
    return (
        Participant.objects.visible_to(user)
        .needs_attention(user)
        .select_related("referent", "structure_in_charge")
        .order_by("last_follow_up_on", "last_name", "pk")
    )


@dataclass(frozen=True, slots=True)
class AttentionRow:
    """A card of the needs-attention list, read as plain values, with why it is there."""

    url: str
    first_name: str
    last_name: str
    referent: str
    phone: str
    last_follow_up_on: date | None
    stale: bool
    justice_ending: bool
    check_due: bool


def attention_rows(queryset) -> list[AttentionRow]:
    """The cards of a page of participants_needing_attention, in its order, in one query."""
    return [
        AttentionRow(
            url=pk_url("participants:detail", pk),
            first_name=first_name,
            last_name=last_name,
            referent=User.label(referent_first, referent_last, username),
            phone=phone,
            last_follow_up_on=last_follow_up_on,
            stale=stale,
            justice_ending=justice_ending,
            check_due=check_due,
        )
        for (
            pk,
            first_name,
            last_name,
            referent_first,
            referent_last,
            username,
            phone,
            last_follow_up_on,
            stale,
            justice_ending,
            check_due,
        ) in queryset.values_list(
            "pk",
            "first_name",
            "last_name",
            "referent__first_name",
            "referent__last_name",
            "referent__username",
            "phone",
            "last_follow_up_on",
            "stale",
            "justice_ending",
            "check_due",
        )
    ]


def open_tasks_for(user):
    """The user's own open tasks, on participants they still see, oldest due first."""
    return (
        Task.objects.filter(
            assignee=user,
            done_at__isnull=True,
            participant__in=Participant.objects.visible_to(user),
        )
        .select_related("participant", "outcome")
        .order_by("due_on", "pk")
    )


HIDDEN_HISTORY_FIELDS = {"search_name", "updated_at", "last_follow_up_on"}


def participant_version(participant) -> int | None:
    """The file's latest saved version (its history's last id): what an edit form carries."""
    return participant.history.order_by("-history_id").values_list("history_id", flat=True).first()


def participant_changes(participant, since: int | None = None):
    """Each saved version of the file with what changed from the previous one, newest first;
    `since` (a version) keeps the versions saved after it."""
    versions = list(participant.history.select_related("history_user").order_by("-history_id"))
    changes = []
    for version, previous in zip(versions, [*versions[1:], None], strict=True):
        if since is not None and version.history_id <= since:
            break
        values = []
        if previous is not None:
            delta = version.diff_against(previous)
            values = [
                (
                    str(Participant._meta.get_field(change.field).verbose_name),
                    _shown(previous, change.field),
                    _shown(version, change.field),
                )
                for change in delta.changes
                if change.field not in HIDDEN_HISTORY_FIELDS
            ]
        changes.append(
            {"version": version, "fields": [label for label, *rest in values], "values": values}
        )
    return changes


def _shown(record, name) -> str:
    """A field's value in a saved version, as the page writes it (a label, a date, a name)."""
    field = Participant._meta.get_field(name)
    value = getattr(record, name, None)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value or "—"))
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, date):
        return date_format(value, "j F Y")
    if name in {"phone", "legal_rep_phone"}:
        return format_phone(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    return str(value)
