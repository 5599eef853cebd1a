"""The outbox: delivering the messages of events.notifications, off the web request.

A request that causes messages writes them as pending SentMessage rows in its own
transaction (`events.notifications`) and enqueues their delivery once it commits
(`deliver_after_commit`). The job (`deliver`, run by django-q2's cluster) claims a row
with one UPDATE (pending or retry → sending), sends outside any transaction, then
records what happened:

- accepted by the provider → sent (a delivery report may later make it delivered);
- refused for good (an invalid number, an address refused) → failed at once;
- anything else (a timeout, a 5xx, no credit left) → retry later, with back-off, until
  the last attempt → failed.

A failed message is a task for the referent. A row still « sending » long after the job
should have ended (a worker that died between the provider's answer and the status
write) becomes « unknown »: it is shown, and never resent automatically, since the
provider may have taken it. `dispatch_due`, scheduled every minute, hands out the due
retries, the pending rows whose job was lost, and marks those stuck rows.
"""

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import MessageKind, MessageStatus, SentMessage
from pacte import sms
from participants.models import Task, TaskKind

logger = logging.getLogger("pacte.outbox")

Status = MessageStatus

# After the 1st, 2nd, 3rd and 4th failed attempts; the 5th is the last (about 21 h).
RETRY_DELAYS = (
    dt.timedelta(minutes=10),
    dt.timedelta(hours=1),
    dt.timedelta(hours=4),
    dt.timedelta(hours=16),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# Longer than a job may run (Q_CLUSTER's timeout): a row sending for longer is stuck.
STUCK_AFTER = dt.timedelta(minutes=10)
# A pending row whose job never came (the enqueue after the commit was lost).
LOST_AFTER = dt.timedelta(minutes=2)
DISPATCH_BATCH = 500

DELIVER = "events.outbox.deliver"

FAILED_TASK_TITLES = {
    MessageKind.CONVOCATION: gettext_lazy("Convocation non remise à %(who)s : appeler"),
    MessageKind.REMINDER: gettext_lazy("Rappel non remis à %(who)s : appeler"),
    MessageKind.CHANGE: gettext_lazy("Changement de Café-métiers non remis à %(who)s : appeler"),
    MessageKind.MORNING: gettext_lazy("Rappel du jour non remis à %(who)s : appeler"),
    MessageKind.WAITING: gettext_lazy("Message de liste d’attente non remis à %(who)s : appeler"),
    MessageKind.OFFER: gettext_lazy("Place proposée, message non remis à %(who)s : appeler"),
    MessageKind.CANCELLATION: gettext_lazy("Annulation non remise à %(who)s : appeler"),
    MessageKind.NO_SHOW: gettext_lazy("Message après l’absence non remis à %(who)s : appeler"),
}
EMAIL_REFUSED = gettext_lazy("Adresse e-mail refusée")
SEND_FAILED = gettext_lazy("L’envoi n’a pas abouti")


class PermanentFailure(Exception):
    """What no new attempt will change: the message fails at once."""


def deliver_after_commit(message_ids) -> None:
    """Hand the messages to the cluster once the transaction that wrote them commits
    (never for a rolled-back one)."""
    ids = list(message_ids)
    if ids:
        transaction.on_commit(lambda: enqueue(ids))


def enqueue(message_ids) -> None:
    from django_q.tasks import async_task

    sync = settings.Q_CLUSTER.get("sync", False)
    for pk in message_ids:
        async_task(DELIVER, pk, task_name=f"message-{pk}", group="messages", sync=sync)


def _claim(pk) -> bool:
    """Take the row for this job alone: of two workers given it, one updates it."""
    now = timezone.now()
    return bool(
        SentMessage.objects.filter(pk=pk, status__in=[Status.PENDING, Status.RETRY])
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def deliver(pk) -> str:
    """The job: send one message, once. Returns its status (the job's result)."""
    if not _claim(pk):
        return "skipped"
    message = SentMessage.objects.select_related(
        "registration__event__territory", "registration__participant__referent"
    ).get(pk=pk)
    try:
        provider_id = _send(message)
    except PermanentFailure as failure:
        _fail(message, str(failure))
    except Exception as error:  # noqa: BLE001 - every other failure is worth a new attempt
        logger.warning("Message %s, attempt %s: %s", pk, message.attempts, error)
        _retry_or_fail(message, _people_message(error))
    else:
        SentMessage.objects.filter(pk=pk, status=Status.SENDING).update(
            status=Status.SENT,
            sent_at=timezone.now(),
            provider_message_id=provider_id[:100],
            last_error="",
            next_attempt_at=None,
        )
    return SentMessage.objects.values_list("status", flat=True).get(pk=pk)


def _send(message) -> str:
    """Build the message from its row and hand it to the provider: its id there."""
    from events.notifications import Mailing, Recipient

    mailing = Mailing(message.registration, message.kind)
    recipient = Recipient(message.channel, message.recipient, legal_rep=message.to_legal_rep)
    try:
        return mailing.send(recipient) or ""
    except sms.SmsPermanentError as error:
        logger.warning("Message %s refused: %s", message.pk, error.detail or error)
        raise PermanentFailure(error.message) from error
    except smtplib.SMTPRecipientsRefused as error:
        raise PermanentFailure(str(EMAIL_REFUSED)) from error
    except Exception as error:
        if type(error).__name__ == "AnymailRecipientsRefused":
            raise PermanentFailure(str(EMAIL_REFUSED)) from error
        raise


def _people_message(error) -> str:
    return str(getattr(error, "message", "") or SEND_FAILED)[:300]


def _retry_or_fail(message, reason) -> None:
    if message.attempts >= MAX_ATTEMPTS:
        _fail(message, reason)
        return
    SentMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
        status=Status.RETRY,
        last_error=reason,
        next_attempt_at=timezone.now() + RETRY_DELAYS[message.attempts - 1],
    )


@transaction.atomic
def _fail(message, reason) -> None:
    """The message will not go: say why, and give the referent a call to make."""
    failed = SentMessage.objects.filter(
        pk=message.pk, status__in=[Status.SENDING, Status.SENT]
    ).update(status=Status.FAILED, last_error=reason[:300], failed_at=timezone.now())
    if failed:
        failure_task(message)


def failure_task(message) -> Task:
    participant = message.registration.participant
    who = (
        _("représentant légal de %(name)s") % {"name": participant}
        if message.to_legal_rep
        else str(participant)
    )
    title = FAILED_TASK_TITLES[message.kind] % {"who": who}
    task, _created = Task.objects.get_or_create(
        participant=participant,
        kind=TaskKind.MESSAGE_FAILED,
        title=title[:250],
        done_at=None,
        defaults={"assignee": participant.referent, "due_on": timezone.localdate()},
    )
    return task


def record_delivery_report(*, provider_message_id: str, delivered: bool, reason="") -> bool:
    """A delivery report of the provider: the message reached the phone, or not."""
    message = (
        SentMessage.objects.select_related("registration__participant__referent")
        .filter(provider_message_id=provider_message_id)
        .exclude(provider_message_id="")
        .first()
    )
    if message is None:
        return False
    if delivered:
        SentMessage.objects.filter(pk=message.pk, status=Status.SENT).update(
            status=Status.DELIVERED, delivered_at=timezone.now()
        )
    else:
        _fail(message, reason or _("Non remis par l’opérateur"))
    return True


def dispatch_due() -> dict:
    """Every minute: hand out the retries due and the pending rows whose job was lost,
    and mark « unknown » the rows left sending by a worker that died."""
    now = timezone.now()
    stuck = SentMessage.objects.filter(status=Status.SENDING, claimed_at__lt=now - STUCK_AFTER)
    unknown = stuck.update(
        status=Status.UNKNOWN,
        last_error=_("Envoi interrompu : vérifiez auprès du jeune avant de renvoyer."),
    )
    due = list(
        SentMessage.objects.filter(
            Q(status=Status.RETRY) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            | Q(status=Status.PENDING, created_at__lt=now - LOST_AFTER)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:DISPATCH_BATCH]
    )
    enqueue(due)
    return {"enqueued": len(due), "unknown": unknown}


def resend(message) -> SentMessage:
    """Send a failed or unknown message again, from the event page: a new attempt now."""
    SentMessage.objects.filter(pk=message.pk, status__in=[Status.FAILED, Status.UNKNOWN]).update(
        status=Status.RETRY, next_attempt_at=None, attempts=0, last_error=""
    )
    deliver_after_commit([message.pk])
    message.refresh_from_db()
    return message
