"""Numbers, dates and texts typed on partners are bounded, in their forms (the admin
site's) and in the database."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from participants.factories import ProgrammeYearFactory
from partners.models import Commitment, JobOffer, Partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(paris):
    return Partner.objects.create(territory=paris, name="Lidl", kind="employer")


def test_a_job_offer_has_between_one_and_a_thousand_positions(partner):
    offer = JobOffer(partner=partner, title="Employé", contract_type="cdi", positions=0)
    with pytest.raises(ValidationError) as error:
        offer.full_clean()
    assert "positions" in error.value.message_dict

    offer.positions = 1001
    with pytest.raises(IntegrityError), transaction.atomic():
        offer.save()


def test_commitments_are_bounded(partner, paris):
    year = ProgrammeYearFactory(territory=paris)
    commitment = Commitment(partner=partner, programme_year=year, hires=10_001)
    with pytest.raises(ValidationError):
        commitment.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        commitment.save()


def test_a_partners_dates_and_notes_are_bounded(partner):
    partner.agreement_signed_on = dt.date(1900, 1, 1)
    partner.notes = "a" * 10_001
    with pytest.raises(ValidationError) as error:
        partner.full_clean()
    assert {"agreement_signed_on", "notes"} <= set(error.value.message_dict)
    with pytest.raises(IntegrityError), transaction.atomic():
        partner.save()
