"""Production is the same settings module with DEBUG off and the environment set."""

import io
import json
import os
import subprocess
import sys
import time

import pytest
from anymail.exceptions import AnymailRequestsAPIError
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import checks, mail
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

import pacte.settings as project_settings
from tests import sms_stub
from tests.sms_stub import BrevoStub

REAL_KEY = "k3J9#pQz!vR2@xW8&mN5^tY7*bL4(hG6)dF1_sA0-eC3+uI9=oP2"


# What a production sets for its messages to reach people (see pacte/checks.py).
MESSAGES_ENV = {
    "SITE_URL": "https://cafe-metiers.example.fr",
    "SMS_BACKEND": "pacte.sms.BrevoBackend",
    "SMS_API_KEY": "xkeysib-not-a-real-key",
}


def run_manage(*args, env_overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        and not key.startswith(("SITE_URL", "SMS_", "EMAIL_", "ANYMAIL_"))
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_reports_no_issues_in_production():
    result = run_manage(
        "check",
        "--deploy",
        env_overrides={
            "DEBUG": "0",
            "SECRET_KEY": REAL_KEY,
            "ALLOWED_HOSTS": "cafe-metiers.example.fr",
            **MESSAGES_ENV,
        },
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_deploy_check_fails_in_production_when_messages_would_reach_nobody():
    result = run_manage(
        "check",
        "--deploy",
        env_overrides={
            "DEBUG": "0",
            "SECRET_KEY": REAL_KEY,
            "ALLOWED_HOSTS": "cafe-metiers.example.fr",
        },
    )

    assert result.returncode != 0
    assert "SystemCheckError" in result.stderr
    assert "(pacte.E001) SMS_BACKEND is not set" in result.stderr
    assert "(pacte.E006) SITE_URL is not set" in result.stderr


def test_other_commands_of_a_production_run_without_the_messages_settings():
    """The checks are deploy checks: migrate, collectstatic or a restore need no SMS key."""
    result = run_manage(
        "check",
        env_overrides={
            "DEBUG": "0",
            "SECRET_KEY": REAL_KEY,
            "ALLOWED_HOSTS": "cafe-metiers.example.fr",
        },
    )

    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", env_overrides={"DEBUG": "0", "ALLOWED_HOSTS": "x.fr"})

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_development_secret_key():
    result = run_manage(
        "check",
        env_overrides={
            "DEBUG": "0",
            "SECRET_KEY": project_settings.DEV_SECRET_KEY,
            "ALLOWED_HOSTS": "x.fr",
        },
    )

    assert result.returncode != 0
    assert "development key" in result.stderr


def test_locale_is_french_and_paris_time():
    assert settings.LANGUAGE_CODE == "fr-fr"
    assert settings.TIME_ZONE == "Europe/Paris"
    assert settings.USE_I18N


def test_passwords_are_hashed_with_argon2():
    with override_settings(PASSWORD_HASHERS=project_settings.PASSWORD_HASHERS):
        encoded = make_password("pacte-demo-2026")

    assert encoded.startswith("argon2$")


def test_sqlite_is_the_default_database_without_database_url():
    if os.environ.get("DATABASE_URL"):
        assert settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    else:
        assert settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


def test_an_empty_database_url_means_the_embedded_sqlite():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])",
        env_overrides={"DATABASE_URL": "", "DEBUG": "1"},
    )
    assert result.stdout.strip().endswith("sqlite3"), result.stderr


# Messages: settings from the environment ---------------------------------------------

SHOW_MESSAGES_SETTINGS = (
    "import json; from django.conf import settings as s; print(json.dumps({name: "
    "getattr(s, name) for name in ('SMS_BACKEND', 'SMS_API_URL', 'SMS_API_KEY', 'SMS_SENDER', "
    "'SMS_CONNECT_TIMEOUT', 'SMS_READ_TIMEOUT', 'SMS_DELIVERY_WEBHOOK_SECRET', "
    "'EMAIL_BACKEND', 'EMAIL_TIMEOUT', 'ANYMAIL')}))"
)


