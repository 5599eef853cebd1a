import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bench.scale import ScaleRefused, build


def _number(n):
    return f"{n:,}".replace(",", "\u202f")


class Command(BaseCommand):
    help = (
        "Construit le jeu de données national du banc d’essai (PostgreSQL, COPY) : "
        "--participants jeunes, 20 suivis chacun, un Café-métiers pour 100 jeunes "
        "(60 inscriptions, 30 entretiens), 3 partenaires pour 100 jeunes. "
        "Refuse SQLite, DEBUG désactivé et toute base qu’il n’a pas construite lui-même."
    )

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=2018)
        parser.add_argument(
            "--anchor",
            type=dt.date.fromisoformat,
            default=None,
            help="Date de référence (AAAA-MM-JJ, aujourd’hui par défaut) : "
            "même graine et même date, mêmes données.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Remplace un jeu seed_scale existant (jamais une base d’autres données).",
        )

    def handle(self, *args, participants, seed, anchor, reset, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_scale refuse de s’exécuter quand DEBUG est désactivé : "
                "pas de données fictives sur une installation de production."
            )
        if participants < 100:
            raise CommandError("--participants : au moins 100.")
        anchor = anchor or timezone.localdate()

        def progress(label, seconds, counts):
            rows = ", ".join(f"{table} {_number(n)}" for table, n in counts.items())
            self.stdout.write(f"  {label:<46} {seconds:6.1f} s  {rows}")

        people = _number(participants)
        self.stdout.write(f"seed_scale : {people} jeunes, graine {seed}, date {anchor:%Y-%m-%d}")
        try:
            report = build(
                participants=participants, seed=seed, anchor=anchor, reset=reset, progress=progress
            )
        except ScaleRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(self.style.SUCCESS(f"Terminé en {report.total:.1f} s."))
