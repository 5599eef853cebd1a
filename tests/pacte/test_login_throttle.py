"""Brute force behind the proxy: whom a lockout hits, which address counts, and the
per-address ceilings on login failures and password-reset requests (issue #15)."""

import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from pacte import throttle
from pacte.factories import DEMO_PASSWORD
from tests.helpers import password_login

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"
CLIENT = "203.0.113.7"
COLLEAGUE = "198.51.100.9"
COUNSELLOR_EMAIL = "t-conseiller@exemple.gouv.fr"
WRONG_PASSWORD = "mauvais"


@pytest.fixture(autouse=True)
def steady_clock(monkeypatch):
    """The windows are aligned on the clock: a test must not straddle a boundary."""
    monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: 1_000 * 3_600.0))


def trusting(proxies):
    """The settings PACTE_TRUSTED_PROXIES=proxies gives (see the environment test below)."""
    if not proxies:
        return override_settings(
            AXES_IPWARE_META_PRECEDENCE_ORDER=["REMOTE_ADDR"], AXES_IPWARE_PROXY_COUNT=None
        )
    return override_settings(
        AXES_IPWARE_META_PRECEDENCE_ORDER=["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"],
        AXES_IPWARE_PROXY_COUNT=proxies - 1,
    )


def attempt(client, username, password=WRONG_PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def fail(client, username, times, **extra):
    for _ in range(times):
        attempt(client, username, **extra)


# Which pair a lockout hits -----------------------------------------------------------


def test_five_failures_lock_that_username_from_that_address_only(users):
    attacker = Client(REMOTE_ADDR=CLIENT)
    fail(attacker, "t-conseiller", 5)

    assert attempt(attacker, "t-conseiller", DEMO_PASSWORD).status_code == 429
    assert password_login(Client(REMOTE_ADDR=COLLEAGUE), "t-conseiller", DEMO_PASSWORD)
    assert password_login(Client(REMOTE_ADDR=CLIENT), "t-pilote", DEMO_PASSWORD)


def test_behind_the_proxy_each_forwarded_address_is_locked_on_its_own(users):
    with trusting(1):
        attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT)
        fail(attacker, "t-conseiller", 5)
        colleague = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=COLLEAGUE)

        assert attempt(attacker, "t-conseiller", DEMO_PASSWORD).status_code == 429
        assert password_login(colleague, "t-conseiller", DEMO_PASSWORD)


# Which address counts ------------------------------------------------------------------


def address_of(remote_addr, forwarded_for=None):
    extra = {} if forwarded_for is None else {"HTTP_X_FORWARDED_FOR": forwarded_for}
    return throttle.client_address(RequestFactory().post("/", REMOTE_ADDR=remote_addr, **extra))


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(users):
    with trusting(0):
        assert address_of(CLIENT, "192.0.2.1") == CLIENT
        for index in range(5):
            fail(Client(REMOTE_ADDR=CLIENT, HTTP_X_FORWARDED_FOR=f"192.0.2.{index}"), "t-pilote", 1)

        spoofing = Client(REMOTE_ADDR=CLIENT, HTTP_X_FORWARDED_FOR="192.0.2.99")
        assert attempt(spoofing, "t-pilote", DEMO_PASSWORD).status_code == 429
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {CLIENT}


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (1, CLIENT, CLIENT),
        # what the client wrote left of what the proxy appended is ignored
        (1, f"192.0.2.66, {CLIENT}", CLIENT),
        (1, f"192.0.2.66, 192.0.2.67, {CLIENT}", CLIENT),
        (1, f"not-an-address, {CLIENT}", CLIENT),
        # the second proxy appended the first one's address
        (2, f"192.0.2.66, {CLIENT}, 10.0.0.2", CLIENT),
        # no usable header: the proxy's own address, never an error
        (1, "not-an-address", PROXY),
        (1, None, PROXY),
    ],
)
def test_behind_trusted_proxies_the_right_most_untrusted_address_counts(
    proxies, forwarded_for, expected
):
    with trusting(proxies):
        assert address_of(PROXY, forwarded_for) == expected


def test_a_forged_header_does_not_escape_the_lockout_behind_the_proxy(users):
    with trusting(1):
        for index in range(5):
            forged = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{index}, {CLIENT}")
            fail(forged, "t-pilote", 1)

        again = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.99, {CLIENT}")
        assert attempt(again, "t-pilote", DEMO_PASSWORD).status_code == 429
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {CLIENT}


