"""Load a backup_db dump into an empty PostgreSQL database with pg_restore.

Only into an empty database: restoring over live data would mix two states of the
programme, so a database that already holds tables is refused before anything runs.
"""

import subprocess
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from pacte.management.commands.backup_db import describe_database, human_size, libpq_command

POSTGRESQL_ENGINES = {
    "django.db.backends.postgresql",
    "django.contrib.gis.db.backends.postgis",
}

# Tables, views, materialized views, sequences, foreign tables of the public schema.
COUNT_PUBLIC_RELATIONS = (
    "SELECT count(*) FILTER (WHERE c.relkind IN ('r', 'p')), count(*) "
    "FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
)


def count_public_relations(settings_dict: dict) -> tuple[int, int]:
    """(tables, all relations) in the public schema of the database, read with psql."""
    command, environment = libpq_command(
        "psql",
        settings_dict,
        "--no-psqlrc",
        "--no-align",
        "--tuples-only",
        "--field-separator= ",
        "--set=ON_ERROR_STOP=1",
        "--command",
        COUNT_PUBLIC_RELATIONS,
    )
    result = subprocess.run(  # noqa: S603 - fixed program, no shell
        command, env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise CommandError(
            f"Impossible de lire la base cible {describe_database(settings_dict)} : "
            f"{result.stderr.strip()}"
        )
    tables, relations = result.stdout.split()
    return int(tables), int(relations)


class Command(BaseCommand):
    help = (
        "Charge une sauvegarde de backup_db (pg_restore) dans une base PostgreSQL vide : "
        "la base par défaut, ou celle de --database-url. Refuse une base qui contient "
        "déjà des tables."
    )

    def add_arguments(self, parser):
        parser.add_argument("dump", type=Path, help="Fichier écrit par backup_db.")
        parser.add_argument(
            "--database-url",
            default=None,
            help="Base cible, par exemple postgres://utilisateur@hôte:5432/pacte_restauree "
            "(par défaut : la base configurée). Sans mot de passe dans l'adresse, "
            "PGPASSWORD ou ~/.pgpass sont utilisés.",
        )

    def handle(self, *args, dump, database_url, **options):
        settings_dict = self.target(database_url)
        dump = dump.resolve()
        if not dump.is_file():
            raise CommandError(f"Fichier de sauvegarde introuvable : {dump}")

        _tables, relations = count_public_relations(settings_dict)
        if relations:
            raise CommandError(
                f"La base cible {describe_database(settings_dict)} n’est pas vide : "
                f"elle contient déjà {relations} table(s), vue(s) ou séquence(s) dans le "
                "schéma public. Rien n’a été chargé. La restauration se fait dans une "
                "base vide : créez-en une (createdb) et indiquez-la avec --database-url."
            )

        command, environment = libpq_command(
            "pg_restore",
            settings_dict,
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            str(dump),
        )
        result = subprocess.run(  # noqa: S603 - fixed program, no shell
            command, env=environment, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise CommandError(
                f"pg_restore a échoué (code {result.returncode}) ; la transaction est "
                f"annulée, la base {describe_database(settings_dict)} reste vide : "
                f"{result.stderr.strip()}"
            )

        tables, _relations = count_public_relations(settings_dict)
        self.stdout.write(
            self.style.SUCCESS(
                f"Sauvegarde {dump} ({human_size(dump.stat().st_size)}) chargée dans la base "
                f"{describe_database(settings_dict)} : {tables} table(s)."
            )
        )
        self.stdout.write(
            "Si le code est plus récent que la sauvegarde, lancez ensuite "
            "« python manage.py migrate » sur cette base."
        )

    def target(self, database_url):
        if database_url is None:
            # The owner role's connection when there are two (it owns what it restores;
            # the dump's grants give the app role its rights back, see
            # setup_database_roles).
            connection = connections[settings.MIGRATION_DATABASE_ALIAS]
            if connection.vendor != "postgresql":
                raise CommandError(
                    "restore_db charge une sauvegarde PostgreSQL ; la base configurée est "
                    f"{connection.display_name} ({connection.settings_dict['NAME']}). "
                    "Indiquez une base PostgreSQL avec --database-url."
                )
            return connection.settings_dict
        try:
            settings_dict = dj_database_url.parse(database_url)
        except ValueError:
            settings_dict = {}
        if settings_dict.get("ENGINE") not in POSTGRESQL_ENGINES or not settings_dict.get("NAME"):
            raise CommandError(
                "--database-url doit désigner une base PostgreSQL avec son nom, par exemple "
                "postgres://utilisateur@127.0.0.1:5432/pacte_restauree."
            )
        return settings_dict
