import pytest

from pacte.factories import StructureFactory, TerritoryFactory, UserFactory
from pacte.roles import Role
from participants.factories import JusticeMeasureFactory, ParticipantFactory, ProgrammeYearFactory
from participants.models import FollowUp
from tests.browser.steps import log_in


@pytest.fixture
def participant(transactional_db):
    paris = TerritoryFactory(paris=True)
    mission_locale = StructureFactory(territory=paris, name="Mission locale de Paris")
    counsellor = UserFactory(username="conseiller", role=Role.COUNSELLOR, structure=mission_locale)
    participant = ParticipantFactory(
        programme_year=ProgrammeYearFactory(territory=paris),
        first_name="Inès",
        last_name="Camara",
        structure_in_charge=mission_locale,
        referent=counsellor,
    )
    JusticeMeasureFactory(participant=participant)
    return participant


def test_a_counsellor_logs_a_follow_up_from_a_phone(page, live_server, participant, axe_check):
    page.set_viewport_size({"width": 375, "height": 812})
    log_in(page, live_server, "conseiller")

    page.goto(f"{live_server.url}/jeunes/?q=ines")
    axe_check(page)
    page.get_by_role("link", name="CAMARA Inès").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Inès CAMARA"
    axe_check(page)

    page.get_by_label("Type de contact").select_option("phone")
    page.get_by_label("Ce qui s’est dit").fill("Appel : confirme sa venue au Café-métiers.")
    page.get_by_role("button", name="Enregistrer le suivi").click()

    page.get_by_text("Le suivi est enregistré.").wait_for()
    assert page.get_by_text("Appel : confirme sa venue au Café-métiers.").is_visible()
    assert FollowUp.objects.filter(participant=participant).count() == 1
    # One column, no horizontal scrolling on a 375-pixel screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    axe_check(page)
