import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from bench import machine
from bench.cases import PEER, peers, plan
from bench.probes import attendance_sheet_seconds, event_opening_seconds, national_export
from bench.runner import BenchError, bench_client, measure_interleaved
from bench.scale import read_marker
from bench.verdict import EXPORT_MAX_MB, fixed_across_pages, page_checks, table


class Command(BaseCommand):
    help = (
        "Banc d’essai des pages principales sur le jeu seed_scale (PostgreSQL) : médiane, p95 "
        "et requêtes SQL, en rapport à la référence nue (une fiche par clé, sans gabarit) et à "
        "l’admin Django réglé, mesurés dans le même passage. Code de sortie non nul si un "
        "rapport ou un nombre de requêtes manque sa cible ; les temps absolus sont affichés, "
        "jamais jugés."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=50)
        parser.add_argument("--output", default=str(settings.BASE_DIR / "bench-results.txt"))
        parser.add_argument(
            "--only", default="", help="Ne mesurer que les pages dont le nom contient ce texte."
        )

    def handle(self, *args, runs, output, only, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Le banc d’essai mesure PostgreSQL : définissez DATABASE_URL.")
        with connection.cursor() as cursor:
            marker = read_marker(cursor)
        if not marker:
            raise CommandError(
                "Cette base n’a pas été construite par seed_scale : "
                "lancez d’abord python manage.py seed_scale sur une base dédiée."
            )
        overrides = {
            "PACTE_OTP_REQUIRED": True,
            "ALLOWED_HOSTS": [*settings.ALLOWED_HOSTS, "testserver"],
        }
        with override_settings(**overrides):
            try:
                text, failed = self._run(runs, marker, only)
            except BenchError as error:
                raise CommandError(str(error)) from error
        self.stdout.write(text)
        Path(output).write_text(text, encoding="utf-8")
        self.stdout.write(f"Tableau écrit dans {output}")
        if failed:
            raise CommandError("Cibles manquées : " + " ; ".join(failed))

    def _run(self, runs, marker, only):
        client, user = bench_client()
        cases = plan(user)
        if only:
            cases = [cases[0], *(c for c in cases[1:] if only.lower() in c.name.lower())]
        references = peers(cases)
        pages = [*cases, *references]
        self.stderr.write(f"  … {len(pages)} pages, {runs} requêtes chacune, en 5 tours")
        measures = measure_interleaved(client, pages, runs=runs)
        bare = measures[cases[0].name]
        peer_of = {ref.peer: measures[ref.name] for ref in references if ref.kind == PEER}
        rows, failed = [], []
        for case in pages:
            m = measures[case.name]
            checks = page_checks(case, m, bare, peer_of.get(case.name))
            failed += [f"{case.name} : {c.label}" for c in checks if not c.ok]
            ratio = m.median / bare.median
            rows.append((case.name, len(m.times_ms), m.median, m.p95, m.query_count, ratio, checks))
        extra = []
        for check in fixed_across_pages(measures):
            extra.append(("✓ " if check.ok else "✗ ") + check.label)
            if not check.ok:
                failed.append(check.label)
        if not only:
            extra += self._probes(client, user, failed)
        extra.append(
            f"État : {'cibles atteintes' if not failed else 'ÉCHEC'} ; les temps absolus "
            "sont affichés, jamais jugés (la machine est partagée)."
        )
        for name in failed:
            self.stderr.write(f"  ✗ {name}")
        return table(header_for(user, marker, runs), rows, extra), failed

    def _probes(self, client, user, failed) -> list[str]:
        """The national export's memory (a target), the PDF and the opening (times, printed)."""
        rows_exported, seconds, peak_mb, size = national_export(user)
        ok = peak_mb < EXPORT_MAX_MB
        label = (
            f"export XLSX de {rows_exported:_} jeunes (tout le jeu) : mémoire résidente max "
            f"{peak_mb:.0f} Mo (cible < {EXPORT_MAX_MB} Mo) ; {seconds:.1f} s, "
            f"{size / 1e6:.1f} Mo"
        ).replace("_", "\u202f")
        if not ok:
            failed.append(label)
        fastest, slowest = attendance_sheet_seconds(client, user)
        opening = event_opening_seconds(client, user)
        return [
            ("✓ " if ok else "✗ ") + label,
            f"  feuille d’émargement PDF de 200 lignes : {fastest:.2f}–{slowest:.2f} s",
            f"  ouverture d’un Café-métiers de {opening[2]} invités (convocations mises en "
            f"file, envoyées par le cluster) : {opening[0]:.2f}–{opening[1]:.2f} s",
        ]


def header_for(user, marker, runs):
    people = f"{marker['participants']:,}".replace(",", "\u202f")
    return (
        f"Banc d’essai Pacte — {dt.datetime.now():%Y-%m-%d %H:%M} — {machine.describe()}\n"
        f"Jeu seed_scale : {people} jeunes (graine {marker['seed']}, date {marker['anchor']}) ; "
        f"compte {user.username} ({user.structure.name}) ; "
        f"{runs} requêtes par page après échauffement, prises en 5 tours sur toutes les pages"
    )
