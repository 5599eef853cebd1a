"""The young person's personal page on a 390-pixel phone (#19 item 1): no account, the
essentials in reach of a thumb, the QR code readable, axe at zero serious violations."""

import datetime as dt
import os
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import WorkshopKind
from tests.events.factories import EventFactory, RegistrationFactory, WorkshopFactory

PHONE = {"width": 390, "height": 844}
SHOTS = Path(os.environ.get("PACTE_SCREENSHOTS", tempfile.gettempdir()))


@pytest.fixture
def registration(transactional_db):
    event = EventFactory(
        date=timezone.localdate() + dt.timedelta(days=7),
        venue="Préfecture de Paris",
        address="5 rue Leblanc, 75015 Paris",
    )
    registration = RegistrationFactory(
        event=event,
        participant__first_name="Yanis",
        participant__referent__first_name="Claire",
        participant__referent__phone="+33142000000",
    )
    registration.workshops.add(WorkshopFactory(event=event, kind=WorkshopKind.COACHING))
    return registration


def test_the_page_fits_a_phone_and_passes_axe(page, live_server, registration, axe_check):
    page.set_viewport_size(PHONE)
    url = live_server.url + reverse("events:personal_page", args=[registration.personal_token])
    page.goto(url)

    assert page.get_by_role("heading", level=1).inner_text().startswith("Vous êtes invité(e)")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    qr = page.get_by_role("img", name="Code QR à présenter à l’accueil")
    box = qr.bounding_box()
    assert box["width"] >= 180 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    call = page.get_by_role("link", name="01 42 00 00 00")
    assert call.get_attribute("href") == "tel:+33142000000"
    assert page.get_by_role("link", name="Télécharger la convocation (PDF)").is_visible()
    assert page.get_by_role("link", name="Ajouter à mon agenda").is_visible()
    assert page.get_by_role("link", name="Se connecter").count() == 0
    axe_check(page)


def test_the_young_person_answers_with_one_tap_then_changes_their_mind(
    page, live_server, registration, axe_check
):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("events:personal_page", args=[registration.personal_token]))

    page.get_by_role("button", name="Je viens").click()
    page.get_by_text("Merci, c’est noté : nous vous attendons.").wait_for()
    assert page.get_by_text("Vous avez confirmé votre venue").is_visible()

    page.get_by_text("Je ne peux plus venir").click()
    page.locator("label", has_text="Transport").click()  # the DSFR radio: its label
    assert page.get_by_label("Transport").is_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe_check(page)
    page.screenshot(path=SHOTS / "personal-decline-390.png", full_page=True)
    page.get_by_role("button", name="Confirmer : je ne viens pas").click()
    page.get_by_text("La personne qui vous accompagne va vous rappeler").wait_for()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Vous avez indiqué")
    assert page.get_by_role("img", name="Code QR à présenter à l’accueil").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_role("button", name="Finalement, je viens").click()
    page.get_by_text("Vous avez confirmé votre venue").wait_for()
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_a_place_offered_from_the_waiting_list_is_taken_on_the_phone(
    page, live_server, registration, axe_check
):
    from events import answers
    from events.models import RegistrationStatus

    event = registration.event
    event.capacity = 1
    event.save()
    offered = RegistrationFactory(
        event=event,
        status=RegistrationStatus.WAITING,
        waitlisted_at=timezone.now(),
        participant__first_name="Inès",
    )
    answers.answer_not_coming(registration=registration)  # frees the one place
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("events:personal_page", args=[offered.personal_token]))

    assert page.get_by_role("heading", level=1).inner_text().startswith("Une place s’est libérée")
    assert page.get_by_text("Elle vous est gardée jusqu’au").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe_check(page)
    page.screenshot(path=SHOTS / "personal-offer-390.png", full_page=True)
    page.get_by_role("button", name="Je viens").click()
    page.get_by_text("Vous avez confirmé votre venue").wait_for()
    assert page.get_by_role("img", name="Code QR à présenter à l’accueil").is_visible()
