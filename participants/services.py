"""Writes on participants' files. Keyword-only, atomic, raising DomainError in French."""

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pacte import audit
from pacte.exceptions import DomainError
from pacte.models import ProgrammeYear
from pacte.roles import Role
from participants import permissions, selectors
from participants.eligibility import eligibility_gaps, search_key
from participants.models import (
    FollowUp,
    JusticeMeasure,
    Outcome,
    OutcomeKind,
    Participant,
    PlanAction,
    PlanActionStatus,
    ReferentChange,
    Status,
    StatusChange,
    Task,
    TaskKind,
)
from participants.models.choices import ALLOWED_TRANSITIONS
from participants.signals import participant_exited

CHECK_MONTHS = (3, 6, 12)


def participant_gaps(participant: Participant) -> list[str]:
    return eligibility_gaps(
        criteria=participant.programme_year.criteria,
        birth_date=participant.birth_date,
        enrolled_on=participant.enrolled_on,
        employment_situation=participant.employment_situation,
        education_level=participant.education_level,
        leaving_prison=participant.leaving_prison,
        school_dropout=participant.school_dropout,
    )


def possible_duplicates(*, first_name, last_name, birth_date, territory_id, exclude_pk=None):
    """Files with the same normalised name and birth date in the territory (unscoped)."""
    matches = Participant.objects.filter(
        territory_id=territory_id,
        search_name=search_key(first_name, last_name),
        birth_date=birth_date,
    )
    return matches.exclude(pk=exclude_pk) if exclude_pk else matches


@transaction.atomic
def participant_create(*, by, participant: Participant, override_reason: str = "") -> Participant:
    """Save a new file built by the form; eligibility gaps need a coordinator's reason."""
    if not permissions.can_create_participant(by):
        raise DomainError(_("Votre rôle ne permet pas de créer un dossier."))
    _check_enrolment_year(by=by, participant=participant)
    participant.territory_id = by.territory_id
    _check_structures(by=by, participant=participant)
    _check_eligibility(by=by, participant=participant, override_reason=override_reason)
    participant.search_name = search_key(participant.first_name, participant.last_name)
    participant.status = Status.REFERRED
    participant.save()
    StatusChange.objects.create(
        participant=participant,
        from_status="",
        to_status=Status.REFERRED,
        changed_by=by,
        reason=_("Orientation enregistrée"),
    )
    audit.log_write(user=by, obj=participant, created=True)
    return participant


def _check_enrolment_year(*, by, participant: Participant):
    """The file's programme year is the territory's, still open, and that of its entry date."""
    # Read again: the year may have closed since the form was shown.
    programme_year = ProgrammeYear.objects.get(pk=participant.programme_year_id)
    if programme_year.territory_id != by.territory_id:
        raise DomainError(
            _("Cette année du programme n’est pas celle de votre territoire."),
            field="programme_year",
        )
    if not programme_year.is_open:
        raise DomainError(
            _("L’année %(year)s du programme est close : elle ne prend plus de nouveau dossier.")
            % {"year": programme_year.year},
            field="programme_year",
        )
    if programme_year.year != participant.enrolled_on.year:
        raise DomainError(
            _("La date d’entrée tombe en %(entry)s : le dossier va dans l’année %(entry)s.")
            % {"entry": participant.enrolled_on.year},
            field="programme_year",
        )


def _check_structures(*, by, participant: Participant):
    """The structures are of the territory, and the referent of the structure in charge."""
    # A counsellor's structure in charge is their own, set just below.
    fields = (
        ["referred_by"] if by.role == Role.COUNSELLOR else ["referred_by", "structure_in_charge"]
    )
    for field in fields:
        if getattr(participant, field).territory_id != by.territory_id:
            raise DomainError(
                _("Cette structure n’appartient pas à votre territoire."), field=field
            )
    if by.role == Role.COUNSELLOR:
        participant.structure_in_charge_id = by.structure_id
    if participant.referent.structure_id != participant.structure_in_charge_id:
        raise DomainError(
            _("Le référent ou la référente doit appartenir à la structure référente."),
            field="referent",
        )


