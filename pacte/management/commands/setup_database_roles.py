"""Create the two PostgreSQL roles of a production installation, its database and grants.

- The owner role (`--owner`) owns the database and its tables: it runs `migrate` and
  `restore_db` (MIGRATE_DATABASE_URL).
- The app role (`--app`) is what the web servers and the job workers connect as
  (DATABASE_URL): it reads and writes the tables the migrations create (default
  privileges), owns none of them, and on the access log may only SELECT and INSERT, and
  delete old entries through `purge_access_log(cutoff)` (migration 0008). Its planner
  settings (jit off, random_page_cost 1.1) are set on the role, so they hold behind
  pgbouncer and in a database restored elsewhere.

Idempotent: run it again to change a password or after a restore; it never drops anything.
Passwords come from the environment (PACTE_OWNER_PASSWORD, PACTE_APP_PASSWORD), never
from the command line (which `ps` shows).
"""

import os
from contextlib import closing

import dj_database_url
import psycopg2
from django.core.management.base import BaseCommand, CommandError
from psycopg2 import sql

APP_SETTINGS = {"jit": "off", "random_page_cost": "1.1"}


def _connect(settings_dict, dbname=None):
    connection = psycopg2.connect(
        dbname=dbname or settings_dict["NAME"],
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
    )
    connection.autocommit = True
    return connection


def _exists(cursor, query, *params) -> bool:
    cursor.execute(query, params)
    return cursor.fetchone() is not None


class Command(BaseCommand):
    help = (
        "Crée (ou met à jour) les deux rôles PostgreSQL de Pacte — propriétaire des tables et "
        "application — la base et leurs droits. Mots de passe : PACTE_OWNER_PASSWORD et "
        "PACTE_APP_PASSWORD."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--admin-url",
            required=True,
            help="Connexion d’un administrateur PostgreSQL (CREATEROLE et CREATEDB), "
            "par exemple postgres://postgres@127.0.0.1:5432/postgres.",
        )
        parser.add_argument("--database", required=True, help="Nom de la base de Pacte.")
        parser.add_argument("--owner", default="pacte_owner", help="Rôle propriétaire.")
        parser.add_argument("--app", default="pacte_app", help="Rôle de l’application.")

    def handle(self, *args, admin_url, database, owner, app, **options):
        passwords = {
            owner: os.environ.get("PACTE_OWNER_PASSWORD", ""),
            app: os.environ.get("PACTE_APP_PASSWORD", ""),
        }
        if not all(passwords.values()):
            raise CommandError(
                "Indiquez les mots de passe dans PACTE_OWNER_PASSWORD et PACTE_APP_PASSWORD."
            )
        if owner == app:
            raise CommandError("Les deux rôles doivent être distincts.")
        try:
            admin = dj_database_url.parse(admin_url)
        except ValueError as error:
            raise CommandError(f"--admin-url illisible : {error}") from error
        try:
            self._roles_and_database(admin, database, owner, app, passwords)
            self._grants(admin, database, owner, app)
        except psycopg2.Error as error:
            raise CommandError(f"PostgreSQL a refusé : {error}".strip()) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Rôles « {owner} » (propriétaire) et « {app} » (application) prêts sur la "
                f"base « {database} ». Migrez avec MIGRATE_DATABASE_URL (rôle {owner}), "
                f"servez avec DATABASE_URL (rôle {app})."
            )
        )

    def _roles_and_database(self, admin, database, owner, app, passwords):
        with closing(_connect(admin)) as connection, connection.cursor() as cursor:
            for role in (owner, app):
                verb = (
                    "ALTER"
                    if _exists(cursor, "SELECT 1 FROM pg_roles WHERE rolname = %s", role)
                    else "CREATE"
                )
                cursor.execute(
                    sql.SQL(
                        "{} ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
                        "PASSWORD %s"
                    ).format(sql.SQL(verb), sql.Identifier(role)),
                    [passwords[role]],
                )
            for name, value in APP_SETTINGS.items():
                cursor.execute(
                    sql.SQL("ALTER ROLE {} SET {} = {}").format(
                        sql.Identifier(app), sql.Identifier(name), sql.Literal(value)
                    )
                )
            if not _exists(cursor, "SELECT 1 FROM pg_database WHERE datname = %s", database):
                cursor.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8'").format(
                        sql.Identifier(database), sql.Identifier(owner)
                    )
                )
            else:
                cursor.execute(
                    sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
                        sql.Identifier(database), sql.Identifier(owner)
                    )
                )
            cursor.execute(
                sql.SQL(
                    "REVOKE ALL ON DATABASE {} FROM PUBLIC; GRANT CONNECT ON DATABASE {} TO {}, {}"
                ).format(
                    sql.Identifier(database),
                    sql.Identifier(database),
                    sql.Identifier(owner),
                    sql.Identifier(app),
                )
            )

    def _grants(self, admin, database, owner, app):
        o, a = sql.Identifier(owner), sql.Identifier(app)
        with (
            closing(_connect(admin, dbname=database)) as connection,
            connection.cursor() as cursor,
        ):
            statements = [
                "ALTER SCHEMA public OWNER TO {o}",
                "REVOKE ALL ON SCHEMA public FROM PUBLIC",
                "GRANT USAGE ON SCHEMA public TO {a}",
                # What the migrations will create, the app may use (not own).
                "ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public "
                "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {a}",
                "ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public "
                "GRANT USAGE, SELECT ON SEQUENCES TO {a}",
                "ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public "
                "GRANT EXECUTE ON FUNCTIONS TO {a}",
                # What exists already (run after a restore, or on a migrated database).
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {a}",
                "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {a}",
            ]
            for statement in statements:
                cursor.execute(sql.SQL(statement).format(o=o, a=a))
            if _exists(
                cursor,
                "SELECT to_regclass('public.pacte_accesslog')::text WHERE "
                "to_regclass('public.pacte_accesslog') IS NOT NULL",
            ):
                cursor.execute(
                    sql.SQL(
                        "REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER "
                        "ON pacte_accesslog FROM {}"
                    ).format(a)
                )
            if _exists(cursor, "SELECT 1 FROM pg_proc WHERE proname = 'purge_access_log'"):
                cursor.execute(
                    sql.SQL("GRANT EXECUTE ON FUNCTION purge_access_log(timestamptz) TO {}").format(
                        a
                    )
                )
