"""The access log records that a search happened and how many rows it showed, never the
name typed (#17 item 4): a log of whom people looked for would be a file of its own."""

import pytest
from django.urls import reverse

from pacte.models import AccessLog
from pacte.roles import Role

pytestmark = pytest.mark.django_db


def test_a_search_of_the_participants_list_logs_no_name(client_for, users):
    client_for(users[Role.COORDINATOR]).get(
        reverse("participants:list"), {"q": "Benali", "statut": "active"}
    )

    entry = AccessLog.objects.filter(object_type="participant", action="list").latest("pk")
    assert entry.filters["q"] == "[recherche]"
    assert "benali" not in entry.path.lower() and "benali" not in str(entry.filters).lower()
    assert entry.row_count is not None


def test_the_walk_in_search_logs_neither_name_nor_birth_date(client_for, users, cafe_metiers):
    event = cafe_metiers["event"]

    client_for(users[Role.COUNSELLOR]).get(
        reverse("events:check_in", args=[event.pk]), {"nom": "Diallo", "naissance": "2005-03-02"}
    )

    for entry in AccessLog.objects.filter(path__startswith=f"/cafes-metiers/{event.pk}/"):
        assert "diallo" not in (entry.path + str(entry.filters)).lower()
        assert "2005" not in entry.path + str(entry.filters)


def test_opening_a_convocation_qr_code_is_one_read_of_its_registration(
    client_for, users, cafe_metiers
):
    registration = cafe_metiers["registration"]

    client_for(users[Role.COUNSELLOR]).get(
        reverse("events:check_in_token", args=[registration.check_in_token])
    )

    entry = AccessLog.objects.get(object_type="registration", object_id=registration.pk)
    assert entry.action == "read" and entry.participant_id == registration.participant_id
    assert registration.check_in_token not in entry.path
