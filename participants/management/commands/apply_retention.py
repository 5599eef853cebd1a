from django.core.management.base import BaseCommand

from participants.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Applique les durées de conservation : supprime les mesures de justice puis anonymise "
        "les dossiers des jeunes sortis du programme. Sans effet s’il est relancé."
    )

    def handle(self, *args, **options):
        done = apply_retention()
        self.stdout.write(
            f"{done['justice']} mesure(s) de justice supprimée(s), "
            f"{done['anonymised']} dossier(s) anonymisé(s)."
        )
