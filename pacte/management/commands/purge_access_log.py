import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from pacte.models import AccessLog

MINIMUM_DAYS = 366


def purge(cutoff) -> int:
    """Delete the entries older than the cutoff (and than a year, whatever it says).

    On PostgreSQL through `purge_access_log`, the only way the app's role may delete
    from the log (migration 0008); SQLite, for development, has no such guard.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT purge_access_log(%s)", [cutoff])
            return cursor.fetchone()[0]
    deleted, _ = AccessLog.objects.filter(at__lt=cutoff).delete()
    return deleted


class Command(BaseCommand):
    help = "Supprime les entrées du journal des accès plus anciennes que la durée de conservation."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=MINIMUM_DAYS,
            help="Âge minimal des entrées supprimées, en jours (366 au moins).",
        )

    def handle(self, *args, days, **options):
        if days < MINIMUM_DAYS:
            raise CommandError("Le journal est conservé un an : --days doit valoir 366 ou plus.")
        cutoff = timezone.now() - dt.timedelta(days=days)
        deleted = purge(cutoff)
        self.stdout.write(
            f"{deleted} entrée(s) du journal supprimée(s) (antérieures au {cutoff:%d/%m/%Y})."
        )
