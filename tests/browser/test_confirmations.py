"""Consequential actions ask first (issue #14, item 12), in a real browser.

With JavaScript the button opens a DSFR modal: « Annuler » closes it and nothing
changes, its button does the action (a POST carrying the CSRF token). Without JavaScript
the same place shows a link to a confirmation page whose button does it. On a desk and
on a 390-pixel phone.
"""

import pytest
from django.utils import timezone

from pacte.factories import StructureFactory, TerritoryFactory, UserFactory
from pacte.roles import Role
from tests.browser.steps import log_in

VIEWPORTS = {"bureau": {"width": 1280, "height": 800}, "téléphone": {"width": 390, "height": 844}}


@pytest.fixture(params=VIEWPORTS, ids=list(VIEWPORTS))
def viewport(request):
    return VIEWPORTS[request.param]


@pytest.fixture
def paris(transactional_db):
    paris = TerritoryFactory(paris=True)
    prefecture = StructureFactory(territory=paris, prefecture=True)
    UserFactory(username="pilote", role=Role.PILOT, structure=prefecture)
    UserFactory(username="coordination", role=Role.COORDINATOR, structure=prefecture)
    UserFactory(
        username="camille",
        first_name="Camille",
        last_name="Martin",
        role=Role.COUNSELLOR,
        structure=StructureFactory(territory=paris, name="Mission locale de Paris"),
    )
    return paris


@pytest.fixture
def meeting(paris):
    from participants.factories import ParticipantFactory, ProgrammeYearFactory
    from participants.models import AgendaItem, CellMeeting

    pilot = UserFactory(username="pilote")
    meeting = CellMeeting.objects.create(
        territory=paris, held_on=timezone.localdate(), pilot=pilot, place="Préfecture"
    )
    young = ParticipantFactory(programme_year=ProgrammeYearFactory(territory=paris))
    AgendaItem.objects.create(meeting=meeting, participant=young)
    return meeting


def watch_csp(page):
    """The conftest watches the default page; a page of another context needs its own."""
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def axe_check_with_javascript(page, live_server, username, url, viewport, axe_check):
    """axe runs in the page (it needs JavaScript): check the confirmation page in a
    browser that has it, reached by its address."""
    page.set_viewport_size(viewport)
    log_in(page, live_server, username)
    page.goto(url)
    axe_check(page)


def assert_fits(page, locator, viewport):
    box = locator.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= viewport["width"]


def assert_modal_opens(page, opener, title, viewport, axe_check):
    """Click the button: the modal shows, focus moves into it (DSFR), axe finds nothing."""
    opener.click()
    dialog = page.get_by_role("dialog", name=title)
    dialog.wait_for(state="visible")
    assert dialog.evaluate("node => node.contains(document.activeElement)")
    assert_fits(page, dialog.locator(".fr-modal__body"), viewport)
    axe_check(page)
    return dialog


def close_title(meeting):
    return f"Clore la réunion de la {meeting} ?"


# Closing a Cellule Emploi meeting ----------------------------------------------------


