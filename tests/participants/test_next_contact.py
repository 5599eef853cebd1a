"""« Prochain contact le »: the date a counsellor notes with a follow-up is a task due that
day for them, one at a time per young person, and it shows on the timeline."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pacte.models import AccessLog
from pacte.roles import Role
from pacte.templatetags.pacte_tags import long_date
from participants import services
from participants.models import FollowUp, FollowUpKind, Task, TaskKind
from participants.selectors import participant_timeline

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 15)


@pytest.fixture
def today(monkeypatch):
    """Freeze the services' idea of today (they ask timezone.localdate())."""
    real_localdate = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real_localdate(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return TODAY


@pytest.fixture
def participant(users):
    participant = users["participant"]
    participant.first_name, participant.last_name = "Inès", "Camara"
    participant.enrolled_on = dt.date(2026, 3, 2)
    participant.save()
    return participant


@pytest.fixture
def referent(users):
    return users[Role.COUNSELLOR]


def log(by, participant, *, next_contact_on=None, happened_on=TODAY, summary="Appel"):
    return services.follow_up_log(
        by=by,
        participant=participant,
        happened_on=happened_on,
        kind=FollowUpKind.PHONE,
        summary=summary,
        next_contact_on=next_contact_on,
    )


def next_contacts(participant):
    return Task.objects.filter(participant=participant, kind=TaskKind.NEXT_CONTACT)


def test_a_next_contact_date_is_a_task_due_that_day_for_the_author(today, participant, referent):
    log(referent, participant, next_contact_on=dt.date(2026, 3, 22))

    task = next_contacts(participant).get()
    assert (task.due_on, task.assignee, task.done_at) == (dt.date(2026, 3, 22), referent, None)
    assert task.title == "Prochain contact avec Inès"


def test_a_follow_up_without_a_next_contact_plans_no_task(today, participant, referent):
    log(referent, participant)

    assert not next_contacts(participant).exists()


def test_a_later_date_replaces_the_open_next_contact_instead_of_piling_up(
    today, participant, referent
):
    log(referent, participant, next_contact_on=dt.date(2026, 3, 22))
    log(referent, participant, next_contact_on=dt.date(2026, 4, 2))

    task = next_contacts(participant).get()
    assert task.due_on == dt.date(2026, 4, 2)


def test_a_follow_up_without_a_date_leaves_the_open_next_contact(today, participant, referent):
    log(referent, participant, next_contact_on=dt.date(2026, 3, 22))
    log(referent, participant, summary="SMS de rappel")

    task = next_contacts(participant).get()
    assert (task.due_on, task.done_at) == (dt.date(2026, 3, 22), None)


def test_once_the_contact_is_done_a_new_date_is_a_new_task(today, participant, referent):
    log(referent, participant, next_contact_on=dt.date(2026, 3, 15))
    services.task_complete(by=referent, task=next_contacts(participant).get())

    log(referent, participant, next_contact_on=dt.date(2026, 3, 29))

    done, open_ = next_contacts(participant).order_by("pk")
    assert done.done_at is not None and done.due_on == dt.date(2026, 3, 15)
    assert open_.done_at is None and open_.due_on == dt.date(2026, 3, 29)


def test_the_latest_author_of_a_date_is_the_one_the_next_contact_waits_for(
    today, users, participant, referent
):
    log(referent, participant, next_contact_on=dt.date(2026, 3, 22))
    log(users[Role.COORDINATOR], participant, next_contact_on=dt.date(2026, 3, 25))

    task = next_contacts(participant).get()
    assert (task.assignee, task.due_on) == (users[Role.COORDINATOR], dt.date(2026, 3, 25))


def test_the_next_contact_is_written_with_the_follow_up_or_not_at_all(
    today, participant, referent, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("la base refuse la tâche")

    monkeypatch.setattr(Task.objects, "create", broken)

    with pytest.raises(RuntimeError):
        log(referent, participant, next_contact_on=dt.date(2026, 3, 22))

    assert not FollowUp.objects.filter(participant=participant).exists()
    participant.refresh_from_db()
    assert participant.last_follow_up_on is None


def test_planning_a_next_contact_is_in_the_access_log(today, participant, referent):
    log(referent, participant, next_contact_on=dt.date(2026, 3, 22))

    assert AccessLog.objects.filter(
        user=referent, object_type="task", participant_id=participant.pk, action="create"
    ).exists()


def test_the_timeline_shows_the_next_contact_planned_by_a_follow_up(today, participant, referent):
    log(referent, participant, next_contact_on=dt.date(2026, 3, 22), summary="Appel du jour")
    log(referent, participant, summary="SMS", happened_on=dt.date(2026, 3, 14))

    entries = {e.text: e for e in participant_timeline(participant) if e.kind == "follow_up"}
    assert entries["Appel du jour"].next_contact_on == dt.date(2026, 3, 22)
    assert entries["SMS"].next_contact_on is None


def test_a_follow_up_posted_with_a_next_contact_plans_it_and_the_page_says_so(
    client_for, participant, referent
):
    day = timezone.localdate()
    next_day = day + dt.timedelta(days=7)
    client = client_for(referent)

    response = client.post(
        reverse("participants:follow_up_create", args=[participant.pk]),
        {
            "happened_on": day.isoformat(),
            "kind": "phone",
            "summary": "Appel du jour",
            "next_contact_on": next_day.isoformat(),
        },
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert next_contacts(participant).get().due_on == next_day
    shown = response.context["timeline"][0].next_contact_on
    assert shown == next_day
    content = response.content.decode()
    assert f"Prochain contact prévu le {long_date(next_day)}" in content
