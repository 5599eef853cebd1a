"""Writes of the Cellule Emploi: meetings, their agenda and the decisions taken.

The pilot leads: they prepare the agenda (built automatically, then edited), record a
decision per case examined — which may give the referent a task or add a step to the
young person's path — and close the meeting, after which nothing changes.
"""

from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pacte import audit
from pacte.exceptions import DomainError
from participants import permissions
from participants.models import (
    AgendaItem,
    AgendaReason,
    CellMeeting,
    Participant,
    PlanAction,
    PlanActionStatus,
    Status,
    Task,
    TaskKind,
)

# The order cases come up in: new arrivals first, then the most pressing.
REASON_ORDER = [
    AgendaReason.NEW_REFERRAL,
    AgendaReason.JUSTICE_ENDING,
    AgendaReason.CHECK_DUE,
    AgendaReason.NO_RECENT_FOLLOW_UP,
]


def _require_lead(user, meeting=None):
    if not permissions.can_lead_cell_meeting(user, meeting):
        if meeting is not None and meeting.is_closed:
            raise DomainError(_("La réunion est close : son compte rendu ne change plus."))
        raise DomainError(_("Seul le pilote de la Cellule Emploi prépare et tient la réunion."))


def agenda_candidates(meeting) -> dict[int, list[str]]:
    """The cases the meeting should examine, each with its reasons (domain.md):
    new referrals, young people needing attention, outcome checks due by the meeting."""
    checks_due = Task.objects.filter(
        participant=OuterRef("pk"),
        kind=TaskKind.OUTCOME_CHECK,
        done_at__isnull=True,
        due_on__lte=meeting.held_on,
    )
    # A referral is new until a meeting before this one has decided about it.
    decided_before = AgendaItem.objects.filter(
        participant=OuterRef("pk"),
        decided_at__isnull=False,
        meeting__held_on__lt=meeting.held_on,
    )
    rows = (
        Participant.objects.filter(territory_id=meeting.territory_id, anonymised_at__isnull=True)
        .with_attention(meeting.pilot)
        .annotate(
            check_by_meeting=Exists(checks_due),
            new_referral=ExpressionWrapper(
                Q(status=Status.REFERRED) & ~Exists(decided_before),
                output_field=BooleanField(),
            ),
        )
        .filter(
            Q(new_referral=True) | Q(stale=True) | Q(justice_ending=True) | Q(check_by_meeting=True)
        )
        .order_by("referred_on", "pk")
        .values_list("pk", "status", "new_referral", "stale", "justice_ending", "check_by_meeting")
    )
    candidates = {}
    for pk, status, new_referral, stale, justice_ending, check_due in rows:
        flags = {
            AgendaReason.NEW_REFERRAL: new_referral,
            AgendaReason.JUSTICE_ENDING: justice_ending,
            AgendaReason.CHECK_DUE: check_due,
            AgendaReason.NO_RECENT_FOLLOW_UP: stale and status != Status.REFERRED,
        }
        reasons = [reason.value for reason in REASON_ORDER if flags[reason]]
        if reasons:
            candidates[pk] = reasons
    return dict(sorted(candidates.items(), key=lambda item: REASON_ORDER.index(item[1][0])))


@transaction.atomic
def agenda_build(*, by, meeting: CellMeeting) -> int:
    """Put on the agenda every case due that is not on it yet; refresh the reasons of
    the cases not yet decided. What the pilot withdrew stays withdrawn. Returns how
    many cases were added."""
    meeting = CellMeeting.objects.select_for_update().select_related("pilot").get(pk=meeting.pk)
    _require_lead(by, meeting)
    candidates = agenda_candidates(meeting)
    existing = {item.participant_id: item for item in meeting.items.all()}
    position = max((item.position for item in existing.values()), default=0)
    added = []
    for participant_id, reasons in candidates.items():
        item = existing.get(participant_id)
        if item is None:
            position += 1
            added.append(
                AgendaItem(
                    meeting=meeting,
                    participant_id=participant_id,
                    reasons=reasons,
                    position=position,
                )
            )
        elif not item.is_decided:
            kept = [AgendaReason.ADDED.value] if AgendaReason.ADDED in item.reasons else []
            if item.reasons != reasons + kept:
                item.reasons = reasons + kept
                item.save(update_fields=["reasons"])
    AgendaItem.objects.bulk_create(added)
    audit.log_write(user=by, obj=meeting)
    return len(added)


@transaction.atomic
def meeting_create(*, by, meeting: CellMeeting, attendees=()) -> CellMeeting:
    """A new meeting led by the pilot creating it, its agenda built at once."""
    _require_lead(by)
    meeting.territory_id = by.territory_id
    meeting.pilot = by
    meeting.save()
    meeting.attendees.set(attendees)
    audit.log_write(user=by, obj=meeting, created=True)
    agenda_build(by=by, meeting=meeting)
    return meeting


