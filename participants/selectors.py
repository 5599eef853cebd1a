"""Reads of participants, already scoped to the user."""

from dataclasses import dataclass
from datetime import date

from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Concat, TruncDate
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pacte.models import User
from pacte.phones import format_phone
from participants import timeline
from participants.models import (
    AgendaItem,
    FollowUp,
    FollowUpKind,
    Outcome,
    Participant,
    PlanAction,
    ReferentChange,
    SmsOptOut,
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

    Model instances per row cost the list most of its time at 50 rows: the rows are
    plain values, the referent labelled as User.__str__ does.
    """
    return [
        ListRow(
            pk=pk,
            url=reverse("participants:detail", args=[pk]),
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
    """The participant if the user may see them, with what the page shows and which
    rules hold for the user (participants.permissions reads them without a query)."""
    refused = SmsOptOut.objects.filter(phone=OuterRef("phone")).values("at")[:1]
    return get_object_or_404(
        Participant.objects.visible_to(user)
        .with_rules(user)
        .annotate(sms_refused_at=Subquery(refused))
        .select_related(
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
    once for their panels and for the timeline: a query each, the accounts they name
    joined for their names only (the page shows no more of them)."""
    return (
        list(
            participant.plan_actions.select_related("partner", "created_by").only(
                *_own_fields(PlanAction), "partner__name", *_names_of("created_by")
            )
        ),
        list(
            participant.outcomes.select_related("recorded_by").only(
                *_own_fields(Outcome), *_names_of("recorded_by")
            )
        ),
        list(
            participant.tasks.select_related("assignee", "done_by").only(
                *_own_fields(Task), *_names_of("assignee"), *_names_of("done_by")
            )
        ),
        list(participant.justice_measures.all()) if with_justice else [],
    )


def _own_fields(model) -> list[str]:
    return [field.name for field in model._meta.concrete_fields]


def _names_of(path) -> list[str]:
    """What User.label shows of the account at `path`."""
    return [f"{path}__first_name", f"{path}__last_name", f"{path}__username"]


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
    """Follow-ups, status and referent changes, decisions of the Cellule Emploi, and the
    rows the apps above add (participants.timeline: Café-métiers, job-dating interviews)
    of a participant, in one query (UNION ALL) as (day, kind, id, code, text, extra,
    planned, author): a query each cost more in round trips and model instances than the
    rows they bring."""
    follow_ups = timeline.rows(
        FollowUp.objects.filter(participant_id=participant_id),
        "follow_up",
        day=F("happened_on"),
        code=F("kind"),
        text=F("summary"),
        extra=F("next_step"),
        planned=F("next_contact_on"),
        **timeline.author("author"),
    )
    status = timeline.rows(
        StatusChange.objects.filter(participant_id=participant_id),
        "status",
        day=TruncDate("changed_at"),
        code=F("to_status"),
        text=F("reason"),
        extra=timeline.BLANK,
        **timeline.author("changed_by"),
    )
    referent = timeline.rows(
        ReferentChange.objects.filter(participant_id=participant_id),
        "referent",
        day=TruncDate("changed_at"),
        code=Concat(
            "to_referent__first_name",
            Value(" "),
            "to_referent__last_name",
            output_field=timeline.TEXT,
        ),
        text=F("reason"),
        extra=timeline.BLANK,
        **timeline.author("changed_by"),
    )
    decisions = timeline.rows(
        AgendaItem.objects.filter(participant_id=participant_id, decided_at__isnull=False),
        "cell_decision",
        day=F("meeting__held_on"),
        code=timeline.BLANK,
        text=F("decision"),
        extra=timeline.BLANK,
        **timeline.author("decided_by"),
    )
    added = [source.rows(participant_id) for source in timeline.sources()]
    return follow_ups.union(status, referent, decisions, *added, all=True)


def _recorded_events(participant) -> list[TimelineEntry]:
    """The entries of `_recorded_events_query`, in the page's order."""
    follow_up_kinds = {code: str(label) for code, label in FollowUpKind.choices}
    next_step = _("Prochaine étape")
    titles = {
        "follow_up": lambda code, extra: follow_up_kinds.get(code, code),
        "status": lambda code, extra: _("Statut : %(s)s") % {"s": Status(code).label},
        "referent": lambda code, extra: _("Nouveau référent : %(r)s") % {"r": code},
        "cell_decision": lambda code, extra: _("Décision de la Cellule Emploi"),
    }
    titles |= {source.kind: source.title for source in timeline.sources()}
    found = list(_recorded_events_query(participant.pk))
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
                User.label(first or "", last or "", username),
                next_contact_on=planned,
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
            url=reverse("participants:detail", args=[pk]),
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
