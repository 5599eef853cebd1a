"""Each role's home page answers its first question of the day (ux.md, issue #14):
the coordinator where the year stands and what needs doing today, the pilot the next
Cellule Emploi and the headline figures, the counsellor whom to call, and everyone on
a check-in team today the way to the check-in."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event, EventStatus
from events.permissions import is_check_in_staff
from pacte.factories import UserFactory
from pacte.models import AccessLog, ProgrammeYear
from pacte.roles import Role
from participants.factories import ParticipantFactory, ProgrammeYearFactory, TaskFactory
from participants.models import AgendaItem, CellMeeting, Participant, Status, TaskKind
from steering.home import week_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def year(users, paris, today):
    """This calendar year's programme in Paris: 40 young people and 4 Café-métiers."""
    year = ProgrammeYearFactory(territory=paris, year=today.year)
    ProgrammeYear.objects.filter(pk=year.pk).update(target_participants=40, target_events=4)
    Participant.objects.filter(pk=users["participant"].pk).update(programme_year=year)
    year.refresh_from_db()
    return year


def event_on(territory, day, by, *, title="Café-métiers", status=EventStatus.OPEN, hour=14):
    return Event.objects.create(
        territory=territory,
        title=title,
        date=day,
        starts_at=dt.time(hour),
        ends_at=dt.time(hour + 3),
        venue="Préfecture de Paris",
        address="5 rue Leblanc, 75015 Paris",
        capacity=65,
        status=status,
        created_by=by,
    )


def another_day_of_the_week(today):
    monday, sunday = week_of(today)
    return monday if today != monday else sunday


def home(client_for, user):
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    return response, response.content.decode()


# Coordinator ---------------------------------------------------------------------------


def test_the_coordinator_sees_the_year_against_its_targets(client_for, users, paris, year, today):
    for _ in range(9):
        ParticipantFactory(programme_year=year, status=Status.ACTIVE)
    ParticipantFactory(programme_year=year, status=Status.REFERRED)  # not followed yet
    event_on(paris, today, users[Role.COORDINATOR], status=EventStatus.DONE)  # held today

    response, content = home(client_for, users[Role.COORDINATOR])

    figures = response.context["figures"]
    assert (figures["followed"], figures["target"], figures["followed_rate"]) == (10, 40, 25)
    assert (figures["events_held"], figures["events_target"], figures["events_rate"]) == (1, 4, 25)
    assert "sur un objectif de 40 (25 %)" in content
    assert 'max="40" value="10"' in content
    assert 'max="4" value="1"' in content
    assert reverse("dashboard") in content


def test_without_this_years_programme_the_coordinator_is_asked_to_open_it(
    client_for, users, paris, today
):
    ProgrammeYear.objects.filter(territory=paris, year=today.year).update(year=today.year - 1)

    response, content = home(client_for, users[Role.COORDINATOR])

    assert response.context["figures"] is None
    assert f"L’année {today.year} du programme n’est pas encore ouverte" in content
    assert reverse("programme_years:list") in content


def test_the_coordinator_sees_todays_and_this_weeks_cafes_metiers_of_the_territory(
    client_for, users, paris, other_territory, year, today
):
    coordinator = users[Role.COORDINATOR]
    todays = event_on(paris, today, coordinator, title="Café-métiers du jour")
    this_week = event_on(paris, another_day_of_the_week(today), coordinator, title="Plus tard")
    event_on(paris, week_of(today)[1] + dt.timedelta(days=1), coordinator, title="Semaine pro")
    event_on(other_territory, today, users["other_coordinator"], title="Ailleurs")

    response, content = home(client_for, coordinator)

    assert [e.pk for e in response.context["today_events"]] == [todays.pk]
    assert [e.pk for e in response.context["week_events"]] == [this_week.pk]
    assert reverse("events:detail", args=[todays.pk]) in content
    assert reverse("events:detail", args=[this_week.pk]) in content
    assert "Semaine pro" not in content and "Ailleurs" not in content


def test_the_coordinator_sees_how_many_young_people_need_attention(
    client_for, users, paris, other_territory, year, today
):
    for _ in range(2):
        ParticipantFactory(programme_year=year)  # enrolled 60 days ago, never seen
    seen = ParticipantFactory(programme_year=year)
    Participant.objects.filter(pk=seen.pk).update(last_follow_up_on=today)
    ParticipantFactory(programme_year=ProgrammeYearFactory(territory=other_territory))

    response, content = home(client_for, users[Role.COORDINATOR])

    # The fixture's participant and the two never seen.
    assert response.context["attention_count"] == 3
    assert "3 jeunes à suivre" in content
    assert reverse("participants:attention") in content


