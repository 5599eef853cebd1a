"""Reads of programme years, always within one territory."""

from django.db.models import Count

from pacte.programme_years.models import ProgrammeYear


def programme_years_of(user):
    """The user's territory's years, newest first, with how many files each holds."""
    return (
        ProgrammeYear.objects.of_territory(user.territory_id)
        .annotate(participant_count=Count("participants"))
        .order_by("-year")
    )


def enrolment_year(*, territory_id, on):
    """The open year of the territory in which a file enrolled on this date goes, or None."""
    if territory_id is None or on is None:
        return None
    return ProgrammeYear.objects.of_territory(territory_id).open().filter(year=on.year).first()
