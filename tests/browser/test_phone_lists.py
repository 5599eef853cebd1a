"""Lists and the participant page on a 390-pixel phone (issue #14, item 14), the
new-participant form's errors in one pass (item 11) and charts that never clip (item 15),
in a real browser.

On a phone: the participants list is a card per row and the needs-attention list cards,
nothing wider than the screen; a list's filters fold behind « Filtres » (open when one is
set); the participant page opens on the follow-up form, its actions in one menu. On a desk
the list stays a table with its filters shown, the menu by the name.
"""

import pytest
from django.template.loader import render_to_string

from pacte.factories import StructureFactory, TerritoryFactory, UserFactory
from pacte.models import StructureKind
from pacte.roles import Role
from participants.factories import JusticeMeasureFactory, ParticipantFactory, ProgrammeYearFactory
from steering import dashboard
from tests.browser.steps import log_in

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 800}
SPIP = "Service pénitentiaire d’insertion et de probation de Paris"
LONG_NAME = ("Marie-Christine-Évangéline", "de La Tour-Montmorency-Laval")


@pytest.fixture
def paris(transactional_db):
    paris = TerritoryFactory(paris=True)
    year = ProgrammeYearFactory(territory=paris)
    prefecture = StructureFactory(territory=paris, prefecture=True)
    UserFactory(username="coordination", role=Role.COORDINATOR, structure=prefecture)
    UserFactory(username="pilote", role=Role.PILOT, structure=prefecture)
    spip = StructureFactory(territory=paris, name=SPIP, kind=StructureKind.SPIP)
    # The counsellor works at the structure with the longest name: it wraps in the cards.
    counsellor = UserFactory(
        username="conseiller",
        first_name="Karim",
        last_name="Benali",
        role=Role.COUNSELLOR,
        structure=spip,
    )
    names = [("Inès", "Camara"), LONG_NAME, ("Yanis", "Diallo"), ("Léa", "Martin")]
    people = [
        ParticipantFactory(
            programme_year=year,
            first_name=first,
            last_name=last,
            structure_in_charge=spip,
            referent=counsellor,
            referred_by=spip,
        )
        for first, last in names
    ]
    JusticeMeasureFactory(participant=people[0])
    return people


def go(page, live_server, path, *, viewport, username="conseiller"):
    page.set_viewport_size(viewport)
    log_in(page, live_server, username)
    page.goto(f"{live_server.url}{path}")


