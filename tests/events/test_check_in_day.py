"""The event day at the door (#14 items 3, 4, 6): check-in on the day only and only for
those expected, a mistake undone by the same team, walk-ins found or filed in one screen."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import RegistrationStatus
from pacte.factories import StructureFactory, UserFactory
from pacte.models import AccessLog
from pacte.roles import Role
from participants.factories import ParticipantFactory, ProgrammeYearFactory
from participants.models import Participant, Status, Task

pytestmark = pytest.mark.django_db
R = RegistrationStatus


@pytest.fixture
def day(users, cafe_metiers):
    return {**users, **cafe_metiers}


def check_in_url(event):
    return reverse("events:check_in", args=[event.pk])


def test_before_the_day_the_check_in_screen_says_when_it_opens(client_for, day):
    event = day["event"]
    event.date = timezone.localdate() + dt.timedelta(days=3)
    event.save()

    page = client_for(day[Role.COUNSELLOR]).get(check_in_url(event))

    assert page.status_code == 200
    assert "L’émargement ouvre le jour du Café-métiers" in page.content.decode()
    mark = reverse("events:check_in_mark", args=[day["registration"].pk])
    assert mark not in page.content.decode()


def test_a_counsellor_not_on_the_team_gets_no_check_in_screen(client_for, day):
    outsider = UserFactory(role=Role.COUNSELLOR, structure=day[Role.COUNSELLOR].structure)

    assert client_for(outsider).get(check_in_url(day["event"])).status_code == 404


def test_after_the_day_the_coordination_is_sent_to_the_paper_sheet(client_for, day):
    event = day["event"]
    event.date = timezone.localdate() - dt.timedelta(days=1)
    event.save()

    page = client_for(day[Role.COORDINATOR]).get(check_in_url(event)).content.decode()

    assert "a eu lieu" in page
    assert reverse("events:attendance", args=[event.pk]) in page


def test_a_tap_sends_back_the_row_and_the_counter_at_once(client_for, day):
    client = client_for(day[Role.COUNSELLOR])
    registration = day["registration"]

    row = client.post(
        reverse("events:check_in_mark", args=[registration.pk]), headers={"HX-Request": "true"}
    ).content.decode()

    assert f'id="inscription-{registration.pk}"' in row
    assert 'id="compteurs" hx-swap-oob="true"' in row
    assert "2 présents sur 2 attendus" in row


def test_the_waiting_list_is_not_checked_in_by_a_tap(client_for, day):
    registration = day["registration"]
    registration.status, registration.waitlisted_at = R.WAITING, timezone.now()
    registration.save()
    client = client_for(day[Role.COUNSELLOR])

    page = client.get(check_in_url(day["event"])).content.decode()
    assert reverse("events:check_in_mark", args=[registration.pk]) not in page
    row = client.post(
        reverse("events:check_in_mark", args=[registration.pk]), headers={"HX-Request": "true"}
    ).content.decode()

    registration.refresh_from_db()
    assert registration.status == R.WAITING
    assert "admettez-le" in row


def test_a_check_in_by_mistake_is_undone_the_same_day_and_logged(client_for, day):
    registration = day["present_registration"]
    client = client_for(day[Role.COUNSELLOR])

    row = client.post(
        reverse("events:check_in_undo", args=[registration.pk]), headers={"HX-Request": "true"}
    ).content.decode()

    registration.refresh_from_db()
    assert registration.status == R.INVITED and registration.checked_in_at is None
    assert "0 présent sur 2 attendus" in row
    assert AccessLog.objects.filter(
        user=day[Role.COUNSELLOR], object_type="registration", object_id=registration.pk
    ).exists()


def test_a_walk_in_undone_frees_the_place(client_for, day):
    walk_in = ParticipantFactory(programme_year=day["participant"].programme_year)
    client = client_for(day[Role.COUNSELLOR])
    client.post(
        reverse("events:walk_in", args=[day["event"].pk]),
        {"participant": walk_in.pk, "naissance": walk_in.birth_date.isoformat()},
    )
    registration = day["event"].registrations.get(participant=walk_in)
    assert registration.status == R.PRESENT

    client.post(reverse("events:check_in_undo", args=[registration.pk]))

    registration.refresh_from_db()
    assert registration.status == R.CANCELLED


def test_undoing_is_for_the_day_only(client_for, day):
    event, registration = day["event"], day["present_registration"]
    event.date = timezone.localdate() - dt.timedelta(days=1)
    event.save()

    client_for(day[Role.COORDINATOR]).post(reverse("events:check_in_undo", args=[registration.pk]))

    registration.refresh_from_db()
    assert registration.status == R.PRESENT


# Walk-ins -----------------------------------------------------------------------------


@pytest.fixture
def elsewhere(day):
    """A young person followed by another structure, unknown to the counsellor at the door."""
    other = StructureFactory(territory=day["event"].territory, name="PJJ de Paris", kind="pjj")
    return ParticipantFactory(
        programme_year=day["participant"].programme_year,
        first_name="Yanis",
        last_name="Benali",
        structure_in_charge=other,
        referent=UserFactory(role=Role.COUNSELLOR, structure=other),
        email="yanis@example.org",
    )


def test_the_door_finds_a_file_of_the_territory_by_name_and_birth_date(client_for, day, elsewhere):
    client = client_for(day[Role.COUNSELLOR])
    url = check_in_url(day["event"])

    page = client.get(
        url, {"nom": "benali", "naissance": elsewhere.birth_date.isoformat()}
    ).content.decode()
    by_name_only = client.get(url, {"nom": "benali", "naissance": ""}).content.decode()

    assert "BENALI Yanis" in page and "suivi par PJJ de Paris" in page
    assert "yanis@example.org" not in page and "06 12 34 56 78" not in page
    assert "BENALI" not in by_name_only
    assert "Date de naissance" in by_name_only and "obligatoire" in by_name_only


def test_a_counsellor_on_the_team_admits_a_walk_in_found(client_for, day, elsewhere):
    client_for(day[Role.COUNSELLOR]).post(
        reverse("events:walk_in", args=[day["event"].pk]),
        {"participant": elsewhere.pk, "naissance": elsewhere.birth_date.isoformat()},
    )

    registration = day["event"].registrations.get(participant=elsewhere)
    assert registration.status == R.PRESENT and registration.walk_in


def test_the_door_cannot_admit_a_file_by_its_id_alone(client_for, day, elsewhere):
    client = client_for(day[Role.COUNSELLOR])
    url = reverse("events:walk_in", args=[day["event"].pk])

    client.post(url, {"participant": elsewhere.pk})
    client.post(url, {"participant": elsewhere.pk, "naissance": "2001-01-01"})

    assert not day["event"].registrations.filter(participant=elsewhere).exists()


@pytest.fixture
def new_file(day):
    ProgrammeYearFactory(territory=day["event"].territory, year=timezone.localdate().year)
    referrer = StructureFactory(territory=day["event"].territory, name="SPIP de Paris", kind="spip")
    birth = timezone.localdate().replace(year=timezone.localdate().year - 19, day=1)
    return {
        "first_name": "Inès",
        "last_name": "Morel",
        "birth_date": birth.isoformat(),
        "phone": "06 11 22 33 44",
        "referred_by": referrer.pk,
    }


def test_without_a_file_a_short_form_files_and_checks_in_at_once(client_for, day, new_file):
    client = client_for(day[Role.COUNSELLOR])

    response = client.post(reverse("events:walk_in_create", args=[day["event"].pk]), new_file)

    assert response.status_code == 302
    participant = Participant.objects.get(last_name="Morel")
    assert participant.status == Status.REFERRED
    assert participant.phone == "+33611223344"
    assert participant.referent == day[Role.COORDINATOR]  # the event's coordinator
    registration = day["event"].registrations.get(participant=participant)
    assert registration.status == R.PRESENT and registration.walk_in
    task = Task.objects.get(participant=participant)
    assert task.assignee == day[Role.COORDINATOR] and "Compléter le dossier" in task.title


def test_the_short_form_shows_every_error_next_to_its_field_in_one_pass(client_for, day, new_file):
    page = client_for(day[Role.COUNSELLOR]).post(
        reverse("events:walk_in_create", args=[day["event"].pk]),
        {**new_file, "first_name": "", "birth_date": "", "phone": "12"},
    )

    form = page.context["walk_in_file_form"]
    assert set(form.errors) == {"first_name", "birth_date", "phone"}
    assert not Participant.objects.filter(last_name="Morel").exists()


def test_a_walk_in_out_of_age_is_told_next_to_the_birth_date(client_for, day, new_file):
    too_old = timezone.localdate().replace(year=timezone.localdate().year - 30, day=1)

    page = client_for(day[Role.COUNSELLOR]).post(
        reverse("events:walk_in_create", args=[day["event"].pk]),
        {**new_file, "birth_date": too_old.isoformat()},
    )

    assert "16–25 ans" in page.context["walk_in_file_form"].errors["birth_date"][0]
    assert not Participant.objects.filter(last_name="Morel").exists()


def test_a_full_event_files_nobody_for_a_counsellor(client_for, day, new_file):
    event = day["event"]
    event.capacity = 2  # the two registrations hold both places
    event.save()

    client_for(day[Role.COUNSELLOR]).post(
        reverse("events:walk_in_create", args=[event.pk]), new_file
    )

    assert not Participant.objects.filter(last_name="Morel").exists()


def test_a_walk_in_never_gets_a_second_file(client_for, day, new_file, elsewhere):
    page = client_for(day[Role.COUNSELLOR]).post(
        reverse("events:walk_in_create", args=[day["event"].pk]),
        {
            **new_file,
            "first_name": "Yanis",
            "last_name": "BENALI",
            "birth_date": elsewhere.birth_date.isoformat(),
        },
    )

    assert "existe déjà" in page.context["walk_in_file_form"].errors["last_name"][0]
    assert Participant.objects.filter(last_name="Benali").count() == 1
