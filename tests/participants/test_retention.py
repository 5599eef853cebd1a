import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from pacte.models import AccessAction, AccessLog
from pacte.roles import Role
from participants.factories import FollowUpFactory, JusticeMeasureFactory
from participants.models import JusticeMeasure, Participant, Status, StatusChange
from participants.retention import apply_retention

pytestmark = pytest.mark.django_db


def exit_participant(participant, days_ago):
    StatusChange.objects.create(
        participant=participant,
        from_status=participant.status,
        to_status=Status.EXITED,
        changed_by=participant.referent,
        reason="Sortie en emploi",
        changed_at=timezone.now() - dt.timedelta(days=days_ago),
    )
    participant.status = Status.EXITED
    participant.save()


@pytest.fixture
def exited(users):
    participant = users["participant"]
    participant.email = "jeune@exemple.fr"
    participant.save()
    JusticeMeasureFactory(participant=participant)
    FollowUpFactory(participant=participant, summary="Parle de sa famille")
    return participant


def test_the_justice_measure_goes_first(exited):
    exit_participant(exited, days_ago=400)

    done = apply_retention()

    exited.refresh_from_db()
    assert done == {"justice": 1, "anonymised": 0, "inactive": 0}
    assert not JusticeMeasure.objects.filter(participant=exited).exists()
    assert not JusticeMeasure.history.filter(participant_id=exited.pk).exists()
    assert exited.last_name != "" and exited.anonymised_at is None


def test_an_anonymised_file_keeps_no_direct_identifier_history_included(exited):
    original_name = exited.last_name
    exited.phone = "+33699887766"
    exited.save()  # one more history row holding the data
    exit_participant(exited, days_ago=3 * 365 + 1)

    apply_retention()

    exited.refresh_from_db()
    assert exited.anonymised_at is not None
    assert exited.first_name == "Anonyme" and original_name not in exited.last_name
    assert exited.phone == exited.email == exited.search_name == ""
    assert exited.birth_date.month == 1 and exited.birth_date.day == 1
    for version in exited.history.all():
        assert version.last_name != original_name
        assert version.phone == "" and version.email == ""
    follow_up = exited.follow_ups.get()
    assert follow_up.summary == ""
    assert all(v.summary == "" for v in follow_up.history.all())
    assert exited.status_changes.filter(reason__gt="").count() == 0
    assert AccessLog.objects.filter(
        action=AccessAction.ANONYMISE, participant_id=exited.pk
    ).exists()


def test_retention_is_idempotent(exited):
    exit_participant(exited, days_ago=3 * 365 + 1)

    first = apply_retention()
    second = apply_retention()
    call_command("apply_retention")

    assert first == {"justice": 1, "anonymised": 1, "inactive": 0}
    assert second == {"justice": 0, "anonymised": 0, "inactive": 0}
    assert AccessLog.objects.filter(action=AccessAction.ANONYMISE).count() == 2


def test_files_still_followed_or_recently_exited_are_kept(exited, users):
    exit_participant(exited, days_ago=10)

    apply_retention()

    assert Participant.objects.get(pk=exited.pk).anonymised_at is None
    assert JusticeMeasure.objects.filter(participant=exited).exists()


def test_coordinators_see_who_is_due_beforehand(client_for, users, exited):
    exit_participant(exited, days_ago=365 - 20)  # the measure goes within the notice period

    response = client_for(users[Role.COORDINATOR]).get(reverse("participants:retention_due"))

    assert [p.pk for p in response.context["justice"]] == [exited.pk]
    assert response.context["files"] == []


def test_coordinators_see_open_files_without_activity_before_they_are_closed(
    client_for, users, settings
):
    participant = users["participant"]
    file_days, notice = settings.PACTE_RETENTION_DAYS["file"], settings.PACTE_RETENTION_NOTICE_DAYS
    quiet_since = timezone.now() - dt.timedelta(days=file_days - notice + 3)
    Participant.objects.filter(pk=participant.pk).update(
        updated_at=quiet_since, last_follow_up_on=quiet_since.date() - dt.timedelta(days=9)
    )
    participant.registrations.all().delete()

    response = client_for(users[Role.COORDINATOR]).get(reverse("participants:retention_due"))

    assert [p.pk for p in response.context["inactive"]] == [participant.pk]
    assert response.context["inactive"][0].last_activity == timezone.localdate(quiet_since)
    assert "Dossiers sans activité à clore" in response.content.decode()
    assert apply_retention()["inactive"] == 0  # not yet: listed ahead of closing


def test_a_file_with_a_recent_change_is_not_listed_as_inactive(client_for, users):
    response = client_for(users[Role.COORDINATOR]).get(reverse("participants:retention_due"))

    assert response.context["inactive"] == []
