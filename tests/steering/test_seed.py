import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from events.models import Registration
from pacte.factories import DEMO_PASSWORD
from pacte.models import Structure, Territory, User
from pacte.roles import Role
from participants.models import FollowUp, Participant, Status
from steering.demo import DEMO_ACCOUNTS
from tests.helpers import password_login

pytestmark = pytest.mark.django_db

EXPECTED_ROLES = {
    "admin": Role.ADMINISTRATOR,
    "coordination": Role.COORDINATOR,
    "pilote": Role.PILOT,
    "conseiller": Role.COUNSELLOR,
    "conseiller2": Role.COUNSELLOR,
    "recruteur": Role.RECRUITER,
    "coordination2": Role.COORDINATOR,
}


def snapshot():
    return {
        "territories": list(Territory.objects.order_by("pk").values()),
        "structures": list(Structure.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values()),
        "participants": list(Participant.objects.order_by("pk").values()),
        "follow_ups": list(FollowUp.objects.order_by("pk").values()),
        "registrations": list(Registration.objects.order_by("pk").values()),
    }


@override_settings(DEBUG=True)
def test_seed_builds_the_communique_partners_and_one_account_per_role(capsys):
    call_command("seed_demo")

    for username, role in EXPECTED_ROLES.items():
        account = User.objects.get(username=username)
        assert account.role == role
        assert account.check_password(DEMO_PASSWORD)
    paris = Territory.objects.get(code="75")
    names = set(paris.structures.values_list("name", flat=True))
    for company in ["Lidl", "Carrefour", "Galeries Lafayette", "Akor-Alternance", "CLJT Didot"]:
        assert company in names
    assert User.objects.get(username="conseiller").structure.name == "Mission locale de Paris"
    assert User.objects.get(username="conseiller2").structure.territory == paris
    assert User.objects.get(username="conseiller2").structure.name != "Mission locale de Paris"
    assert User.objects.get(username="coordination2").structure.territory.code == "93"
    output = capsys.readouterr().out
    assert "http://127.0.0.1:8000" in output
    for username, *_ in DEMO_ACCOUNTS:
        assert username in output


@override_settings(DEBUG=True)
def test_seed_twice_changes_nothing():
    call_command("seed_demo")
    first = snapshot()

    call_command("seed_demo")

    assert snapshot() == first


@override_settings(DEBUG=False)
def test_seed_refuses_to_run_when_debug_is_off():
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()


@override_settings(DEBUG=True)
def test_demo_accounts_log_in(client):
    call_command("seed_demo")

    for username in EXPECTED_ROLES:
        assert password_login(client, username, DEMO_PASSWORD), username
        client.logout()


@override_settings(DEBUG=True)
def test_seed_has_participants_in_every_status_with_follow_up_histories():
    call_command("seed_demo")

    statuses = set(Participant.objects.values_list("status", flat=True))
    assert statuses == set(Status)
    assert (
        FollowUp.objects.count() >= 2 * Participant.objects.exclude(status=Status.REFERRED).count()
    )


@override_settings(DEBUG=True)
def test_seed_has_a_past_cafe_metiers_with_65_present_and_an_upcoming_one():
    from django.utils import timezone

    from events.models import Event

    call_command("seed_demo")

    past = Event.objects.get(date__lt=timezone.localdate())
    upcoming = Event.objects.get(date__gt=timezone.localdate())
    assert past.registrations.filter(status="present").count() == 65
    assert past.partners.count() == 5
    assert past.tables.count() == 5
    assert past.tables.filter(interviews__outcome="hire").exists()
    assert upcoming.registrations.exists()


@override_settings(DEBUG=True)
def test_the_demo_has_a_cafe_metiers_today_with_walk_ins_to_admit():
    from django.utils import timezone

    from events.models import Event
    from participants.models import Participant

    call_command("seed_demo")

    today = Event.objects.get(date=timezone.localdate())
    assert today.staff.filter(username="conseiller").exists()
    assert today.registrations.filter(status="present").exists()
    assert today.registrations.filter(status="waiting").exists()
    walk_ins = Participant.objects.filter(territory=today.territory).exclude(
        registrations__event=today
    )
    assert walk_ins.exists()


@override_settings(DEBUG=True)
def test_the_demo_files_sit_in_their_years_and_the_second_territory_has_one_to_open():
    from django.db.models import F

    from pacte.models import ProgrammeYear, misfit_accounts_q

    call_command("seed_demo")

    assert not Participant.objects.exclude(programme_year__year=F("enrolled_on__year")).exists()
    paris_years = ProgrammeYear.objects.filter(territory__code="75")
    assert paris_years.get(year=2018).is_open is False
    assert paris_years.open().exists()
    assert not ProgrammeYear.objects.filter(territory__code="93").exists()
    assert not User.objects.filter(misfit_accounts_q()).exists()
