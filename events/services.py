"""Writes on Café-métiers. Places are counted under a lock on the event row, so the
capacity holds when many people confirm at the same moment. Locks are taken in one order,
the event first, then the registration (see events.job_dating)."""

import datetime as dt

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events import outbox, permissions
from events.models import (
    Event,
    EventStatus,
    MessageKind,
    MessageStatus,
    Registration,
    RegistrationStatus,
    SentMessage,
    Workshop,
)
from events.notifications import (
    PARIS,
    recipients,
    send_cancellation,
    send_change_notice,
    send_convocation,
    send_offer,
    send_waiting_notice,
)
from pacte import audit
from pacte.exceptions import DomainError
from pacte.models import User
from pacte.roles import Role
from pacte.templatetags.pacte_tags import long_date
from participants.walk_ins import short_file_create

Status = RegistrationStatus


def _convoke_after_commit(registration):
    """Queue the convocation with the invitation: it leaves once the invitation is saved
    (never for a rolled-back one)."""
    if registration.status == Status.INVITED:
        send_convocation(registration)
    elif registration.status == Status.WAITING:
        send_waiting_notice(registration)


@transaction.atomic
def convocations_send(*, event) -> int:
    """Queue every standing invitation's convocation, in one transaction: they leave once
    it commits (idempotent: what was queued stays queued)."""
    standing = event.registrations.filter(status__in=[Status.INVITED, Status.CONFIRMED])
    return sum(len(send_convocation(r)) for r in standing.select_related("participant", "event"))


@transaction.atomic
def event_create(*, by, form) -> Event:
    """Save a new event of the coordinator's territory with its staff and its log entry:
    all of it, or nothing."""
    if not permissions.can_manage_events(by):
        raise DomainError(_("Seule la coordination crée un Café-métiers."))
    event = form.save(commit=False)
    event.territory_id, event.created_by = by.territory_id, by
    event.save()
    form.save_m2m()
    audit.log_write(user=by, obj=event, created=True)
    return event


@transaction.atomic
def event_part_add(*, by, event, form):
    """A workshop or a partner present, added to the event by its coordination, with its
    log entry."""
    if not permissions.can_manage_event(by, event):
        raise DomainError(_("Seule la coordination du Café-métiers le modifie."))
    part = form.save(commit=False)
    part.event = event
    part.save()
    form.save_m2m()
    audit.log_write(user=by, obj=part, created=True)
    return part


# What those invited must be told of when it changes.
SCHEDULE_FIELDS = {"date", "starts_at", "ends_at", "venue", "address"}


@transaction.atomic
def event_update(*, by, form) -> tuple[Event, bool]:
    """Save the event form; a new date, new hours or a new place start a new schedule.
    Returns the event and whether it was rescheduled."""
    event = form.save(commit=False)
    if not permissions.can_manage_event(by, event):
        raise DomainError(_("Seule la coordination du territoire modifie ce Café-métiers."))
    if Event.objects.filter(pk=event.pk, status=EventStatus.CANCELLED).exists():
        raise DomainError(_("Ce Café-métiers est annulé : il ne se modifie plus."))
    rescheduled = bool(SCHEDULE_FIELDS & set(form.changed_data))
    if "capacity" in form.changed_data:
        held = places_taken(_locked_event(event))
        if event.capacity < held:
            raise DomainError(
                ngettext(
                    "%(n)s personne a une place (invitée, confirmée ou présente) : la "
                    "capacité ne peut pas descendre en dessous.",
                    "%(n)s personnes ont une place (invitées, confirmées ou présentes) : la "
                    "capacité ne peut pas descendre en dessous de %(n)s.",
                    held,
                )
                % {"n": held},
                field="capacity",
            )
    if rescheduled:
        event.schedule_version = F("schedule_version") + 1
    event.save()
    form.save_m2m()
    if rescheduled:
        event.refresh_from_db(fields=["schedule_version"])
        # A new date or place is asked again (#19 item 4): those who confirmed return to
        # invited, keeping their place, and confirm again on their page.
        event.registrations.filter(status=Status.CONFIRMED).update(
            status=Status.INVITED, confirmed_at=None, answer="", answered_at=None
        )
    audit.log_write(user=by, obj=event)
    return event, rescheduled


# Told of a cancellation: whoever still expected it (a place, an offer, the list).
TOLD_OF_A_CANCELLATION = [Status.INVITED, Status.CONFIRMED, Status.WAITING]


