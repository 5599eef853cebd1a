import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from pacte.bench import machine
from pacte.bench.cases import PEER_STOCK, PEER_TUNED, peers, plan
from pacte.bench.probes import attendance_sheet_seconds, event_opening_seconds, national_export
from pacte.bench.runner import BenchError, bench_client, measure, measure_interleaved
from pacte.bench.verdict import (
    EXPORT_MAX_MB,
    OPEN_MAX_SECONDS,
    PDF_MAX_SECONDS,
    fixed_across_pages,
    page_checks,
    status,
    table,
)
from pacte.scale import read_marker


class Command(BaseCommand):
    help = (
        "Banc d’essai des pages principales sur le jeu seed_scale (PostgreSQL) : médiane, p95 "
        "et requêtes SQL, comparées au plancher et au pair (admin Django). Code de sortie non nul "
        "si un ratio ou un nombre de requêtes manque sa cible."
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
            "ROOT_URLCONF": "pacte.bench.urls",
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
        # The pages and their references in turns (measure_interleaved); the export,
        # a few runs of seconds each, on its own.
        pages = [case for case in [*cases, *references] if case.runs >= 50]
        self.stderr.write(f"  … {len(pages)} pages, {runs} requêtes chacune, en 5 tours")
        measures = measure_interleaved(client, pages, runs=runs)
        for case in cases:
            if case.runs < 50:
                self.stderr.write(f"  … {case.name}")
                measures[case.name] = measure(
                    client,
                    case.name,
                    case.url,
                    expect=case.expect,
                    runs=min(case.runs, runs),
                    headers=case.headers,
                )
        floor = measures[cases[0].name]
        peer_of = {
            (ref.kind, ref.peer): measures[ref.name]
            for ref in references
            if ref.kind in {PEER_STOCK, PEER_TUNED}
        }
        rows, failed = [], []
        for case in [*cases, *references]:
            m = measures[case.name]
            checks = page_checks(
                case,
                m,
                floor,
                peer_of.get((PEER_STOCK, case.name)),
                peer_of.get((PEER_TUNED, case.name)),
            )
            failed += [f"{case.name} : {c.label}" for c in checks if not c.ok and c.binding]
            rows.append((case.name, len(m.times_ms), m.median, m.p95, m.query_count, checks))
        extra = []
        for check in fixed_across_pages(measures):
            extra.append(("✓ " if check.ok else "✗ ") + check.label)
            if not check.ok:
                failed.append(check.label)
        if only:
            return table(header_for(user, marker, runs), rows, extra), failed
        rows_exported, seconds, peak_mb, size = national_export(user)
        extra.append(
            f"{'✓' if peak_mb < EXPORT_MAX_MB else '✗'} export XLSX de {rows_exported:_} jeunes "
            f"(tout le jeu) : {seconds:.1f} s, {size / 1e6:.1f} Mo, mémoire résidente max "
            f"{peak_mb:.0f} Mo (cible < {EXPORT_MAX_MB} Mo)".replace("_", " ")
        )
        fastest, slowest = attendance_sheet_seconds(client, user)
        extra.append(
            f"{'✓' if slowest < PDF_MAX_SECONDS else '✗'} feuille d’émargement PDF de 200 lignes : "
            f"{fastest:.2f}–{slowest:.2f} s (cible < {PDF_MAX_SECONDS} s)"
        )
        fastest, slowest, queued = event_opening_seconds(client, user)
        ok = slowest < OPEN_MAX_SECONDS
        extra.append(
            f"{'✓' if ok else '✗'} ouverture d’un Café-métiers de {queued} invités (convocations "
            f"mises en file, envoyées par le cluster) : {fastest:.2f}–{slowest:.2f} s "
            f"(cible < {OPEN_MAX_SECONDS} s)"
        )
        if not ok:
            failed.append("ouverture d’un Café-métiers")
        extra.append(
            f"État : {'cibles de ratio et de requêtes atteintes' if not failed else 'ÉCHEC'}"
            " ; les temps absolus dépendent de la machine (voir ✓/✗)."
        )
        header = header_for(user, marker, runs)
        for name, _n, _median, _p95, _q, checks in rows:
            if checks and status(checks) != "OK":
                self.stderr.write(f"  {status(checks)} : {name}")
        return table(header, rows, extra), failed


def header_for(user, marker, runs):
    people = f"{marker['participants']:,}".replace(",", "\u202f")
    return (
        f"Banc d’essai Pacte — {dt.datetime.now():%Y-%m-%d %H:%M} — {machine.describe()}\n"
        f"Jeu seed_scale : {people} jeunes (graine {marker['seed']}, date {marker['anchor']}) ; "
        f"compte {user.username} ({user.structure.name}) ; "
        f"{runs} requêtes par page après échauffement, prises en 5 tours sur toutes les pages"
    )
