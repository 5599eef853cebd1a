"""Reads of participants, already scoped to the user."""

from dataclasses import dataclass
from datetime import date

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from events.models import Interview, InterviewOutcome
from participants.models import Participant, Status, Task, TaskKind


def participants_for_list(user):
    return Participant.objects.visible_to(user).select_related(
        "referent", "structure_in_charge", "programme_year"
    )


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


def participant_timeline(participant) -> list[TimelineEntry]:
    """Follow-ups, plan actions, status and referent changes, outcomes and their checks,
    newest first."""
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
    entries += [
        TimelineEntry(
            c.changed_at.date(),
            "status",
            _("Statut : %(s)s") % {"s": Status(c.to_status).label},
            c.reason,
            c.changed_by,
        )
        for c in participant.status_changes.select_related("changed_by")
    ]
    entries += [
        TimelineEntry(
            c.changed_at.date(),
            "referent",
            _("Nouveau référent : %(r)s") % {"r": c.to_referent},
            c.reason,
            c.changed_by,
        )
        for c in participant.referent_changes.select_related("to_referent", "changed_by")
    ]
    entries += [
        TimelineEntry(
            o.starts_on,
            "outcome",
            _("Sortie : %(k)s") % {"k": o.get_kind_display()},
            o.employer_name,
            o.recorded_by,
        )
        for o in participant.outcomes.select_related("recorded_by")
    ]
    entries += [
        TimelineEntry(
            a.created_at.date(),
            "plan_action",
            _("Action : %(c)s") % {"c": a.get_category_display()},
            a.description,
            a.created_by,
        )
        for a in participant.plan_actions.select_related("created_by")
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
        for t in participant.tasks.filter(done_at__isnull=False).select_related("done_by")
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
    entries += [
        TimelineEntry(
            item.meeting.held_on,
            "cell_decision",
            _("Décision de la Cellule Emploi"),
            item.decision,
            item.decided_by,
        )
        for item in participant.agenda_items.filter(decided_at__isnull=False).select_related(
            "meeting", "decided_by"
        )
    ]
    entries += [
        TimelineEntry(
            r.event.date,
            "event",
            _("Café-métiers : %(s)s") % {"s": r.get_status_display()},
            "",
            None,
        )
        for r in participant.registrations.select_related("event")
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
