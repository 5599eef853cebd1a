"""Back up the PostgreSQL database with pg_dump (custom format, read by restore_db).

The password goes to pg_dump through the PGPASSWORD environment variable, never on
the command line (where `ps` would show it to every user of the machine).
"""

import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

# libpq reads these from the environment; Django's OPTIONS names them in lower case.
LIBPQ_OPTION_VARIABLES = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


def libpq_command(program: str, settings_dict: dict, *arguments: str) -> tuple[list[str], dict]:
    """The command line and environment of a PostgreSQL client program for a database.

    Host, port, user and database name go on the command line; the password and the
    TLS options only in the environment.
    """
    executable = shutil.which(program)
    if executable is None:
        raise CommandError(
            f"{program} est introuvable : installez les outils clients de PostgreSQL "
            "(paquet postgresql-client), de la même version majeure que le serveur."
        )
    command = [executable]
    if settings_dict.get("HOST"):
        command += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        command += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        command += ["--username", str(settings_dict["USER"])]
    command += ["--no-password", "--dbname", str(settings_dict["NAME"]), *arguments]

    environment = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    for option, variable in LIBPQ_OPTION_VARIABLES.items():
        value = (settings_dict.get("OPTIONS") or {}).get(option)
        if value:
            environment[variable] = str(value)
    return command, environment


def describe_database(settings_dict: dict) -> str:
    host = settings_dict.get("HOST") or "socket local"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"« {settings_dict['NAME']} » ({host}{port})"


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("octets", "Ko", "Mo", "Go"):
        if value < 1024 or unit == "Go":
            break
        value /= 1024
    if unit == "octets":
        return f"{size} octets"
    return f"{value:.1f} {unit}".replace(".", ",")


def default_output() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.BASE_DIR) / "backups" / f"pacte-{stamp}.dump"


class Command(BaseCommand):
    help = (
        "Sauvegarde la base PostgreSQL (pg_dump, format custom) dans un fichier, "
        "par défaut backups/pacte-AAAAMMJJ-HHMMSS.dump. La sauvegarde contient des "
        "données personnelles : gardez-la dans un endroit protégé."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="Fichier à écrire (il ne doit pas exister). "
            "Par défaut : backups/pacte-AAAAMMJJ-HHMMSS.dump dans le projet.",
        )

    def handle(self, *args, output, **options):
        # The owner role's connection when there are two: it reads every table and
        # object, whatever the app role was granted.
        connection = connections[settings.MIGRATION_DATABASE_ALIAS]
        if connection.vendor != "postgresql":
            raise CommandError(
                "backup_db sauvegarde une base PostgreSQL ; la base configurée est "
                f"{connection.display_name} ({connection.settings_dict['NAME']}). "
                "Pour SQLite, copiez simplement le fichier db.sqlite3 "
                "(application arrêtée) à la place."
            )
        settings_dict = connection.settings_dict
        output = (output or default_output()).resolve()
        if output.exists():
            raise CommandError(f"{output} existe déjà : choisissez un autre fichier.")
        output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)

        # pg_dump writes next to the target, which appears only once complete; the
        # dump holds personal data, so only the owner may read it.
        partial = output.with_name(output.name + ".partial")
        partial.unlink(missing_ok=True)
        os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        command, environment = libpq_command(
            "pg_dump", settings_dict, "--format=custom", "--file", str(partial)
        )
        try:
            result = subprocess.run(  # noqa: S603 - fixed program, no shell
                command, env=environment, capture_output=True, text=True, check=False
            )
            if result.returncode != 0:
                raise CommandError(
                    f"pg_dump a échoué (code {result.returncode}) sur la base "
                    f"{describe_database(settings_dict)} : {result.stderr.strip()}"
                )
            os.replace(partial, output)
        finally:
            partial.unlink(missing_ok=True)

        size = output.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(
                f"Sauvegarde de la base {describe_database(settings_dict)} écrite : "
                f"{output} ({human_size(size)})."
            )
        )
