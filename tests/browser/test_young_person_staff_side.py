"""The staff's side of the young person's page (#19): the coordination sees who holds a
place offered from the waiting list and cancels the event through its modal (desk); the
counsellor records and lifts a refusal of SMS on the file (phone, 390 px)."""

import pytest
from playwright.sync_api import expect

from events import answers
from events.models import RegistrationStatus
from pacte.factories import StructureFactory, TerritoryFactory, UserFactory
from pacte.roles import Role
from participants.factories import ParticipantFactory, ProgrammeYearFactory
from tests.browser.steps import log_in
from tests.events.factories import EventFactory, RegistrationFactory

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


@pytest.fixture
def day(transactional_db):
    paris = TerritoryFactory(paris=True)
    coordinator = UserFactory(
        username="coordination",
        role=Role.COORDINATOR,
        structure=StructureFactory(territory=paris, prefecture=True),
    )
    mission_locale = StructureFactory(territory=paris, name="Mission locale de Paris")
    counsellor = UserFactory(username="conseiller", role=Role.COUNSELLOR, structure=mission_locale)
    year = ProgrammeYearFactory(territory=paris)

    def young(first_name, last_name):
        return ParticipantFactory(
            programme_year=year,
            first_name=first_name,
            last_name=last_name,
            phone="+33612345678",
            structure_in_charge=mission_locale,
            referent=counsellor,
        )

    event = EventFactory(territory=paris, created_by=coordinator, capacity=1)
    holder = RegistrationFactory(
        event=event, participant=young("Léa", "Martin"), status=RegistrationStatus.CONFIRMED
    )
    RegistrationFactory(
        event=event,
        participant=young("Inès", "Camara"),
        status=RegistrationStatus.WAITING,
        waitlisted_at=holder.created_at,
    )
    answers.answer_not_coming(registration=holder)  # Inès is offered the place
    return event, holder.participant


def test_the_coordination_sees_the_offer_then_cancels_the_event(
    browser, live_server, day, axe_check
):
    event, _participant = day
    desk = browser.new_page(viewport=DESK)
    log_in(desk, live_server, "coordination")
    desk.goto(f"{live_server.url}/cafes-metiers/{event.pk}/")

    row = desk.locator("tr", has_text="CAMARA")
    expect(row.get_by_text("Place proposée jusqu’au")).to_be_visible()
    expect(
        desk.locator("tr", has_text="MARTIN").get_by_text("« Je ne peux pas venir »")
    ).to_be_visible()

    desk.locator("button.pacte-with-js", has_text="Annuler le Café-métiers").click()
    dialog = desk.locator("dialog.fr-modal--opened").first
    expect(dialog).to_be_visible()
    axe_check(desk)
    dialog.get_by_role("button", name="Annuler le Café-métiers").click()
    desk.get_by_text("Le Café-métiers est annulé : 1 personne prévenue.").wait_for()
    event.refresh_from_db()
    assert event.status == "cancelled"
    expect(desk.locator("tr", has_text="CAMARA").get_by_text("Événement annulé")).to_be_visible()


def test_the_counsellor_records_and_lifts_a_refusal_of_sms_on_a_phone(
    browser, live_server, day, axe_check
):
    _event, participant = day
    phone = browser.new_page(viewport=PHONE)
    log_in(phone, live_server, "conseiller")
    phone.goto(f"{live_server.url}/jeunes/{participant.pk}/")
    phone.get_by_role("tab", name="Dossier").click()

    phone.get_by_role("button", name="Enregistrer qu’il ou elle refuse les SMS").click()
    phone.get_by_text("plus aucun SMS ne part vers ce numéro").wait_for()
    phone.get_by_role("tab", name="Dossier").click()
    expect(phone.get_by_text("SMS refusés")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe_check(phone)

    phone.get_by_role("button", name="Lever le refus des SMS (avec son accord)").click()
    phone.get_by_text("Le refus des SMS est levé").wait_for()