def _check_eligibility(*, by, participant: Participant, override_reason: str):
    """Eligibility gaps need a reason, given by the coordination; it goes on the file."""
    gaps = participant_gaps(participant)
    if gaps:
        if not override_reason.strip():
            raise DomainError(gaps[0], field="override_reason")
        if not permissions.can_override_eligibility(by):
            raise DomainError(
                _("Seule la coordination peut inscrire un jeune hors critères."),
                field="override_reason",
            )
        participant.eligibility_override_reason = override_reason.strip()


class StaleFile(DomainError):
    """The file changed since the person opened the form; `changes` says what changed."""

    def __init__(self, message, *, changes):
        super().__init__(message)
        self.changes = changes


@transaction.atomic
def participant_update(
    *, by, participant: Participant, changed: list[str], seen_version: str
) -> Participant:
    """Save the fields the person changed, unless the file changed since they opened it.

    `participant` carries the new values (unsaved); the row is read again under a lock,
    so that a status change, a follow-up or a hand-over made meanwhile is never undone."""
    current = Participant.objects.select_for_update().get(pk=participant.pk)
    if not permissions.can_edit_participant(by, current):
        raise DomainError(_("Vous ne pouvez pas modifier ce dossier."))
    version = selectors.participant_version(current)
    seen = int(seen_version) if seen_version.isdigit() else 0
    if seen != version:
        raise StaleFile(
            _(
                "Ce dossier a été modifié entre-temps : vérifiez les changements ci-dessous, "
                "puis enregistrez de nouveau si vos modifications restent valables."
            ),
            changes=selectors.participant_changes(current, since=seen),
        )
    for name in changed:
        setattr(current, name, getattr(participant, name))
    for field in ("referred_by",):
        if getattr(current, field).territory_id != current.territory_id:
            raise DomainError(
                _("Cette structure n’appartient pas au territoire de ce dossier."), field=field
            )
    if current.enrolled_on.year != current.programme_year.year:
        raise DomainError(
            _("La date d’entrée doit rester en %(year)s, l’année du programme de ce dossier.")
            % {"year": current.programme_year.year},
            field="enrolled_on",
        )
    current.search_name = search_key(current.first_name, current.last_name)
    current.save(update_fields=[*changed, "search_name", "updated_at"])
    audit.log_write(user=by, obj=current)
    return current


@transaction.atomic
def participant_change_status(*, by, participant: Participant, to_status: str, reason: str):
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if not permissions.can_edit_participant(by, participant):
        raise DomainError(_("Vous ne pouvez pas modifier ce dossier."))
    if to_status not in ALLOWED_TRANSITIONS[participant.status]:
        raise DomainError(
            _("Un dossier « %(from)s » ne peut pas passer à « %(to)s ».")
            % {"from": Status(participant.status).label, "to": Status(to_status).label},
            field="to_status",
        )
    if not reason.strip():
        raise DomainError(_("Indiquez le motif du changement."), field="reason")
    StatusChange.objects.create(
        participant=participant,
        from_status=participant.status,
        to_status=to_status,
        changed_by=by,
        reason=reason.strip(),
    )
    participant.status = to_status
    participant.save(update_fields=["status", "updated_at"])
    audit.log_write(user=by, obj=participant)
    if to_status == Status.EXITED:
        participant_exited.send(sender=Participant, participant=participant, by=by)
    return participant


