"""Convocations and reminders sent to the young person (and a minor's legal representative).

One SentMessage per (registration, kind, channel, recipient, schedule) makes sending
idempotent: what causes messages writes their rows, pending, in its own transaction, and
events.outbox delivers them off the request once it commits (retries, failures, status).

The wording speaks of the Café-métiers and the prefecture only: never the programme's
name, never the justice.
"""

import datetime as dt
import logging
from dataclasses import dataclass
from email.utils import parseaddr
from functools import cached_property
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from events import outbox
from events.documents import (
    EVENT_NAME,
    WHAT_TO_BRING,
    convocation_pdf,
    long_date,
    time_label,
)
from events.models import (
    Channel,
    EventStatus,
    MessageKind,
    Registration,
    RegistrationStatus,
    SentMessage,
)
from events.personal_links import personal_url
from pacte import sms
from pacte.models import Territory
from pacte.operators import sender_for
from pacte.phones import format_phone
from pacte.templatetags.pacte_tags import weekday_day_month
from participants.models import PreferredChannel, SmsOptOut

logger = logging.getLogger("pacte.notifications")

PARIS = ZoneInfo("Europe/Paris")
SMS_MAX_SEGMENTS = 2  # what one convocation may cost, per recipient
SMS_LINK = "Détails et code QR : {link}"
# No place held yet, no QR code: the page, where they answer.
SMS_LINKS = {
    MessageKind.WAITING: "Votre page : {link}",
    MessageKind.OFFER: "Répondre : {link}",
    MessageKind.CANCELLATION: "Votre page : {link}",
}
CALENDAR_SUMMARY = "Café-métiers — Préfecture"
CALENDAR_FILENAME = "cafe-metiers.ics"
SENDABLE_STATUSES = [RegistrationStatus.INVITED, RegistrationStatus.CONFIRMED]
REMINDED_EVENT_STATUSES = [EventStatus.OPEN, EventStatus.CLOSED]
CHANNELS_BY_PREFERENCE = {
    PreferredChannel.SMS: {Channel.SMS},
    PreferredChannel.EMAIL: {Channel.EMAIL},
    PreferredChannel.BOTH: {Channel.SMS, Channel.EMAIL},
}
SUBJECTS = {
    MessageKind.CONVOCATION: "Convocation au Café-métiers de la préfecture — {date}, {time}",
    MessageKind.REMINDER: "Rappel : Café-métiers de la préfecture — {date}, {time}",
    MessageKind.CHANGE: "Changement : Café-métiers de la préfecture — {date}, {time}",
    MessageKind.WAITING: "Liste d’attente : Café-métiers de la préfecture — {date}",
    MessageKind.OFFER: "Une place pour vous : Café-métiers de la préfecture — {date}",
    MessageKind.CANCELLATION: "Annulé : Café-métiers de la préfecture — {date}",
    MessageKind.NO_SHOW: "Café-métiers de la préfecture : une autre date ?",
}
TEMPLATES = {
    (MessageKind.CONVOCATION, Channel.EMAIL): "events/messages/convocation_email.txt",
    (MessageKind.CONVOCATION, Channel.SMS): "events/messages/convocation_sms.txt",
    (MessageKind.REMINDER, Channel.EMAIL): "events/messages/reminder_email.txt",
    (MessageKind.REMINDER, Channel.SMS): "events/messages/reminder_sms.txt",
    (MessageKind.CHANGE, Channel.EMAIL): "events/messages/change_email.txt",
    (MessageKind.CHANGE, Channel.SMS): "events/messages/change_sms.txt",
    (MessageKind.MORNING, Channel.SMS): "events/messages/morning_sms.txt",
    (MessageKind.WAITING, Channel.EMAIL): "events/messages/waiting_email.txt",
    (MessageKind.WAITING, Channel.SMS): "events/messages/waiting_sms.txt",
    (MessageKind.OFFER, Channel.EMAIL): "events/messages/offer_email.txt",
    (MessageKind.OFFER, Channel.SMS): "events/messages/offer_sms.txt",
    (MessageKind.CANCELLATION, Channel.EMAIL): "events/messages/cancellation_email.txt",
    (MessageKind.CANCELLATION, Channel.SMS): "events/messages/cancellation_sms.txt",
    (MessageKind.NO_SHOW, Channel.EMAIL): "events/messages/no_show_email.txt",
    (MessageKind.NO_SHOW, Channel.SMS): "events/messages/no_show_sms.txt",
}
# What is not a place held carries no convocation, no QR code and no calendar entry.
WITHOUT_ATTACHMENTS = {
    MessageKind.WAITING,
    MessageKind.OFFER,
    MessageKind.CANCELLATION,
    MessageKind.NO_SHOW,
}
# After the day, the page opens nothing more for them: no link.
WITHOUT_LINK = {MessageKind.NO_SHOW}


