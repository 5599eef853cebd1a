"""Eligibility as a rule of the programme year. Gaps are warnings a coordinator may override."""

import unicodedata
from typing import NamedTuple

from django.utils.translation import gettext as _

from pacte.models import Criteria
from participants.models import EducationLevel, EmploymentSituation

MIN_AGE, MAX_AGE = 16, 25


def age_on(birth_date, day) -> int:
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


class Gap(NamedTuple):
    """One criterion the young person does not meet, and the form field it comes from."""

    field: str
    message: str


def eligibility_gaps(**answers) -> list[str]:
    """The messages of `field_gaps`, for pages that show them as one list."""
    return [gap.message for gap in field_gaps(**answers)]


def field_gaps(
    *,
    criteria,
    birth_date,
    enrolled_on,
    employment_situation,
    education_level,
    leaving_prison,
    school_dropout,
) -> list[Gap]:
    """Every gap at once, each with its field, so a form shows them all next to their fields
    in one pass. An answer not given yet (None, or no criteria while the programme year is
    unknown) raises no gap: the form reports the missing answer itself."""
    return [
        *_age_gaps(birth_date, enrolled_on),
        *_employment_gaps(employment_situation),
        *_criteria_gaps(
            criteria,
            education_level=education_level,
            leaving_prison=leaving_prison,
            school_dropout=school_dropout,
        ),
    ]


def _age_gaps(birth_date, enrolled_on) -> list[Gap]:
    if not (birth_date and enrolled_on):
        return []
    age = age_on(birth_date, enrolled_on)
    if MIN_AGE <= age <= MAX_AGE:
        return []
    return [
        Gap(
            "birth_date",
            _(
                "La date de naissance indique %(age)s ans à l’inscription : le Pacte "
                "s’adresse aux 16–25 ans. Vous pouvez inscrire ce jeune en indiquant le "
                "motif."
            )
            % {"age": age},
        )
    ]


def _employment_gaps(employment_situation) -> list[Gap]:
    if not employment_situation or employment_situation == EmploymentSituation.UNEMPLOYED:
        return []
    return [
        Gap(
            "employment_situation",
            _("Le Pacte s’adresse aux jeunes sans emploi : la situation indiquée est « %(s)s ».")
            % {"s": EmploymentSituation(employment_situation).label},
        )
    ]


def _criteria_gaps(criteria, *, education_level, leaving_prison, school_dropout) -> list[Gap]:
    """The gaps of the programme year's own criteria (since 2018, or drop-outs)."""
    if criteria == Criteria.PRISON_LEAVERS:
        return _prison_leavers_gaps(education_level, leaving_prison)
    if criteria == Criteria.DROP_OUT and not school_dropout:
        return [
            Gap(
                "school_dropout", _("Les critères de cette année demandent un décrochage scolaire.")
            )
        ]
    return []


def _prison_leavers_gaps(education_level, leaving_prison) -> list[Gap]:
    gaps = []
    if education_level and education_level not in EducationLevel.without_diploma():
        gaps.append(
            Gap(
                "education_level",
                _(
                    "Depuis 2018, le Pacte s’adresse aux jeunes sans diplôme : le niveau "
                    "indiqué est « %(l)s »."
                )
                % {"l": EducationLevel(education_level).label},
            )
        )
    if not leaving_prison:
        gaps.append(
            Gap(
                "leaving_prison",
                _(
                    "Depuis 2018, le Pacte s’adresse aux jeunes sortant de prison dans le "
                    "cadre d’un aménagement de peine."
                ),
            )
        )
    return gaps


def search_key(*parts: str) -> str:
    """Lower case, no accents, single spaces: « Hélène  DUPONT » → « helene dupont »."""
    text = " ".join(part for part in parts if part)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    for separator in ("-", "’", "'"):
        stripped = stripped.replace(separator, " ")
    return " ".join(stripped.casefold().split())
