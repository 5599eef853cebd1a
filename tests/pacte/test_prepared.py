"""Prepared reads return what the ORM returns, once prepared per connection."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pacte import prepared as prepared_module
from pacte.prepared import _numbered, prepared
from participants.factories import FollowUpFactory, ParticipantFactory
from participants.models import FollowUp

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def statements_on_this_connection():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return sorted(row[0] for row in cursor.fetchall())


def summaries(participant, since):
    return list(
        FollowUp.objects.filter(participant=participant, happened_on__gte=since)
        .order_by("happened_on")
        .values_list("summary", flat=True)
    )


def test_a_prepared_read_returns_what_the_orm_returns():
    participant = ParticipantFactory()
    FollowUpFactory(participant=participant, summary="Ancien", happened_on=dt.date(2026, 1, 5))
    FollowUpFactory(participant=participant, summary="Récent", happened_on=dt.date(2026, 3, 5))

    with prepared():
        found = [summaries(participant, dt.date(2026, m, 1)) for m in (1, 2, 1, 1, 2, 1, 2, 2)]

    assert found == [summaries(participant, dt.date(2026, m, 1)) for m in (1, 2, 1, 1, 2, 1, 2, 2)]
    assert found[:2] == [["Ancien", "Récent"], ["Récent"]]


@postgresql_only
def test_it_is_prepared_once_per_connection_and_counts_as_the_pages_query():
    participant = ParticipantFactory()

    with prepared(), CaptureQueriesContext(connection) as first:
        summaries(participant, dt.date(2026, 1, 1))
    prepared_after_first = statements_on_this_connection()
    with prepared(), CaptureQueriesContext(connection) as second:
        summaries(participant, dt.date(2026, 2, 1))

    assert len(first) == len(second) == 1
    assert first[0]["sql"].startswith("EXECUTE pacte_")
    assert first[0]["sql"].split("(")[0] == second[0]["sql"].split("(")[0]
    assert statements_on_this_connection() == prepared_after_first


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_again():
    participant = ParticipantFactory()
    FollowUpFactory(participant=participant, summary="Vu", happened_on=dt.date(2026, 4, 1))
    with prepared():
        summaries(participant, dt.date(2026, 1, 1))
    connection.close()

    with prepared():
        assert summaries(participant, dt.date(2026, 1, 1)) == ["Vu"]
    assert len(statements_on_this_connection()) == 1


@postgresql_only
def test_a_read_with_a_null_parameter_or_past_the_limit_runs_unprepared(monkeypatch):
    with prepared(), CaptureQueriesContext(connection) as null, connection.cursor() as cursor:
        cursor.execute("SELECT %s", [None])
    monkeypatch.setattr(prepared_module, "MAX_PER_CONNECTION", 0)
    with prepared(), CaptureQueriesContext(connection) as full:
        list(FollowUp.objects.filter(summary="plein").values_list("pk"))

    assert null[0]["sql"].startswith("SELECT")
    assert full[0]["sql"].startswith("SELECT")


def test_placeholders_are_numbered_and_percent_signs_kept():
    assert _numbered("SELECT %s, '100%%' WHERE a = %s") == "SELECT $1, '100%' WHERE a = $2"
