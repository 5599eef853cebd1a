"""Job-dating at the Café-métiers: booking slots, the automatic proposal, outcomes,
closing the day (no-shows become tasks).

Row locks, always in this order (a proposal and manual bookings that took them in two
orders deadlocked under load, #15): the event first, then its tables by id, then its
registrations by id, then workshops. Whatever books an interview or changes a person's
afternoon locks the event first, so the bookings of one event happen one after the other
and each sees the last one's slots; nothing locks a table or a registration of an event
whose lock it does not hold (an outcome locks its interview row only). The writes of
events.services follow the same order: the event, then the registration.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events import permissions
from events.models import (
    Event,
    EventStatus,
    Interview,
    InterviewOutcome,
    RegistrationStatus,
)
from pacte import audit
from pacte.exceptions import DomainError
from pacte.roles import Role
from participants.models import OutcomeKind, Task, TaskKind
from participants.services import outcome_create

BOOKABLE = [RegistrationStatus.INVITED, RegistrationStatus.CONFIRMED, RegistrationStatus.PRESENT]

HIRE_KINDS = {
    "cdi": OutcomeKind.CDI,
    "cdd": OutcomeKind.CDD_SHORT,
    "cdd_long": OutcomeKind.CDD_LONG,
    "temping": OutcomeKind.TEMPING_SHORT,
    "alternance": OutcomeKind.ALTERNANCE,
}


def _end(table, starts_at):
    return (
        dt.datetime.combine(dt.date.min, starts_at) + dt.timedelta(minutes=table.slot_minutes)
    ).time()


def _busy(registration, starts_at, ends_at) -> str | None:
    """Why the person cannot be there at that time, or None."""
    if registration.interviews.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
        return _("Ce jeune a déjà un entretien à cette heure-là.")
    if registration.workshops.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
        return _("Ce jeune est en atelier à cette heure-là.")
    return None


def _locked_event(event_id) -> Event:
    return Event.objects.select_for_update().get(pk=event_id)


def _locked_tables(event):
    """The event's tables, locked by id (the event's lock is held)."""
    return event.tables.select_related("partner").select_for_update(of=("self",)).order_by("pk")


def _locked_registrations(queryset):
    """Registrations locked by id, without their joined rows (the event's lock is held)."""
    return queryset.select_for_update(of=("self",)).order_by("pk")


@transaction.atomic
def interview_book(*, by, table, registration, starts_at) -> Interview:
    event = _locked_event(table.event_id)
    table = _locked_tables(event).get(pk=table.pk)
    table.event = event
    registration = (
        _locked_registrations(event.registrations.select_related("participant"))
        .filter(pk=registration.pk)
        .first()
    )
    if registration is None:
        raise DomainError(_("Ce jeune n’est pas inscrit à ce Café-métiers."))
    if not permissions.can_register(by, table.event, registration.participant):
        raise DomainError(_("Vous ne pouvez pas inscrire ce jeune au job-dating."))
    if registration.status not in BOOKABLE:
        raise DomainError(
            _("Seuls les jeunes invités, confirmés ou présents passent un entretien.")
        )
    if starts_at not in table.slots():
        raise DomainError(_("Ce créneau n’existe pas à cette table."), field="starts_at")
    if table.interviews.filter(starts_at=starts_at).exists():
        raise DomainError(_("Ce créneau est déjà pris."), field="starts_at")
    ends_at = _end(table, starts_at)
    reason = _busy(registration, starts_at, ends_at)
    if reason:
        raise DomainError(reason, field="starts_at")
    interview = Interview.objects.create(
        table=table, registration=registration, starts_at=starts_at, ends_at=ends_at
    )
    audit.log_write(user=by, obj=interview, created=True)
    return interview


def _wishes_match(participant, partner) -> bool:
    return not participant.wished_sectors or partner.sector in participant.wished_sectors


@transaction.atomic
def propose_schedule(*, by, event) -> int:
    """Fill the free slots: each table takes, slot by slot, a person whose wishes match its
    sector, who is free then and has not met this table yet; fewest interviews first."""
    event = _locked_event(event.pk)
    if not permissions.can_manage_event(by, event):
        raise DomainError(_("Seule la coordination prépare le planning du job-dating."))
    tables = list(_locked_tables(event))
    registrations = list(
        _locked_registrations(
            event.registrations.filter(status__in=BOOKABLE)
            .select_related("participant")
            .prefetch_related("workshops", "interviews")
        )
    )
    agenda = {
        r.pk: [(i.starts_at, i.ends_at, i.table_id) for i in r.interviews.all()]
        for r in registrations
    }
    booked = 0
    for table in tables:
        taken = set(table.interviews.values_list("starts_at", flat=True))
        for starts_at in table.slots():
            if starts_at in taken:
                continue
            ends_at = _end(table, starts_at)
            candidates = [
                r
                for r in registrations
                if _wishes_match(r.participant, table.partner)
                and all(t != table.pk for _s, _e, t in agenda[r.pk])
                and not any(s < ends_at and e > starts_at for s, e, _t in agenda[r.pk])
                and not any(
                    w.starts_at < ends_at and w.ends_at > starts_at for w in r.workshops.all()
                )
            ]
            if not candidates:
                continue
            chosen = min(candidates, key=lambda r: (len(agenda[r.pk]), r.pk))
            Interview.objects.create(
                table=table, registration=chosen, starts_at=starts_at, ends_at=ends_at
            )
            agenda[chosen.pk].append((starts_at, ends_at, table.pk))
            booked += 1
    return booked


def can_record(user, interview) -> bool:
    table = interview.table
    if user.role == Role.RECRUITER:
        return table.recruiter_id == user.pk
    return permissions.can_manage_event(user, table.event)


@transaction.atomic
def interview_record(*, by, interview, outcome, contract_type="", reason="") -> Interview:
    """The recruiter says how it went. Positive outcomes become a task for the counsellor;
    a hire or an immersion is recorded as the participant's outcome."""
    # The interview's row only: locking the joined event, table and registration too
    # would take them out of order (see the module's docstring).
    interview = (
        Interview.objects.select_for_update(of=("self",))
        .select_related("table__partner", "table__event", "registration__participant__referent")
        .get(pk=interview.pk)
    )
    if not can_record(by, interview):
        raise DomainError(_("Cet entretien n’est pas à votre table."))
    if interview.outcome != InterviewOutcome.PENDING:
        raise DomainError(_("La suite de cet entretien est déjà enregistrée."))
    if outcome == InterviewOutcome.HIRE and contract_type not in HIRE_KINDS:
        raise DomainError(_("Indiquez le contrat proposé."), field="contract_type")
    if outcome == InterviewOutcome.NOT_RETAINED and not reason.strip():
        raise DomainError(
            _("Indiquez le motif, pour aider le conseiller à préparer la suite."), field="reason"
        )
    interview.outcome, interview.contract_type, interview.reason = outcome, contract_type, reason
    interview.recorded_at, interview.recorded_by = timezone.now(), by
    interview.save()
    audit.log_write(user=by, obj=interview)
    participant = interview.registration.participant
    partner = interview.table.partner
    day = interview.table.event.date
    if outcome == InterviewOutcome.HIRE:
        outcome_create(
            by=by,
            participant=participant,
            kind=HIRE_KINDS[contract_type],
            starts_on=day,
            employer=partner,
            employer_name=partner.name,
        )
    elif outcome == InterviewOutcome.IMMERSION:
        outcome_create(
            by=by,
            participant=participant,
            kind=OutcomeKind.IMMERSION,
            starts_on=day,
            employer=partner,
            employer_name=partner.name,
        )
    if outcome in InterviewOutcome.positive():
        Task.objects.create(
            participant=participant,
            assignee=participant.referent,
            kind=TaskKind.OTHER,
            title=_("Job-dating avec %(p)s : %(o)s — organiser la suite")
            % {"p": partner.name, "o": InterviewOutcome(outcome).label.lower()},
            due_on=timezone.localdate() + dt.timedelta(days=7),
        )
    return interview


@transaction.atomic
def event_close(*, by, event) -> dict:
    """End of the day: who did not come is absent, and each absence is a call to make."""
    event = _locked_event(event.pk)
    if not permissions.can_manage_event(by, event):
        raise DomainError(_("Seule la coordination clôture un Café-métiers."))
    expected = event.registrations.filter(
        status__in=[RegistrationStatus.INVITED, RegistrationStatus.CONFIRMED]
    )
    expected.update(status=RegistrationStatus.ABSENT, updated_at=timezone.now())
    Interview.objects.filter(
        table__event=event,
        outcome=InterviewOutcome.PENDING,
        registration__status=RegistrationStatus.ABSENT,
    ).update(outcome=InterviewOutcome.NO_SHOW)
    created = 0
    for registration in event.registrations.filter(status=RegistrationStatus.ABSENT).select_related(
        "participant__referent"
    ):
        title = _("Rappeler après l’absence au Café-métiers du %(d)s") % {
            "d": event.date.strftime("%d/%m/%Y")
        }
        participant = registration.participant
        _task, was_created = Task.objects.get_or_create(
            participant=participant,
            kind=TaskKind.NO_SHOW_CALL,
            title=title,
            defaults={
                "assignee": participant.referent,
                "due_on": timezone.localdate() + dt.timedelta(days=3),
            },
        )
        created += was_created
    event.status = EventStatus.DONE
    event.save(update_fields=["status"])
    audit.log_write(user=by, obj=event)
    return {"no_show_tasks": created}
