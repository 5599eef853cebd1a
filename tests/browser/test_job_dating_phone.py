import datetime as dt

import pytest
from django.utils import timezone

from events import job_dating
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


def test_a_recruiter_records_an_outcome_and_the_counsellor_sees_the_task(
    browser, live_server, table, axe_check
):
    phone = browser.new_page(viewport={"width": 375, "height": 812})
    log_in(phone, live_server, "recruteur")
    axe_check(phone)
    phone.get_by_role("link", name="Mes entretiens").click()
    phone.get_by_role("heading", name="16 h 00 — Yanis T.").wait_for()
    assert "Traoré" not in phone.content()
    axe_check(phone)
    phone.locator("label", has_text="Second entretien").click()
    phone.get_by_role("button", name="Enregistrer").click()
    phone.get_by_text("C’est noté. Merci !").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    axe_check(phone)
    phone.close()

    desk = browser.new_page(viewport={"width": 375, "height": 812})
    log_in(desk, live_server, "conseiller")
    desk.goto(f"{live_server.url}/jeunes/taches/")
    desk.get_by_role("heading", name="Job-dating avec Lidl : second entretien").wait_for()
    axe_check(desk)
    desk.close()
