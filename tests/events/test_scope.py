"""A recruiter probing ids gets 404, not 403 (#15, item 17): an event where they hold no
table is out of their scope on every page of the event, and so is every registration; an
event where they hold a table is in scope, and a page they lack the right to is a 403."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import RecruiterTable
from events.urls import urlpatterns
from pacte.roles import Role
from partners.models import Partner
from tests.events.factories import EventFactory, RegistrationFactory, WorkshopFactory
from tests.partners.factories import fictitious_siret

pytestmark = pytest.mark.django_db


def routes(prefix):
    """Every URL of the events app under `prefix`: a new page is covered as it is added."""
    return [p.name for p in urlpatterns if str(p.pattern).startswith(prefix)]


EVENT_PAGES = routes("cafes-metiers/<int:pk>/")
REGISTRATION_PAGES = routes("inscriptions/<int:pk>/")


@pytest.fixture
def recruiter(users):
    return users[Role.RECRUITER]


@pytest.fixture
def own_event(users, cafe_metiers, recruiter, paris):
    """Today's Café-métiers, where the recruiter holds a table."""
    company = Partner.objects.create(
        territory=paris,
        name="Lidl",
        kind="employer",
        siret=fictitious_siret(3),
        structure=recruiter.structure,
    )
    RecruiterTable.objects.create(
        event=cafe_metiers["event"],
        partner=company,
        recruiter=recruiter,
        starts_at=dt.time(16),
        ends_at=dt.time(17),
    )
    return cafe_metiers["event"]


@pytest.fixture
def other_event(users, paris):
    """A Café-métiers of the recruiter's territory, today, where they hold no table."""
    coordinator = users[Role.COORDINATOR]
    return EventFactory(territory=paris, created_by=coordinator, date=timezone.localdate())


def event_url(name, event):
    kwargs = {"pk": event.pk}
    if name == "workshop_attendance_sheet":
        kwargs["workshop_pk"] = WorkshopFactory(event=event).pk
    return reverse(f"events:{name}", kwargs=kwargs)


def test_the_pages_walked_are_the_events_pages():
    assert {"detail", "update", "bulk_invite", "report", "propose"} <= set(EVENT_PAGES)
    assert {"registration_confirm", "convocation"} <= set(REGISTRATION_PAGES)


@pytest.mark.parametrize("name", EVENT_PAGES)
def test_an_event_without_the_recruiters_table_is_not_found(
    client_for, recruiter, own_event, other_event, name
):
    client = client_for(recruiter)
    url = event_url(name, other_event)

    assert client.post(url).status_code == 404
    # A page that takes only a POST says so before looking anything up: nothing learnt.
    assert client.get(url).status_code in {404, 405}


@pytest.mark.parametrize("name", ["detail", "update", "report", "bulk_invite"])
def test_an_id_that_is_no_event_is_not_found_either(client_for, recruiter, own_event, name):
    assert client_for(recruiter).get(reverse(f"events:{name}", args=[10**9])).status_code == 404


@pytest.mark.parametrize("name", REGISTRATION_PAGES)
def test_a_registration_is_not_found_for_a_recruiter(
    client_for, recruiter, own_event, other_event, cafe_metiers, name
):
    client = client_for(recruiter)
    elsewhere = RegistrationFactory(event=other_event, status="present")
    at_their_event = cafe_metiers["present_registration"]

    for registration in (elsewhere, at_their_event):
        url = reverse(f"events:{name}", args=[registration.pk])
        assert client.post(url).status_code == 404
        assert client.get(url).status_code in {404, 405}


def test_the_event_of_the_recruiters_table_is_in_scope_without_the_right(
    client_for, recruiter, own_event
):
    client = client_for(recruiter)

    assert client.get(reverse("events:detail", args=[own_event.pk])).status_code == 403
    assert client.get(reverse("events:report", args=[own_event.pk])).status_code == 403