def assert_fits(page, locator, width):
    """Nothing scrolls sideways, and each element of `locator` lies within the screen."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for index in range(locator.count()):
        box = locator.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, index


def top(locator):
    return locator.bounding_box()["y"]


# The participants list


def test_on_a_phone_the_participants_list_is_a_card_per_row(page, live_server, paris, axe_check):
    go(page, live_server, "/jeunes/", viewport=PHONE)

    cards = page.locator(".pacte-card-table tbody tr")
    assert cards.count() == 4
    assert cards.first.evaluate("row => getComputedStyle(row).display") == "grid"
    assert (
        page.locator(".pacte-card-table thead th").first.evaluate(
            "cell => getComputedStyle(cell).display"
        )
        == "block"
    )
    assert_fits(page, cards, PHONE["width"])
    card = cards.filter(has_text="CAMARA Inès")
    assert card.get_by_role("link", name="CAMARA Inès").is_visible()
    assert card.get_by_text("Accompagné").is_visible()
    assert card.get_by_text("Karim Benali").is_visible()
    assert card.get_by_text(SPIP).is_visible()  # wrapped, not cut
    axe_check(page)

    # One tap anywhere on the card opens the file.
    card.scroll_into_view_if_needed()
    box = card.bounding_box()
    page.mouse.click(box["x"] + box["width"] - 10, box["y"] + box["height"] - 10)
    page.get_by_role("heading", level=1, name="Inès CAMARA").wait_for()


def test_on_a_phone_the_filters_fold_and_open_once_one_is_set(page, live_server, paris, axe_check):
    go(page, live_server, "/jeunes/", viewport=PHONE)
    status = page.get_by_label("Statut", exact=True)

    assert page.get_by_label("Nom ou prénom").is_visible()  # the search stays at hand
    assert not status.is_visible()
    page.locator("summary", has_text="Filtres").click()
    assert status.is_visible()
    axe_check(page)

    status.select_option("active")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**status=active**")

    # A filtered list says how it is filtered: its filters come unfolded.
    assert page.get_by_label("Statut", exact=True).is_visible()
    assert page.locator(".pacte-card-table tbody tr").count() == 4
    assert_fits(page, page.locator(".pacte-filters select"), PHONE["width"])
    axe_check(page)


def test_on_a_desk_the_list_stays_a_table_with_its_filters_shown(page, live_server, paris):
    go(page, live_server, "/jeunes/", viewport=DESK)

    assert (
        page.locator(".pacte-card-table tbody tr").first.evaluate(
            "row => getComputedStyle(row).display"
        )
        == "table-row"
    )
    assert page.get_by_label("Statut", exact=True).is_visible()
    assert not page.locator("summary", has_text="Filtres").is_visible()


def test_the_partners_list_keeps_its_filter_bar_working(page, live_server, paris):
    go(page, live_server, "/partenaires/", viewport=PHONE, username="coordination")

    page.locator("summary", has_text="Filtres").click()
    page.locator(".pacte-filters select").first.select_option(index=1)
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_load_state()

    assert page.locator("details.pacte-filters__more[open]").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


# The needs-attention list


def test_on_a_phone_the_needs_attention_list_is_cards_that_fit(page, live_server, paris, axe_check):
    go(page, live_server, "/jeunes/a-suivre/", viewport=PHONE)

    cards = page.locator(".pacte-cards > li")
    assert cards.count() == 4  # none seen yet
    assert_fits(page, cards, PHONE["width"])
    assert cards.filter(has_text="Inès CAMARA").get_by_text("Aucun suivi").is_visible()
    axe_check(page)


# The participant page


def test_on_a_phone_the_participant_page_opens_on_the_follow_up_form(
    page, live_server, paris, axe_check
):
    go(page, live_server, f"/jeunes/{paris[0].pk}/", viewport=PHONE)
    form = page.locator("form", has=page.get_by_role("button", name="Enregistrer le suivi"))
    menu = page.locator("summary", has_text="Actions sur le dossier")
    tabs = page.get_by_role("tablist")

    assert top(page.get_by_role("heading", level=1)) < top(form) < top(menu) < top(tabs)
    assert top(page.locator("#id_happened_on")) < PHONE["height"]  # on the first screen
    assert page.locator("#id_kind").bounding_box()["height"] >= 40  # a finger's width
    assert_fits(page, page.locator(".pacte-participant > *"), PHONE["width"])
    axe_check(page)


def test_the_actions_menu_opens_with_the_keyboard_and_leads_to_each_action(
    page, live_server, paris, axe_check
):
    go(page, live_server, f"/jeunes/{paris[0].pk}/", viewport=PHONE)
    menu = page.locator("summary", has_text="Actions sur le dossier")
    hand_over = page.get_by_role("link", name="Changer de référent")

    assert not hand_over.is_visible()  # folded
    menu.focus()
    page.keyboard.press("Enter")
    assert hand_over.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Modifier le dossier"
    assert_fits(page, page.locator(".pacte-file-menu__link"), PHONE["width"])
    axe_check(page)

    # The status changes from the menu, on whichever tab the page is.
    page.locator("summary", has_text="Changer le statut").click()
    page.get_by_label("Nouveau statut").select_option("suspended")
    page.get_by_label("Motif").fill("Hospitalisé deux semaines")
    page.get_by_role("button", name="Changer le statut").click()
    page.get_by_text("Le statut est changé.").wait_for()
    paris[0].refresh_from_db()
    assert paris[0].status == "suspended"


def test_on_a_desk_the_menu_sits_by_the_name_and_the_form_by_the_tabs(page, live_server, paris):
    go(page, live_server, f"/jeunes/{paris[0].pk}/", viewport=DESK, username="coordination")
    name = page.get_by_role("heading", level=1).bounding_box()
    menu = page.locator("summary", has_text="Actions sur le dossier").bounding_box()
    tabs = page.get_by_role("tablist").bounding_box()
    form = page.locator("#suivi-panel").bounding_box()

    assert menu["y"] < name["y"] + name["height"] and menu["x"] > name["x"] + name["width"]
    assert form["x"] >= tabs["x"] + tabs["width"]
    page.locator("summary", has_text="Actions sur le dossier").click()
    # The coordination's entries: the history and the right of access too.
    assert page.get_by_role("link", name="Droit d’accès (PDF)").is_visible()
    assert page.get_by_role("link", name="Modifications").is_visible()


# The new-participant form (item 11)


def test_the_new_participant_form_tells_every_error_at_once_next_to_its_field(
    page, live_server, paris, axe_check
):
    go(page, live_server, "/jeunes/nouveau/", viewport=PHONE, username="coordination")

    page.get_by_label("Prénom").fill("Yanis")
    page.locator("#id_birth_date").fill("1999-01-01")  # 27 when enrolled
    page.get_by_label("Situation d’emploi").select_option("job")
    page.get_by_role("button", name="Enregistrer").click()
    page.locator("#form-errors").wait_for()

    birth_date = page.locator("#div_id_birth_date")
    assert "27 ans" in birth_date.inner_text()
    assert "sans emploi" in page.locator("#div_id_employment_situation").inner_text()
    assert "obligatoire" in page.locator("#div_id_last_name").inner_text()
    assert "obligatoire" in page.locator("#div_id_referred_by").inner_text()
    # Next to the field: the message right under the date, not thousands of pixels below.
    field = page.locator("#id_birth_date").bounding_box()
    message = birth_date.locator(".fr-message--error").bounding_box()
    assert 0 <= message["y"] - (field["y"] + field["height"]) < 40
    # The summary links each error to its field.
    page.locator("#form-errors a", has_text="27 ans").click()
    assert page.evaluate("document.activeElement.id") == "id_birth_date"
    axe_check(page)


# Charts (item 15)


TEXTS_OUTSIDE = """svg => {
    const box = svg.viewBox.baseVal;
    return [...svg.querySelectorAll('text')].map(text => {
        const b = text.getBBox();
        return {text: text.textContent, outside: b.x < box.x || b.y < box.y
            || b.x + b.width > box.x + box.width || b.y + b.height > box.y + box.height};
    }).filter(found => found.outside).map(found => found.text);
}"""


def test_a_chart_with_a_long_label_and_a_large_value_fits_its_drawing(page, live_server, paris):
    """Drawn with the page's own font (Marianne), measured by the browser."""
    charts = [
        render_to_string(
            "pacte/_bar_chart.html",
            {
                "chart": dashboard.bars([(SPIP, 12345), ("Mission locale de Paris", 3)]),
                "caption": "Orientations",
                "label_header": "Orientés par",
                "chart_id": "essai-barres",
            },
        ),
        render_to_string(
            "pacte/_paired_bar_chart.html",
            {
                "chart": dashboard.paired_bars([(SPIP, 12345, 9876), ("Embauches", 2, 1)]),
                "caption": "Engagements",
                "label_header": "Engagement portant sur",
                "chart_id": "essai-paires",
            },
        ),
    ]
    go(page, live_server, "/", viewport=DESK, username="pilote")
    page.evaluate(
        "charts => { const main = document.querySelector('main');"
        " for (const html of charts) { const div = document.createElement('div');"
        " div.innerHTML = html; main.prepend(div); } }",
        charts,
    )
    page.evaluate("document.fonts.ready")

    svgs = page.locator(".pacte-chart svg")
    assert svgs.count() == 2
    for index in range(2):
        assert svgs.nth(index).evaluate(TEXTS_OUTSIDE) == []


def test_the_dashboard_charts_keep_their_texts_inside(page, live_server, paris, axe_check):
    go(page, live_server, "/tableau-de-bord/", viewport=PHONE, username="pilote")

    svgs = page.locator(".pacte-chart svg")
    assert svgs.count() >= 1
    for index in range(svgs.count()):
        assert svgs.nth(index).evaluate(TEXTS_OUTSIDE) == []
    axe_check(page)
