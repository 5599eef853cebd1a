"""Writes on programme years. Keyword-only, atomic, raising DomainError in French."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pacte import audit, permissions
from pacte.exceptions import DomainError
from pacte.programme_years.models import FIRST_YEAR, Criteria, ProgrammeYear


def openable_years(today=None) -> range:
    """A year opens at the earliest from FIRST_YEAR, at the latest one year ahead (in
    December the coordination opens the coming year)."""
    today = today or timezone.localdate()
    return range(FIRST_YEAR, today.year + 2)


def year_defaults(territory_id) -> dict:
    """A new year starts from the criteria and targets of the territory's latest year."""
    latest = ProgrammeYear.objects.of_territory(territory_id).order_by("-year").first()
    if latest is None:
        return {"criteria": Criteria.PRISON_LEAVERS, "target_participants": 100, "target_events": 3}
    return {
        "criteria": latest.criteria,
        "target_participants": latest.target_participants,
        "target_events": latest.target_events,
    }


def _check_manager(by):
    if not permissions.can_manage_programme_years(by):
        raise DomainError(_("Seule la coordination du territoire gère ses années du programme."))


def _check_own(by, programme_year):
    _check_manager(by)
    if programme_year.territory_id != by.territory_id:
        raise DomainError(_("Cette année du programme n’est pas celle de votre territoire."))


@transaction.atomic
def programme_year_open(
    *, by, year: int, criteria: str, target_participants: int, target_events: int
) -> ProgrammeYear:
    _check_manager(by)
    years = openable_years()
    if year not in years:
        raise DomainError(
            _("Indiquez une année entre %(first)s et %(last)s.")
            % {"first": years.start, "last": years.stop - 1},
            field="year",
        )
    existing = ProgrammeYear.objects.of_territory(by.territory_id).filter(year=year).first()
    if existing is not None:
        raise DomainError(
            _("L’année %(year)s est déjà ouverte pour votre territoire.") % {"year": year}
            if existing.is_open
            else _("L’année %(year)s existe déjà et elle est close : rouvrez-la.") % {"year": year},
            field="year",
        )
    try:
        with transaction.atomic():
            programme_year = ProgrammeYear.objects.create(
                territory_id=by.territory_id,
                year=year,
                criteria=criteria,
                target_participants=target_participants,
                target_events=target_events,
            )
    except IntegrityError as error:  # opened at the same moment by a colleague
        raise DomainError(
            _("L’année %(year)s est déjà ouverte pour votre territoire.") % {"year": year},
            field="year",
        ) from error
    audit.log_write(user=by, obj=programme_year, created=True)
    return programme_year


@transaction.atomic
def programme_year_update(
    *,
    by,
    programme_year: ProgrammeYear,
    criteria: str,
    target_participants: int,
    target_events: int,
) -> ProgrammeYear:
    _check_own(by, programme_year)
    programme_year.criteria = criteria
    programme_year.target_participants = target_participants
    programme_year.target_events = target_events
    programme_year.save(update_fields=["criteria", "target_participants", "target_events"])
    audit.log_write(user=by, obj=programme_year)
    return programme_year


@transaction.atomic
def programme_year_close(*, by, programme_year: ProgrammeYear) -> ProgrammeYear:
    """A closed year takes no new file; its files, figures and targets stay as they are."""
    _check_own(by, programme_year)
    programme_year = ProgrammeYear.objects.select_for_update().get(pk=programme_year.pk)
    if programme_year.is_open:
        programme_year.closed_at = timezone.now()
        programme_year.save(update_fields=["closed_at"])
        audit.log_write(user=by, obj=programme_year)
    return programme_year


@transaction.atomic
def programme_year_reopen(*, by, programme_year: ProgrammeYear) -> ProgrammeYear:
    _check_own(by, programme_year)
    programme_year = ProgrammeYear.objects.select_for_update().get(pk=programme_year.pk)
    if not programme_year.is_open:
        programme_year.closed_at = None
        programme_year.save(update_fields=["closed_at"])
        audit.log_write(user=by, obj=programme_year)
    return programme_year


def programme_year_open_current(*, territory) -> ProgrammeYear:
    """A new territory can enrol at once: its current year, with the usual criteria."""
    programme_year, _created = ProgrammeYear.objects.get_or_create(
        territory=territory,
        year=timezone.localdate().year,
        defaults=year_defaults(territory.pk),
    )
    return programme_year


def open_current_year_of_new_territory(sender, *, territory, **kwargs):
    """Receiver of pacte.signals.territory_created."""
    programme_year_open_current(territory=territory)
