"""The young person answers on their personal page (#19 item 2): « Je viens » confirms,
« Je ne peux pas venir » frees the place at once and asks the referent to call back.

They may change their mind until the day before the event; coming back goes through a
free place or the waiting list, like anyone else. No account: the entry of the access
log has no user, and the history says the young person answered.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.documents import long_date
from events.models import Answer, DeclineReason, Event, Registration, RegistrationStatus
from events.notifications import send_convocation
from events.services import has_free_place, holds_a_place, promote_waiting
from pacte import audit
from pacte.exceptions import DomainError
from participants.models import Task, TaskKind

Status = RegistrationStatus
# A registration they may still answer for (an excuse of theirs included: they may come
# back); a place taken at the door or a cancellation is no longer theirs to change.
ANSWERABLE = [Status.INVITED, Status.CONFIRMED, Status.WAITING, Status.EXCUSED]


def can_still_answer(registration, today=None) -> bool:
    """Until the day before the event, for a registration still theirs to change."""
    today = today or timezone.localdate()
    return registration.status in ANSWERABLE and today < registration.event.date


def _locked(registration):
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("participant__referent")
        .get(pk=registration.pk)
    )
    registration.event = event
    if not can_still_answer(registration):
        raise DomainError(
            _("Il n’est plus possible de répondre ici : appelez la personne qui vous accompagne.")
        )
    return event, registration


def _answered(registration, answer, reason=""):
    registration.answer, registration.answered_at = answer, timezone.now()
    registration.decline_reason = reason


@transaction.atomic
def answer_coming(*, registration) -> Registration:
    """Invited, or offered a place of the waiting list: confirmed. Having said no: back on
    a free place, else on the waiting list (and offered the next place freed)."""
    event, registration = _locked(registration)
    now = timezone.now()
    was_waiting_or_excused = registration.status in {Status.WAITING, Status.EXCUSED}
    if registration.status == Status.INVITED or holds_a_place(registration, now):
        registration.status, registration.confirmed_at = Status.CONFIRMED, now
        registration.offered_until = None
    elif registration.status == Status.EXCUSED:
        if has_free_place(event):
            registration.status, registration.confirmed_at = Status.CONFIRMED, now
        else:
            registration.status, registration.waitlisted_at = Status.WAITING, now
            registration.offer_lapsed_at = None
    _answered(registration, Answer.COMING)
    registration.save()
    audit.log_write(user=None, obj=registration)
    if was_waiting_or_excused and registration.status == Status.CONFIRMED:
        send_convocation(registration)  # the QR code, now that the place is theirs
    return registration


@transaction.atomic
def answer_not_coming(*, registration, reason="") -> Registration:
    """The place is freed at once (the first on the waiting list is invited); the referent
    gets a task to call back."""
    if reason and reason not in DeclineReason.values:
        raise DomainError(_("Choisissez une raison de la liste."), field="reason")
    event, registration = _locked(registration)
    freed = holds_a_place(registration)
    if registration.status != Status.EXCUSED:
        registration.status, registration.waitlisted_at = Status.EXCUSED, None
    registration.offered_until = None
    _answered(registration, Answer.NOT_COMING, reason)
    registration.save()
    audit.log_write(user=None, obj=registration)
    if freed:
        promote_waiting(event)
    _call_back_task(registration)
    return registration


def _call_back_task(registration) -> Task | None:
    participant = registration.participant
    if participant.referent_id is None:
        return None
    reason = registration.get_decline_reason_display()
    title = _("Rappeler %(p)s : ne peut pas venir au Café-métiers du %(d)s%(r)s") % {
        "p": participant,
        "d": long_date(registration.event.date),
        "r": f" ({reason})" if reason else "",
    }
    task, _created = Task.objects.get_or_create(
        participant=participant,
        kind=TaskKind.DECLINE_CALL,
        title=title[:250],
        done_at=None,
        defaults={"assignee_id": participant.referent_id, "due_on": timezone.localdate()},
    )
    return task