@transaction.atomic
def event_cancel(*, by, event) -> int:
    """« Annulé » (#19 item 4): everyone invited, confirmed or waiting is told by their
    channel, the offers close, and their registrations end as « événement annulé », kept
    for the record. Returns how many people are told."""
    event = _locked_event(event)
    if not permissions.can_manage_event(by, event):
        raise DomainError(_("Seule la coordination du territoire annule ce Café-métiers."))
    if event.status == EventStatus.CANCELLED:
        raise DomainError(_("Ce Café-métiers est déjà annulé."))
    if event.date < timezone.localdate() or event.status == EventStatus.DONE:
        raise DomainError(_("Ce Café-métiers a eu lieu : il ne s’annule plus."))
    told = list(
        event.registrations.select_for_update(of=("self",))
        .filter(status__in=TOLD_OF_A_CANCELLATION)
        .select_related("participant")
    )
    for registration in told:
        registration.event = event
        send_cancellation(registration)
    event.registrations.filter(pk__in=[r.pk for r in told]).update(
        status=Status.EVENT_CANCELLED, offered_until=None, updated_at=timezone.now()
    )
    # What had not left yet (a reminder, a convocation) stays: only the cancellation goes.
    SentMessage.objects.filter(
        registration__event=event, status__in=[MessageStatus.PENDING, MessageStatus.RETRY]
    ).exclude(kind=MessageKind.CANCELLATION).update(
        status=MessageStatus.FAILED,
        last_error=_("Retenu : le Café-métiers est annulé"),
        failed_at=timezone.now(),
        next_attempt_at=None,
    )
    event.status, event.cancelled_at = EventStatus.CANCELLED, timezone.now()
    event.save(update_fields=["status", "cancelled_at"])
    audit.log_write(user=by, obj=event)
    return len({r.participant_id for r in told})


@transaction.atomic
def change_notices_send(*, event) -> int:
    """Queue the notice of the new schedule for every standing invitation (once per
    schedule), in one transaction."""
    standing = event.registrations.filter(status__in=[Status.INVITED, Status.CONFIRMED])
    return sum(len(send_change_notice(r)) for r in standing.select_related("participant", "event"))


@transaction.atomic
def reminders_pause(*, by, registration, paused: bool) -> Registration:
    if not permissions.can_register(by, registration.event, registration.participant):
        raise DomainError(_("Vous ne pouvez pas modifier cette inscription."))
    registration.reminders_paused = paused
    registration.save(update_fields=["reminders_paused", "updated_at"])
    audit.log_write(user=by, obj=registration)
    return registration


def convocation_refusal(registration) -> str:
    """Why no convocation may leave for this registration now ("" when it may): an
    invitation still standing, to an event open and to come."""
    event = registration.event
    if registration.status not in {Status.INVITED, Status.CONFIRMED}:
        return _(
            "L’inscription de %(p)s n’est plus en cours : la convocation n’est pas renvoyée."
        ) % {"p": registration.participant}
    if event.date < timezone.localdate() or event.status == EventStatus.DONE:
        return _("Ce Café-métiers est passé : la convocation n’est pas renvoyée.")
    if event.status == EventStatus.DRAFT:
        return _(
            "Ce Café-métiers est en brouillon : aucune convocation ne part avant son ouverture."
        )
    return ""


@transaction.atomic
def convocation_resend(*, by, registration) -> int:
    """Send again a convocation that failed, or that nobody knows went: to the addresses
    the file still holds (a number refused and since corrected gets the convocation at
    the new one). Returns how many messages leave again."""
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("event", "participant")
        .get(pk=registration.pk)
    )
    event, participant = registration.event, registration.participant
    if not permissions.can_register(by, event, participant):
        raise DomainError(_("Vous ne pouvez pas renvoyer la convocation de ce jeune."))
    refusal = convocation_refusal(registration)
    if refusal:
        raise DomainError(refusal)
    not_delivered = list(
        SentMessage.objects.select_for_update()
        .filter(
            registration=registration,
            kind=MessageKind.CONVOCATION,
            status__in=[MessageStatus.FAILED, MessageStatus.UNKNOWN],
        )
        .order_by("pk")
    )
    if not not_delivered:
        raise DomainError(
            _("La convocation de %(p)s n’est pas en échec : il n’y a rien à renvoyer.")
            % {"p": participant}
        )
    current = {(r.channel, r.address.lower()) for r in recipients(participant)}
    again = [m for m in not_delivered if (m.channel, m.recipient.lower()) in current]
    for message in again:
        outbox.resend(message)
    # The addresses written in the file since (a corrected number): their first convocation.
    queued = len(again) + len(send_convocation(registration))
    if not queued:
        raise DomainError(
            _(
                "Le dossier de %(p)s n’a plus le numéro ou l’adresse où la convocation a "
                "échoué : complétez-le, puis renvoyez la convocation."
            )
            % {"p": participant}
        )
    audit.log_write(user=by, obj=registration)
    return queued


