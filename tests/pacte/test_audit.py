"""The access log and the write history (CNIL: every access logged, kept apart, unalterable)."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from pacte.models import AccessAction, AccessLog
from pacte.roles import Role
from participants.factories import JusticeMeasureFactory
from participants.models import FollowUp, Outcome, OutcomeKind
from participants.services import outcome_record

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only"
)


def test_a_participant_page_is_one_read_entry_without_the_data(client_for, users):
    participant = users["participant"]

    client_for(users[Role.COUNSELLOR]).get(reverse("participants:detail", args=[participant.pk]))

    entry = AccessLog.objects.get()
    assert entry.action == AccessAction.READ
    assert entry.user == users[Role.COUNSELLOR]
    assert entry.participant_id == participant.pk
    assert entry.object_type == "participant"
    assert participant.last_name not in str(entry.filters) + entry.path


def test_a_list_is_one_entry_with_its_filters_and_row_count(client_for, users):
    client_for(users[Role.COORDINATOR]).get(
        reverse("participants:list"), {"status": "active", "q": "", "page": "1"}
    )

    entry = AccessLog.objects.get()
    assert entry.action == AccessAction.LIST
    assert entry.filters == {"status": "active"}
    assert entry.row_count == 1


def test_an_export_is_one_entry_with_its_row_count(client_for, users):
    response = client_for(users[Role.PILOT]).get(reverse("participants:export", args=["csv"]))
    b"".join(response.streaming_content)

    entry = AccessLog.objects.get()
    assert entry.action == AccessAction.EXPORT
    assert entry.row_count == 1


def test_a_write_is_one_entry_for_its_record(client_for, users):
    participant = users["participant"]

    client_for(users[Role.COUNSELLOR]).post(
        reverse("participants:follow_up_create", args=[participant.pk]),
        {"happened_on": timezone.localdate().isoformat(), "kind": "phone", "summary": "Appel"},
        headers={"HX-Request": "true"},
    )

    entry = AccessLog.objects.get(action=AccessAction.CREATE)
    assert entry.object_type == "followup"
    assert entry.participant_id == participant.pk
    # The panel sent back shows the file's timeline: a read of the file, logged too.
    (read,) = AccessLog.objects.exclude(pk=entry.pk)
    assert (read.action, read.object_type) == (AccessAction.READ, "participant")


def test_the_pilot_reads_the_log_filtered_by_person(client_for, users):
    participant = users["participant"]
    client_for(users[Role.COUNSELLOR]).get(reverse("participants:detail", args=[participant.pk]))
    client_for(users[Role.COORDINATOR]).get(reverse("participants:list"))

    response = client_for(users[Role.PILOT]).get(
        reverse("access_log"), {"participant_id": participant.pk}
    )

    entries = list(response.context["page_obj"].object_list)
    assert [(e.user, e.action) for e in entries] == [(users[Role.COUNSELLOR], AccessAction.READ)]


def test_the_pilot_does_not_read_another_territorys_log(client_for, users):
    client_for(users["other_coordinator"]).get(reverse("participants:list"))

    response = client_for(users[Role.PILOT]).get(reverse("access_log"))

    assert response.context["count"] == 0


@postgresql_only
def test_the_database_refuses_to_change_an_entry(users):
    entry = AccessLog.objects.create(user=users[Role.PILOT], action="read", object_type="x")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).update(object_type="y")


@postgresql_only
def test_the_database_refuses_to_delete_an_entry_younger_than_a_year(users):
    entry = AccessLog.objects.create(user=users[Role.PILOT], action="read", object_type="x")

    with (
        pytest.raises(DatabaseError, match="younger than one year"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM pacte_accesslog WHERE id = %s", [entry.pk])

    assert AccessLog.objects.filter(pk=entry.pk).exists()


def test_the_purge_removes_only_entries_older_than_a_year(users):
    old = AccessLog.objects.create(
        user=users[Role.PILOT],
        action="read",
        object_type="x",
        at=timezone.now() - dt.timedelta(days=400),
    )
    recent = AccessLog.objects.create(user=users[Role.PILOT], action="read", object_type="x")

    call_command("purge_access_log")

    assert not AccessLog.objects.filter(pk=old.pk).exists()
    assert AccessLog.objects.filter(pk=recent.pk).exists()


def test_the_purge_keeps_at_least_a_year():
    with pytest.raises(CommandError):
        call_command("purge_access_log", days=30)


# Write history ------------------------------------------------------------------------


def test_a_change_to_a_file_is_kept_with_who_and_when(client_for, users):
    participant = users["participant"]
    coordinator = users[Role.COORDINATOR]
    client = client_for(coordinator)
    form = client.get(reverse("participants:update", args=[participant.pk])).context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"wished_sectors"}
    }
    data.update(phone="06 98 76 54 32", lives_in_qpv="true")

    client.post(reverse("participants:update", args=[participant.pk]), data)

    latest = participant.history.first()
    assert latest.phone == "+33698765432"
    assert latest.history_user == coordinator
    assert latest.history_type == "~"
    assert latest.prev_record.phone == "+33612345678"


def test_justice_follow_ups_and_outcomes_keep_their_history(users):
    participant = users["participant"]
    measure = JusticeMeasureFactory(participant=participant)
    measure.ends_on += dt.timedelta(days=30)
    measure.save()
    follow_up = FollowUp.objects.create(
        participant=participant, author=participant.referent, kind="phone", summary="x"
    )
    outcome = outcome_record(
        by=participant.referent,
        participant=participant,
        kind=OutcomeKind.CDI,
        starts_on=timezone.localdate(),
    )

    assert measure.history.count() == 2
    assert follow_up.history.count() == 1
    assert Outcome.history.filter(id=outcome.pk).count() == 1


def test_the_coordination_reads_who_changed_which_fields(client_for, users):
    participant = users["participant"]
    participant.phone = "+33698765432"
    participant._history_user = users[Role.COUNSELLOR]
    participant.save()

    response = client_for(users[Role.PILOT]).get(
        reverse("participants:history", args=[participant.pk])
    )

    latest = response.context["changes"][0]
    assert latest["fields"] == ["téléphone"]
    assert latest["version"].history_user == users[Role.COUNSELLOR]


def test_the_change_history_shows_old_and_new_values(client_for, users):
    participant = users["participant"]
    participant.phone = "+33698765432"
    participant.preferred_channel = "email"
    participant.save()

    response = client_for(users[Role.COORDINATOR]).get(
        reverse("participants:history", args=[participant.pk])
    )

    assert ("téléphone", "06 12 34 56 78", "06 98 76 54 32") in response.context["changes"][0][
        "values"
    ]
    content = response.content.decode()
    assert "Téléphone : 06 12 34 56 78 → 06 98 76 54 32" in content
    assert "→ E-mail" in content  # a choice's label, not its code