@dataclass(frozen=True)
class Recipient:
    channel: str
    address: str
    legal_rep: bool = False


# Who receives what ---------------------------------------------------------------------


def _participant_recipients(participant) -> list[Recipient]:
    channels = CHANNELS_BY_PREFERENCE.get(participant.preferred_channel, {Channel.SMS})
    found = []
    if Channel.SMS in channels and participant.phone:
        found.append(Recipient(Channel.SMS, participant.phone))
    if Channel.EMAIL in channels and participant.email:
        found.append(Recipient(Channel.EMAIL, participant.email))
    return found


def _legal_rep_recipients(participant) -> list[Recipient]:
    """A minor's legal representative receives on every contact recorded."""
    if not participant.is_minor:
        return []
    found = []
    if participant.legal_rep_phone:
        found.append(Recipient(Channel.SMS, participant.legal_rep_phone, legal_rep=True))
    if participant.legal_rep_email:
        found.append(Recipient(Channel.EMAIL, participant.legal_rep_email, legal_rep=True))
    return found


def recipients(participant) -> list[Recipient]:
    """Each address once (a family may share one phone), the young person first."""
    if participant.anonymised_at is not None:
        return []
    unique = {}
    for recipient in _participant_recipients(participant) + _legal_rep_recipients(participant):
        unique.setdefault((recipient.channel, recipient.address.lower()), recipient)
    wanted = list(unique.values())
    found = _without_refused_numbers(wanted)
    theirs_refused = any(not r.legal_rep for r in wanted) and not any(
        not r.legal_rep for r in found
    )
    if theirs_refused and participant.email:
        # Their SMS refused (#19 item 5): their e-mail, if the file holds one.
        found.insert(0, Recipient(Channel.EMAIL, participant.email))
    return found


def _without_refused_numbers(found) -> list[Recipient]:
    """No SMS to a number that refused them (STOP, the page, the counsellor)."""
    numbers = [r.address for r in found if r.channel == Channel.SMS]
    if not numbers:
        return found
    refused = set(SmsOptOut.objects.filter(phone__in=numbers).values_list("phone", flat=True))
    return [r for r in found if not (r.channel == Channel.SMS and r.address in refused)]


# What is sent --------------------------------------------------------------------------


def calendar_uid(registration) -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "prefecture.fr"
    return f"cafe-metiers-inscription-{registration.pk}@{domain}"


def _at_paris(day, moment) -> dt.datetime:
    return dt.datetime.combine(day, moment, tzinfo=PARIS)


