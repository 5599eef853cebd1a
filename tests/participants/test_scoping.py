"""Who sees, edits and reads the justice measure of a participant (domain.md, need-to-know).

Each rule is checked on both sides: the querysets every read starts from
(`Participant.objects.visible_to / editable_by / justice_visible_to`) and the
object rules of participants.permissions.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pacte.factories import StructureFactory, UserFactory
from pacte.models import StructureKind
from pacte.roles import Role
from participants import permissions
from participants.factories import ParticipantFactory, ProgrammeYearFactory, TaskFactory
from participants.models import Participant

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 15)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """Freeze the rules' idea of today (they ask timezone.localdate())."""
    real_localdate = timezone.localdate

    def localdate(value=None, timezone=None):
        if value is None:
            return TODAY
        return real_localdate(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return TODAY


@pytest.fixture
def spip(paris):
    return StructureFactory(territory=paris, name="SPIP de Paris", kind=StructureKind.SPIP)


@pytest.fixture
def participant(users, paris, mission_locale, spip):
    """Referred by the SPIP, in charge of the mission locale, followed by the counsellor."""
    return ParticipantFactory(
        programme_year=ProgrammeYearFactory(territory=paris),
        referred_by=spip,
        structure_in_charge=mission_locale,
        referent=users[Role.COUNSELLOR],
        enrolled_on=dt.date(2026, 1, 12),
    )


@pytest.fixture
def referent(users):
    return users[Role.COUNSELLOR]


@pytest.fixture
def colleague(mission_locale):
    """A counsellor of the structure in charge who is not the referent."""
    return UserFactory(role=Role.COUNSELLOR, structure=mission_locale)


@pytest.fixture
def spip_counsellor(spip):
    """A counsellor of the SPIP that referred the young person."""
    return UserFactory(role=Role.COUNSELLOR, structure=spip)


@pytest.fixture
def stranger(paris):
    """A counsellor of a structure of the territory with no link to the young person."""
    return UserFactory(
        role=Role.COUNSELLOR, structure=StructureFactory(territory=paris, name="Mission locale 2")
    )


@pytest.fixture
def elsewhere(other_territory):
    """A participant of the other territory."""
    return ParticipantFactory(
        programme_year=ProgrammeYearFactory(territory=other_territory),
        enrolled_on=dt.date(2026, 1, 12),
    )


def sees(user, participant):
    return Participant.objects.visible_to(user).filter(pk=participant.pk).exists()


def edits(user, participant):
    in_queryset = Participant.objects.editable_by(user).filter(pk=participant.pk).exists()
    assert in_queryset == permissions.can_edit_participant(user, participant)
    return in_queryset


def reads_justice(user, participant):
    in_queryset = Participant.objects.justice_visible_to(user).filter(pk=participant.pk).exists()
    assert in_queryset == permissions.can_view_justice(user, participant)
    return in_queryset


# Counsellors: the structure in charge and the referring structure


def test_the_referent_sees_edits_and_reads_the_justice_measure(referent, participant):
    assert sees(referent, participant)
    assert edits(referent, participant)
    assert reads_justice(referent, participant)
    assert permissions.can_edit_justice(referent, participant)


def test_a_colleague_of_the_referent_sees_and_edits_but_does_not_read_justice(
    colleague, participant
):
    assert sees(colleague, participant)
    assert edits(colleague, participant)
    assert not reads_justice(colleague, participant)
    assert not permissions.can_edit_justice(colleague, participant)


def test_the_referring_spip_keeps_sight_of_the_young_person_and_of_the_justice_measure(
    spip_counsellor, participant
):
    assert sees(spip_counsellor, participant)
    assert reads_justice(spip_counsellor, participant)


def test_the_referring_spip_neither_edits_the_file_nor_the_justice_measure(
    spip_counsellor, participant
):
    assert not edits(spip_counsellor, participant)
    assert not permissions.can_edit_justice(spip_counsellor, participant)


def test_a_referring_pjj_reads_the_justice_measure(paris, participant):
    pjj = StructureFactory(territory=paris, name="PJJ de Paris", kind=StructureKind.PJJ)
    participant.referred_by = pjj
    participant.save()
    pjj_counsellor = UserFactory(role=Role.COUNSELLOR, structure=pjj)

    assert sees(pjj_counsellor, participant)
    assert reads_justice(pjj_counsellor, participant)


def test_a_referring_mission_locale_sees_the_young_person_but_not_the_justice_measure(
    paris, users, spip
):
    referring_ml = StructureFactory(territory=paris, name="Mission locale qui oriente")
    participant = ParticipantFactory(
        programme_year=ProgrammeYearFactory(territory=paris),
        referred_by=referring_ml,
        structure_in_charge=spip,
        referent=UserFactory(role=Role.COUNSELLOR, structure=spip),
        enrolled_on=dt.date(2026, 1, 12),
    )
    ml_counsellor = UserFactory(role=Role.COUNSELLOR, structure=referring_ml)

    assert sees(ml_counsellor, participant)
    assert not reads_justice(ml_counsellor, participant)
    assert not edits(ml_counsellor, participant)


def test_a_counsellor_of_an_unrelated_structure_sees_nothing(stranger, participant):
    assert not sees(stranger, participant)
    assert not edits(stranger, participant)
    assert not reads_justice(stranger, participant)


def test_a_counsellor_of_the_referring_spip_of_another_file_does_not_see_this_one(
    paris, participant
):
    other_spip = StructureFactory(territory=paris, name="SPIP 2", kind=StructureKind.SPIP)
    other_spip_counsellor = UserFactory(role=Role.COUNSELLOR, structure=other_spip)
    ParticipantFactory(
        programme_year=participant.programme_year,
        referred_by=other_spip,
        enrolled_on=dt.date(2026, 1, 12),
    )

    assert not sees(other_spip_counsellor, participant)
    assert not reads_justice(other_spip_counsellor, participant)


# A stand-in during an absence, until the end date set


@pytest.mark.parametrize("until", [TODAY, TODAY + dt.timedelta(days=30), None])
def test_a_stand_in_sees_edits_and_reads_justice_until_the_end_date(stranger, participant, until):
    participant.stand_in, participant.stand_in_until = stranger, until
    participant.save()

    assert sees(stranger, participant)
    assert edits(stranger, participant)
    assert reads_justice(stranger, participant)
    assert permissions.can_edit_justice(stranger, participant)


def test_a_stand_in_no_longer_sees_the_file_after_the_end_date(stranger, participant):
    participant.stand_in = stranger
    participant.stand_in_until = TODAY - dt.timedelta(days=1)
    participant.save()

    assert not sees(stranger, participant)
    assert not edits(stranger, participant)
    assert not reads_justice(stranger, participant)
    assert not permissions.can_edit_justice(stranger, participant)


# Coordinators and the pilot: their territory, nothing else


def test_a_coordinator_sees_edits_and_reads_the_justice_of_their_territory(
    users, participant, elsewhere
):
    coordinator = users[Role.COORDINATOR]

    assert sees(coordinator, participant)
    assert edits(coordinator, participant)
    assert reads_justice(coordinator, participant)
    assert permissions.can_edit_justice(coordinator, participant)
    assert not sees(coordinator, elsewhere)
    assert not edits(coordinator, elsewhere)
    assert not reads_justice(coordinator, elsewhere)


def test_the_coordinator_of_another_territory_sees_nothing_of_this_one(users, participant):
    other_coordinator = users["other_coordinator"]

    assert not Participant.objects.visible_to(other_coordinator).filter(
        territory=participant.territory
    )
    assert not edits(other_coordinator, participant)
    assert not reads_justice(other_coordinator, participant)
    assert not permissions.can_edit_justice(other_coordinator, participant)


def test_the_coordinator_of_another_territory_sees_their_own(users, elsewhere):
    assert sees(users["other_coordinator"], elsewhere)


def test_the_pilot_reads_everything_of_their_territory_justice_included(
    users, participant, elsewhere
):
    pilot = users[Role.PILOT]

    assert sees(pilot, participant)
    assert reads_justice(pilot, participant)
    assert not sees(pilot, elsewhere)
    assert not reads_justice(pilot, elsewhere)


def test_the_pilot_edits_no_participant_file(users, participant):
    pilot = users[Role.PILOT]

    assert not edits(pilot, participant)
    assert not permissions.can_edit_justice(pilot, participant)
    assert not permissions.can_create_participant(pilot)
    assert not permissions.can_log_follow_up(pilot, participant)


# Recruiters and the administrator


def test_a_recruiter_sees_no_participant_file(users, participant):
    recruiter = users[Role.RECRUITER]

    assert not Participant.objects.visible_to(recruiter).exists()
    assert not Participant.objects.editable_by(recruiter).exists()
    assert not Participant.objects.justice_visible_to(recruiter).exists()
    assert not permissions.can_list_participants(recruiter)
    assert not permissions.can_edit_participant(recruiter, participant)
    assert not permissions.can_view_justice(recruiter, participant)
    assert not permissions.can_log_follow_up(recruiter, participant)


def test_the_administrator_reads_no_file_administration_is_technical(
    users, participant, elsewhere, client
):
    administrator = users[Role.ADMINISTRATOR]

    assert not Participant.objects.visible_to(administrator).exists()
    assert not Participant.objects.editable_by(administrator).exists()
    assert not sees(administrator, elsewhere)
    assert not edits(administrator, participant)
    client.force_login(administrator)
    for url in (
        reverse("participants:detail", args=[participant.pk]),
        reverse("participants:right_of_access", args=[participant.pk, "pdf"]),
        reverse("participants:right_of_access", args=[participant.pk, "json"]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("participants:export", args=["csv"])).status_code == 403


def test_the_administrator_never_reads_justice(users, participant, elsewhere):
    administrator = users[Role.ADMINISTRATOR]

    assert not Participant.objects.justice_visible_to(administrator).exists()
    assert not permissions.can_view_justice(administrator, participant)
    assert not permissions.can_view_justice(administrator, elsewhere)
    assert not permissions.can_edit_justice(administrator, participant)


def test_an_anonymous_visitor_sees_nothing(participant):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()

    assert not Participant.objects.visible_to(anonymous).exists()
    assert not Participant.objects.editable_by(anonymous).exists()
    assert not Participant.objects.justice_visible_to(anonymous).exists()
    assert not permissions.can_list_participants(anonymous)


# The other rules of participants.permissions


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.COORDINATOR, True),
        (Role.COUNSELLOR, True),
        (Role.PILOT, False),
        (Role.RECRUITER, False),
        (Role.ADMINISTRATOR, False),
    ],
)
def test_coordinators_and_counsellors_create_files(users, role, allowed):
    assert permissions.can_create_participant(users[role]) is allowed


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.COORDINATOR, True),
        (Role.COUNSELLOR, False),
        (Role.PILOT, False),
        (Role.RECRUITER, False),
        (Role.ADMINISTRATOR, False),
    ],
)
def test_only_the_coordination_overrides_eligibility(users, role, allowed):
    assert permissions.can_override_eligibility(users[role]) is allowed


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.COORDINATOR, True),
        (Role.PILOT, True),
        (Role.COUNSELLOR, False),
        (Role.RECRUITER, False),
        (Role.ADMINISTRATOR, False),
    ],
)
def test_exports_are_for_the_coordination_and_the_pilot(users, role, allowed):
    assert permissions.can_export_participants(users[role]) is allowed


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.COORDINATOR, True),
        (Role.PILOT, True),
        (Role.COUNSELLOR, True),
        (Role.ADMINISTRATOR, False),
        (Role.RECRUITER, False),
    ],
)
def test_the_participant_list_is_for_the_file_roles(users, role, allowed):
    assert permissions.can_list_participants(users[role]) is allowed


def test_coordinators_and_counsellors_who_see_the_file_log_follow_ups(
    users, participant, spip_counsellor
):
    assert permissions.can_log_follow_up(users[Role.COORDINATOR], participant)
    assert permissions.can_log_follow_up(users[Role.COUNSELLOR], participant)
    assert permissions.can_log_follow_up(spip_counsellor, participant)


def test_a_task_is_completed_by_its_assignee_or_whoever_edits_the_file(
    users, participant, colleague, spip_counsellor, stranger
):
    task = TaskFactory(participant=participant, assignee=spip_counsellor)

    assert permissions.can_complete_task(spip_counsellor, task)
    assert permissions.can_complete_task(colleague, task)
    assert permissions.can_complete_task(users[Role.COORDINATOR], task)
    assert not permissions.can_complete_task(stranger, task)
    assert not permissions.can_complete_task(users[Role.PILOT], task)
