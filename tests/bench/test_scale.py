"""seed_scale: its guards on any database, and on PostgreSQL a small build checked row by row.

The bench app is installed by bench.settings only: its commands are called as objects."""

import datetime as dt

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from bench.management.commands import seed_scale
from bench.scale import MARKER_TABLE
from bench.scale.dataset import Plan
from pacte.factories import TerritoryFactory
from pacte.models import Territory
from pacte.roles import Role
from participants.eligibility import search_key
from participants.models import Participant

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="seed_scale loads with PostgreSQL's COPY"
)
ANCHOR = "2026-03-16"


def seed(*arguments):
    call_command(seed_scale.Command(), *arguments)


def test_the_plan_scales_every_count_with_the_participants():
    plan = Plan(100_000)
    assert (plan.follow_ups, plan.events, plan.partners, plan.territories) == (
        2_000_000,
        1_000,
        3_000,
        101,
    )
    assert (Plan(2_000).follow_ups, Plan(2_000).events, Plan(2_000).partners) == (40_000, 20, 60)


@pytest.mark.django_db
def test_it_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        seed("--participants", "500")


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite refusal")
def test_it_refuses_sqlite(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="PostgreSQL"):
        seed("--participants", "500")


@postgresql_only
@pytest.mark.django_db
def test_it_never_wipes_data_it_did_not_build_not_even_with_reset(settings):
    settings.DEBUG = True
    TerritoryFactory(paris=True)

    with pytest.raises(CommandError, match="ne viennent pas de seed_scale"):
        seed("--participants", "500", "--reset")

    assert Territory.objects.filter(code="75").exists()


def _fingerprint():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT md5(string_agg(concat_ws('|', id, first_name, last_name, birth_date, "
            "territory_id, referent_id, last_follow_up_on), ',' ORDER BY id)) "
            "FROM participants_participant"
        )
        people = cursor.fetchone()[0]
        cursor.execute(
            "SELECT md5(string_agg(concat_ws('|', id, participant_id, happened_on, kind), ',' "
            "ORDER BY id)) FROM participants_followup"
        )
        return people, cursor.fetchone()[0]


def _orphans():
    """Foreign keys pointing nowhere, over every model the project loads."""
    found = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if model._meta.app_label not in {"pacte", "participants", "events", "partners"}:
                continue
            for field in model._meta.concrete_fields:
                if not field.is_relation or not field.db_constraint:
                    continue
                target = field.related_model._meta
                cursor.execute(
                    f'SELECT count(*) FROM "{model._meta.db_table}" t '  # noqa: S608
                    f'LEFT JOIN "{target.db_table}" r ON r."{field.target_field.column}" '
                    f'= t."{field.column}" WHERE t."{field.column}" IS NOT NULL '
                    f'AND r."{field.target_field.column}" IS NULL'
                )
                if cursor.fetchone()[0]:
                    found.append(f"{model._meta.label}.{field.name}")
    return found


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_small_build_is_whole_consistent_and_reproducible(settings):
    settings.DEBUG = True
    try:
        seed("--participants", "500", "--seed", "7", "--anchor", ANCHOR)
        plan = Plan(500)
        with connection.cursor() as cursor:
            for table, expected in [
                ("participants_participant", 500),
                ("participants_followup", plan.follow_ups),
                ("events_event", plan.events),
                ("events_registration", plan.events * 60),
                ("events_interview", plan.events * 30),
            ]:
                cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
                assert cursor.fetchone()[0] == expected, table
            # The denormalised date is each participant's latest follow-up.
            cursor.execute(
                "SELECT count(*) FROM participants_participant p WHERE last_follow_up_on "
                "IS DISTINCT FROM (SELECT max(happened_on) FROM participants_followup f "
                "WHERE f.participant_id = p.id)"
            )
            assert cursor.fetchone()[0] == 0
        assert _orphans() == []
        assert all(
            p.search_name == search_key(p.first_name, p.last_name)
            for p in Participant.objects.all()
        )
        first = _fingerprint()

        with pytest.raises(CommandError, match="--reset"):
            seed("--participants", "500", "--seed", "7")
        seed("--participants", "500", "--seed", "7", "--anchor", ANCHOR, "--reset")
        assert _fingerprint() == first
        seed("--participants", "500", "--seed", "8", "--anchor", ANCHOR, "--reset")
        assert _fingerprint() != first
        assert Participant.objects.filter(enrolled_on__lte=dt.date(2026, 3, 16)).count() == 500
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {MARKER_TABLE}")


def test_the_bench_leaves_out_the_sessions_periodic_write_only():
    from bench.runner import _page_queries  # noqa: PLC0415

    page = [{"sql": 'SELECT "django_session"."session_key"'}, {"sql": 'SELECT "pacte_user"'}]
    touch = [{"sql": "BEGIN"}, {"sql": 'UPDATE "django_session" SET'}, {"sql": "COMMIT"}]
    other_write = [{"sql": "BEGIN"}, {"sql": 'INSERT INTO "pacte_accesslog"'}, {"sql": "COMMIT"}]

    assert _page_queries(page) == 2
    assert _page_queries(page + touch) == 2
    assert _page_queries(page + other_write) == 5
    choices = [{"sql": '(SELECT "pacte_structure"."id", %s AS "directory_list", …'}]
    assert _page_queries(page + choices) == 2


@pytest.mark.django_db
def test_the_bench_takes_every_page_in_turns(client):
    from bench.cases import OTHER, Case  # noqa: PLC0415
    from bench.runner import measure_interleaved  # noqa: PLC0415

    asked = []
    get = client.get

    def recording_get(url, **kwargs):
        asked.append(url)
        return get(url, **kwargs)

    client.get = recording_get
    cases = [Case("Connexion", "/connexion/", OTHER, "<form"), Case("Santé", "/healthz", OTHER, "")]

    measures = measure_interleaved(client, cases, runs=7, rounds=3, warmup=1)

    assert [len(measures[name].times_ms) for name in ("Connexion", "Santé")] == [7, 7]
    assert asked[:2] == ["/connexion/", "/healthz"]  # the warm-up
    # Then 3, 2 and 2 requests of each page, page after page.
    turns = [(3, 3), (2, 2), (2, 2)]
    assert asked[2:] == [
        url for first, second in turns for url in ["/connexion/"] * first + ["/healthz"] * second
    ]


@pytest.mark.django_db
def test_the_bench_opens_an_event_of_65_and_sends_nothing_in_the_request(
    client_for, users, settings
):
    from bench.probes import OPENED_INVITED, event_opening_seconds  # noqa: PLC0415
    from events.models import SentMessage  # noqa: PLC0415
    from pacte import sms  # noqa: PLC0415
    from participants.factories import ParticipantFactory  # noqa: PLC0415

    settings.SMS_BACKEND = "pacte.sms.LocmemBackend"
    sms.outbox.clear()
    for index in range(OPENED_INVITED):
        ParticipantFactory(
            programme_year=users["participant"].programme_year, phone=f"+336{index:08d}"
        )
    coordinator = users[Role.COORDINATOR]

    fastest, slowest, queued = event_opening_seconds(client_for(coordinator), coordinator, runs=2)

    assert queued == OPENED_INVITED
    assert 0 < fastest <= slowest
    assert sms.outbox == []  # rolled back: nothing was handed to the cluster
    assert not SentMessage.objects.exists()
