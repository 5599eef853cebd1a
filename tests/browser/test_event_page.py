"""The event page with a full room (#14 items 12, 13), as the coordination uses it."""

import pytest
from playwright.sync_api import expect

from events.models import RegistrationStatus
from pacte.factories import StructureFactory, TerritoryFactory, UserFactory
from pacte.roles import Role
from participants.factories import ParticipantFactory, ProgrammeYearFactory
from tests.browser.steps import log_in
from tests.events.factories import EventFactory, RegistrationFactory


@pytest.fixture
def room(transactional_db):
    paris = TerritoryFactory(paris=True)
    coordinator = UserFactory(
        username="coordination",
        role=Role.COORDINATOR,
        structure=StructureFactory(territory=paris, prefecture=True),
    )
    year = ProgrammeYearFactory(territory=paris)
    event = EventFactory(territory=paris, created_by=coordinator, capacity=65)
    for index in range(30):
        RegistrationFactory(
            event=event,
            status=RegistrationStatus.INVITED,
            invited_by=coordinator,
            participant=ParticipantFactory(
                programme_year=year, first_name="Jeune", last_name=f"Nom{index:02d}"
            ),
        )
    ParticipantFactory(programme_year=year, first_name="Yanis", last_name="Diallo")
    return event


def test_thirty_registrations_fit_a_desk_screen_and_invite_cancel_work(
    browser, live_server, room, axe_check
):
    desk = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(desk, live_server, "coordination")
    desk.goto(f"{live_server.url}/cafes-metiers/{room.pk}/")
    axe_check(desk)
    # One menu per row instead of 7–8 buttons: 30 rows were 8,800 px high.
    height = desk.evaluate("document.documentElement.scrollHeight")
    assert height < 5000, height

    # Search within the registrations: the list answers, the page stays.
    desk.get_by_label("Nom ou prénom").fill("nom07")
    expect(desk.locator("#inscriptions tbody tr")).to_have_count(1)
    desk.get_by_label("Nom ou prénom").fill("")
    expect(desk.locator("#inscriptions tbody tr")).to_have_count(30)

    # Invite by typing: a suggestion, one tap.
    desk.get_by_label("Inviter un jeune : tapez son nom ou son prénom").fill("dial")
    desk.get_by_role("button", name="Inviter DIALLO Yanis").click()
    desk.get_by_text("Yanis").first.wait_for()
    assert room.registrations.filter(participant__last_name="Diallo").exists()

    # Cancel from the row's menu: the modal asks first; « Annuler » changes nothing.
    row = desk.locator("tr", has_text="NOM03")
    row.get_by_text("Actions").click()
    opener = row.locator("button.pacte-with-js", has_text="Annuler l’inscription")
    opener.click()
    dialog = desk.locator("dialog[open], dialog.fr-modal--opened").first
    expect(dialog).to_be_visible()
    axe_check(desk)
    dialog.get_by_role("button", name="Annuler", exact=True).click()
    expect(dialog).to_be_hidden()
    assert room.registrations.get(participant__last_name="Nom03").status == "invited"
    opener.click()
    desk.locator("dialog.fr-modal--opened").get_by_role(
        "button", name="Annuler l’inscription"
    ).click()
    desk.get_by_text("est retirée").wait_for()
    assert room.registrations.get(participant__last_name="Nom03").status == "cancelled"
