"""Hardened access (OWASP ASVS level 2 as the yardstick): each rule, checked."""

import datetime as dt
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pacte.factories import DEMO_PASSWORD
from pacte.middleware import SESSION_LAST_SEEN, SESSION_LOGIN_AT
from pacte.roles import Role
from participants.models import FollowUp
from tests.helpers import password_login

pytestmark = pytest.mark.django_db


def current_code(device):
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:06d}"


# Brute force -------------------------------------------------------------------


def fail_logins(client, username, times):
    for _ in range(times):
        client.post(reverse("login"), {"username": username, "password": "mauvais"})


def test_five_failures_lock_the_account_out_with_a_generic_message(client, users, caplog):
    fail_logins(client, "t-conseiller", 5)

    response = client.post(
        reverse("login"), {"username": "t-conseiller", "password": DEMO_PASSWORD}
    )

    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert any("AXES" in record.getMessage() for record in caplog.records)


def test_an_unknown_username_gets_the_same_lockout(client, db):
    fail_logins(client, "personne", 5)

    response = client.post(reverse("login"), {"username": "personne", "password": "x"})

    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()


def test_failures_on_other_usernames_do_not_lock_an_address_out(users):
    """Behind the proxy every person shares an address: axes locks a username and an
    address together, never an address alone (the per-address throttle is apart)."""
    client = Client(REMOTE_ADDR="203.0.113.7")
    for index in range(5):
        fail_logins(client, f"essai{index}", 1)

    response = client.post(reverse("login"), {"username": "t-pilote", "password": DEMO_PASSWORD})

    assert response.status_code == 302


def test_the_lockout_is_released_after_the_cool_off(client, users):
    fail_logins(client, "t-conseiller", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))

    assert password_login(client, "t-conseiller", DEMO_PASSWORD)


# Second factor -----------------------------------------------------------------


@pytest.fixture
def otp_required(settings):
    settings.PACTE_OTP_REQUIRED = True


def enrol(client):
    """Go through the activation page as a person would; return the confirmed device."""
    client.get(reverse("second_factor_setup"))
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(reverse("second_factor_setup"), {"code": current_code(device)})
    device.refresh_from_db()
    return device, response


def test_a_file_role_is_sent_to_the_second_factor_before_any_file(client, users, otp_required):
    password_login(client, "t-conseiller", DEMO_PASSWORD)

    response = client.get(reverse("participants:list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("second_factor"))


def test_enrolment_confirms_the_device_shows_recovery_codes_and_opens_the_files(
    client, users, otp_required
):
    password_login(client, "t-conseiller", DEMO_PASSWORD)

    page = client.get(reverse("second_factor_setup")).content.decode()
    device, response = enrol(client)

    assert "data:image/svg+xml;base64," in page
    assert device.confirmed
    assert len(response.context["codes"]) == 10
    assert client.get(reverse("participants:list")).status_code == 200


def test_a_code_cannot_be_used_twice(users, otp_required):
    first = Client()
    password_login(first, "t-conseiller", DEMO_PASSWORD)
    device, _response = enrol(first)
    used_code = current_code(device)

    second = Client()
    password_login(second, "t-conseiller", DEMO_PASSWORD)
    response = second.post(reverse("second_factor"), {"code": used_code})

    assert "déjà servi" in response.content.decode()
    assert second.get(reverse("participants:list")).status_code == 302


def test_a_recovery_code_works_once(users, otp_required):
    client = Client()
    password_login(client, "t-conseiller", DEMO_PASSWORD)
    _device, response = enrol(client)
    recovery = response.context["codes"][0]

    again = Client()
    password_login(again, "t-conseiller", DEMO_PASSWORD)
    again.post(reverse("second_factor"), {"code": recovery})
    assert again.get(reverse("participants:list")).status_code == 200
    assert not StaticToken.objects.filter(token=recovery).exists()

    third = Client()
    password_login(third, "t-conseiller", DEMO_PASSWORD)
    third.post(reverse("second_factor"), {"code": recovery})
    assert third.get(reverse("participants:list")).status_code == 302


def test_a_recruiter_needs_no_second_factor(client, users, otp_required):
    password_login(client, "t-recruteur", DEMO_PASSWORD)

    assert client.get(reverse("home")).status_code == 200


def test_a_password_reset_does_not_bypass_the_second_factor(
    client, users, otp_required, mailoutbox
):
    password_login(client, "t-conseiller", DEMO_PASSWORD)
    enrol(client)
    client.post(reverse("logout"))

    client.post(reverse("password_reset"), {"email": "t-conseiller@exemple.gouv.fr"})
    link = next(
        line for line in mailoutbox[0].body.splitlines() if "/mot-de-passe/nouveau/" in line
    )
    form_url = client.get(link.strip(), follow=True).redirect_chain[-1][0]
    client.post(
        form_url,
        {"new_password1": "nouveau-mot-de-passe-26", "new_password2": "nouveau-mot-de-passe-26"},
    )
    password_login(client, "t-conseiller", "nouveau-mot-de-passe-26")

    response = client.get(reverse("participants:list"))
    assert response["Location"].startswith(reverse("second_factor"))


# Sessions ------------------------------------------------------------------------


def test_login_gives_a_new_session_key_and_logout_ends_the_session(client, users):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key

    password_login(client, "t-pilote", DEMO_PASSWORD)
    after = client.session.session_key
    client.post(reverse("logout"))

    assert after != before
    assert client.get(reverse("home")).status_code == 302


def age_session(client, *, idle=0, since_login=0):
    session = client.session
    now = time.time()
    session[SESSION_LAST_SEEN] = now - idle
    session[SESSION_LOGIN_AT] = now - since_login
    session.save()


def test_thirty_idle_minutes_end_the_session(client, users):
    password_login(client, "t-pilote", DEMO_PASSWORD)
    age_session(client, idle=31 * 60, since_login=31 * 60)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(reverse("home")).status_code == 302


def test_activity_keeps_the_session_but_ten_hours_end_it(client, users):
    password_login(client, "t-pilote", DEMO_PASSWORD)
    age_session(client, idle=29 * 60, since_login=9 * 3600)
    assert client.get(reverse("home")).status_code == 200

    age_session(client, idle=60, since_login=10 * 3600 + 1)
    assert client.get(reverse("home")).status_code == 302


def test_a_new_role_ends_the_open_sessions(client, users):
    counsellor = users[Role.COUNSELLOR]
    password_login(client, "t-conseiller", DEMO_PASSWORD)

    counsellor.role = Role.RECRUITER
    counsellor.save()

    assert client.get(reverse("home")).status_code == 302


def test_deactivation_ends_the_open_sessions(client, users):
    password_login(client, "t-conseiller", DEMO_PASSWORD)
    coordinator = Client()
    coordinator.force_login(users[Role.COORDINATOR])

    coordinator.post(
        reverse("accounts:set_active", args=[users[Role.COUNSELLOR].pk]), {"active": "0"}
    )

    assert client.get(reverse("home")).status_code == 302


# Requests --------------------------------------------------------------------------


def test_a_post_without_csrf_token_is_refused(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users[Role.COUNSELLOR])

    response = client.post(
        reverse("participants:follow_up_create", args=[users["participant"].pk]),
        {"happened_on": "2026-01-01", "kind": "phone", "summary": "x"},
    )

    assert response.status_code == 403
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "participants:follow_up_create",
        "participants:status_change",
        "participants:task_complete",
        "accounts:set_active",
    ],
)
def test_no_get_changes_business_data(client_for, users, name):
    target = {
        "participants:task_complete": users["task"].pk,
        "accounts:set_active": users[Role.COUNSELLOR].pk,
    }.get(name, users["participant"].pk)

    response = client_for(users[Role.COORDINATOR]).get(
        reverse(name, args=[target]), {"active": "0"}
    )

    assert response.status_code == 405


