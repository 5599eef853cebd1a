import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from pacte.factories import DEMO_PASSWORD, UserFactory
from pacte.roles import Role
from tests.helpers import password_login

pytestmark = pytest.mark.django_db


def test_a_person_logs_in_with_username_and_password_and_lands_home(client, users):
    response = client.post(
        reverse("login"),
        {"username": "t-coordination", "password": DEMO_PASSWORD},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["user"].username == "t-coordination"


def test_a_wrong_password_is_refused_with_a_french_message(client, users):
    response = client.post(reverse("login"), {"username": "t-coordination", "password": "non"})

    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()


def test_pages_need_a_login(client, db):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_expired_account_cannot_log_in(client, users):
    recruiter = users[Role.RECRUITER]
    recruiter.expires_on = timezone.localdate() - dt.timedelta(days=1)
    recruiter.save()

    logged_in = password_login(client, "t-recruteur", DEMO_PASSWORD)

    assert not logged_in


def test_an_account_that_expires_loses_its_open_session(client, users):
    recruiter = users[Role.RECRUITER]
    client.force_login(recruiter)
    assert client.get(reverse("home")).status_code == 200

    recruiter.expires_on = timezone.localdate() - dt.timedelta(days=1)
    recruiter.save()

    assert client.get(reverse("home")).status_code == 302


def test_a_deactivated_account_loses_its_open_session(client, users):
    counsellor = users[Role.COUNSELLOR]
    client.force_login(counsellor)
    counsellor.is_active = False
    counsellor.save()

    assert client.get(reverse("home")).status_code == 302


def test_logout_ends_the_session(client, users):
    client.force_login(users[Role.PILOT])

    client.post(reverse("logout"))

    assert client.get(reverse("home")).status_code == 302


def test_password_change(client, users):
    client.force_login(users[Role.COUNSELLOR])

    response = client.post(
        reverse("password_change"),
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "un-long-mot-de-passe-2026",
            "new_password2": "un-long-mot-de-passe-2026",
        },
    )

    assert response.status_code == 302
    users[Role.COUNSELLOR].refresh_from_db()
    assert users[Role.COUNSELLOR].check_password("un-long-mot-de-passe-2026")


def test_password_reset_sends_a_link_that_sets_a_new_password(client, users):
    response = client.post(reverse("password_reset"), {"email": "t-conseiller@exemple.gouv.fr"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(
        line for line in mail.outbox[0].body.splitlines() if "/mot-de-passe/nouveau/" in line
    )

    confirm = client.get(link.strip(), follow=True)
    form_url = confirm.redirect_chain[-1][0]
    done = client.post(
        form_url,
        {"new_password1": "encore-un-mot-de-passe", "new_password2": "encore-un-mot-de-passe"},
    )

    assert done.status_code == 302
    users[Role.COUNSELLOR].refresh_from_db()
    assert users[Role.COUNSELLOR].check_password("encore-un-mot-de-passe")


def test_password_reset_reaches_an_invited_account_without_password(client, users):
    invited = UserFactory(username="invite", role=Role.COUNSELLOR, password=None)
    invited.set_unusable_password()
    invited.save()

    client.post(reverse("password_reset"), {"email": invited.email})

    assert [message.to for message in mail.outbox] == [[invited.email]]


def test_password_reset_does_not_reveal_whether_an_account_exists(client, db):
    response = client.post(reverse("password_reset"), {"email": "personne@exemple.fr"})

    assert response.status_code == 302
    assert mail.outbox == []
