"""Reads of participants, already scoped to the user."""

from dataclasses import dataclass
from datetime import date

from django.db.models import CharField, F, Value
from django.db.models.functions import Coalesce, Concat, TruncDate
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from events.models import Interview, InterviewOutcome, RegistrationStatus
from participants.models import Participant, Status, Task, TaskKind


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
    the referent is labelled as User.__str__ does, the link is the detail page's path.
    """
    prefix = reverse("participants:list")
    return [
        ListRow(
            pk=pk,
            url=f"{prefix}{pk}/",
            last_name=last_name,
            first_name=first_name,
            status=status,
            referent=f"{referent_first} {referent_last}".strip() or username,
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
    return get_object_or_404(
        Participant.objects.visible_to(user).select_related(
            "referent__structure",
            "stand_in",
            "structure_in_charge",
            "referred_by",
            "programme_year",
        ),
        pk=pk,
    )


@dataclass
class TimelineEntry:
    day: date
    kind: str
    title: str
    text: str
    author: object


def _person(first_name, last_name, username):
    return f"{first_name} {last_name}".strip() or username or ""


def _path_events(participant) -> list[TimelineEntry]:
    """Status and referent changes, decisions of the Cellule Emploi and Café-métiers:
    small tables, read in one query (UNION ALL) as (day, kind, code, text, author)."""
    text = CharField()
    nobody = {
        "author_first": Value("", output_field=text),
        "author_last": Value("", output_field=text),
        "author_username": Value("", output_field=text),
    }

    def author(path):
        return {
            "author_first": Coalesce(f"{path}__first_name", Value(""), output_field=text),
            "author_last": Coalesce(f"{path}__last_name", Value(""), output_field=text),
            "author_username": Coalesce(f"{path}__username", Value(""), output_field=text),
        }

    columns = ["day", "kind", "code", "text", "author_first", "author_last", "author_username"]
    status = participant.status_changes.annotate(
        day=TruncDate("changed_at"),
        kind=Value("status", output_field=text),
        code=F("to_status"),
        text=F("reason"),
        **author("changed_by"),
    ).values_list(*columns)
    referent = participant.referent_changes.annotate(
        day=TruncDate("changed_at"),
        kind=Value("referent", output_field=text),
        code=Concat(
            "to_referent__first_name", Value(" "), "to_referent__last_name", output_field=text
        ),
        text=F("reason"),
        **author("changed_by"),
    ).values_list(*columns)
    decisions = (
        participant.agenda_items.filter(decided_at__isnull=False)
        .annotate(
            day=F("meeting__held_on"),
            kind=Value("cell_decision", output_field=text),
            code=Value("", output_field=text),
            text=F("decision"),
            **author("decided_by"),
        )
        .values_list(*columns)
    )
    events = participant.registrations.annotate(
        day=F("event__date"),
        kind=Value("event", output_field=text),
        code=F("status"),
        text=Value("", output_field=text),
        **nobody,
    ).values_list(*columns)
    titles = {
        "status": lambda code: _("Statut : %(s)s") % {"s": Status(code).label},
        "referent": lambda code: _("Nouveau référent : %(r)s") % {"r": code},
        "cell_decision": lambda code: _("Décision de la Cellule Emploi"),
        "event": lambda code: _("Café-métiers : %(s)s") % {"s": RegistrationStatus(code).label},
    }
    return [
        TimelineEntry(day, kind, titles[kind](code), text, _person(first, last, username))
        for day, kind, code, text, first, last, username in status.order_by().union(
            referent.order_by(), decisions.order_by(), events.order_by(), all=True
        )
    ]


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
    entries = [
        TimelineEntry(
            f.happened_on,
            "follow_up",
            f.get_kind_display(),
            f.summary + (f"\n{_('Prochaine étape')} : {f.next_step}" if f.next_step else ""),
            f.author,
        )
        for f in participant.follow_ups.select_related("author")
    ]
    entries += _path_events(participant)
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
    entries += [
        TimelineEntry(
            i.table.event.date,
            "interview",
            _("Job-dating avec %(p)s : %(o)s")
            % {"p": i.table.partner.name, "o": i.get_outcome_display()},
            i.reason,
            i.recorded_by,
        )
        for i in Interview.objects.filter(registration__participant=participant)
        .exclude(outcome=InterviewOutcome.PENDING)
        .select_related("table__event", "table__partner", "recorded_by")
    ]
    return sorted(entries, key=lambda entry: entry.day, reverse=True)


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
    prefix = reverse("participants:list")
    return [
        AttentionRow(
            url=f"{prefix}{pk}/",
            first_name=first_name,
            last_name=last_name,
            referent=f"{referent_first} {referent_last}".strip() or username,
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


def participant_changes(participant):
    """Each saved version of the file with what changed from the previous one, newest first."""
    versions = list(participant.history.select_related("history_user").order_by("-history_id"))
    changes = []
    for version, previous in zip(versions, [*versions[1:], None], strict=True):
        fields = []
        if previous is not None:
            delta = version.diff_against(previous)
            fields = [
                str(Participant._meta.get_field(change.field).verbose_name)
                for change in delta.changes
                if change.field not in HIDDEN_HISTORY_FIELDS
            ]
        changes.append({"version": version, "fields": fields})
    return changes