@transaction.atomic
def meeting_update(*, by, meeting: CellMeeting, attendees=()) -> CellMeeting:
    _require_lead(by, CellMeeting.objects.select_for_update().get(pk=meeting.pk))
    meeting.save()
    meeting.attendees.set(attendees)
    audit.log_write(user=by, obj=meeting)
    return meeting


@transaction.atomic
def agenda_add(*, by, meeting: CellMeeting, participant: Participant) -> AgendaItem:
    """The pilot puts a case on the agenda by hand (a young person of the territory)."""
    meeting = CellMeeting.objects.select_for_update().get(pk=meeting.pk)
    _require_lead(by, meeting)
    if participant.territory_id != meeting.territory_id:
        raise DomainError(_("Ce jeune ne relève pas de votre territoire."), field="participant")
    item = meeting.items.filter(participant=participant).first()
    if item is not None and not item.withdrawn:
        raise DomainError(_("Ce jeune est déjà à l’ordre du jour."), field="participant")
    if item is None:
        position = meeting.items.aggregate(top=Max("position"))["top"] or 0
        item = AgendaItem(meeting=meeting, participant=participant, position=position + 1)
    created = item.pk is None
    item.withdrawn = False
    if AgendaReason.ADDED not in item.reasons:
        item.reasons = [*item.reasons, AgendaReason.ADDED.value]
    item.save()
    audit.log_write(user=by, obj=item, created=created)
    return item


@transaction.atomic
def agenda_withdraw(*, by, item: AgendaItem, withdrawn: bool = True) -> AgendaItem:
    """Take a case off the agenda (or put it back); a decided case stays."""
    item = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    _require_lead(by, item.meeting)
    if item.is_decided:
        raise DomainError(_("Une décision a été prise pour ce cas : il reste à l’ordre du jour."))
    item.withdrawn = withdrawn
    item.save(update_fields=["withdrawn"])
    audit.log_write(user=by, obj=item)
    return item


@transaction.atomic
def agenda_move(*, by, item: AgendaItem, step: int) -> None:
    """Move a case one place up (step -1) or down (step +1) on the agenda."""
    meeting = CellMeeting.objects.select_for_update().get(pk=item.meeting_id)
    _require_lead(by, meeting)
    items = list(meeting.items.filter(withdrawn=False))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index + step
    if not 0 <= target < len(items):
        return
    items[index], items[target] = items[target], items[index]
    for position, other in enumerate(items, start=1):
        other.position = position
    AgendaItem.objects.bulk_update(items, ["position"])
    audit.log_write(user=by, obj=meeting)


@transaction.atomic
def decision_record(
    *,
    by,
    item: AgendaItem,
    decision: str,
    task_title: str = "",
    task_due_on=None,
    action_category: str = "",
    action_description: str = "",
    action_due_on=None,
) -> AgendaItem:
    """Record what the Cellule decided for one case; it may give the referent a task and
    add a step to the young person's path. Tasks and steps are created once."""
    item = (
        AgendaItem.objects.select_for_update()
        .select_related("meeting", "participant")
        .get(pk=item.pk)
    )
    _require_lead(by, item.meeting)
    participant = item.participant
    if item.withdrawn:
        raise DomainError(_("Ce cas a été retiré de l’ordre du jour."))
    if not decision.strip():
        raise DomainError(_("Écrivez la décision prise."), field="decision")
    if task_title and item.task_id is None:
        if task_due_on is None:
            raise DomainError(_("Indiquez l’échéance de la tâche."), field="task_due_on")
        item.task = Task.objects.create(
            participant=participant,
            assignee_id=participant.referent_id,
            kind=TaskKind.CELL_DECISION,
            title=task_title,
            due_on=task_due_on,
        )
        audit.log_write(user=by, obj=item.task, created=True)
    if (action_description or action_category) and item.plan_action_id is None:
        if not action_category:
            raise DomainError(_("Choisissez le domaine de l’action."), field="action_category")
        if not action_description:
            raise DomainError(_("Décrivez l’action."), field="action_description")
        item.plan_action = PlanAction.objects.create(
            participant=participant,
            category=action_category,
            description=action_description,
            status=PlanActionStatus.PLANNED,
            due_on=action_due_on,
            created_by=by,
        )
        audit.log_write(user=by, obj=item.plan_action, created=True)
    item.decision = decision.strip()
    item.decided_at = timezone.now()
    item.decided_by = by
    item.save()
    audit.log_write(user=by, obj=item)
    return item


@transaction.atomic
def meeting_close(*, by, meeting: CellMeeting) -> CellMeeting:
    """Close the meeting: its minutes are final; cases left undecided are carried over
    by the next agenda (they are still due)."""
    meeting = CellMeeting.objects.select_for_update().get(pk=meeting.pk)
    _require_lead(by, meeting)
    meeting.closed_at = timezone.now()
    meeting.save(update_fields=["closed_at"])
    audit.log_write(user=by, obj=meeting)
    return meeting
