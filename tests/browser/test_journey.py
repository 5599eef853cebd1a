import pytest

from pacte.factories import DEMO_PASSWORD, StructureFactory, TerritoryFactory, UserFactory
from pacte.roles import Role
from tests.browser.steps import log_in


@pytest.fixture
def coordinator(transactional_db):
    paris = TerritoryFactory(paris=True)
    return UserFactory(
        username="coordination",
        first_name="Claire",
        role=Role.COORDINATOR,
        structure=StructureFactory(territory=paris, prefecture=True),
    )


def test_a_coordinator_logs_in_and_lands_on_an_accessible_home_page(
    page, live_server, coordinator, axe_check
):
    page.goto(f"{live_server.url}/")
    assert "/connexion/" in page.url
    axe_check(page)

    page.get_by_label("Nom d’utilisateur").fill("coordination")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Bonjour Claire"
    assert page.locator("html").get_attribute("lang") == "fr"
    axe_check(page)


def test_the_account_list_and_form_are_accessible(page, live_server, coordinator, axe_check):
    log_in(page, live_server, "coordination")

    page.goto(f"{live_server.url}/comptes/")
    axe_check(page)
    page.get_by_role("link", name="Créer un compte").click()
    page.get_by_role("button", name="Enregistrer").click()
    assert page.locator(".fr-message--error").count() > 0
    axe_check(page)


def test_the_pilot_opens_an_accessible_dashboard(page, live_server, transactional_db, axe_check):
    from participants.factories import ParticipantFactory, ProgrammeYearFactory

    paris = TerritoryFactory(paris=True)
    UserFactory(
        username="pilote",
        role=Role.PILOT,
        structure=StructureFactory(territory=paris, prefecture=True),
    )
    year = ProgrammeYearFactory(territory=paris)
    ParticipantFactory.create_batch(3, programme_year=year)

    log_in(page, live_server, "pilote")
    page.get_by_role("link", name="Tableau de bord").first.click()
    page.get_by_role("heading", name="Tableau de bord").wait_for()
    axe_check(page)
    # From the dashboard to the steering committee's report of a quarter.
    page.get_by_role("link", name="Rapports par période").click()
    page.locator("select[name=periode]").select_option(label="Un trimestre")
    page.locator("select[name=trimestre]").select_option(index=1)
    page.get_by_role("button", name="Afficher le rapport").click()
    page.get_by_role("heading", name="Rapport : 1er trimestre").wait_for()
    axe_check(page)
