import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from pacte.factories import UserFactory
from pacte.roles import Role
from participants.factories import JusticeMeasureFactory, ParticipantFactory, TaskFactory
from participants.models import OutcomeKind, Status, Task, TaskKind
from participants.services import outcome_record

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def participant(users):
    participant = users["participant"]
    participant.last_follow_up_on = TODAY - dt.timedelta(days=3)
    participant.save()
    return participant


def sibling(participant, **fields):
    return ParticipantFactory(
        programme_year=participant.programme_year,
        structure_in_charge=participant.structure_in_charge,
        referent=participant.referent,
        referred_by=participant.referred_by,
        **fields,
    )


def attention_of(client):
    response = client.get(reverse("participants:attention"))
    return {p.pk: p for p in response.context["page_obj"].object_list}


def test_no_follow_up_for_30_days_needs_attention(client_for, users, participant):
    stale = sibling(participant, last_follow_up_on=TODAY - dt.timedelta(days=31))
    recent = sibling(participant, last_follow_up_on=TODAY - dt.timedelta(days=30))
    never = sibling(participant, last_follow_up_on=None, enrolled_on=TODAY - dt.timedelta(days=40))
    exited = sibling(participant, last_follow_up_on=None, status=Status.EXITED)

    listed = attention_of(client_for(users[Role.COUNSELLOR]))

    assert stale.pk in listed and listed[stale.pk].stale
    assert never.pk in listed
    assert recent.pk not in listed
    assert exited.pk not in listed
    assert participant.pk not in listed


def test_a_justice_measure_ending_within_60_days_shows_only_to_those_who_may_read_it(
    client_for, users, participant
):
    JusticeMeasureFactory(participant=participant, ends_on=TODAY + dt.timedelta(days=60))
    colleague = UserFactory(role=Role.COUNSELLOR, structure=participant.structure_in_charge)

    referent_view = attention_of(client_for(users[Role.COUNSELLOR]))
    colleague_view = attention_of(client_for(colleague))
    pilot_view = attention_of(client_for(users[Role.PILOT]))

    assert referent_view[participant.pk].justice_ending
    assert pilot_view[participant.pk].justice_ending
    assert participant.pk not in colleague_view


def test_a_justice_measure_ending_later_does_not_need_attention(client_for, users, participant):
    JusticeMeasureFactory(participant=participant, ends_on=TODAY + dt.timedelta(days=61))

    assert participant.pk not in attention_of(client_for(users[Role.COUNSELLOR]))


def test_an_outcome_check_due_needs_attention_and_is_done_from_the_task_list(
    client_for, users, participant
):
    counsellor = users[Role.COUNSELLOR]
    outcome_record(
        by=counsellor,
        participant=participant,
        kind=OutcomeKind.CDI,
        starts_on=TODAY - dt.timedelta(days=190),
    )
    client = client_for(counsellor)

    assert attention_of(client)[participant.pk].check_due
    due = Task.objects.get(outcome__participant=participant, check_months=6)
    tasks = client.get(reverse("participants:tasks")).context["page_obj"].object_list
    assert due in tasks

    client.post(reverse("participants:task_complete", args=[due.pk]), {"maintained": "1"})

    due.refresh_from_db()
    assert due.done_at is not None and due.maintained is True


def test_an_outcome_check_needs_an_answer(client_for, users, participant):
    counsellor = users[Role.COUNSELLOR]
    outcome_record(
        by=counsellor,
        participant=participant,
        kind=OutcomeKind.CDI,
        starts_on=TODAY - dt.timedelta(days=100),
    )
    check = Task.objects.get(check_months=3)

    client_for(counsellor).post(reverse("participants:task_complete", args=[check.pk]))

    check.refresh_from_db()
    assert check.done_at is None


def test_the_task_list_shows_my_open_tasks_with_overdue_ones(client_for, users, participant):
    mine = TaskFactory(participant=participant, due_on=TODAY - dt.timedelta(days=1))
    someone_elses = TaskFactory(
        participant=participant, assignee=UserFactory(structure=participant.structure_in_charge)
    )

    response = client_for(users[Role.COUNSELLOR]).get(reverse("participants:tasks"))

    tasks = list(response.context["page_obj"].object_list)
    assert mine in tasks and someone_elses not in tasks
    assert "En retard" in response.content.decode()


def test_the_task_completion_redirect_stays_on_this_site(client_for, users, participant):
    task = TaskFactory(participant=participant, kind=TaskKind.OTHER)

    response = client_for(users[Role.COUNSELLOR]).post(
        reverse("participants:task_complete", args=[task.pk]), {"next": "https://evil.example"}
    )

    assert response["Location"] == reverse("participants:tasks")


