"""The scale dataset for the benchmark: guards, wipe, bulk load, timings.

Only on PostgreSQL; never over data it did not build itself (a marker table records
each build); history (simple-history) and triggers are bypassed: rows go in with
COPY under `session_replication_role = replica`, in one transaction.
"""

import datetime as dt
import time
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, transaction

from pacte.roles import Role, group_name

MARKER_TABLE = "pacte_scale_dataset"
# Tables a wipe keeps: Django's own catalogue and the role groups created by migrate.
KEPT_APPS = {"contenttypes", "auth", "dsfr"}
# Any row in these means the database is in use.
DATA_TABLES = [
    "pacte_territory",
    "pacte_structure",
    "pacte_user",
    "participants_participant",
    "partners_partner",
    "events_event",
]


class ScaleRefused(Exception):
    """The database is not one seed_scale may write to."""


@dataclass
class Report:
    parts: list[tuple[str, float, dict]] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(seconds for _label, seconds, _counts in self.parts)


def _database_name():
    return connection.settings_dict.get("NAME") or "?"


def read_marker(cursor):
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [MARKER_TABLE])
    if not cursor.fetchone()[0]:
        return None
    cursor.execute(f"SELECT seed, participants, anchor FROM {MARKER_TABLE} LIMIT 1")  # noqa: S608
    row = cursor.fetchone()
    return {"seed": row[0], "participants": row[1], "anchor": row[2]} if row else {}


def check_target(*, reset: bool) -> bool:
    """Raise ScaleRefused unless the database may be filled; True when it must be wiped."""
    if connection.vendor != "postgresql":
        raise ScaleRefused(
            "seed_scale fonctionne uniquement sur PostgreSQL (chargement par COPY) : "
            "définissez DATABASE_URL=postgres://…/pacte_bench. SQLite n’est pas pris en charge."
        )
    with connection.cursor() as cursor:
        marker = read_marker(cursor)
        has_data = False
        for table in DATA_TABLES:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")  # noqa: S608
            has_data = has_data or cursor.fetchone()[0]
    name = _database_name()
    if marker is None:
        if has_data:
            raise ScaleRefused(
                f"La base « {name} » contient des données qui ne viennent pas de seed_scale : "
                "rien n’est effacé, pas même avec --reset. Utilisez une base vide, "
                "par exemple : createdb pacte_bench."
            )
        return False
    if not reset and (has_data or marker):
        raise ScaleRefused(
            f"La base « {name} » contient déjà un jeu de données seed_scale "
            f"({marker.get('participants')} jeunes, graine {marker.get('seed')}) : "
            "ajoutez --reset pour le remplacer."
        )
    return True


def _wipe(cursor):
    """Empty every table of the project (the catalogue and role groups stay)."""
    existing = set(connection.introspection.table_names(cursor))
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.app_label not in KEPT_APPS and model._meta.db_table in existing
        }
        | {MARKER_TABLE}
    )
    quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
    # TRUNCATE fires no row trigger: the access log's append-only guard stays in place
    # for every other statement.
    cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")


def _reset_sequences(cursor):
    existing = set(connection.introspection.table_names(cursor))
    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in KEPT_APPS and model._meta.db_table in existing
    ]
    for statement in connection.ops.sequence_reset_sql(no_style(), models):
        cursor.execute(statement)


def build(*, participants: int, seed: int, anchor: dt.date, reset: bool, progress=None) -> Report:
    """Check the target, wipe it if allowed, load the dataset; returns the timings."""
    from bench.scale.dataset import Builder

    wipe = check_target(reset=reset)
    report = Report()

    def timed(label, action, builder=None):
        before = dict(builder.counts) if builder else {}
        start = time.perf_counter()
        action()
        seconds = time.perf_counter() - start
        counts = {
            table: rows - before.get(table, 0)
            for table, rows in (builder.counts.items() if builder else [])
            if rows != before.get(table, 0)
        }
        report.parts.append((label, seconds, counts))
        if progress:
            progress(label, seconds, counts)

    group_ids = {
        role: Group.objects.get(name=group_name(role)).pk
        for role in (Role.COORDINATOR, Role.PILOT, Role.COUNSELLOR)
    }
    with transaction.atomic():
        raw = connection.connection.cursor()
        # Foreign keys are checked by construction; no trigger (history, audit) runs.
        raw.execute("SET LOCAL session_replication_role = replica")
        raw.execute("SET LOCAL synchronous_commit = off")
        if wipe:
            timed("Effacement du jeu précédent", lambda: _wipe(raw))
        raw.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} "
            "(seed bigint, participants integer, anchor date, built_at timestamptz)"
        )
        builder = Builder(
            raw, participants=participants, seed=seed, anchor=anchor, group_ids=group_ids
        )
        timed("Territoires, structures, comptes", builder.build_reference, builder)
        timed("Partenaires", builder.build_partners, builder)
        timed("Jeunes", builder.build_participants, builder)
        timed("Suivis", builder.build_follow_ups, builder)
        timed("Parcours (mesures, actions, sorties, tâches)", builder.build_path, builder)
        timed("Café-métiers (inscriptions, job-dating)", builder.build_events, builder)
        raw.execute(
            f"INSERT INTO {MARKER_TABLE} VALUES (%s, %s, %s, now())",  # noqa: S608
            [seed, participants, anchor],
        )
        timed("Séquences", lambda: _reset_sequences(raw))
    with connection.cursor() as cursor:
        timed("VACUUM ANALYZE", lambda: cursor.execute("VACUUM (ANALYZE)"))
    return report
