"""The participants export reads its rows in chunks by primary key (no server-side
cursor, which pgbouncer's transaction mode breaks): every row once, in the list's order."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pacte.roles import Role
from participants import exports
from participants.factories import ParticipantFactory
from participants.models import Participant
from participants.selectors import participants_for_list

pytestmark = pytest.mark.django_db


def siblings(participant, count):
    return [
        ParticipantFactory(
            last_name=f"Nom {number:02d}",
            programme_year=participant.programme_year,
            structure_in_charge=participant.structure_in_charge,
            referent=participant.referent,
            referred_by=participant.referred_by,
        )
        for number in range(count)
    ]


def test_an_export_longer_than_a_chunk_has_every_row_once_in_the_lists_order(users, monkeypatch):
    coordinator = users[Role.COORDINATOR]
    siblings(users["participant"], 11)
    monkeypatch.setattr(exports, "CHUNK_SIZE", 3)
    visible = participants_for_list(coordinator).order_by("-last_name", "first_name", "pk")
    expected = list(visible.values_list("last_name", "first_name"))
    assert len(expected) > 3 * exports.CHUNK_SIZE

    with CaptureQueriesContext(connection) as captured:
        headers, rows = exports.export_table(coordinator, visible)
        exported = [tuple(row[:2]) for row in rows]

    assert exported == expected
    assert len(set(exported)) == len(exported)
    # The ids, then one query per chunk.
    assert len(captured) == 1 + -(-len(expected) // exports.CHUNK_SIZE)
    assert headers[:2] == ["Nom", "Prénom"]


def test_a_row_deleted_during_the_export_is_left_out(users, monkeypatch):
    coordinator = users[Role.COORDINATOR]
    others = siblings(users["participant"], 5)
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    visible = participants_for_list(coordinator).order_by("pk")
    total = visible.count()

    _headers, rows = exports.export_table(coordinator, visible)
    first = next(rows)
    Participant.objects.filter(pk=others[-1].pk).delete()

    assert len([first, *rows]) == total - 1
