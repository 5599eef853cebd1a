import os
import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench.cases import plan
from bench.loadtest import Server, drive, session_cookie
from bench.runner import BENCH_USERNAME
from bench.scale import read_marker
from pacte.models import User

MIN_LIST_RATE = 150  # requests per second on the participants list (issue #10)


class Command(BaseCommand):
    help = (
        "Charge : gunicorn (un worker par cœur) et wrk sur la liste des jeunes et la recherche "
        "d’émargement, 30 s à 20 connexions, session ayant passé le second facteur. "
        "Échoue si une réponse n’est pas la page attendue ou si la liste sert moins de 150 req/s."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=30)
        parser.add_argument("--connections", type=int, default=20)
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--output", default=str(settings.BASE_DIR / "loadtest-results.txt"))

    def handle(self, *args, seconds, connections, port, output, **options):
        if connection.vendor != "postgresql":
            raise CommandError("La charge se mesure sur PostgreSQL : définissez DATABASE_URL.")
        with connection.cursor() as cursor:
            if not read_marker(cursor):
                raise CommandError("Lancez d’abord seed_scale (make seed-scale).")
        if settings.DEBUG:
            raise CommandError("Mesurez la configuration de production : DEBUG=0 (make loadtest).")
        if not shutil.which("wrk"):
            raise CommandError("wrk est introuvable : apt-get install wrk.")
        user = User.objects.select_related("structure").get(username=BENCH_USERNAME)
        cases = {case.name: case for case in plan(user)}
        check_in = next(case for name, case in cases.items() if name.startswith("Émargement"))
        targets = [
            ("Liste des jeunes", cases["Jeunes — page 1"].url, "Jeunes suivis"),
            ("Recherche d’émargement", check_in.url, check_in.expect),
        ]
        cookie = session_cookie(user)
        workers = os.cpu_count() or 1
        results = []
        with Server(port, workers):
            for name, path, marker in targets:
                self.stderr.write(f"  … {name} ({seconds} s, {connections} connexions)")
                results.append(
                    drive(
                        name,
                        f"http://127.0.0.1:{port}{path}",
                        cookie=cookie,
                        marker=marker,
                        seconds=seconds,
                        connections=connections,
                    )
                )
        lines = [
            f"Charge — gunicorn {workers} workers, wrk {connections} connexions, {seconds} s",
            f"{'page':<26}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'requêtes':>10}  contrôles",
        ]
        failed = []
        for result in results:
            checks = (
                f"non-200 : {result.non_200}, mauvaise page : {result.wrong_body}, "
                f"erreurs : {result.errors}"
            )
            lines.append(
                f"{result.name:<26}{result.per_second:>8.1f}{result.p50_ms:>9.1f}"
                f"{result.p99_ms:>9.1f}{result.requests:>10}  {checks}"
            )
            if not result.all_ok:
                failed.append(f"{result.name} : {checks}")
        if results[0].per_second < MIN_LIST_RATE:
            failed.append(f"liste : {results[0].per_second:.0f} req/s < {MIN_LIST_RATE}")
        text = "\n".join(lines) + "\n"
        self.stdout.write(text)
        Path(output).write_text(text, encoding="utf-8")
        if failed:
            raise CommandError("Cibles manquées : " + " ; ".join(failed))