def messages_settings(env_overrides):
    result = run_manage("shell", "-c", SHOW_MESSAGES_SETTINGS, env_overrides=env_overrides)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_development_prints_text_messages_and_production_has_no_default_backend():
    development = messages_settings({"DEBUG": "1"})
    production = messages_settings(
        {"DEBUG": "0", "SECRET_KEY": REAL_KEY, "ALLOWED_HOSTS": "cafe-metiers.example.fr"}
    )

    assert development["SMS_BACKEND"] == "pacte.sms.ConsoleBackend"
    assert production["SMS_BACKEND"] == ""
    for found in (development, production):
        assert found["SMS_API_URL"] == "https://api.brevo.com"
        assert found["SMS_SENDER"] == "Prefecture"
        assert 0 < found["SMS_CONNECT_TIMEOUT"] <= 5 and 0 < found["SMS_READ_TIMEOUT"] <= 10
        assert found["EMAIL_TIMEOUT"] == 10
        assert found["ANYMAIL"] == {"REQUESTS_TIMEOUT": 10}


def test_messages_providers_are_read_from_the_environment():
    found = messages_settings(
        {
            "DEBUG": "1",
            "SMS_BACKEND": "pacte.sms.BrevoBackend",
            "SMS_API_URL": "https://sms.example.fr/",
            "SMS_API_KEY": "xkeysib-1",
            "SMS_SENDER": "Paris",
            "SMS_CONNECT_TIMEOUT": "1.5",
            "SMS_READ_TIMEOUT": "4",
            "SMS_DELIVERY_WEBHOOK_SECRET": "s3cret",
            "EMAIL_BACKEND": "anymail.backends.mailjet.EmailBackend",
            "EMAIL_TIMEOUT": "7",
            "ANYMAIL_MAILJET_API_KEY": "public",
            "ANYMAIL_MAILJET_SECRET_KEY": "private",
            "ANYMAIL_SCALEWAY_SECRET_KEY": "",  # set but empty: left out
            "ANYMAIL_IGNORE_UNSUPPORTED_FEATURES": "1",
        }
    )

    assert found["SMS_BACKEND"] == "pacte.sms.BrevoBackend"
    assert found["SMS_API_URL"] == "https://sms.example.fr"
    assert found["SMS_API_KEY"] == "xkeysib-1"
    assert found["SMS_SENDER"] == "Paris"
    assert (found["SMS_CONNECT_TIMEOUT"], found["SMS_READ_TIMEOUT"]) == (1.5, 4)
    assert found["SMS_DELIVERY_WEBHOOK_SECRET"] == "s3cret"
    assert found["EMAIL_BACKEND"] == "anymail.backends.mailjet.EmailBackend"
    assert found["EMAIL_TIMEOUT"] == 7
    assert found["ANYMAIL"] == {
        "REQUESTS_TIMEOUT": 7,
        "MAILJET_API_KEY": "public",
        "MAILJET_SECRET_KEY": "private",
        "IGNORE_UNSUPPORTED_FEATURES": True,
    }


@pytest.fixture
def brevo_api():
    with BrevoStub() as stub:
        yield stub


def test_emails_go_through_a_provider_with_anymail_and_its_timeout(settings, brevo_api):
    settings.EMAIL_BACKEND = "anymail.backends.brevo.EmailBackend"
    settings.ANYMAIL = {
        "BREVO_API_KEY": "xkeysib-mail",
        "BREVO_API_URL": f"{brevo_api.url}/v3/",
        "REQUESTS_TIMEOUT": 0.5,
    }
    brevo_api.script(sms_stub.accepted("<202501011200.1@smtp-relay.mailin.fr>"), sms_stub.slow(10))

    sent = mail.send_mail("Convocation", "Bonjour", None, ["yanis@exemple.fr"])
    started = time.monotonic()
    with pytest.raises(AnymailRequestsAPIError):
        mail.send_mail("Rappel", "Bonjour", None, ["yanis@exemple.fr"])

    assert sent == 1
    assert time.monotonic() - started < 3  # a silent provider does not hold the sending
    request = brevo_api.requests[0]
    assert request.path == "/v3/smtp/email"
    assert request.headers["api-key"] == "xkeysib-mail"
    assert request.json["to"] == [{"email": "yanis@exemple.fr"}]


