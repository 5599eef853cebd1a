from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from events.personal_links import demo_personal_path
from pacte.factories import DEMO_PASSWORD
from steering.demo import DEMO_ACCOUNTS, build_demo


class Command(BaseCommand):
    help = "Charge le programme de démonstration (idempotent). Refusé quand DEBUG est désactivé."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000",
            help="L’adresse à afficher pour l’application (make run HOST=… la donne).",
        )

    def handle(self, *args, url, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo refuse de s'exécuter quand DEBUG est désactivé : "
                "pas de comptes de démonstration en production."
            )
        build_demo()
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
        self.stdout.write(f"Application : {url}")
        self.stdout.write(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
        for username, _first_name, _last_name, role, structure in DEMO_ACCOUNTS:
            where = f" — {structure}" if structure else ""
            self.stdout.write(f"  {username:<14} {role.label}{where}")
        path = demo_personal_path()
        if path:
            self.stdout.write(
                "Page personnelle d’un jeune (le lien de ses SMS et e-mails, sans compte) : "
                f"{url.rstrip('/')}{path}"
            )