def test_logout_by_get_is_refused(client_for, users):
    assert client_for(users[Role.PILOT]).get(reverse("logout")).status_code == 405


@pytest.mark.parametrize(
    "name",
    [
        "participants:detail",
        "participants:update",
        "participants:follow_up_create",
        "participants:status_change",
        "participants:justice_edit",
        "participants:outcome_create",
        "participants:plan_action_create",
        "participants:hand_over",
        "participants:stand_in",
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_territory_gets_404_for_every_verb(client_for, users, name, method):
    client = client_for(users["other_coordinator"])

    response = getattr(client, method)(reverse(name, args=[users["participant"].pk]))

    assert response.status_code in {404, 405}
    if method == "get" and response.status_code == 405:
        assert client.post(reverse(name, args=[users["participant"].pk])).status_code == 404


def test_an_export_never_holds_another_territory(client_for, users):
    response = client_for(users["other_coordinator"]).get(
        reverse("participants:export", args=["csv"])
    )

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert users["participant"].last_name not in body
    assert len(body.strip().splitlines()) == 1


# Headers and cookies -----------------------------------------------------------------


@pytest.mark.parametrize("page", ["login", "home", "participant"])
def test_pages_send_a_strict_policy_and_are_never_cached(client_for, users, page):
    client = client_for(None if page == "login" else users[Role.COORDINATOR])
    url = {
        "login": reverse("login"),
        "home": reverse("home"),
        "participant": reverse("participants:detail", args=[users["participant"].pk]),
    }[page]

    response = client.get(url)

    policy = response["Content-Security-Policy"]
    for directive in (
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "script-src 'self'",
        "style-src 'self'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_session_and_csrf_cookies_are_httponly_and_samesite(client, users):
    client.get(reverse("login"))
    response = client.post(reverse("login"), {"username": "t-pilote", "password": DEMO_PASSWORD})

    session_cookie = response.cookies["sessionid"]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"


def test_production_cookies_are_secure_and_hsts_lasts_a_year():
    import subprocess
    import sys

    from django.conf import settings

    code = (
        "import django, os; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)"
    )
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "k3J9#pQz!vR2@xW8&mN5^tY7*bL4(hG6)dF1_sA0-eC3+uI9=oP2",
        "ALLOWED_HOSTS": "x.fr",
        "DJANGO_SETTINGS_MODULE": "pacte.settings",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.split() == ["True", "True", "31536000"], result.stderr


def test_anonymous_user_has_no_role_related_access():
    from participants.permissions import can_list_participants

    assert not can_list_participants(AnonymousUser())


def test_the_admin_site_needs_the_second_factor_too(client, users, otp_required):
    client.force_login(users[Role.ADMINISTRATOR])

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("second_factor"))
