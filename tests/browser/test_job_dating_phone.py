"""The recruiter's phone at a job-dating table (390 px): who is next, an outcome saved on
its card alone (htmx), an error next to its field, a correction on the day."""

import datetime as dt

import pytest
from django.utils import timezone

from events.job_dating import services as job_dating
from events.models import Event, RecruiterTable, Registration
from pacte.factories import StructureFactory, TerritoryFactory, UserFactory
from pacte.roles import Role
from participants.factories import ParticipantFactory, ProgrammeYearFactory
from partners.demo import fictitious_siret
from partners.models import Partner
from tests.browser.steps import log_in


@pytest.fixture
def table(transactional_db):
    paris = TerritoryFactory(paris=True)
    lidl_structure = StructureFactory(territory=paris, name="Lidl", kind="company")
    mission_locale = StructureFactory(territory=paris, name="Mission locale de Paris")
    coordinator = UserFactory(
        role=Role.COORDINATOR, structure=StructureFactory(territory=paris, prefecture=True)
    )
    UserFactory(username="recruteur", role=Role.RECRUITER, structure=lidl_structure)
    counsellor = UserFactory(username="conseiller", role=Role.COUNSELLOR, structure=mission_locale)
    event = Event.objects.create(
        territory=paris,
        date=timezone.localdate(),
        starts_at=dt.time(14),
        ends_at=dt.time(18),
        venue="Préfecture",
        address="Paris",
        capacity=65,
        status="open",
        created_by=coordinator,
    )
    partner = Partner.objects.create(
        territory=paris,
        name="Lidl",
        kind="employer",
        sector="retail",
        siret=fictitious_siret(1),
        structure=lidl_structure,
    )
    table = RecruiterTable.objects.create(
        event=event,
        partner=partner,
        recruiter=lidl_structure.users.get(),
        starts_at=dt.time(16),
        ends_at=dt.time(17),
    )
    participant = ParticipantFactory(
        programme_year=ProgrammeYearFactory(territory=paris),
        first_name="Yanis",
        last_name="Traoré",
        structure_in_charge=mission_locale,
        referent=counsellor,
    )
    registration = Registration.objects.create(
        event=event, participant=participant, status="present", invited_by=coordinator
    )
    job_dating.interview_book(
        by=coordinator, table=table, registration=registration, starts_at=dt.time(16)
    )
    return table


PHONE = {"width": 390, "height": 844}


@pytest.fixture
def second_candidate(table):
    """Inès B., at 16 h 15: the card that must not move while Yanis's is saved."""
    event = table.event
    yanis = event.registrations.get()
    participant = ParticipantFactory(
        programme_year=yanis.participant.programme_year,
        first_name="Inès",
        last_name="Benali",
        structure_in_charge=yanis.participant.structure_in_charge,
        referent=yanis.participant.referent,
    )
    registration = Registration.objects.create(
        event=event, participant=participant, status="present", invited_by=event.created_by
    )
    return job_dating.interview_book(
        by=event.created_by, table=table, registration=registration, starts_at=dt.time(16, 15)
    )


def test_a_recruiter_records_an_outcome_and_the_counsellor_sees_the_task(
    browser, live_server, table, axe_check
):
    phone = browser.new_page(viewport=PHONE)
    log_in(phone, live_server, "recruteur")
    axe_check(phone)
    phone.get_by_role("link", name="Mes entretiens").click()
    phone.get_by_role("heading", name="16 h 00 — Yanis T.").wait_for()
    assert "Traoré" not in phone.content()
    axe_check(phone)
    phone.locator("label", has_text="Second entretien").click()
    phone.get_by_role("button", name="Enregistrer").click()
    phone.get_by_text("C’est noté. Merci !").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe_check(phone)
    phone.close()

    desk = browser.new_page(viewport={"width": 375, "height": 812})
    log_in(desk, live_server, "conseiller")
    desk.goto(f"{live_server.url}/jeunes/taches/")
    desk.get_by_role("heading", name="Job-dating avec Lidl : second entretien").wait_for()
    axe_check(desk)
    desk.close()


