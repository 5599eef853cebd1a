"""backup_db and restore_db: a round trip through pg_dump and pg_restore keeps every row."""

import contextlib
import os
import re
import subprocess
import sys
import uuid
from io import StringIO
from urllib.parse import quote

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg2 import sql

from pacte.management.commands import restore_db
from participants.factories import FollowUpFactory, ParticipantFactory, TaskFactory
from participants.models import FollowUp, Participant

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="backup_db and restore_db drive pg_dump and pg_restore: set DATABASE_URL to a "
    "PostgreSQL server to run this test",
)


def connect(database_name: str):
    """A psycopg2 connection to a database of the test server, as the test user."""
    source = settings.DATABASES["default"]
    parameters = {
        "dbname": database_name,
        "user": source.get("USER"),
        "password": source.get("PASSWORD"),
        "host": source.get("HOST"),
        "port": source.get("PORT"),
    }
    return psycopg2.connect(**{key: value for key, value in parameters.items() if value})


def database_url(database_name: str) -> str:
    source = settings.DATABASES["default"]
    credentials = quote(source.get("USER") or "", safe="")
    if source.get("PASSWORD"):
        credentials += ":" + quote(source["PASSWORD"], safe="")
    host = source.get("HOST") or "127.0.0.1"
    port = source.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{quote(database_name, safe='')}"


def row_counts(database_name: str) -> dict[str, int]:
    """Rows of every table of the public schema."""
    with contextlib.closing(connect(database_name)) as database, database.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
        tables = [name for (name,) in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier("public", table))
            )
            counts[table] = cursor.fetchone()[0]
        return counts


@contextlib.contextmanager
def empty_database():
    """A new database, made from template0 (nothing in it), dropped afterwards."""
    name = f"pacte_restore_{uuid.uuid4().hex[:12]}"
    server = connect("postgres")
    server.autocommit = True
    try:
        with server.cursor() as cursor:
            cursor.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name))
            )
        yield name
    finally:
        with server.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        server.close()


def create_programme_rows():
    participants = ParticipantFactory.create_batch(3)
    FollowUpFactory.create_batch(2, participant=participants[0])
    FollowUpFactory(participant=participants[1])
    TaskFactory(participant=participants[2])
    return participants


def backup(output) -> str:
    out = StringIO()
    call_command("backup_db", output=output, stdout=out)
    return out.getvalue()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_database_has_the_same_rows(tmp_path):
    create_programme_rows()
    dump = tmp_path / "pacte.dump"

    printed = backup(dump)

    assert str(dump) in printed
    assert dump.stat().st_size > 0
    assert dump.stat().st_mode & 0o077 == 0  # personal data: readable by its owner only
    source_counts = row_counts(settings.DATABASES["default"]["NAME"])
    with empty_database() as target:
        out = StringIO()
        call_command("restore_db", str(dump), database_url=database_url(target), stdout=out)

        restored_counts = row_counts(target)

    assert f"« {target} »" in out.getvalue()
    assert restored_counts == source_counts
    assert source_counts[Participant._meta.db_table] == 3
    assert source_counts[FollowUp._meta.db_table] == 3


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_backup_without_output_writes_a_dated_file_in_the_backups_folder(settings, tmp_path):
    settings.BASE_DIR = tmp_path

    printed = backup(None)

    (written,) = (tmp_path / "backups").iterdir()
    assert re.fullmatch(r"pacte-\d{8}-\d{6}\.dump", written.name)
    assert str(written) in printed
    assert written.stat().st_size > 0


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_backup_does_not_overwrite_an_existing_file(tmp_path):
    existing = tmp_path / "pacte.dump"
    existing.write_bytes(b"previous backup")

    with pytest.raises(CommandError, match="existe déjà"):
        backup(existing)

    assert existing.read_bytes() == b"previous backup"


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("target", ["default database", "--database-url"])
def test_restore_refuses_a_database_that_already_has_tables(tmp_path, monkeypatch, target):
    create_programme_rows()
    dump = tmp_path / "pacte.dump"
    backup(dump)
    source_name = settings.DATABASES["default"]["NAME"]
    before = row_counts(source_name)
    programs = []
    real_run = subprocess.run

    def recording_run(command, *args, **kwargs):
        programs.append(os.path.basename(command[0]))
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(restore_db.subprocess, "run", recording_run)
    options = {"database_url": database_url(source_name)} if target == "--database-url" else {}

    with pytest.raises(CommandError, match="n’est pas vide") as refusal:
        call_command("restore_db", str(dump), stdout=StringIO(), **options)

    assert "Rien n’a été chargé" in str(refusal.value)
    assert programs == ["psql"]  # the check only: pg_restore never ran
    assert row_counts(source_name) == before


@pytest.mark.parametrize("command", ["backup_db", "restore_db"])
def test_commands_refuse_sqlite_and_say_what_to_do(tmp_path, command):
    """Run in a process of its own, configured on a real SQLite file."""
    sqlite_file = tmp_path / "db.sqlite3"
    output = tmp_path / "pacte.dump"
    arguments = ["--output", str(output)] if command == "backup_db" else [str(output)]
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment["DATABASE_URL"] = f"sqlite:///{sqlite_file}"
    if command == "restore_db":
        output.write_bytes(b"not used")

    result = subprocess.run(
        [sys.executable, "manage.py", command, *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert "CommandError" in result.stderr
    assert "PostgreSQL" in result.stderr
    assert "SQLite" in result.stderr
    if command == "backup_db":
        assert "copiez simplement le fichier db.sqlite3" in result.stderr
        assert not output.exists()
    else:
        assert "--database-url" in result.stderr