def read_csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_csv_export_has_the_filtered_rows_and_neutralises_formulas(
    client_for, users, participant
):
    participant.last_name = '=HYPERLINK("http://x")'
    participant.save()
    sibling(participant, status=Status.SUSPENDED)

    response = client_for(users[Role.COORDINATOR]).get(
        reverse("participants:export", args=["csv"]), {"status": Status.ACTIVE}
    )

    rows = read_csv(response)
    assert rows[0][:3] == ["Nom", "Prénom", "Date de naissance"]
    assert "Mesure de justice" in rows[0]
    assert len(rows) == 2
    assert rows[1][0].startswith("'=")


def test_the_xlsx_export_has_typed_dates_a_frozen_header_and_justice_for_the_pilot(
    client_for, users, participant
):
    JusticeMeasureFactory(participant=participant, ends_on=dt.date(2027, 5, 1))

    response = client_for(users[Role.PILOT]).get(reverse("participants:export", args=["xlsx"]))

    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    headers = [cell.value for cell in sheet[1]]
    row = [cell.value for cell in sheet[2]]
    assert sheet.freeze_panes == "A2"
    assert isinstance(row[headers.index("Date de naissance")], dt.datetime)
    assert row[headers.index("Mesure de justice")] == "Semi-liberté"
    assert row[headers.index("Fin de la mesure")] == dt.datetime(2027, 5, 1)


def test_phones_are_exported_as_people_write_them(client_for, users, participant):
    participant.phone = "+33616001267"
    participant.save()

    response = client_for(users[Role.COORDINATOR]).get(reverse("participants:export", args=["csv"]))

    rows = read_csv(response)
    assert rows[1][rows[0].index("Téléphone")] == "06 16 00 12 67"


def test_counsellors_and_administrators_cannot_export(client_for, users):
    for role in (Role.COUNSELLOR, Role.ADMINISTRATOR):
        url = reverse("participants:export", args=["xlsx"])
        assert client_for(users[role]).get(url).status_code == 403


def test_a_coordinator_hands_a_participant_over_and_sets_a_stand_in(client_for, users, participant):
    client = client_for(users[Role.COORDINATOR])
    new_referent = UserFactory(role=Role.COUNSELLOR, structure=participant.structure_in_charge)
    stand_in = UserFactory(role=Role.COUNSELLOR, structure=participant.structure_in_charge)

    client.post(
        reverse("participants:hand_over", args=[participant.pk]),
        {"to_referent": new_referent.pk, "reason": "Départ en congé"},
    )
    client.post(
        reverse("participants:stand_in", args=[participant.pk]),
        {"stand_in": stand_in.pk, "stand_in_until": (TODAY + dt.timedelta(days=10)).isoformat()},
    )

    participant.refresh_from_db()
    assert participant.referent == new_referent
    assert participant.referent_changes.get().reason == "Départ en congé"
    assert participant.stand_in == stand_in


def test_the_participants_list_filters_on_needs_attention(client_for, users, participant):
    stale = sibling(participant, last_follow_up_on=TODAY - dt.timedelta(days=45))

    response = client_for(users[Role.COORDINATOR]).get(
        reverse("participants:list"), {"attention": "true"}
    )

    assert [p.pk for p in response.context["page_obj"].object_list] == [stale.pk]


def test_a_done_outcome_check_appears_in_the_timeline(client_for, users, participant):
    counsellor = users[Role.COUNSELLOR]
    outcome_record(
        by=counsellor,
        participant=participant,
        kind=OutcomeKind.TRAINING,
        starts_on=TODAY - dt.timedelta(days=100),
    )
    check = Task.objects.get(check_months=3)
    client = client_for(counsellor)
    client.post(reverse("participants:task_complete", args=[check.pk]), {"maintained": "0"})

    timeline = client.get(reverse("participants:detail", args=[participant.pk])).context["timeline"]

    assert any(
        entry.kind == "check" and entry.text == "La solution a pris fin" for entry in timeline
    )


def test_a_plan_action_moves_to_done(client_for, users, participant):
    action = users["plan_action"]

    client_for(users[Role.COUNSELLOR]).post(
        reverse("participants:plan_action_update", args=[participant.pk, action.pk]),
        {"category": action.category, "description": action.description, "status": "done"},
    )

    action.refresh_from_db()
    assert action.status == "done"
