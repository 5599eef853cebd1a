"""Deactivating an account asks first (issue #14, item 12): a GET on the action answers
what deactivating does and changes nothing; only the POST deactivates. Reactivating is
done at once. The account list and the account page hold both ways to ask: a modal (with
JavaScript) and a link to that page (without)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from pacte import services
from pacte.models import User
from pacte.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(users):
    return users[Role.COORDINATOR]


@pytest.fixture
def counsellor(users):
    return users[Role.COUNSELLOR]


def deactivate_url(account):
    return reverse("accounts:deactivate", args=[account.pk])


def is_active(account):
    return User.objects.get(pk=account.pk).is_active


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def dialog_of(page, dialog_id):
    start = page.index(f'<dialog id="{dialog_id}"')
    return page[start : page.index("</dialog>", start)]


def test_a_get_asks_and_says_what_deactivating_does_without_deactivating(
    coordinator, counsellor, client_for
):
    response = client_for(coordinator).get(deactivate_url(counsellor))

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "pacte/confirm.html"
    page = response.content.decode()
    assert f"Désactiver le compte de {counsellor} ?" in page
    assert f"{counsellor} ne pourra plus se connecter" in page
    assert "vous pourrez réactiver le compte" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert reverse("accounts:list") in page  # the way back
    assert is_active(counsellor)


def test_the_post_deactivates(coordinator, counsellor, client_for):
    response = client_for(coordinator).post(deactivate_url(counsellor))

    assert response.status_code == 302
    assert response.url == reverse("accounts:list")
    assert not is_active(counsellor)
    assert messages_of(response) == [
        f"Le compte de {counsellor} est désactivé : cette personne ne peut plus se connecter."
    ]


def test_reactivating_is_done_at_once(coordinator, counsellor, client_for):
    services.account_set_active(by=coordinator, account=counsellor, active=False)

    client_for(coordinator).post(
        reverse("accounts:set_active", args=[counsellor.pk]), {"active": "1"}
    )

    assert is_active(counsellor)


def test_nobody_is_asked_to_deactivate_their_own_account(coordinator, client_for):
    client = client_for(coordinator)

    response = client.get(deactivate_url(coordinator), follow=True)
    assert response.redirect_chain == [(reverse("accounts:list"), 302)]
    assert "Vous ne pouvez pas désactiver votre propre compte." in messages_of(response)

    client.post(deactivate_url(coordinator))
    assert is_active(coordinator)


def test_an_account_already_deactivated_is_not_asked_again(coordinator, counsellor, client_for):
    services.account_set_active(by=coordinator, account=counsellor, active=False)

    response = client_for(coordinator).get(deactivate_url(counsellor))

    assert response.status_code == 302
    assert messages_of(response) == [f"Le compte de {counsellor} est déjà désactivé."]


def test_another_territorys_account_does_not_exist(coordinator, users, client_for):
    other = users["other_coordinator"]
    client = client_for(coordinator)

    assert client.get(deactivate_url(other)).status_code == 404
    assert client.post(deactivate_url(other)).status_code == 404
    assert is_active(other)


def test_only_account_managers_are_asked(counsellor, users, client_for):
    client = client_for(counsellor)

    assert client.get(deactivate_url(users[Role.RECRUITER])).status_code == 403
    assert client.post(deactivate_url(users[Role.RECRUITER])).status_code == 403
    assert is_active(users[Role.RECRUITER])


def test_the_list_asks_in_a_modal_and_by_a_link(coordinator, counsellor, client_for):
    page = client_for(coordinator).get(reverse("accounts:list")).content.decode()

    url = deactivate_url(counsellor)
    assert f'pacte-without-js" href="{url}"' in page
    dialog_id = f"desactiver-compte-{counsellor.pk}"
    assert f'data-fr-opened="false" aria-controls="{dialog_id}"' in page
    dialog = dialog_of(page, dialog_id)
    assert f'<form method="post" action="{url}"' in dialog
    assert 'name="csrfmiddlewaretoken"' in dialog
    assert f"{counsellor} ne pourra plus se connecter" in dialog
    # Nothing in the list deactivates at once any more, and one's own row has no button.
    assert 'name="active" value="0"' not in page
    assert deactivate_url(coordinator) not in page


def test_a_deactivated_account_shows_its_reactivation_at_once(coordinator, counsellor, client_for):
    services.account_set_active(by=coordinator, account=counsellor, active=False)

    page = client_for(coordinator).get(reverse("accounts:list")).content.decode()

    assert deactivate_url(counsellor) not in page
    assert f'action="{reverse("accounts:set_active", args=[counsellor.pk])}"' in page
    assert 'name="active" value="1"' in page


def test_the_account_page_asks_too(coordinator, counsellor, client_for):
    client = client_for(coordinator)

    page = client.get(reverse("accounts:update", args=[counsellor.pk])).content.decode()
    assert f'<form method="post" action="{deactivate_url(counsellor)}"' in dialog_of(
        page, "desactiver-compte"
    )

    own = client.get(reverse("accounts:update", args=[coordinator.pk])).content.decode()
    assert deactivate_url(coordinator) not in own


def test_saving_the_account_form_does_not_undo_a_deactivation(coordinator, counsellor):
    """The edit form was opened before someone deactivated the account: saving it keeps
    the account deactivated."""
    stale = User.objects.get(pk=counsellor.pk)
    services.account_set_active(by=coordinator, account=counsellor, active=False)

    services.account_update(
        by=coordinator,
        account=stale,
        first_name="Camille",
        last_name=stale.last_name,
        email=stale.email,
        structure=stale.structure,
        role=stale.role,
    )

    assert not is_active(counsellor)
    assert User.objects.get(pk=counsellor.pk).first_name == "Camille"
