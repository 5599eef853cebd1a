"""Two database roles (#17 item 1): the owner migrates, the app serves and cannot alter
the access log. On PostgreSQL: a fresh database and two fresh roles, as an operator makes
them with `setup_database_roles`, migrated as the owner, served as the app."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database roles are PostgreSQL's"
)
ROOT = Path(__file__).resolve().parents[2]

SERVE = """
import json, django
django.setup()
from django.test import Client
from pacte.factories import StructureFactory, TerritoryFactory, UserFactory
from pacte.models import AccessLog
paris = TerritoryFactory(paris=True)
user = UserFactory(username="coordination", coordinator=True,
                   structure=StructureFactory(territory=paris, prefecture=True))
client = Client()
client.force_login(user)
home = client.get("/")
listing = client.get("/jeunes/?q=Diallo")
print(json.dumps({"home": home.status_code, "list": listing.status_code,
                  "logged": AccessLog.objects.count()}))
"""


def url(role, database):
    server = settings.DATABASES["default"]
    return (
        f"postgres://{quote(role)}:secret@{server.get('HOST') or '127.0.0.1'}:"
        f"{server.get('PORT') or 5432}/{database}"
    )


@pytest.fixture
def installation(monkeypatch):
    """A database made as the README says, then dropped with its roles."""
    suffix = secrets.token_hex(3)
    owner, app, database = f"t_owner_{suffix}", f"t_app_{suffix}", f"t_pacte_{suffix}"
    server = settings.DATABASES["default"]
    admin = {
        "dbname": "postgres",
        "user": server["USER"],
        "password": server.get("PASSWORD") or None,
        "host": server.get("HOST") or "127.0.0.1",
        "port": server.get("PORT") or 5432,
    }
    monkeypatch.setenv("PACTE_OWNER_PASSWORD", "secret")
    monkeypatch.setenv("PACTE_APP_PASSWORD", "secret")
    admin_url = f"postgres://{quote(server['USER'])}@{admin['host']}:{admin['port']}/postgres"
    databases = [database, f"{database}_restored"]

    def create_database(name):
        call_command(
            "setup_database_roles", admin_url=admin_url, database=name, owner=owner, app=app
        )

    create_database(database)
    try:
        yield {
            "owner": owner,
            "app": app,
            "database": database,
            "restored": databases[1],
            "admin": admin,
            "create_database": create_database,
        }
    finally:
        cleanup = psycopg2.connect(**admin)
        cleanup.autocommit = True
        with cleanup.cursor() as cursor:
            for name in databases:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                    [name],
                )
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'DROP ROLE IF EXISTS "{app}"')
            cursor.execute(f'DROP ROLE IF EXISTS "{owner}"')
        cleanup.close()


def run(environment, *command, **kwargs):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(environment)
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=240,
        **kwargs,
    )


def as_role(installation, role, database=None):
    server = settings.DATABASES["default"]
    connection = psycopg2.connect(
        dbname=database or installation["database"],
        user=installation[role],
        password="secret",
        host=server.get("HOST") or "127.0.0.1",
        port=server.get("PORT") or 5432,
    )
    connection.autocommit = True
    return connection


def refused(connection, statement):
    with connection.cursor() as cursor:
        try:
            cursor.execute(statement)
        except psycopg2.Error as error:
            return str(error)
    return None


ALTERATIONS = (
    "UPDATE pacte_accesslog SET object_type = 'x'",
    "DELETE FROM pacte_accesslog",
    "TRUNCATE pacte_accesslog",
    "ALTER TABLE pacte_accesslog DISABLE TRIGGER ALL",
    "ALTER TABLE pacte_accesslog ADD COLUMN hidden text",
    "DROP TABLE pacte_accesslog",
    "SET session_replication_role = replica",
)


def serve(app_url):
    served = run({"DATABASE_URL": app_url, "ALLOWED_HOSTS": "testserver"}, "-c", SERVE)
    assert served.returncode == 0, served.stderr[-3000:]
    pages = json.loads(served.stdout.strip().splitlines()[-1])
    assert pages["home"] == 200 and pages["list"] == 200 and pages["logged"] >= 1


def assert_the_app_cannot_alter_the_access_log(installation, database):
    """The app role: owns nothing, planner settings from the role, the access log
    append-only except through purge_access_log; the owner cannot truncate it either."""
    app = as_role(installation, "app", database)
    with app.cursor() as cursor:
        cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'pacte_accesslog'")
        assert cursor.fetchone()[0] == installation["owner"]
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s",
            [installation["app"]],
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"  # set on the role, not by the connection
        # An old entry (written as the app may: INSERT) and a recent one.
        cursor.execute(
            "INSERT INTO pacte_accesslog (at, action, object_type, path, filters) VALUES "
            "(now() - interval '400 days', 'read', 'participant', '', '{}')"
        )
    for statement in ALTERATIONS:
        assert refused(app, statement), f"the app role could: {statement}"
    with app.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pacte_accesslog")
        before = cursor.fetchone()[0]
        cursor.execute("SELECT purge_access_log(now())")
        assert cursor.fetchone()[0] == 1  # only the entry older than a year
        cursor.execute("SELECT count(*) FROM pacte_accesslog")
        assert cursor.fetchone()[0] == before - 1
    app.close()

    owner = as_role(installation, "owner", database)
    assert "cannot be truncated" in refused(owner, "TRUNCATE pacte_accesslog")
    owner.close()


def test_the_app_role_serves_pages_and_cannot_alter_the_access_log(installation, tmp_path):
    owner_url = url(installation["owner"], installation["database"])
    app_url = url(installation["app"], installation["database"])
    roles = {"DATABASE_URL": app_url, "MIGRATE_DATABASE_URL": owner_url}

    migrated = run(roles, "manage.py", "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    serve(app_url)
    assert_the_app_cannot_alter_the_access_log(installation, installation["database"])

    # make backup, then make restore into a new database made by the same command: the
    # grants, the triggers and the purge function come back as they were.
    dump = tmp_path / "pacte.dump"
    backed_up = run(roles, "manage.py", "backup_db", "--output", str(dump))
    assert backed_up.returncode == 0, backed_up.stderr[-3000:]
    installation["create_database"](installation["restored"])
    restored_roles = {
        "DATABASE_URL": url(installation["app"], installation["restored"]),
        "MIGRATE_DATABASE_URL": url(installation["owner"], installation["restored"]),
    }
    restored = run(restored_roles, "manage.py", "restore_db", str(dump))
    assert restored.returncode == 0, restored.stderr[-3000:]
    serve(restored_roles["DATABASE_URL"])
    assert_the_app_cannot_alter_the_access_log(installation, installation["restored"])
