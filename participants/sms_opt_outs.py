"""Recording and lifting a refusal of SMS (#19 item 5; the model: participants.models
.sms_opt_out). Each is one access-log entry; the referents of the files holding the
number get a task to reach the young person another way."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacte import audit
from pacte.exceptions import DomainError
from pacte.phones import normalize_phone
from participants import permissions
from participants.models import OptOutSource, Participant, SmsOptOut, Task, TaskKind


def _number(phone) -> str:
    try:
        return normalize_phone(phone or "")
    except ValidationError:  # an unreadable number refuses nothing
        return ""


def is_opted_out(phone) -> bool:
    number = _number(phone)
    return bool(number) and SmsOptOut.objects.filter(phone=number).exists()


@transaction.atomic
def sms_opt_out(*, phone, source, by=None) -> SmsOptOut | None:
    """No more SMS to this number. Idempotent; None for a number that is none."""
    number = _number(phone)
    if not number:
        return None
    participant = Participant.objects.filter(phone=number).order_by("pk").first()
    opt_out, created = SmsOptOut.objects.get_or_create(
        phone=number,
        defaults={"source": source, "recorded_by": by, "participant": participant},
    )
    if created:
        audit.log_write(user=by, obj=opt_out, created=True)
        for participant in Participant.objects.filter(phone=number).select_related("referent"):
            _reach_otherwise_task(participant)
    return opt_out


def sms_opt_out_by_counsellor(*, by, participant) -> SmsOptOut:
    if not permissions.can_edit_participant(by, participant):
        raise DomainError(_("Vous ne pouvez pas modifier ce dossier."))
    opt_out = sms_opt_out(phone=participant.phone, source=OptOutSource.COUNSELLOR, by=by)
    if opt_out is None:
        raise DomainError(_("Ce dossier n’a pas de numéro de téléphone."))
    return opt_out


@transaction.atomic
def sms_opt_in(*, by, participant) -> None:
    """Lifted with the young person's agreement, by who may change the file (logged)."""
    if not permissions.can_edit_participant(by, participant):
        raise DomainError(_("Vous ne pouvez pas modifier ce dossier."))
    opt_out = SmsOptOut.objects.filter(phone=_number(participant.phone)).first()
    if opt_out is None:
        raise DomainError(_("Ce numéro ne refuse pas les SMS."))
    audit.log_write(user=by, obj=opt_out, deleted=True)
    opt_out.delete()


def _reach_otherwise_task(participant) -> None:
    if participant.referent_id is None:
        return
    Task.objects.get_or_create(
        participant=participant,
        kind=TaskKind.SMS_REFUSED,
        done_at=None,
        defaults={
            "assignee_id": participant.referent_id,
            "title": (
                _("%(p)s ne veut plus recevoir de SMS : le joindre autrement") % {"p": participant}
            )[:250],
            "due_on": timezone.localdate(),
        },
    )