def _locked_event(event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def live_offer(now=None) -> Q:
    """A place offered to someone of the waiting list, until its deadline: it is held."""
    return Q(status=Status.WAITING, offered_until__gt=now or timezone.now())


def places_taken(event) -> int:
    held = Q(status__in=Status.holding_a_place()) | live_offer()
    return event.registrations.filter(held).count()


def has_free_place(event) -> bool:
    return places_taken(event) < event.capacity


def holds_a_place(registration, now=None) -> bool:
    """Invited, confirmed, present, or holding an offer still running."""
    if registration.status in Status.holding_a_place():
        return True
    offered_until = registration.offered_until
    return registration.status == Status.WAITING and bool(
        offered_until and offered_until > (now or timezone.now())
    )


# An offer shorter than this is no offer: the place is given outright (a convocation).
SHORTEST_OFFER = dt.timedelta(hours=2)


def offer_deadline(event, now=None):
    """The territory's hours to answer (48 by default), never past the end of the day
    before the event; None when less than SHORTEST_OFFER would remain."""
    now = now or timezone.now()
    day_before = dt.datetime.combine(event.date, dt.time.min, tzinfo=PARIS)
    deadline = min(now + dt.timedelta(hours=event.territory.waiting_offer_hours), day_before)
    return deadline if deadline - now >= SHORTEST_OFFER else None


@transaction.atomic
def registration_invite(*, by, event, participant) -> Registration:
    """Invite a participant; when every place is taken, put them on the waiting list."""
    event = _locked_event(event)
    if not permissions.can_register(by, event, participant):
        raise DomainError(_("Vous ne pouvez pas inscrire ce jeune à ce Café-métiers."))
    if event.date < timezone.localdate():
        raise DomainError(_("Ce Café-métiers a eu lieu : on n’y invite plus personne."))
    existing = Registration.objects.filter(event=event, participant=participant).first()
    if existing is not None and existing.status != Status.CANCELLED:
        raise DomainError(_("%(p)s est déjà inscrit(e) à ce Café-métiers.") % {"p": participant})
    registration = existing or Registration(event=event, participant=participant, invited_by=by)
    if has_free_place(event):
        registration.status, registration.waitlisted_at = Status.INVITED, None
    else:
        registration.status, registration.waitlisted_at = Status.WAITING, timezone.now()
    registration.invited_by, registration.offered_until = by, None
    registration.offer_lapsed_at = None
    registration.save()
    audit.log_write(user=by, obj=registration, created=existing is None)
    _convoke_after_commit(registration)
    return registration


@transaction.atomic
def registrations_invite(*, by, event, participants) -> dict:
    """Invite many at once, in one transaction: a failure midway keeps none of them (and
    sends no convocation). Those already registered are skipped, not errors."""
    event = _locked_event(event)
    if not permissions.can_manage_event(by, event):
        raise DomainError(_("Seule la coordination du territoire invite en nombre."))
    done = {"invited": 0, "waiting": 0, "skipped": 0}
    for participant in participants:
        try:
            registration = registration_invite(by=by, event=event, participant=participant)
        except DomainError:
            done["skipped"] += 1
        else:
            done["invited" if registration.status == Status.INVITED else "waiting"] += 1
    return done


@transaction.atomic
def registration_confirm(*, by, registration) -> Registration:
    """The young person agreed: their counsellor or a coordinator confirms for them."""
    event = _locked_event(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not permissions.can_register(by, event, registration.participant):
        raise DomainError(_("Vous ne pouvez pas confirmer cette inscription."))
    if registration.status == Status.CONFIRMED:
        return registration
    offered = registration.status == Status.WAITING and holds_a_place(registration)
    if registration.status == Status.WAITING and not offered:
        raise DomainError(
            _("Ce jeune est sur liste d’attente : il sera invité dès qu’une place se libère.")
        )
    if registration.status != Status.INVITED and not offered:
        raise DomainError(_("Seule une invitation en attente peut être confirmée."))
    # An invitation already holds its place: confirming it takes no other. Never more
    # confirmed than places, all the same (domain.md), whatever was written beside the app.
    confirmed = event.registrations.filter(status__in=[Status.CONFIRMED, Status.PRESENT]).count()
    if confirmed >= event.capacity:
        raise DomainError(_("Le Café-métiers est complet."))
    registration.status, registration.confirmed_at = Status.CONFIRMED, timezone.now()
    registration.offered_until = None  # an offer taken, by phone
    registration.save(update_fields=["status", "confirmed_at", "offered_until", "updated_at"])
    audit.log_write(user=by, obj=registration)
    if offered:
        send_convocation(registration)  # the QR code, now that the place is theirs
    return registration


@transaction.atomic
def registration_withdraw(*, by, registration, status=Status.CANCELLED):
    """Cancelled or excused: the place goes to the first on the waiting list."""
    if status not in {Status.CANCELLED, Status.EXCUSED}:
        raise DomainError(_("Choisissez « annulé » ou « excusé »."))
    event = _locked_event(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not permissions.can_register(by, event, registration.participant):
        raise DomainError(_("Vous ne pouvez pas modifier cette inscription."))
    freed = holds_a_place(registration)
    registration.status, registration.offered_until = status, None
    registration.save(update_fields=["status", "offered_until", "updated_at"])
    audit.log_write(user=by, obj=registration)
    promoted = promote_waiting(event) if freed else None
    return registration, promoted


def promote_waiting(event):
    """A place is free (the event is locked by the caller): the first on the waiting
    list who holds no offer (and let none lapse) gets it, as an offer until a deadline (a
    message with their link), or outright (a convocation) when too little time remains.
    Once only: two frees at the same moment wait for each other on the event's row."""
    if not has_free_place(event):
        return None
    now = timezone.now()
    first = (
        event.registrations.select_for_update()
        .filter(status=Status.WAITING, offer_lapsed_at__isnull=True)
        .exclude(offered_until__gt=now)
        .order_by("waitlisted_at", "pk")
        .first()
    )
    if first is None:
        return None
    deadline = offer_deadline(event, now)
    if deadline is None:
        first.status, first.waitlisted_at, first.offered_until = Status.INVITED, None, None
        first.save(update_fields=["status", "waitlisted_at", "offered_until", "updated_at"])
        _convoke_after_commit(first)
        return first
    first.offered_until, first.offers_made = deadline, first.offers_made + 1
    first.save(update_fields=["offered_until", "offers_made", "updated_at"])
    first.event = event
    send_offer(first)  # written in this transaction, delivered once it commits
    return first


def _check_in_allowed(by, event):
    """The check-in team, on the event's day: before it, a clear word of when it opens."""
    if not permissions.is_on_check_in_team(by, event):
        raise DomainError(_("Vous n’êtes pas de l’équipe d’accueil de ce Café-métiers."))
    if event.date > timezone.localdate():
        raise DomainError(_("L’émargement ouvre le jour du Café-métiers."))
    if event.date < timezone.localdate():
        raise DomainError(
            _("Ce Café-métiers a eu lieu : la coordination saisit l’émargement papier.")
        )


@transaction.atomic
def check_in(*, by, registration) -> Registration:
    """Arrival on the day. Checking in twice is one check-in."""
    event = _locked_event(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    _check_in_allowed(by, event)
    if registration.status == Status.PRESENT:
        return registration
    if registration.status not in Status.holding_a_place():
        # Not expected (waiting list, cancelled, excused): admitted first, which counts
        # against the places (walk_in_admit), never checked in past them by a tap.
        raise DomainError(
            _(
                "%(p)s n’a pas de place à ce Café-métiers : admettez-le ou admettez-la "
                "d’abord (« Admettre sans inscription »)."
            )
            % {"p": registration.participant}
        )
    registration.status = Status.PRESENT
    registration.checked_in_at, registration.checked_in_by = timezone.now(), by
    registration.save(update_fields=["status", "checked_in_at", "checked_in_by", "updated_at"])
    audit.log_write(user=by, obj=registration)
    return registration


@transaction.atomic
def check_in_undo(*, by, registration) -> Registration:
    """Checked in by mistake: the same team, the same day, puts it back as it was (an
    invitation, confirmed or not; a walk-in leaves, freeing the place). Logged."""
    event = _locked_event(registration.event)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    _check_in_allowed(by, event)
    if registration.status != Status.PRESENT:
        return registration
    if registration.walk_in:
        # Admitted at the door: back on the waiting list they were on, or gone.
        registration.status = Status.WAITING if registration.waitlisted_at else Status.CANCELLED
    else:
        registration.status = Status.CONFIRMED if registration.confirmed_at else Status.INVITED
    registration.checked_in_at, registration.checked_in_by = None, None
    registration.save(update_fields=["status", "checked_in_at", "checked_in_by", "updated_at"])
    audit.log_write(user=by, obj=registration)
    return registration


@transaction.atomic
def walk_in_admit(*, by, event, participant, reason="") -> Registration:
    """Someone not registered turns up: a free place, or a coordinator with a reason."""
    event = _locked_event(event)
    _check_in_allowed(by, event)
    if participant.territory_id != event.territory_id:
        raise DomainError(_("Vous ne pouvez pas admettre ce jeune."))
    existing = event.registrations.filter(participant=participant).first()
    # One rule for every path: places held = invited + confirmed + present, under the
    # event's lock; someone who already holds one takes no other.
    holds_one = existing is not None and existing.status in Status.holding_a_place()
    full = not holds_one and places_taken(event) >= event.capacity
    if full and not (permissions.can_manage_event(by, event) and reason.strip()):
        raise DomainError(
            _(
                "Le Café-métiers est complet : seule la coordination peut admettre une personne "
                "de plus, en indiquant le motif."
            ),
            field="reason",
        )
    registration, created = Registration.objects.get_or_create(
        event=event,
        participant=participant,
        defaults={"status": Status.PRESENT, "invited_by": by, "walk_in": True},
    )
    registration.status = Status.PRESENT
    registration.walk_in = registration.walk_in or not holds_one
    registration.checked_in_at, registration.checked_in_by = timezone.now(), by
    registration.over_capacity_reason = reason.strip() if full else ""
    registration.save()
    audit.log_write(user=by, obj=registration, created=created)
    return registration


def _walk_in_coordinator(by, event):
    """Who follows a walk-in's new file until it is completed: the coordinator admitting
    them, else the event's creator, else any active coordinator of the territory."""
    if by.role == Role.COORDINATOR:
        return by
    candidates = User.objects.filter(
        role=Role.COORDINATOR, is_active=True, structure__territory_id=event.territory_id
    )
    return candidates.filter(pk=event.created_by_id).first() or candidates.order_by("pk").first()


@transaction.atomic
def walk_in_create(*, by, event, reason="", **file) -> Registration:
    """Someone without a file turns up: a short « orienté » file for the coordination to
    complete, and they are checked in; one transaction (no file without its arrival)."""
    event = _locked_event(event)
    _check_in_allowed(by, event)
    coordinator = _walk_in_coordinator(by, event)
    if coordinator is None:
        raise DomainError(_("Aucun compte de coordination actif ne peut suivre ce dossier."))
    participant = short_file_create(
        by=by,
        coordinator=coordinator,
        on=event.date,
        occasion=_("Café-métiers du %(day)s") % {"day": long_date(event.date)},
        **file,
    )
    return walk_in_admit(by=by, event=event, participant=participant, reason=reason)


@transaction.atomic
def attendance_mark(*, by, event, present_ids) -> dict:
    """After a day on paper: everyone expected is present or absent, from the signed sheet."""
    event = _locked_event(event)
    if not permissions.can_manage_event(by, event):
        raise DomainError(_("Seule la coordination saisit l’émargement papier."))
    expected = event.registrations.filter(
        status__in=[Status.INVITED, Status.CONFIRMED, Status.PRESENT, Status.ABSENT]
    )
    present = set(map(int, present_ids))
    counts = {"present": 0, "absent": 0}
    for registration in expected:
        status = Status.PRESENT if registration.pk in present else Status.ABSENT
        if registration.status != status:
            registration.status = status
            registration.save(update_fields=["status", "updated_at"])
            audit.log_write(user=by, obj=registration)
        counts["present" if status == Status.PRESENT else "absent"] += 1
    return counts


@transaction.atomic
def workshop_join(*, by, registration, workshop: Workshop):
    """A participant's workshops never overlap, and a workshop holds its capacity."""
    # The event first, as every booking of the afternoon: an interview booked meanwhile
    # sees this workshop (see events.job_dating).
    _locked_event(registration.event)
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if workshop.event_id != registration.event_id:
        raise DomainError(_("Cet atelier n’appartient pas à ce Café-métiers."))
    if not permissions.can_register(by, registration.event, registration.participant):
        raise DomainError(_("Vous ne pouvez pas modifier cette inscription."))
    overlapping = registration.workshops.filter(
        starts_at__lt=workshop.ends_at, ends_at__gt=workshop.starts_at
    ).exclude(pk=workshop.pk)
    if overlapping.exists():
        raise DomainError(
            _("Cet atelier a lieu en même temps que « %(w)s ».") % {"w": overlapping.first()}
        )
    if workshop.registrations.count() >= workshop.capacity:
        raise DomainError(_("Cet atelier est complet."))
    registration.workshops.add(workshop)
    return registration
