"""Closing a Cellule Emploi meeting asks first (issue #14, item 12): a GET on the action
answers what closing does and changes nothing; only the POST closes. The meeting page
holds both ways to ask: a modal (with JavaScript) and a link to that page (without)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from pacte.roles import Role
from participants.cell import services
from participants.factories import ParticipantFactory
from participants.models import AgendaItem, CellMeeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot(users):
    return users[Role.PILOT]


@pytest.fixture
def meeting(pilot, users):
    """Two cases: one decided, one still waiting for its decision."""
    meeting = CellMeeting.objects.create(
        territory_id=pilot.territory_id, held_on=timezone.localdate(), pilot=pilot
    )
    decided = AgendaItem.objects.create(meeting=meeting, participant=users["participant"])
    AgendaItem.objects.create(
        meeting=meeting,
        participant=ParticipantFactory(programme_year=users["participant"].programme_year),
        position=1,
    )
    services.decision_record(by=pilot, item=decided, decision="Entrée dans le programme.")
    return meeting


def close_url(meeting):
    return reverse("cell:close", args=[meeting.pk])


def test_a_get_asks_and_says_what_closing_does_without_closing(pilot, meeting, client_for):
    response = client_for(pilot).get(close_url(meeting))

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "pacte/confirm.html"
    page = response.content.decode()
    assert f"Clore la réunion de la {meeting} ?" in page
    assert "son compte rendu est définitif" in page
    assert "1 cas a reçu une décision." in page
    assert "1 cas n’a pas de décision : il reviendra à l’ordre du jour" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert reverse("cell:detail", args=[meeting.pk]) in page  # the way back
    meeting.refresh_from_db()
    assert not meeting.is_closed


def test_the_post_closes(pilot, meeting, client_for):
    response = client_for(pilot).post(close_url(meeting))

    assert response.status_code == 302
    assert response.url == reverse("cell:detail", args=[meeting.pk])
    meeting.refresh_from_db()
    assert meeting.is_closed


def test_the_meeting_page_asks_in_a_modal_and_by_a_link(pilot, meeting, client_for):
    page = client_for(pilot).get(reverse("cell:detail", args=[meeting.pk])).content.decode()

    # Without JavaScript: a link to the confirmation page (a GET, which changes nothing).
    assert f'pacte-without-js" href="{close_url(meeting)}"' in page
    # With it: a button opening the DSFR modal, whose form posts with its CSRF token.
    assert 'data-fr-opened="false" aria-controls="clore-reunion"' in page
    start = page.index('<dialog id="clore-reunion"')
    dialog = page[start : page.index("</dialog>", start)]
    assert f'<form method="post" action="{close_url(meeting)}"' in dialog
    assert 'name="csrfmiddlewaretoken"' in dialog
    assert "1 cas n’a pas de décision" in dialog
    # No button closes the meeting at once any more.
    assert f'<form method="post" action="{close_url(meeting)}">' not in page


def test_only_the_pilot_of_an_open_meeting_is_asked(pilot, meeting, users, client_for):
    assert client_for(users[Role.COORDINATOR]).get(close_url(meeting)).status_code == 403
    assert client_for(users["other_coordinator"]).get(close_url(meeting)).status_code == 404
    services.meeting_close(by=pilot, meeting=meeting)
    assert client_for(pilot).get(close_url(meeting)).status_code == 403
