"""Job-dating at the Café-métiers: booking slots, the automatic proposal, outcomes and
their correction on the day, closing the day (no-shows become tasks).

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
    RecruiterTable,
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
def table_create(*, by, event, form) -> RecruiterTable:
    """A recruiter's table at the event, added by its coordination, with its log entry."""
    if not permissions.can_manage_event(by, event):
        raise DomainError(_("Seule la coordination du Café-métiers ajoute une table."))
    table = form.save(commit=False)
    table.event = event
    table.save()
    audit.log_write(user=by, obj=table, created=True)
    return table


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


def corrections_open(event) -> bool:
    """A recorded outcome is corrected on the event's day, until the day is closed."""
    return event.date == timezone.localdate() and event.status != EventStatus.DONE


def _locked_interview(interview, by) -> Interview:
    # The interview's row only: locking the joined event, table and registration too
    # would take them out of order (see the module's docstring).
    interview = (
        Interview.objects.select_for_update(of=("self",))
        .select_related("table__partner", "table__event", "registration__participant__referent")
        .get(pk=interview.pk)
    )
    if not can_record(by, interview):
        raise DomainError(_("Cet entretien n’est pas à votre table."))
    return interview


def _cleaned(outcome, contract_type, reason) -> tuple[str, str, str]:
    """The outcome's values, checked: a hire names its contract, « non retenu » its reason;
    what belongs to another outcome is not kept."""
    if outcome not in InterviewOutcome.values or outcome == InterviewOutcome.PENDING:
        raise DomainError(_("Choisissez la suite donnée à cet entretien."), field="outcome")
    if outcome == InterviewOutcome.HIRE and contract_type not in HIRE_KINDS:
        raise DomainError(_("Indiquez le contrat proposé."), field="contract_type")
    reason = reason.strip()
    if outcome == InterviewOutcome.NOT_RETAINED and not reason:
        raise DomainError(
            _("Indiquez le motif, pour aider le conseiller à préparer la suite."), field="reason"
        )
    return (
        outcome,
        contract_type if outcome == InterviewOutcome.HIRE else "",
        reason if outcome == InterviewOutcome.NOT_RETAINED else "",
    )


def _outcome_kind(outcome, contract_type):
    """The participant's Outcome an interview's outcome records, or None."""
    if outcome == InterviewOutcome.HIRE:
        return HIRE_KINDS[contract_type]
    if outcome == InterviewOutcome.IMMERSION:
        return OutcomeKind.IMMERSION
    return None


def _task_title(partner, outcome) -> str | None:
    """The counsellor's task a positive outcome makes, or None."""
    if outcome not in InterviewOutcome.positive():
        return None
    label = str(InterviewOutcome(outcome).label)
    return _("Job-dating avec %(p)s : %(o)s — organiser la suite") % {
        "p": partner.name,
        "o": label[:1].lower() + label[1:],  # « immersion (PMSMP) », acronyms kept
    }


def _follow_through(*, by, interview, before=(InterviewOutcome.PENDING, "")):
    """Make the participant's file say what the interview's outcome says, once: the Outcome
    of a hire or an immersion, the counsellor's task after a positive outcome. `before` is
    the outcome the file followed until now (a correction): what it left and no longer
    applies is undone, what still applies is kept, never made twice."""
    participant = interview.registration.participant
    partner = interview.table.partner
    day = interview.table.event.date
    old_kind, new_kind = (
        _outcome_kind(*before),
        _outcome_kind(interview.outcome, interview.contract_type),
    )
    if old_kind != new_kind:
        _follow_outcome(
            by=by, participant=participant, partner=partner, day=day, old=old_kind, new=new_kind
        )
    old_title, new_title = _task_title(partner, before[0]), _task_title(partner, interview.outcome)
    if old_title != new_title:
        _follow_task(participant=participant, day=day, old=old_title, new=new_title)


def _follow_outcome(*, by, participant, partner, day, old, new):
    """Undo the Outcome of kind `old` the day recorded, record one of kind `new`."""
    if old is not None:
        recorded = (
            participant.outcomes.filter(
                kind=old, employer=partner, starts_on=day, created_at__date=day
            )
            .order_by("-pk")
            .first()
        )
        if recorded is not None:
            # Its checks at 3, 6 and 12 months go with it (cascade); simple-history
            # keeps the deleted version, with who corrected.
            audit.log_write(user=by, obj=recorded)
            recorded._history_user = by
            recorded.delete()
    if new is not None:
        outcome_create(
            by=by,
            participant=participant,
            kind=new,
            starts_on=day,
            employer=partner,
            employer_name=partner.name,
        )


