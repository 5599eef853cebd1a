"""What the Café-métiers add to a participant's page (participants.timeline): their
registrations and job-dating interviews on the timeline, and the messages sent for them."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext as _

from events.models import (
    Answer,
    Channel,
    DeclineReason,
    Interview,
    InterviewOutcome,
    MessageKind,
    MessageStatus,
    Registration,
    RegistrationStatus,
    SentMessage,
)
from participants import timeline


def registration_rows(participant_id):
    return timeline.rows(
        Registration.objects.filter(participant_id=participant_id),
        "event",
        day=F("event__date"),
        code=F("status"),
        text=timeline.BLANK,
        # The young person's own answer on their page, if any: « answer:reason ».
        extra=Concat("answer", Value(":"), "decline_reason", output_field=timeline.TEXT),
    )


def registration_title(code, extra) -> str:
    title = _("Café-métiers : %(s)s") % {"s": RegistrationStatus(code).label}
    answer, _sep, reason = (extra or "").partition(":")
    if answer == Answer.COMING:
        return title + _(" — a répondu « Je viens » par son lien")
    if answer == Answer.NOT_COMING:
        why = f" ({DeclineReason(reason).label})" if reason else ""
        return title + _(" — a répondu « Je ne peux pas venir » par son lien%(r)s") % {"r": why}
    return title


def interview_rows(participant_id):
    return timeline.rows(
        Interview.objects.filter(registration__participant_id=participant_id).exclude(
            outcome=InterviewOutcome.PENDING
        ),
        "interview",
        day=F("table__event__date"),
        code=F("outcome"),
        text=F("reason"),
        extra=F("table__partner__name"),
        **timeline.author("recorded_by"),
    )


def interview_title(code, extra) -> str:
    return _("Job-dating avec %(p)s : %(o)s") % {"p": extra, "o": InterviewOutcome(code).label}


def register():
    timeline.add_source(timeline.TimelineSource("event", registration_rows, registration_title))
    timeline.add_source(timeline.TimelineSource("interview", interview_rows, interview_title))
    timeline.add_section("sent_messages", participant_messages)


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