def test_the_coordinator_sees_their_tasks_due_today_or_overdue(client_for, users, year, today):
    coordinator, participant = users[Role.COORDINATOR], users["participant"]
    due = TaskFactory(participant=participant, assignee=coordinator, due_on=today, title="Appel")
    late = TaskFactory(
        participant=participant,
        assignee=coordinator,
        due_on=today - dt.timedelta(days=3),
        title="Relance",
    )
    TaskFactory(participant=participant, assignee=coordinator, due_on=today + dt.timedelta(2))
    TaskFactory(participant=participant, due_on=today)  # the referent's, not theirs
    TaskFactory(participant=participant, assignee=coordinator, due_on=today, done_at=timezone.now())

    response, content = home(client_for, coordinator)

    assert [t.pk for t in response.context["tasks_due"]] == [late.pk, due.pk]
    assert response.context["tasks_due_count"] == 2
    assert "En retard" in content
    assert reverse("participants:detail", args=[participant.pk]) in content
    assert reverse("participants:tasks") in content


def test_the_coordinators_home_logs_the_tasks_it_names(client_for, users, year, today):
    coordinator = users[Role.COORDINATOR]
    TaskFactory(participant=users["participant"], assignee=coordinator, due_on=today)

    home(client_for, coordinator)

    entry = AccessLog.objects.get(user=coordinator, object_type="task")
    assert (entry.action, entry.row_count) == ("list", 1)


def test_a_coordinators_home_naming_nobody_logs_nothing(client_for, users, year):
    home(client_for, users[Role.COORDINATOR])

    assert not AccessLog.objects.filter(user=users[Role.COORDINATOR]).exists()


def test_the_coordinators_home_keeps_a_fixed_number_of_queries(
    client_for, users, paris, year, today, django_assert_max_num_queries
):
    coordinator, participant = users[Role.COORDINATOR], users["participant"]
    client = client_for(coordinator)
    client.get(reverse("home"))  # the session's first request writes its timestamps

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("home")).status_code == 200
        return len(captured)

    event_on(paris, today, coordinator)
    TaskFactory(participant=participant, assignee=coordinator, due_on=today)
    few = queries()
    for hour in range(9, 14):
        event_on(paris, today, coordinator, hour=hour)
        event_on(paris, another_day_of_the_week(today), coordinator, hour=hour)
    for days in range(12):
        TaskFactory(
            participant=ParticipantFactory(programme_year=year),
            assignee=coordinator,
            due_on=today - dt.timedelta(days=days),
        )

    with django_assert_max_num_queries(14):
        assert client.get(reverse("home")).status_code == 200
    assert queries() == few


# Pilot ---------------------------------------------------------------------------------


def meeting(territory, pilot, held_on, **fields):
    return CellMeeting.objects.create(territory=territory, held_on=held_on, pilot=pilot, **fields)


def test_the_pilot_sees_the_next_meeting_and_its_cases(
    client_for, users, paris, other_territory, year, today
):
    pilot = users[Role.PILOT]
    next_one = meeting(paris, pilot, today + dt.timedelta(days=5), starts_at=dt.time(10))
    for index, withdrawn in enumerate([False, False, True]):
        AgendaItem.objects.create(
            meeting=next_one,
            participant=ParticipantFactory(programme_year=year),
            position=index,
            withdrawn=withdrawn,
        )
    meeting(paris, pilot, today - dt.timedelta(days=3))  # past
    meeting(paris, pilot, today + dt.timedelta(days=1), closed_at=timezone.now())  # closed
    meeting(paris, pilot, today + dt.timedelta(days=20))  # after it
    meeting(other_territory, UserFactory(role=Role.PILOT), today + dt.timedelta(days=1))

    response, content = home(client_for, pilot)

    assert response.context["next_meeting"].pk == next_one.pk
    assert "2 cas à examiner" in content
    assert reverse("cell:detail", args=[next_one.pk]) in content


def test_without_a_meeting_planned_the_pilot_may_prepare_one(client_for, users, year):
    response, content = home(client_for, users[Role.PILOT])

    assert response.context["next_meeting"] is None
    assert "Aucune réunion n’est prévue." in content
    assert reverse("cell:create") in content


def test_the_pilot_sees_the_dashboards_four_headline_figures(client_for, users, paris, year, today):
    for _ in range(3):
        ParticipantFactory(programme_year=year, status=Status.ACTIVE)

    response, content = home(client_for, users[Role.PILOT])

    assert response.context["figures"]["followed"] == 4
    for title in ("Jeunes suivis", "Café-métiers tenus", "Taux de présence", "Taux d’absence"):
        assert f'<p class="fr-tile__desc">{title}</p>' in content
    assert reverse("dashboard") in content