@transaction.atomic
def participant_hand_over(*, by, participant: Participant, to_referent, reason: str = ""):
    """The referent or the coordination gives the file to another counsellor."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if not permissions.can_hand_over(by, participant):
        raise DomainError(
            _("Seul le référent ou la coordination peut confier ce jeune à quelqu’un d’autre.")
        )
    if not permissions.hand_over_candidates(participant, by).filter(pk=to_referent.pk).exists():
        raise DomainError(
            _(
                "Choisissez un conseiller ou une conseillère en activité de votre structure, "
                "autre que vous-même ; pour une autre structure, adressez-vous à la "
                "coordination."
            ),
            field="to_referent",
        )
    ReferentChange.objects.create(
        participant=participant,
        from_referent=participant.referent,
        to_referent=to_referent,
        changed_by=by,
        reason=reason,
    )
    participant.referent = to_referent
    participant.structure_in_charge_id = to_referent.structure_id
    participant.save(update_fields=["referent", "structure_in_charge", "updated_at"])
    audit.log_write(user=by, obj=participant)
    return participant


@transaction.atomic
def follow_up_log(
    *, by, participant: Participant, happened_on, kind, summary, next_step="", next_contact_on=None
) -> FollowUp:
    if not permissions.can_log_follow_up(by, participant):
        raise DomainError(_("Votre rôle ne permet pas d’enregistrer un suivi."))
    if happened_on > timezone.localdate():
        raise DomainError(
            _("Un suivi se note une fois qu’il a eu lieu : la date est à venir."),
            field="happened_on",
        )
    if next_contact_on and next_contact_on < happened_on:
        raise DomainError(
            _("Le prochain contact doit suivre la date de ce suivi."), field="next_contact_on"
        )
    follow_up = FollowUp.objects.create(
        participant=participant,
        author=by,
        happened_on=happened_on,
        kind=kind,
        summary=summary,
        next_step=next_step,
        next_contact_on=next_contact_on,
    )
    # The needs-attention list reads this date instead of scanning every follow-up.
    # The update also locks the participant's row (PostgreSQL): two follow-ups logged at
    # once plan their next contact one after the other, never two open tasks.
    Participant.objects.filter(pk=participant.pk).update(
        last_follow_up_on=Greatest(
            Coalesce(F("last_follow_up_on"), Value(happened_on)), Value(happened_on)
        )
    )
    audit.log_write(user=by, obj=follow_up, created=True)
    if next_contact_on:
        _plan_next_contact(by=by, participant=participant, on=next_contact_on)
    return follow_up


def _plan_next_contact(*, by, participant: Participant, on) -> Task:
    """The « prochain contact le » of a follow-up: a task due that day for its author, in
    the follow-up's transaction (follow_up_log checked who may write).

    One open next contact per young person: a later date replaces the open one (its
    day, and who plans it), it does not pile up."""
    title = _("Prochain contact avec %(name)s") % {"name": participant.first_name}
    task = (
        Task.objects.select_for_update()
        .filter(participant=participant, kind=TaskKind.NEXT_CONTACT, done_at__isnull=True)
        .order_by("-pk")
        .first()
    )
    if task is None:
        task = Task.objects.create(
            participant=participant, assignee=by, kind=TaskKind.NEXT_CONTACT, title=title, due_on=on
        )
        audit.log_write(user=by, obj=task, created=True)
        return task
    task.assignee, task.title, task.due_on = by, title, on
    task.save(update_fields=["assignee", "title", "due_on"])
    audit.log_write(user=by, obj=task)
    return task


@transaction.atomic
def outcome_record(
    *, by, participant: Participant, kind, starts_on, employer_name="", employer=None
) -> Outcome:
    if not permissions.can_edit_participant(by, participant):
        raise DomainError(_("Vous ne pouvez pas modifier ce dossier."))
    return outcome_create(
        by=by,
        participant=participant,
        kind=kind,
        starts_on=starts_on,
        employer_name=employer_name,
        employer=employer,
    )


@transaction.atomic
def outcome_create(
    *, by, participant: Participant, kind, starts_on, employer_name="", employer=None
) -> Outcome:
    """Record an outcome for a flow already authorised by its own rule (the referent's
    file, or a recruiter's interview): checks at 3, 6 and 12 months, exit status."""
    outcome = Outcome.objects.create(
        participant=participant,
        kind=kind,
        starts_on=starts_on,
        employer_name=employer_name,
        employer=employer,
        recorded_by=by,
    )
    if kind in OutcomeKind.checked():
        Task.objects.bulk_create(
            Task(
                participant=participant,
                assignee=participant.referent,
                kind=TaskKind.OUTCOME_CHECK,
                title=_("Vérifier à %(m)s mois : %(o)s")
                % {"m": months, "o": OutcomeKind(kind).label},
                due_on=starts_on + relativedelta(months=months),
                outcome=outcome,
                check_months=months,
            )
            for months in CHECK_MONTHS
        )
    if kind in OutcomeKind.exits() and Status.EXITED in ALLOWED_TRANSITIONS[participant.status]:
        StatusChange.objects.create(
            participant=participant,
            from_status=participant.status,
            to_status=Status.EXITED,
            changed_by=by,
            reason=OutcomeKind(kind).label,
        )
        participant.status = Status.EXITED
        participant.save(update_fields=["status", "updated_at"])
        participant_exited.send(sender=Participant, participant=participant, by=by)
    audit.log_write(user=by, obj=outcome, created=True)
    return outcome


@transaction.atomic
def task_complete(*, by, task: Task, maintained=None) -> Task:
    # Re-read under lock: two submissions at once complete the task once.
    task = Task.objects.select_for_update().select_related("participant").get(pk=task.pk)
    if not permissions.can_complete_task(by, task):
        raise DomainError(_("Cette tâche n’est pas la vôtre."))
    if task.done_at is not None:
        return task
    if task.kind == TaskKind.OUTCOME_CHECK and maintained is None:
        raise DomainError(_("Indiquez si la solution est toujours en place."), field="maintained")
    task.done_at = timezone.now()
    task.done_by = by
    task.maintained = maintained
    task.save(update_fields=["done_at", "done_by", "maintained"])
    audit.log_write(user=by, obj=task)
    return task


@transaction.atomic
def justice_measure_save(*, by, participant: Participant, measure: JusticeMeasure):
    if not permissions.can_edit_justice(by, participant):
        raise DomainError(_("Seuls le référent et la coordination modifient la mesure de justice."))
    if measure.ends_on < measure.starts_on:
        raise DomainError(_("La fin de la mesure doit suivre son début."), field="ends_on")
    if bool(measure.out_from) != bool(measure.out_until):
        raise DomainError(_("Indiquez les deux horaires de sortie, ou aucun."), field="out_until")
    measure.participant = participant
    measure.updated_by = by
    created = measure.pk is None
    measure.save()
    audit.log_write(user=by, obj=measure, created=created)
    return measure


@transaction.atomic
def participant_set_stand_in(*, by, participant: Participant, stand_in, until) -> Participant:
    """A colleague stands in during the referent's absence, until a date (or stops).

    Named by the referent or the coordination, among the counsellors of the referent's
    structure or of the referring SPIP, never the person asking, for at most 60 days."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if not permissions.can_name_stand_in(by, participant):
        raise DomainError(_("Seul le référent ou la coordination peut désigner un remplaçant."))
    if stand_in is not None:
        if not permissions.stand_in_candidates(participant, by).filter(pk=stand_in.pk).exists():
            raise DomainError(
                _(
                    "Choisissez un conseiller ou une conseillère en activité de la structure "
                    "du référent ou du SPIP qui a orienté le jeune, autre que vous-même."
                ),
                field="stand_in",
            )
        today = timezone.localdate()
        latest = permissions.stand_in_latest_end(today)
        if until is None or until < today:
            raise DomainError(
                _("Indiquez jusqu’à quand dure le remplacement."), field="stand_in_until"
            )
        if until > latest:
            raise DomainError(
                _(
                    "Un remplacement dure au plus %(days)s jours : indiquez une date jusqu’au "
                    "%(latest)s au plus tard."
                )
                % {"days": permissions.STAND_IN_MAX_DAYS, "latest": date_format(latest)},
                field="stand_in_until",
            )
    participant.stand_in = stand_in
    participant.stand_in_until = until if stand_in else None
    participant.save(update_fields=["stand_in", "stand_in_until", "updated_at"])
    audit.log_write(user=by, obj=participant)
    return participant


@transaction.atomic
def plan_action_create(
    *,
    by,
    participant: Participant,
    category,
    description,
    partner=None,
    status=PlanActionStatus.PLANNED,
    due_on=None,
) -> PlanAction:
    if not permissions.can_edit_participant(by, participant):
        raise DomainError(_("Vous ne pouvez pas modifier ce dossier."))
    action = PlanAction.objects.create(
        participant=participant,
        category=category,
        description=description,
        partner=partner,
        status=status,
        due_on=due_on,
        created_by=by,
    )
    audit.log_write(user=by, obj=action, created=True)
    return action


@transaction.atomic
def plan_action_update(
    *, by, action: PlanAction, category, description, partner=None, status, due_on=None
) -> PlanAction:
    if not permissions.can_edit_participant(by, action.participant):
        raise DomainError(_("Vous ne pouvez pas modifier ce dossier."))
    action.category, action.description, action.partner = category, description, partner
    action.status, action.due_on = status, due_on
    action.save()
    audit.log_write(user=by, obj=action)
    return action
