"""A young person who turns up at a Café-métiers without a file: a short « orienté » file.

The check-in team knows only a name, a birth date, a phone and who sent them; the
coordination completes the file afterwards (a task « compléter le dossier »), which is
when the programme year's criteria are checked in full (participants.eligibility).
"""

from django.db import transaction
from django.utils.translation import gettext as _

from pacte import audit
from pacte.exceptions import DomainError
from pacte.programme_years.selectors import enrolment_year
from participants.eligibility import MAX_AGE, MIN_AGE, age_on, search_key
from participants.models import Participant, Status, StatusChange, Task, TaskKind


def existing_file(*, territory_id, first_name, last_name, birth_date):
    """The territory's open file of this person, if any: a walk-in never gets a second one."""
    return (
        Participant.objects.filter(
            territory_id=territory_id,
            search_name=search_key(first_name, last_name),
            birth_date=birth_date,
            anonymised_at__isnull=True,
        )
        .exclude(status=Status.EXITED)
        .first()
    )


@transaction.atomic
def short_file_create(
    *, by, coordinator, on, first_name, last_name, birth_date, phone, referred_by, occasion
) -> Participant:
    """Create the « orienté » file of a walk-in, followed by `coordinator` (who gets the
    task of completing it). `occasion` says where they came, for the task and history."""
    territory_id = coordinator.territory_id
    _check_walk_in(
        territory_id=territory_id,
        on=on,
        first_name=first_name,
        last_name=last_name,
        birth_date=birth_date,
        referred_by=referred_by,
    )
    participant = Participant.objects.create(
        territory_id=territory_id,
        programme_year=_open_year(territory_id=territory_id, on=on),
        status=Status.REFERRED,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        search_name=search_key(first_name, last_name),
        birth_date=birth_date,
        phone=phone,
        referred_by=referred_by,
        referred_on=on,
        structure_in_charge_id=coordinator.structure_id,
        referent=coordinator,
        enrolled_on=on,
    )
    _record_arrival(
        by=by, coordinator=coordinator, participant=participant, on=on, occasion=occasion
    )
    audit.log_write(user=by, obj=participant, created=True)
    return participant


def _check_walk_in(*, territory_id, on, first_name, last_name, birth_date, referred_by):
    """The referrer is of the territory, the age is the programme's, no file exists yet."""
    if referred_by.territory_id != territory_id:
        raise DomainError(
            _("Cette structure n’appartient pas à votre territoire."), field="referred_by"
        )
    age = age_on(birth_date, on)
    if not MIN_AGE <= age <= MAX_AGE:
        raise DomainError(
            _(
                "%(age)s ans aujourd’hui : le Pacte s’adresse aux 16–25 ans. La coordination "
                "peut l’inscrire hors critères depuis « Nouveau jeune », avec le motif."
            )
            % {"age": age},
            field="birth_date",
        )
    if existing_file(
        territory_id=territory_id,
        first_name=first_name,
        last_name=last_name,
        birth_date=birth_date,
    ):
        raise DomainError(
            _("Un dossier existe déjà à ce nom et à cette date de naissance : cherchez-le."),
            field="last_name",
        )


def _open_year(*, territory_id, on):
    """The programme year open for enrolments on `on`, or an error for the coordination."""
    programme_year = enrolment_year(territory_id=territory_id, on=on)
    if programme_year is None:
        raise DomainError(
            _(
                "Aucune année %(year)s du programme n’est ouverte : la coordination l’ouvre "
                "depuis « Années du programme »."
            )
            % {"year": on.year}
        )
    return programme_year


def _record_arrival(*, by, coordinator, participant, on, occasion):
    """The file's first status, and the coordinator's task of completing it."""
    StatusChange.objects.create(
        participant=participant,
        from_status="",
        to_status=Status.REFERRED,
        changed_by=by,
        reason=_("Venu sans inscription : %(occasion)s") % {"occasion": occasion},
    )
    Task.objects.create(
        participant=participant,
        assignee=coordinator,
        kind=TaskKind.OTHER,
        title=_("Compléter le dossier (venu sans inscription : %(occasion)s)")
        % {"occasion": occasion},
        due_on=on,
    )
