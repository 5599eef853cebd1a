"""A partner's delivered workshops and hires count only once they happened: a workshop
once its Café-métiers took place, a hire once its contract starts."""

import datetime as dt

import pytest
from django.utils import timezone

from participants.factories import ParticipantFactory
from participants.models import Outcome
from partners.models import Partner
from partners.reports import deliveries
from tests.events.factories import EventFactory, WorkshopFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = (dt.date(TODAY.year, 1, 1), dt.date(TODAY.year, 12, 31))


@pytest.fixture
def partner(paris):
    return Partner.objects.create(territory=paris, name="Lidl", kind="employer")


def workshop_on(partner, day, status="open"):
    return WorkshopFactory(
        facilitator=partner,
        event=EventFactory(territory=partner.territory, date=day, status=status),
    )


def test_a_workshop_counts_once_its_cafe_metiers_took_place(partner):
    workshop_on(partner, TODAY - dt.timedelta(days=1), status="done")
    workshop_on(partner, TODAY + dt.timedelta(days=1))  # to come
    workshop_on(partner, TODAY)  # today, the day not over

    assert deliveries(partner.territory_id, *YEAR)[partner.pk]["workshops"] == 1


def test_todays_workshop_counts_once_the_day_is_closed(partner):
    workshop_on(partner, TODAY, status="done")

    assert deliveries(partner.territory_id, *YEAR)[partner.pk]["workshops"] == 1


def test_a_hire_counts_once_its_contract_starts(partner, users):
    participant = ParticipantFactory(programme_year=users["participant"].programme_year)
    for starts_on in (TODAY, TODAY + dt.timedelta(days=10)):
        Outcome.objects.create(
            participant=participant,
            kind="cdi",
            starts_on=starts_on,
            employer=partner,
            recorded_by=users["participant"].referent,
        )

    assert deliveries(partner.territory_id, *YEAR)[partner.pk]["hires"] == 1