def test_a_malformed_forwarded_header_is_no_error(users):
    with trusting(1):
        client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR='"", unknown, ::::, 999.1.1.1')

        assert attempt(client, "t-pilote").status_code == 200
        assert password_login(client, "t-pilote", DEMO_PASSWORD)


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "0 ['REMOTE_ADDR'] None"),
        ({"BEHIND_TLS_PROXY": "1"}, "1 ['HTTP_X_FORWARDED_FOR', 'REMOTE_ADDR'] 0"),
        ({"PACTE_TRUSTED_PROXIES": "2"}, "2 ['HTTP_X_FORWARDED_FOR', 'REMOTE_ADDR'] 1"),
        ({"BEHIND_TLS_PROXY": "1", "PACTE_TRUSTED_PROXIES": "0"}, "0 ['REMOTE_ADDR'] None"),
    ],
)
def test_the_trusted_proxies_come_from_the_environment(environment, expected):
    code = (
        "import pacte.settings as s; print(s.PACTE_TRUSTED_PROXIES, "
        "s.AXES_IPWARE_META_PRECEDENCE_ORDER, s.AXES_IPWARE_PROXY_COUNT, s.IPWARE_STRICT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.strip() == f"{expected} False", result.stderr


def test_a_negative_number_of_trusted_proxies_is_refused():
    result = subprocess.run(
        [sys.executable, "-c", "import pacte.settings"],
        cwd=settings.BASE_DIR,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PACTE_TRUSTED_PROXIES": "-1"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "PACTE_TRUSTED_PROXIES" in result.stderr


# Failed logins per address ---------------------------------------------------------------


def test_the_51st_failure_from_one_address_is_refused_whatever_the_usernames(users, caplog):
    client = Client(REMOTE_ADDR=CLIENT)
    for index in range(50):
        assert attempt(client, f"essai{index}").status_code == 200

    response = attempt(client, "t-pilote", DEMO_PASSWORD)

    page = response.content.decode()
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in page
    assert "Attendez 15 minutes" in page
    assert "coordination de votre territoire" in page
    assert reverse("password_reset") in page
    assert "_auth_user_id" not in client.session
    assert any("too many failures" in record.getMessage() for record in caplog.records)
    assert password_login(Client(REMOTE_ADDR=COLLEAGUE), "t-pilote", DEMO_PASSWORD)


def test_behind_the_proxy_the_throttle_counts_the_forwarded_address(users):
    with trusting(1):
        attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT)
        for index in range(50):
            attempt(attacker, f"essai{index}")
        colleague = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=COLLEAGUE)

        assert attempt(attacker, "t-pilote", DEMO_PASSWORD).status_code == 429
        assert password_login(colleague, "t-pilote", DEMO_PASSWORD)


def test_the_address_count_starts_again_with_the_next_window(monkeypatch):
    limit = throttle.LOGIN_FAILURES_PER_ADDRESS
    monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: 1_000 * limit.window))
    for _ in range(limit.count):
        throttle.record(limit, CLIENT)
    assert throttle.is_exceeded(limit, CLIENT)
    assert not throttle.is_exceeded(limit, COLLEAGUE)

    monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: 1_001 * limit.window))

    assert not throttle.is_exceeded(limit, CLIENT)


# Password reset per address and per account -----------------------------------------------


def ask_reset(client, email):
    return client.post(reverse("password_reset"), {"email": email})


def test_password_reset_refuses_a_sixth_request_from_one_address_and_sends_nothing(
    users, mailoutbox
):
    client = Client(REMOTE_ADDR=CLIENT)
    for index in range(5):
        assert ask_reset(client, f"personne{index}@exemple.fr").status_code == 302

    response = ask_reset(client, COUNSELLOR_EMAIL)

    assert response.status_code == 429
    assert "Trop de demandes de nouveau mot de passe" in response.content.decode()
    assert mailoutbox == []
    assert ask_reset(Client(REMOTE_ADDR=COLLEAGUE), COUNSELLOR_EMAIL).status_code == 302
    assert len(mailoutbox) == 1


def test_password_reset_sends_no_fourth_mail_for_one_account_and_says_nothing_more(
    users, mailoutbox
):
    done = reverse("password_reset_done")
    for index in range(3):
        response = ask_reset(Client(REMOTE_ADDR=f"192.0.2.{index}"), COUNSELLOR_EMAIL)
        assert response["Location"] == done
    assert len(mailoutbox) == 3

    response = ask_reset(Client(REMOTE_ADDR=COLLEAGUE), COUNSELLOR_EMAIL.upper())
    unknown = ask_reset(Client(REMOTE_ADDR=COLLEAGUE), "personne@exemple.fr")

    assert (response.status_code, response["Location"]) == (302, done)
    assert (unknown.status_code, unknown["Location"]) == (302, done)
    assert len(mailoutbox) == 3