def test_closing_a_meeting_the_modal_asks_cancel_changes_nothing_confirm_closes(
    page, live_server, meeting, viewport, axe_check
):
    page.set_viewport_size(viewport)
    log_in(page, live_server, "pilote")
    page.goto(f"{live_server.url}/cellule-emploi/{meeting.pk}/")
    opener = page.get_by_role("button", name="Clore la réunion")
    # The DSFR script ran: the button shows, the no-JavaScript link does not.
    assert opener.is_visible()
    assert not page.get_by_role("link", name="Clore la réunion").is_visible()

    dialog = assert_modal_opens(page, opener, close_title(meeting), viewport, axe_check)
    assert "1 cas n’a pas de décision" in dialog.inner_text()
    dialog.get_by_role("button", name="Annuler").click()
    dialog.wait_for(state="hidden")
    # Focus goes back to the button that opened it (DSFR).
    assert opener.evaluate("node => node === document.activeElement")
    meeting.refresh_from_db()
    assert not meeting.is_closed

    opener.click()
    dialog.wait_for(state="visible")
    dialog.get_by_role("button", name="Clore la réunion").click()
    page.get_by_text("La réunion est close : son compte rendu est prêt.").wait_for()
    meeting.refresh_from_db()
    assert meeting.is_closed
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_closing_a_meeting_without_javascript_a_confirmation_page_asks(
    browser, page, live_server, meeting, viewport, axe_check
):
    context = browser.new_context(java_script_enabled=False, viewport=viewport)
    no_js = context.new_page()
    violations = watch_csp(no_js)
    log_in(no_js, live_server, "pilote")
    no_js.goto(f"{live_server.url}/cellule-emploi/{meeting.pk}/")
    assert not no_js.get_by_role("button", name="Clore la réunion").is_visible()

    no_js.get_by_role("link", name="Clore la réunion").click()
    no_js.get_by_role("heading", level=1, name=close_title(meeting)).wait_for()
    assert "1 cas n’a pas de décision" in no_js.locator("main").inner_text()
    meeting.refresh_from_db()
    assert not meeting.is_closed
    axe_check_with_javascript(page, live_server, "pilote", no_js.url, viewport, axe_check)
    assert no_js.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    no_js.get_by_role("button", name="Clore la réunion").click()
    no_js.get_by_text("La réunion est close : son compte rendu est prêt.").wait_for()
    meeting.refresh_from_db()
    assert meeting.is_closed
    assert violations == []
    context.close()


# Deactivating an account -------------------------------------------------------------

DEACTIVATE_TITLE = "Désactiver le compte de Camille Martin ?"


def camille():
    from pacte.models import User

    return User.objects.get(username="camille")


def test_deactivating_the_modal_asks_cancel_changes_nothing_confirm_deactivates(
    page, live_server, paris, viewport, axe_check
):
    page.set_viewport_size(viewport)
    log_in(page, live_server, "coordination")
    page.goto(f"{live_server.url}/comptes/")
    opener = page.get_by_role("button", name="Désactiver Camille Martin")

    dialog = assert_modal_opens(page, opener, DEACTIVATE_TITLE, viewport, axe_check)
    dialog.get_by_role("button", name="Annuler").click()
    dialog.wait_for(state="hidden")
    assert camille().is_active

    opener.click()
    dialog.get_by_role("button", name="Désactiver le compte").click()
    page.get_by_text("Le compte de Camille Martin est désactivé").wait_for()
    assert not camille().is_active

    # Reactivating asks nothing.
    page.get_by_role("button", name="Réactiver Camille Martin").click()
    page.get_by_text("Le compte de Camille Martin est réactivé.").wait_for()
    assert camille().is_active


def test_deactivating_from_the_account_page_too(page, live_server, paris, viewport, axe_check):
    page.set_viewport_size(viewport)
    log_in(page, live_server, "coordination")
    page.goto(f"{live_server.url}/comptes/{camille().pk}/")

    opener = page.get_by_role("button", name="Désactiver le compte")
    dialog = assert_modal_opens(page, opener, DEACTIVATE_TITLE, viewport, axe_check)
    dialog.get_by_role("button", name="Désactiver le compte").click()
    page.get_by_text("Le compte de Camille Martin est désactivé").wait_for()
    assert not camille().is_active


def test_deactivating_without_javascript_a_confirmation_page_asks(
    browser, page, live_server, paris, viewport, axe_check
):
    context = browser.new_context(java_script_enabled=False, viewport=viewport)
    no_js = context.new_page()
    violations = watch_csp(no_js)
    log_in(no_js, live_server, "coordination")
    no_js.goto(f"{live_server.url}/comptes/")

    no_js.get_by_role("link", name="Désactiver Camille Martin").click()
    no_js.get_by_role("heading", level=1, name=DEACTIVATE_TITLE).wait_for()
    assert camille().is_active
    axe_check_with_javascript(page, live_server, "coordination", no_js.url, viewport, axe_check)

    no_js.get_by_role("button", name="Désactiver le compte").click()
    no_js.get_by_text("Le compte de Camille Martin est désactivé").wait_for()
    assert not camille().is_active
    assert violations == []
    context.close()