# Messages: production checks -------------------------------------------------------------

OUR_CHECKS = {f"pacte.E00{number}" for number in range(1, 9)}


def deploy_errors() -> set[str]:
    found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    return {message.id for message in found if message.id in OUR_CHECKS}


@pytest.fixture
def production(settings):
    """Production's messages settings, all as they should be."""
    settings.DEBUG = False
    settings.SITE_URL = "https://cafe-metiers.example.gouv.fr"
    settings.SMS_BACKEND = "pacte.sms.BrevoBackend"
    settings.SMS_API_URL = "https://api.brevo.com"
    settings.SMS_API_KEY = "xkeysib-test"
    settings.SMS_SENDER = "Prefecture"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_TIMEOUT = 10
    return settings


def test_a_production_with_brevo_and_an_https_address_passes_the_checks(production):
    assert deploy_errors() == set()


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("SMS_BACKEND", "", "pacte.E001"),
        ("SMS_BACKEND", "pacte.sms.ConsoleBackend", "pacte.E001"),
        ("SMS_BACKEND", "pacte.sms.FileBackend", "pacte.E001"),
        ("SMS_BACKEND", "pacte.sms.LocmemBackend", "pacte.E001"),
        ("SMS_BACKEND", "pacte.sms.NoSuchBackend", "pacte.E002"),
        ("SMS_API_KEY", "", "pacte.E003"),
        ("SMS_SENDER", "Préfecture de Paris", "pacte.E004"),
        ("SMS_API_URL", "http://api.brevo.com", "pacte.E005"),
        ("SITE_URL", "", "pacte.E006"),
        ("SITE_URL", "http://cafe-metiers.example.gouv.fr", "pacte.E006"),
        ("EMAIL_TIMEOUT", None, "pacte.E007"),
        ("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend", "pacte.E008"),
    ],
)
def test_production_refuses_what_cannot_reach_people(production, name, value, error):
    setattr(production, name, value)

    assert deploy_errors() == {error}


def test_with_debug_the_messages_checks_stay_silent(production):
    production.DEBUG = True
    production.SMS_BACKEND = "pacte.sms.ConsoleBackend"
    production.SITE_URL = "http://127.0.0.1:8000"
    production.EMAIL_TIMEOUT = None

    assert deploy_errors() == set()


def test_a_console_backend_fails_check_deploy_but_not_a_plain_check(production):
    production.SMS_BACKEND = "pacte.sms.ConsoleBackend"

    call_command("check", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(SystemCheckError, match=r"pacte\.E001"):
        call_command("check", "--deploy", stdout=io.StringIO(), stderr=io.StringIO())


def test_deploy_check_passes_with_the_production_environment_of_deploy():
    """deploy/pacte.env.example, its placeholders written, is a production that
    `check --deploy` accepts: what the README's « Production » tells an operator."""
    environment = {}
    for line in (settings.BASE_DIR / "deploy" / "pacte.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, value = line.split("=", 1)
            environment[name] = value
    placeholders = {name for name, value in environment.items() if "<" in value}
    assert placeholders == {
        "SECRET_KEY",
        "PACTE_RELEASE",
        "DATABASE_URL",
        "MIGRATE_DATABASE_URL",
        "SMS_API_KEY",
        "SMS_DELIVERY_WEBHOOK_SECRET",
        "ANYMAIL_BREVO_API_KEY",
    }
    environment.update(
        {
            "SECRET_KEY": REAL_KEY,
            "PACTE_RELEASE": "abc1234",
            "DATABASE_URL": "postgres://pacte_app:secret@127.0.0.1:6432/pacte",
            "MIGRATE_DATABASE_URL": "postgres://pacte_owner:secret@127.0.0.1:5432/pacte",
            "SMS_API_KEY": "xkeysib-not-a-real-key",
            "SMS_DELIVERY_WEBHOOK_SECRET": "not-a-real-secret",
            "ANYMAIL_BREVO_API_KEY": "xkeysib-not-a-real-key",
        }
    )

    result = run_manage("check", "--deploy", env_overrides=environment)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