def _follow_task(*, participant, day, old, new):
    """Retitle, delete or create the counsellor's task: titled `old` until now, `new` now."""
    # The task left by the outcome corrected, still open (one the counsellor has done stays).
    task = (
        participant.tasks.filter(
            kind=TaskKind.OTHER, title=old, done_at__isnull=True, created_at__date=day
        )
        .order_by("-pk")
        .first()
        if old
        else None
    )
    if task is not None and new:
        task.title = new
        task.save(update_fields=["title"])
    elif task is not None:
        task.delete()
    elif new:
        Task.objects.create(
            participant=participant,
            assignee=participant.referent,
            kind=TaskKind.OTHER,
            title=new,
            due_on=timezone.localdate() + dt.timedelta(days=7),
        )


@transaction.atomic
def interview_record(*, by, interview, outcome, contract_type="", reason="") -> Interview:
    """The recruiter says how it went. Positive outcomes become a task for the counsellor;
    a hire or an immersion is recorded as the participant's outcome. « Absent » makes no
    task of its own: closing the day turns each absence into one call (event_close)."""
    interview = _locked_interview(interview, by)
    if interview.outcome != InterviewOutcome.PENDING:
        raise DomainError(
            _(
                "La suite de cet entretien est déjà enregistrée (« %(o)s ») : "
                "pour la changer, choisissez « Corriger »."
            )
            % {"o": interview.get_outcome_display()}
        )
    outcome, contract_type, reason = _cleaned(outcome, contract_type, reason)
    interview.outcome, interview.contract_type, interview.reason = outcome, contract_type, reason
    interview.recorded_at, interview.recorded_by = timezone.now(), by
    interview.save()
    audit.log_write(user=by, obj=interview)
    _follow_through(by=by, interview=interview)
    return interview


@transaction.atomic
def interview_correct(*, by, interview, outcome, contract_type="", reason="") -> Interview:
    """The recruiter or the coordination corrects a recorded outcome, on the event's day:
    the participant's file follows (see _follow_through), the correction is logged."""
    interview = _locked_interview(interview, by)
    event = interview.table.event
    if interview.outcome == InterviewOutcome.PENDING:
        raise DomainError(_("Cet entretien n’a pas encore de suite à corriger."))
    if event.date != timezone.localdate():
        raise DomainError(
            _(
                "La suite d’un entretien ne se corrige que le jour du Café-métiers. "
                "Signalez l’erreur au conseiller ou à la conseillère du jeune."
            )
        )
    if event.status == EventStatus.DONE:
        raise DomainError(
            _(
                "La journée est clôturée : la suite de cet entretien ne se corrige plus. "
                "Signalez l’erreur au conseiller ou à la conseillère du jeune."
            )
        )
    values = _cleaned(outcome, contract_type, reason)
    before = (interview.outcome, interview.contract_type, interview.reason)
    if values == before:
        return interview
    interview.outcome, interview.contract_type, interview.reason = values
    interview.recorded_at, interview.recorded_by = timezone.now(), by
    interview.save()
    audit.log_write(user=by, obj=interview)
    _follow_through(by=by, interview=interview, before=before[:2])
    return interview


def _expected(event):
    """Registrations still expected: invited or confirmed, not checked in."""
    return event.registrations.filter(
        status__in=[RegistrationStatus.INVITED, RegistrationStatus.CONFIRMED]
    )


def _met(registrations):
    """The ids of those a recruiter met (an interview held)."""
    return (
        registrations.filter(interviews__outcome__in=InterviewOutcome.held())
        .order_by()
        .values("pk")
        .distinct()
    )


def close_preview(event) -> dict:
    """What closing the day would do now, for its confirmation page."""
    expected = _expected(event)
    met = _met(expected).count()
    return {
        "absent": expected.count() - met,
        "met": met,
        "pending": Interview.objects.filter(
            table__event=event, outcome=InterviewOutcome.PENDING
        ).count(),
    }


@transaction.atomic
def event_close(*, by, event) -> dict:
    """End of the day: who did not come is absent, and each absence is a call to make.

    Someone a recruiter met (an interview held, whatever its outcome but « Absent ») came,
    checked in or not: present, never called back after an absence. An interview still
    without outcome of someone absent is « Absent »; the recruiter's « Absent » makes no
    call of its own (the person may have come to the rest of the afternoon)."""
    event = _locked_event(event.pk)
    if not permissions.can_manage_event(by, event):
        raise DomainError(_("Seule la coordination clôture un Café-métiers."))
    expected = _expected(event)
    event.registrations.filter(pk__in=_met(expected)).update(
        status=RegistrationStatus.PRESENT, updated_at=timezone.now()
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
