"""Queue today's reminders of the Café-métiers, as each territory chose (the job cluster
runs this every morning: see pacte.schedules; the command is for a day missed by hand)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from events.notifications import send_due_reminders


def count_label(count: int) -> str:
    if count == 0:
        return "Aucun rappel envoyé."
    if count == 1:
        return "1 rappel envoyé."
    return f"{count} rappels envoyés."


class Command(BaseCommand):
    help = "Envoie les rappels du jour (SMS, e-mail) des Café-métiers, selon chaque territoire."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Jour de l'envoi, au format AAAA-MM-JJ (par défaut : aujourd'hui).",
        )

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError("Date illisible : écrivez-la comme 2026-03-14.") from error
        self.stdout.write(count_label(send_due_reminders(today=today)))
