"""The home pages in a browser: a counsellor's phone between appointments, a coordinator
on the morning of a Café-métiers, the pilot before the Cellule Emploi."""

import datetime as dt

import pytest
from django.utils import timezone

from events.models import Event
from pacte.factories import StructureFactory, TerritoryFactory, UserFactory
from pacte.roles import Role
from participants.factories import ParticipantFactory, ProgrammeYearFactory
from participants.models import CellMeeting, Participant
from tests.browser.steps import log_in

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def programme(transactional_db):
    today = timezone.localdate()
    paris = TerritoryFactory(paris=True)
    prefecture = StructureFactory(territory=paris, prefecture=True)
    mission_locale = StructureFactory(territory=paris, name="Mission locale de Paris")
    counsellor = UserFactory(username="conseiller", role=Role.COUNSELLOR, structure=mission_locale)
    coordinator = UserFactory(username="coordination", role=Role.COORDINATOR, structure=prefecture)
    pilot = UserFactory(username="pilote", role=Role.PILOT, structure=prefecture)
    year = ProgrammeYearFactory(territory=paris, year=today.year)
    people = [
        ParticipantFactory(
            programme_year=year,
            first_name=first,
            last_name=last,
            phone=phone,
            structure_in_charge=mission_locale,
            referent=counsellor,
        )
        for first, last, phone in [
            ("Inès", "Camara", "+33612345678"),
            ("Yanis", "Diallo", "+33698765432"),
        ]
    ]
    # Seen 40 days ago: both need a call.
    Participant.objects.update(last_follow_up_on=today - dt.timedelta(days=40))
    event = Event.objects.create(
        territory=paris,
        date=today,
        starts_at=dt.time(14),
        ends_at=dt.time(18),
        venue="Préfecture de Paris",
        address="5 rue Leblanc, 75015 Paris",
        capacity=65,
        status="open",
        created_by=coordinator,
    )
    CellMeeting.objects.create(
        territory=paris, held_on=today + dt.timedelta(days=3), pilot=pilot, place="Salle 2"
    )
    return {"people": people, "event": event}


def test_a_counsellor_calls_a_young_person_from_the_home_page_on_a_phone(
    page, live_server, programme, axe_check
):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "conseiller")

    calls = page.get_by_role("region", name="Mes jeunes à appeler")
    name = calls.get_by_role("link", name="Inès Camara", exact=True)
    phone = calls.get_by_role("link", name="Appeler Inès Camara au 06 12 34 56 78")
    assert phone.get_attribute("href") == "tel:+33612345678"
    assert phone.inner_text().strip().endswith("\n06 12 34 56 78")
    # On its own line, under the name, and large enough for a thumb.
    name_box, phone_box = name.bounding_box(), phone.bounding_box()
    assert phone_box["y"] >= name_box["y"] + name_box["height"]
    assert phone_box["height"] >= 40
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe_check(page)


def test_a_coordinator_goes_from_the_home_page_to_the_days_check_in(
    page, live_server, programme, axe_check
):
    page.set_viewport_size(PHONE)  # at the door of the Café-métiers
    log_in(page, live_server, "coordination")

    entry = page.get_by_role("region", name="Émargement du jour")
    assert entry.is_visible()
    link = entry.get_by_role("link", name="Émarger : Café-métiers, 14 h 00, Préfecture de Paris")
    # Its whole label is read on a phone: it wraps, it is not cut.
    assert link.evaluate("a => a.scrollWidth <= a.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.get_by_role("progressbar", name="jeunes suivis").count() == 1
    axe_check(page)

    link.click()

    page.wait_for_url(f"{live_server.url}/cafes-metiers/{programme['event'].pk}/emargement/")
    assert page.get_by_role("heading", level=1).inner_text() == "Émargement"
    axe_check(page)


def test_the_pilot_sees_the_next_meeting_and_the_figures(page, live_server, programme, axe_check):
    log_in(page, live_server, "pilote")

    assert page.get_by_role("region", name="Prochaine réunion de la Cellule Emploi").is_visible()
    assert page.get_by_text("0 cas à examiner — Salle 2").is_visible()
    assert page.get_by_text("Taux de présence").is_visible()
    axe_check(page)
