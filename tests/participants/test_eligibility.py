"""Eligibility is a rule of the programme year; its gaps are warnings (domain.md)."""

import datetime as dt

import pytest

from pacte.models import Criteria
from participants.eligibility import eligibility_gaps, search_key
from participants.models import EducationLevel, EmploymentSituation

ENROLLED_ON = dt.date(2026, 3, 15)


def gaps(**overrides):
    """The gaps of an eligible 2018-criteria young person, changed by `overrides`."""
    answers = {
        "criteria": Criteria.PRISON_LEAVERS,
        "birth_date": dt.date(2006, 3, 15),
        "enrolled_on": ENROLLED_ON,
        "employment_situation": EmploymentSituation.UNEMPLOYED,
        "education_level": EducationLevel.CAP_BEP_UNFINISHED,
        "leaving_prison": True,
        "school_dropout": False,
    }
    answers.update(overrides)
    return eligibility_gaps(**answers)


def drop_out_gaps(**overrides):
    """The gaps under the criteria used until 2017: school drop-out and unemployment."""
    answers = {
        "criteria": Criteria.DROP_OUT,
        "leaving_prison": False,
        "school_dropout": True,
        "education_level": "",
    }
    answers.update(overrides)
    return gaps(**answers)


# The 2018 criteria: 16–25, without a job or a diploma, leaving prison


def test_a_young_person_meeting_the_2018_criteria_has_no_gap():
    assert gaps() == []


@pytest.mark.parametrize(
    ("birth_date", "age", "eligible"),
    [
        pytest.param(dt.date(2010, 3, 16), 15, False, id="15, turning 16 the day after"),
        pytest.param(dt.date(2010, 3, 15), 16, True, id="16 on the enrolment day"),
        pytest.param(dt.date(2000, 3, 16), 25, True, id="25, turning 26 the day after"),
        pytest.param(dt.date(2000, 3, 15), 26, False, id="26 on the enrolment day"),
    ],
)
def test_the_age_is_16_to_25_inclusive_at_the_enrolment_date(birth_date, age, eligible):
    found = gaps(birth_date=birth_date)

    if eligible:
        assert found == []
    else:
        assert len(found) == 1
        assert f"{age} ans" in found[0]


def test_the_age_is_checked_at_the_enrolment_date_not_today():
    # 25 when enrolled in 2018, well over 25 by now: still eligible.
    assert gaps(birth_date=dt.date(1993, 1, 1), enrolled_on=dt.date(2018, 6, 1)) == []


def test_a_young_person_born_on_29_february_is_16_on_1_march():
    assert gaps(birth_date=dt.date(2008, 2, 29), enrolled_on=dt.date(2024, 2, 28)) != []
    assert gaps(birth_date=dt.date(2008, 2, 29), enrolled_on=dt.date(2024, 3, 1)) == []


def test_the_age_gap_says_in_french_how_old_the_young_person_is():
    (message,) = gaps(birth_date=dt.date(1998, 9, 1), enrolled_on=ENROLLED_ON)

    assert "27 ans" in message
    assert "16–25 ans" in message
    assert "motif" in message


def test_a_young_person_in_a_job_has_a_gap():
    (message,) = gaps(employment_situation=EmploymentSituation.JOB)

    assert "sans emploi" in message
    assert "En emploi" in message


@pytest.mark.parametrize(
    "level", [EducationLevel.CAP_BEP, EducationLevel.BAC, EducationLevel.HIGHER]
)
def test_a_diploma_is_a_gap_under_the_2018_criteria(level):
    (message,) = gaps(education_level=level)

    assert "sans diplôme" in message
    assert str(EducationLevel(level).label) in message


@pytest.mark.parametrize("level", sorted(EducationLevel.without_diploma()))
def test_a_level_without_diploma_is_no_gap(level):
    assert gaps(education_level=level) == []


def test_an_unknown_education_level_is_no_gap():
    assert gaps(education_level="") == []


def test_not_leaving_prison_is_a_gap_under_the_2018_criteria():
    (message,) = gaps(leaving_prison=False)

    assert "aménagement de peine" in message


def test_every_gap_is_listed_not_only_the_first():
    found = gaps(
        birth_date=dt.date(1990, 1, 1),
        employment_situation=EmploymentSituation.JOB,
        education_level=EducationLevel.BAC,
        leaving_prison=False,
    )

    assert len(found) == 4


# The criteria used until 2017: school drop-out and unemployment


def test_a_school_drop_out_without_a_job_meets_the_drop_out_criteria():
    assert drop_out_gaps() == []


def test_under_the_drop_out_criteria_not_having_dropped_out_is_a_gap():
    (message,) = drop_out_gaps(school_dropout=False)

    assert "décrochage scolaire" in message


def test_under_the_drop_out_criteria_a_job_is_a_gap():
    (message,) = drop_out_gaps(employment_situation=EmploymentSituation.JOB)

    assert "sans emploi" in message


def test_under_the_drop_out_criteria_prison_and_diploma_are_not_asked():
    assert drop_out_gaps(leaving_prison=False, education_level=EducationLevel.BAC) == []


def test_under_the_drop_out_criteria_the_age_still_counts():
    (message,) = drop_out_gaps(birth_date=dt.date(1998, 9, 1))

    assert "27 ans" in message


# The search key: how names are compared (list search, possible duplicates)


def test_the_search_key_drops_accents_case_hyphens_and_extra_spaces():
    assert search_key("  Hélène  DUPONT-Léa ") == "helene dupont lea"


def test_the_search_key_joins_first_and_last_name():
    assert search_key("  Hélène ", "DUPONT-Léa") == "helene dupont lea"
    assert search_key("Hélène", "") == "helene"


def test_the_search_key_treats_a_typographic_apostrophe_as_a_space():
    assert search_key("Aminata", "N’Diaye") == "aminata n diaye"


def test_the_search_key_treats_straight_and_typographic_apostrophes_alike():
    assert search_key("Aminata", "N'Diaye") == search_key("Aminata", "N’Diaye")