# Counsellor ----------------------------------------------------------------------------


def test_each_young_person_to_call_has_their_phone_one_tap_away_on_its_own_line(client_for, users):
    participant = users["participant"]  # enrolled 60 days ago, never seen: to call

    response, content = home(client_for, users[Role.COUNSELLOR])

    assert participant.pk in [p.pk for p in response.context["my_attention"]]
    calls = content[content.index("Mes jeunes à appeler") : content.index("Mes prochains")]
    assert '<p class="fr-mb-0 pacte-home-phone"><a class="fr-btn' in calls
    assert 'href="tel:+33612345678"' in calls
    assert f"Appeler {participant} au </span>06 12 34 56 78</a></p>" in calls


def test_the_counsellor_sees_the_next_contacts_they_planned(client_for, users, today):
    counsellor, participant = users[Role.COUNSELLOR], users["participant"]
    planned = TaskFactory(
        participant=participant,
        kind=TaskKind.NEXT_CONTACT,
        title=f"Prochain contact avec {participant.first_name}",
        due_on=today + dt.timedelta(days=3),
    )
    TaskFactory(
        participant=participant,
        kind=TaskKind.NEXT_CONTACT,
        due_on=today,
        done_at=timezone.now(),
    )
    colleague = UserFactory(role=Role.COUNSELLOR, structure=counsellor.structure)
    TaskFactory(participant=participant, assignee=colleague, kind=TaskKind.NEXT_CONTACT)

    response, content = home(client_for, counsellor)

    assert [t.pk for t in response.context["my_next_contacts"]] == [planned.pk]
    contacts = content[content.index("Mes prochains contacts") : content.index("Mes sorties")]
    assert str(participant) in contacts
    assert 'href="tel:+33612345678"' in contacts


# Émargement du jour --------------------------------------------------------------------


def test_a_counsellor_on_todays_check_in_team_finds_the_check_in_first(
    client_for, users, cafe_metiers
):
    event = cafe_metiers["event"]

    response, content = home(client_for, users[Role.COUNSELLOR])

    assert [e.pk for e in response.context["check_in_events"]] == [event.pk]
    assert reverse("events:check_in", args=[event.pk]) in content
    assert content.index("Émargement du jour") < content.index("Mes jeunes à appeler")


def test_nobody_off_the_team_or_off_the_day_gets_the_check_in_entry(
    client_for, users, paris, today, cafe_metiers
):
    colleague = UserFactory(role=Role.COUNSELLOR, structure=users[Role.COUNSELLOR].structure)
    tomorrow = event_on(paris, today + dt.timedelta(days=1), users[Role.COORDINATOR])
    tomorrow.staff.add(colleague)

    for user in (colleague, users[Role.PILOT], users["other_coordinator"]):
        response, content = home(client_for, user)
        assert response.context["check_in_events"] == [], user
        assert "Émargement du jour" not in content


def test_a_coordinator_finds_the_check_in_of_each_of_todays_events(
    client_for, users, paris, today, cafe_metiers
):
    second = event_on(paris, today, users[Role.COORDINATOR], hour=9)

    response, content = home(client_for, users[Role.COORDINATOR])

    assert [e.pk for e in response.context["check_in_events"]] == [
        second.pk,
        cafe_metiers["event"].pk,
    ]
    for event in (second, cafe_metiers["event"]):
        assert reverse("events:check_in", args=[event.pk]) in content


def test_the_check_in_entry_follows_the_check_in_rule(client_for, users, paris, today):
    """The home's query and events.permissions.is_check_in_staff say the same."""
    coordinator = users[Role.COORDINATOR]
    staff = users[Role.COUNSELLOR]
    events = [
        event_on(paris, today, coordinator),
        event_on(paris, today, coordinator, hour=9),
        event_on(paris, today + dt.timedelta(days=1), coordinator),
        event_on(paris, today - dt.timedelta(days=1), coordinator),
    ]
    for event in (events[0], events[2], events[3]):
        event.staff.add(staff)
    people = [
        coordinator,
        staff,
        users[Role.PILOT],
        users[Role.RECRUITER],
        users["other_coordinator"],
        UserFactory(role=Role.COUNSELLOR, structure=staff.structure),
    ]

    for user in people:
        shown = {e.pk for e in home(client_for, user)[0].context["check_in_events"]}
        assert shown == {e.pk for e in events if is_check_in_staff(user, e)}, user