def calendar_file(registration, *, cancelled=False) -> bytes:
    """An .ics with the event in Europe/Paris time, its UID stable for this registration;
    `cancelled`: the same entry, cancelled (it leaves the person's calendar)."""
    event = registration.event
    entry = CalendarEvent()
    entry.add("uid", calendar_uid(registration))
    # A new schedule replaces the entry already in the person's calendar; so does a
    # cancellation, one step later.
    entry.add("sequence", event.schedule_version - 1 + int(cancelled))
    if cancelled:
        entry.add("status", "CANCELLED")
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", _at_paris(event.date, event.starts_at))
    entry.add("dtend", _at_paris(event.date, event.ends_at))
    entry.add("summary", CALENDAR_SUMMARY)
    entry.add("location", f"{event.venue}, {event.address}")
    entry.add("description", "À apporter : " + " ; ".join(WHAT_TO_BRING) + ".")
    calendar = Calendar()
    calendar.add("prodid", "-//Préfecture//Café-métiers//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(entry)
    # The time zone's rules around the event only, not since 1970.
    calendar.add_missing_timezones(
        first_date=event.date - dt.timedelta(days=366),
        last_date=event.date + dt.timedelta(days=366),
    )
    return calendar.to_ical()


class Mailing:
    """What one registration's messages share; the attachments are built once, if needed."""

    def __init__(self, registration, kind, request=None):
        self.registration, self.kind, self.request = registration, kind, request
        self.event = registration.event

    @cached_property
    def calendar(self) -> bytes:
        return calendar_file(self.registration)

    @cached_property
    def pdf(self) -> bytes | None:
        """The convocation PDF, or None when it cannot be made here (then sent without)."""
        try:
            return convocation_pdf(self.request, self.registration).content
        except (ImportError, OSError) as error:
            logger.warning("Convocation PDF not attached (no PDF engine): %s", error)
        except ImproperlyConfigured as error:
            logger.warning("Convocation PDF not attached: %s", error)
        return None

    def context(self, recipient) -> dict:
        participant = self.registration.participant
        referent = participant.referent
        return {
            "event_name": EVENT_NAME,
            "for_legal_rep": recipient.legal_rep,
            "legal_rep_name": participant.legal_rep_name,
            "first_name": participant.first_name,
            "date_label": long_date(self.event.date),
            "starts_label": time_label(self.event.starts_at),
            "ends_label": time_label(self.event.ends_at),
            "venue": self.event.venue,
            "address": self.event.address,
            "what_to_bring": WHAT_TO_BRING,
            "personal_link": self.personal_link,
            "offer_deadline": offer_deadline_label(self.registration),
            "referent_first_name": referent.first_name if referent else "",
            "referent_phone": format_phone(referent.phone) if referent and referent.phone else "",
        }

    @cached_property
    def personal_link(self) -> str:
        """The young person's page (events.personal_links), in every message."""
        return personal_url(self.registration, self.request)

    def subject(self) -> str:
        return SUBJECTS[self.kind].format(
            date=long_date(self.event.date), time=time_label(self.event.starts_at)
        )

    def sms_text(self, recipient) -> str:
        text = render_to_string(TEMPLATES[self.kind, Channel.SMS], self.context(recipient))
        # The link ends the SMS whole: if the text is too long, it is cut before it.
        tail = (
            ""
            if self.kind in WITHOUT_LINK
            else SMS_LINKS.get(self.kind, SMS_LINK).format(link=self.personal_link)
        )
        return sms.fit(text, max_segments=SMS_MAX_SEGMENTS, tail=tail)

    def email(self, recipient) -> EmailMultiAlternatives:
        pdf = None if self.kind in WITHOUT_ATTACHMENTS else self.pdf
        body = render_to_string(
            TEMPLATES[self.kind, Channel.EMAIL],
            {**self.context(recipient), "with_pdf": pdf is not None},
        )
        message = EmailMultiAlternatives(
            self.subject(),
            body,
            from_email=sender_for(self.event.territory),
            to=[recipient.address],
        )
        if self.kind not in WITHOUT_ATTACHMENTS:
            message.attach(CALENDAR_FILENAME, self.calendar, "text/calendar")
        elif self.kind == MessageKind.CANCELLATION:
            cancelled = calendar_file(self.registration, cancelled=True)
            message.attach(CALENDAR_FILENAME, cancelled, "text/calendar")
        if pdf is not None:
            message.attach(f"convocation-{self.event.date:%Y-%m-%d}.pdf", pdf, "application/pdf")
        return message

    def send(self, recipient) -> str:
        """Hand the message to the provider; its id there ("" when it gives none)."""
        if recipient.channel == Channel.SMS:
            return sms.send_sms(recipient.address, self.sms_text(recipient)) or ""
        message = self.email(recipient)
        message.send()
        status = getattr(message, "anymail_status", None)  # django-anymail's providers
        return (status.message_id or "") if status is not None else ""


# Queueing, once --------------------------------------------------------------------------


def _version(registration, kind) -> int:
    """A convocation is sent once; a reminder or a change notice once per schedule; an
    offer once per offer made."""
    if kind == MessageKind.OFFER:
        return registration.offers_made
    return 0 if kind == MessageKind.CONVOCATION else registration.event.schedule_version


def offer_deadline_label(registration) -> str:
    """« mardi 15 décembre, 18 h 00 »: until when a place is kept for them."""
    if registration.offered_until is None:
        return ""
    moment = timezone.localtime(registration.offered_until, PARIS)
    return f"{weekday_day_month(moment.date())}, {time_label(moment.time())}"


@transaction.atomic
def _queue_for_all(registration, kind, channels=None) -> list[SentMessage]:
    """Write the registration's messages of this kind, pending, once each (a concurrent run
    meets the unique row), and have them delivered once this transaction commits."""
    queued = []
    for recipient in recipients(registration.participant):
        if channels is not None and recipient.channel not in channels:
            continue
        record, created = SentMessage.objects.get_or_create(
            registration=registration,
            kind=kind,
            channel=recipient.channel,
            recipient=recipient.address,
            event_version=_version(registration, kind),
            defaults={"to_legal_rep": recipient.legal_rep},
        )
        if created:
            queued.append(record)
    outbox.deliver_after_commit(record.pk for record in queued)
    return queued


def send_convocation(registration) -> list[SentMessage]:
    """Send the convocation by the preferred channel(s), and to a minor's legal representative.

    Only for an invitation still standing (invited or confirmed) to an event to come;
    returns the messages sent now (none when everything was already sent).
    """
    if registration.status not in SENDABLE_STATUSES:
        return []
    if registration.event.status not in REMINDED_EVENT_STATUSES:
        return []  # a draft event sends nothing yet; opening it sends the convocations
    if registration.event.date < timezone.localdate():
        return []
    return _queue_for_all(registration, MessageKind.CONVOCATION)


def send_waiting_notice(registration) -> list[SentMessage]:
    """Tell someone put on the waiting list that they are on it: no convocation, no QR
    code, no « vous êtes attendu(e) »; the convocation follows if a place frees up."""
    if registration.status != RegistrationStatus.WAITING:
        return []
    if registration.event.status not in REMINDED_EVENT_STATUSES:
        return []
    if registration.event.date < timezone.localdate():
        return []
    return _queue_for_all(registration, MessageKind.WAITING)


def send_offer(registration) -> list[SentMessage]:
    """Offer a freed place to someone of the waiting list, with the deadline to answer on
    their page (no convocation yet: it follows their « Je viens »)."""
    if registration.status != RegistrationStatus.WAITING or registration.offered_until is None:
        return []
    if registration.event.status not in REMINDED_EVENT_STATUSES:
        return []
    return _queue_for_all(registration, MessageKind.OFFER)


def send_cancellation(registration) -> list[SentMessage]:
    """Tell someone who still expected the event (a place, an offer, the waiting list)
    that it is cancelled: no convocation, no calendar entry."""
    return _queue_for_all(registration, MessageKind.CANCELLATION)


def send_no_show_messages(*, today=None) -> int:
    """The morning after an event (a daily job): to each young person noted absent, an
    SMS (or e-mail) proposing to call their counsellor for another date; no blame, no
    justice word. Their no-show task says it went. Once each."""
    from participants.models import Task, TaskKind

    today = today or timezone.localdate()
    absent = Registration.objects.filter(
        event__date=today - dt.timedelta(days=1), status=RegistrationStatus.ABSENT
    ).select_related("event", "participant__referent")
    sent = 0
    for registration in absent:
        queued = _queue_for_all(registration, MessageKind.NO_SHOW)
        if queued:
            sent += 1
            note = _(" — un message lui propose de reprendre contact (%(d)s)") % {
                "d": today.strftime("%d/%m")
            }
            for task in Task.objects.filter(
                participant=registration.participant,
                kind=TaskKind.NO_SHOW_CALL,
                done_at__isnull=True,
            ).exclude(title__contains=note):
                task.title = (task.title + note)[:250]
                task.save(update_fields=["title"])
    return sent


def send_change_notice(registration) -> list[SentMessage]:
    """Tell a standing invitation that the date, the hours or the place changed (once per
    new schedule), with the updated calendar entry and convocation."""
    if registration.status not in SENDABLE_STATUSES:
        return []
    if registration.event.status not in REMINDED_EVENT_STATUSES:
        return []
    if registration.event.date < timezone.localdate():
        return []
    return _queue_for_all(registration, MessageKind.CHANGE)


def registrations_due_for_reminder(today, kind=MessageKind.REMINDER):
    """Those expected at an event their territory reminds of today: its reminder some days
    ahead (`reminder_days_before`), or its SMS the morning of the event."""
    if kind == MessageKind.MORNING:
        when = Q(event__date=today, event__territory__morning_reminder=True)
    else:
        when = Q(pk__in=[])
        for territory_id, days in Territory.objects.filter(reminder_days_before__gt=0).values_list(
            "pk", "reminder_days_before"
        ):
            when |= Q(event__territory_id=territory_id, event__date=today + dt.timedelta(days=days))
    return (
        Registration.objects.filter(
            when,
            event__status__in=REMINDED_EVENT_STATUSES,
            status__in=SENDABLE_STATUSES,
            reminders_paused=False,
        )
        .select_related("event__territory", "participant")
        .order_by("pk")
    )


@transaction.atomic
def send_due_reminders(*, today=None) -> int:
    """Queue today's reminders, each territory as it chose (the days before, and an SMS the
    morning of the event); returns how many messages were queued. Run every morning by the
    job cluster; running it twice queues nothing more."""
    today = today or timezone.localdate()
    queued = sum(
        len(_queue_for_all(registration, MessageKind.REMINDER))
        for registration in registrations_due_for_reminder(today)
    )
    return queued + sum(
        len(_queue_for_all(registration, MessageKind.MORNING, channels={Channel.SMS}))
        for registration in registrations_due_for_reminder(today, MessageKind.MORNING)
    )
