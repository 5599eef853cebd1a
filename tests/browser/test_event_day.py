import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Registration
from pacte.factories import StructureFactory, TerritoryFactory, UserFactory
from pacte.roles import Role
from participants.factories import ParticipantFactory, ProgrammeYearFactory
from participants.models import Participant
from tests.browser.steps import log_in
from tests.events.factories import EventFactory


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
    desk.get_by_text("3 invités, 0 en liste d’attente").wait_for()
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
    # The counter follows each tap at once, not at the next 15-second poll.
    expect(phone.locator("#compteurs")).to_have_text("2 présents sur 3 attendus", timeout=3000)
    axe_check(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert Registration.objects.filter(status="present").count() == 2
    assert set(
        Registration.objects.filter(status="present").values_list(
            "participant__first_name", flat=True
        )
    ) == {"Inès", "Yanis"}
    phone.close()


def test_before_the_day_the_door_team_reads_when_check_in_opens(
    browser, live_server, programme, axe_check
):
    counsellor, people = programme
    event = EventFactory(
        territory=people[0].territory, date=timezone.localdate() + dt.timedelta(days=2)
    )
    event.staff.add(counsellor)
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    log_in(phone, live_server, "conseiller")

    phone.goto(f"{live_server.url}/cafes-metiers/{event.pk}/emargement/")

    expect(phone.get_by_text("L’émargement ouvre le jour du Café-métiers")).to_be_visible()
    axe_check(phone)


def test_the_door_team_admits_a_walk_in_and_undoes_a_mistake(
    browser, live_server, programme, axe_check
):
    counsellor, people = programme
    camara, diallo, martin = people
    event = EventFactory(territory=camara.territory, date=timezone.localdate(), capacity=10)
    event.staff.add(counsellor)
    Registration.objects.create(
        event=event, participant=camara, status="invited", invited_by=event.created_by
    )
    ProgrammeYearFactory(territory=camara.territory, year=timezone.localdate().year)
    StructureFactory(territory=camara.territory, name="SPIP de Paris", kind="spip")
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    log_in(phone, live_server, "conseiller")
    phone.goto(f"{live_server.url}/cafes-metiers/{event.pk}/emargement/")
    counter = phone.locator("#compteurs")
    expect(counter).to_have_text("0 présent sur 1 attendu")

    # Checked in by mistake, undone at once by the same phone.
    phone.get_by_role("button", name="Présent : Inès Camara").click()
    expect(counter).to_have_text("1 présent sur 1 attendu", timeout=3000)
    phone.get_by_role("button", name="Annuler la présence : Inès Camara").click()
    expect(counter).to_have_text("0 présent sur 1 attendu", timeout=3000)

    # A walk-in with a file elsewhere in the territory: found by name and birth date.
    phone.get_by_text("Un jeune venu sans inscription").click()
    phone.get_by_label("Nom et prénom").fill("martin")
    phone.get_by_label("Date de naissance").first.fill(martin.birth_date.isoformat())
    phone.get_by_role("button", name="Chercher son dossier").click()
    phone.get_by_text("suivi par Mission locale de Paris").wait_for()
    axe_check(phone)
    phone.get_by_role("button", name="Admettre : Léa Martin").click()
    phone.get_by_text("Léa Martin est admis(e).").wait_for()

    # A walk-in without a file: filed and checked in from the same screen.
    phone.get_by_text("Un jeune venu sans inscription").click()
    phone.get_by_label("Nom et prénom").fill("sow")
    phone.get_by_label("Date de naissance").first.fill("2006-05-01")
    phone.get_by_role("button", name="Chercher son dossier").click()
    phone.get_by_text("Aucun dossier du territoire").wait_for()
    form = phone.locator("form", has=phone.get_by_role("button", name="Créer le dossier"))
    form.get_by_label("Prénom").fill("Awa")
    form.locator("#new-file-last_name").fill("Sow")
    form.get_by_label("Téléphone").fill("06 11 22 33 44")
    form.get_by_label("Structure qui l’oriente").select_option(label="SPIP de Paris")
    form.get_by_role("button", name="Créer le dossier et admettre").click()
    phone.get_by_text("Son dossier « orienté » est à compléter").wait_for()
    expect(counter).to_have_text("2 présents sur 3 attendus")
    axe_check(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    awa = Participant.objects.get(last_name="Sow")
    assert awa.status == "referred"
    assert event.registrations.get(participant=awa).status == "present"