def test_an_error_and_its_fix_change_the_card_alone(
    browser, live_server, table, second_candidate, axe_check
):
    phone = browser.new_page(viewport=PHONE)
    log_in(phone, live_server, "recruteur")
    phone.get_by_role("link", name="Mes entretiens").click()
    yanis = phone.locator("li.fr-card", has=phone.get_by_role("heading", name="16 h 00 — Yanis T."))
    ines = phone.locator("li.fr-card", has=phone.get_by_role("heading", name="16 h 15 — Inès B."))
    assert yanis.get_by_text("Suivant", exact=True).is_visible()
    # The later candidate's form waits behind « Noter la suite ».
    assert ines.get_by_role("button", name="Enregistrer").is_hidden()
    axe_check(phone)
    # Marks a full reload, or Inès's card rendered anew, would lose.
    phone.evaluate("window.pacteMarker = 'same page'")
    phone.evaluate(f"document.getElementById('entretien-{second_candidate.pk}').dataset.kept = '1'")

    yanis.get_by_text("Non retenu", exact=True).click()
    yanis.get_by_label("Contrat proposé (si embauche)").select_option("cdd")
    yanis.get_by_role("button", name="Enregistrer").click()
    error = yanis.get_by_text("Indiquez le motif, pour aider le conseiller à préparer la suite.")
    error.wait_for()
    reason = yanis.get_by_label("Motif (si non retenu)")
    assert reason.get_attribute("aria-describedby") == error.locator("xpath=..").get_attribute("id")
    assert reason.evaluate("element => element === document.activeElement")
    assert yanis.get_by_label("Non retenu", exact=True).is_checked()
    assert yanis.get_by_label("Contrat proposé (si embauche)").input_value() == "cdd"
    axe_check(phone)

    reason.fill("Pas encore de permis")
    yanis.get_by_role("button", name="Enregistrer").click()
    yanis.get_by_text("C’est noté. Merci !").wait_for()
    assert yanis.get_by_text("Non retenu", exact=True).is_visible()
    assert yanis.get_by_role("link", name="Entretien suivant : 16 h 15 — Inès B.").is_visible()
    assert phone.evaluate("window.pacteMarker") == "same page"
    assert (
        phone.evaluate(f"document.getElementById('entretien-{second_candidate.pk}').dataset.kept")
        == "1"
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe_check(phone)

    # Corrected the same day: the form comes back with what was recorded.
    yanis.get_by_role("link", name="Corriger la suite : Yanis T.").click()
    yanis.get_by_role("button", name="Enregistrer la correction").wait_for()
    assert yanis.get_by_label("Non retenu", exact=True).is_checked()
    assert yanis.get_by_label("Motif (si non retenu)").input_value() == "Pas encore de permis"
    axe_check(phone)
    yanis.locator("label", has_text="Second entretien").click()
    yanis.get_by_role("button", name="Enregistrer la correction").click()
    yanis.get_by_text("La correction est enregistrée.").wait_for()
    assert yanis.get_by_text("Second entretien", exact=True).is_visible()
    assert phone.evaluate("window.pacteMarker") == "same page"
    axe_check(phone)

    # The next candidate's form, unfolded, fits the phone too.
    ines.get_by_text("Noter la suite").click()
    ines.get_by_role("button", name="Enregistrer").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe_check(phone)
    phone.close()


def test_closing_the_day_asks_first(browser, live_server, table, axe_check):
    event = table.event
    event.created_by.username = "coordination"
    event.created_by.save()
    page = browser.new_page(viewport=PHONE)
    log_in(page, live_server, "coordination")

    page.goto(f"{live_server.url}/cafes-metiers/{event.pk}/cloturer/")
    page.get_by_role("heading", name="Clôturer la journée du").wait_for()
    event.refresh_from_db()
    assert event.status == "open"
    axe_check(page)
    page.get_by_role("button", name="Clôturer la journée").click()

    page.get_by_text("Le Café-métiers est clôturé").wait_for()
    event.refresh_from_db()
    assert event.status == "done"
    page.close()
