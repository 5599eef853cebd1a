"""Production is the same settings module with DEBUG off and the environment set."""

import os
import subprocess
import sys

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import override_settings

import pacte.settings as project_settings

REAL_KEY = "k3J9#pQz!vR2@xW8&mN5^tY7*bL4(hG6)dF1_sA0-eC3+uI9=oP2"


def run_manage(*args, env_overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
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
        env_overrides={"DEBUG": "0", "SECRET_KEY": REAL_KEY, "ALLOWED_HOSTS": "pacte.example.fr"},
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


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
