import pytest
from django.utils import timezone

from events.models import Registration
from pacte.factories import StructureFactory, TerritoryFactory, UserFactory
from pacte.roles import Role
from participants.factories import ParticipantFactory, ProgrammeYearFactory
from tests.browser.steps import log_in


@pytest.fixture
def programme(transactional_db):
    paris = TerritoryFactory(paris=True)
    mission_locale = StructureFactory(territory=paris, name="Mission locale de Paris")
    counsellor = UserFactory(
        username="conseiller",
        first_name="Karim",
        last_name="Benali",
        role=Role.COUNSELLOR,
        structure=mission_locale,
    )
    UserFactory(
        username="coordination",
        role=Role.COORDINATOR,
        structure=StructureFactory(territory=paris, prefecture=True),
    )
    year = ProgrammeYearFactory(territory=paris)
    people = [
        ParticipantFactory(
            programme_year=year,
            first_name=first,
            last_name=last,
            search_name=f"{first} {last}".lower().replace("é", "e"),
            structure_in_charge=mission_locale,
            referent=counsellor,
        )
        for first, last in [("Inès", "Camara"), ("Yanis", "Diallo"), ("Léa", "Martin")]
    ]
    return counsellor, people


def test_the_day_of_a_cafe_metiers(browser, live_server, programme, axe_check):
    counsellor, people = programme
    desk = browser.new_page()
    log_in(desk, live_server, "coordination")

    desk.goto(f"{live_server.url}/cafes-metiers/nouveau/")
    axe_check(desk)
    desk.get_by_label("Date").fill(timezone.localdate().isoformat())
    desk.get_by_label("Début").fill("14:00")
    desk.get_by_label("Fin").fill("18:00")
    desk.get_by_label("Lieu").fill("Préfecture de Paris")
    desk.get_by_label("Adresse").fill("5 rue Leblanc, 75015 Paris")
    desk.get_by_label("Places").fill("65")
    desk.get_by_label("État").select_option("open")
    desk.locator("label", has_text=f"{counsellor} — Mission locale de Paris").click()
    desk.get_by_role("button", name="Enregistrer").click()
    desk.get_by_text("Le Café-métiers est créé.").wait_for()
    axe_check(desk)

    desk.get_by_role("link", name="Inviter en nombre").click()
    axe_check(desk)
    desk.get_by_role("button", name="Inviter les jeunes cochés").click()
    desk.get_by_text("3 invité(s)").wait_for()
    axe_check(desk)  # the event page with its registrations
    assert Registration.objects.count() == 3
    desk.close()

    phone = browser.new_page(viewport={"width": 375, "height": 812})
    log_in(phone, live_server, "conseiller")
    event_id = Registration.objects.first().event_id
    phone.goto(f"{live_server.url}/cafes-metiers/{event_id}/emargement/")
    axe_check(phone)
    for name in ("ines", "yanis"):
        phone.get_by_label("Nom ou prénom").fill(name)
        row = phone.locator(".pacte-check-in__row").first
        row.get_by_role("button", name="Présent").wait_for()
        row.get_by_role("button", name="Présent").click()
        row_present = phone.locator(".pacte-check-in__row .fr-badge--success")
        row_present.first.wait_for()
    axe_check(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert Registration.objects.filter(status="present").count() == 2
    assert set(
        Registration.objects.filter(status="present").values_list(
            "participant__first_name", flat=True
        )
    ) == {"Inès", "Yanis"}
    phone.close()
