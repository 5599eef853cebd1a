"""Writes on participants' files: the rules of domain.md, enforced by participants.services."""

import datetime as dt

import pytest
from django.utils import timezone

from pacte.exceptions import DomainError
from pacte.factories import StructureFactory, UserFactory
from pacte.roles import Role
from participants import services
from participants.factories import (
    JusticeMeasureFactory,
    ParticipantFactory,
    ProgrammeYearFactory,
    TaskFactory,
)
from participants.models import (
    FollowUp,
    FollowUpKind,
    JusticeMeasure,
    Outcome,
    OutcomeKind,
    Participant,
    ReferentChange,
    Status,
    Task,
    TaskKind,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 15)
ENROLLED_ON = dt.date(2026, 3, 2)


@pytest.fixture
def today(monkeypatch):
    """Freeze the services' idea of today (they ask timezone.localdate())."""
    real_localdate = timezone.localdate

    def localdate(value=None, timezone=None):
        if value is None:
            return TODAY
        return real_localdate(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return TODAY


@pytest.fixture
def coordinator(users):
    return users[Role.COORDINATOR]


@pytest.fixture
def pilot(users):
    return users[Role.PILOT]


@pytest.fixture
def referent(users):
    """The counsellor of the mission locale in charge of `participant`."""
    return users[Role.COUNSELLOR]


@pytest.fixture
def participant(users):
    participant = users["participant"]
    participant.enrolled_on = ENROLLED_ON
    participant.save()
    return participant


@pytest.fixture
def year(paris):
    return ProgrammeYearFactory(territory=paris, year=2026)


@pytest.fixture
def spip(paris):
    return StructureFactory(territory=paris, spip=True)


@pytest.fixture
def colleague(mission_locale):
    """Another counsellor of the mission locale in charge, not the referent."""
    return UserFactory(role=Role.COUNSELLOR, structure=mission_locale)


@pytest.fixture
def spip_counsellor(spip):
    return UserFactory(role=Role.COUNSELLOR, structure=spip)


def new_file(year, referent, referred_by, **overrides):
    """An unsaved, eligible file, as the creation form builds it."""
    fields = {
        "programme_year": year,
        "first_name": "Hélène",
        "last_name": "Dupont",
        "birth_date": dt.date(2005, 6, 1),
        "enrolled_on": ENROLLED_ON,
        "referred_by": referred_by,
        "structure_in_charge": referent.structure,
        "referent": referent,
    }
    fields.update(overrides)
    return ParticipantFactory.build(**fields)


def reload(participant):
    return Participant.objects.get(pk=participant.pk)


# participant_create


def test_an_eligible_file_is_saved_as_referred_with_its_first_status_change(
    year, spip, coordinator, referent
):
    created = services.participant_create(
        by=coordinator, participant=new_file(year, referent, spip)
    )

    saved = reload(created)
    assert saved.status == Status.REFERRED
    assert saved.territory == year.territory
    assert saved.search_name == "helene dupont"
    assert saved.eligibility_override_reason == ""
    (change,) = saved.status_changes.all()
    assert (change.from_status, change.to_status) == ("", Status.REFERRED)
    assert change.changed_by == coordinator


def test_an_eligibility_gap_without_a_reason_is_refused_on_the_reason_field(
    year, spip, coordinator, referent
):
    too_old = new_file(year, referent, spip, birth_date=dt.date(1998, 9, 1))

    with pytest.raises(DomainError) as refused:
        services.participant_create(by=coordinator, participant=too_old, override_reason="   ")

    assert refused.value.field == "override_reason"
    assert "27 ans" in refused.value.message
    assert not Participant.objects.filter(last_name="Dupont").exists()


def test_a_counsellor_cannot_enrol_a_young_person_outside_the_criteria(year, spip, referent):
    not_leaving_prison = new_file(year, referent, spip, leaving_prison=False)

    with pytest.raises(DomainError) as refused:
        services.participant_create(
            by=referent, participant=not_leaving_prison, override_reason="Jeune très motivé"
        )

    assert refused.value.field == "override_reason"
    assert not Participant.objects.filter(last_name="Dupont").exists()


def test_a_coordinator_enrols_outside_the_criteria_with_the_reason_recorded(
    year, spip, coordinator, referent
):
    too_old = new_file(year, referent, spip, birth_date=dt.date(1998, 9, 1))

    created = services.participant_create(
        by=coordinator,
        participant=too_old,
        override_reason="  Décision de la Cellule Emploi du 10 mars  ",
    )

    saved = reload(created)
    assert saved.eligibility_override_reason == "Décision de la Cellule Emploi du 10 mars"
    assert saved.status == Status.REFERRED


def test_a_counsellors_file_is_put_in_the_counsellors_structure(year, spip, referent, paris):
    elsewhere = StructureFactory(territory=paris, name="Mission locale du 19e")
    file = new_file(year, referent, spip, structure_in_charge=elsewhere)

    created = services.participant_create(by=referent, participant=file)

    assert reload(created).structure_in_charge == referent.structure


def test_the_referent_must_belong_to_the_structure_in_charge(
    year, spip, coordinator, spip_counsellor, mission_locale
):
    file = new_file(year, spip_counsellor, spip, structure_in_charge=mission_locale)

    with pytest.raises(DomainError) as refused:
        services.participant_create(by=coordinator, participant=file)

    assert refused.value.field == "referent"
    assert not Participant.objects.filter(last_name="Dupont").exists()


def test_a_file_cannot_be_created_in_another_territorys_programme_year(
    other_territory, spip, coordinator, referent
):
    year_elsewhere = ProgrammeYearFactory(territory=other_territory, year=2026)

    with pytest.raises(DomainError) as refused:
        services.participant_create(
            by=coordinator, participant=new_file(year_elsewhere, referent, spip)
        )

    assert refused.value.field == "programme_year"


@pytest.mark.parametrize("role", [Role.PILOT, Role.RECRUITER, Role.ADMINISTRATOR])
def test_only_coordinators_and_counsellors_create_files(users, year, spip, referent, role):
    with pytest.raises(DomainError):
        services.participant_create(by=users[role], participant=new_file(year, referent, spip))


# possible_duplicates


def test_a_file_with_the_same_name_and_birth_date_is_a_possible_duplicate(participant, paris):
    participant.first_name, participant.last_name = "Hélène", "Dupont-Léa"
    participant.search_name = "helene dupont lea"
    participant.save()

    found = services.possible_duplicates(
        first_name="HELENE",
        last_name="dupont lea",
        birth_date=participant.birth_date,
        territory_id=paris.pk,
    )

    assert list(found) == [participant]


def test_the_same_name_born_another_day_is_no_duplicate(participant, paris):
    found = services.possible_duplicates(
        first_name=participant.first_name,
        last_name=participant.last_name,
        birth_date=participant.birth_date - dt.timedelta(days=1),
        territory_id=paris.pk,
    )

    assert not found.exists()


def test_a_file_of_another_territory_is_no_duplicate(participant, other_territory):
    found = services.possible_duplicates(
        first_name=participant.first_name,
        last_name=participant.last_name,
        birth_date=participant.birth_date,
        territory_id=other_territory.pk,
    )

    assert not found.exists()


def test_a_file_is_not_its_own_duplicate_when_edited(participant, paris):
    found = services.possible_duplicates(
        first_name=participant.first_name,
        last_name=participant.last_name,
        birth_date=participant.birth_date,
        territory_id=paris.pk,
        exclude_pk=participant.pk,
    )

    assert not found.exists()


# participant_change_status


def test_a_file_goes_referred_active_suspended_active_exited(participant, referent):
    participant.status = Status.REFERRED
    participant.save()
    path = [Status.ACTIVE, Status.SUSPENDED, Status.ACTIVE, Status.EXITED]

    for step, to_status in enumerate(path):
        participant = services.participant_change_status(
            by=referent, participant=participant, to_status=to_status, reason=f"Étape {step}"
        )

    assert reload(participant).status == Status.EXITED
    changes = participant.status_changes.order_by("pk")
    assert [(c.from_status, c.to_status) for c in changes] == [
        (Status.REFERRED, Status.ACTIVE),
        (Status.ACTIVE, Status.SUSPENDED),
        (Status.SUSPENDED, Status.ACTIVE),
        (Status.ACTIVE, Status.EXITED),
    ]


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [
        (Status.EXITED, Status.ACTIVE),
        (Status.EXITED, Status.SUSPENDED),
        (Status.REFERRED, Status.SUSPENDED),
        (Status.ACTIVE, Status.REFERRED),
    ],
)
def test_a_forbidden_status_change_is_refused(participant, referent, from_status, to_status):
    participant.status = from_status
    participant.save()

    with pytest.raises(DomainError) as refused:
        services.participant_change_status(
            by=referent, participant=participant, to_status=to_status, reason="Essai"
        )

    assert refused.value.field == "to_status"
    assert reload(participant).status == from_status
    assert not participant.status_changes.exists()


def test_a_status_change_needs_a_reason(participant, referent):
    with pytest.raises(DomainError) as refused:
        services.participant_change_status(
            by=referent, participant=participant, to_status=Status.SUSPENDED, reason="  "
        )

    assert refused.value.field == "reason"
    assert reload(participant).status == Status.ACTIVE
    assert not participant.status_changes.exists()


def test_each_status_change_records_who_and_why(participant, coordinator):
    services.participant_change_status(
        by=coordinator,
        participant=participant,
        to_status=Status.SUSPENDED,
        reason="  Hospitalisation  ",
    )

    (change,) = participant.status_changes.all()
    assert change.changed_by == coordinator
    assert change.reason == "Hospitalisation"
    assert (change.from_status, change.to_status) == (Status.ACTIVE, Status.SUSPENDED)


def test_the_pilot_cannot_change_a_status(participant, pilot):
    with pytest.raises(DomainError):
        services.participant_change_status(
            by=pilot, participant=participant, to_status=Status.SUSPENDED, reason="Décision"
        )

    assert reload(participant).status == Status.ACTIVE


# participant_hand_over


def test_a_hand_over_within_the_structure_is_recorded(participant, referent, colleague):
    services.participant_hand_over(
        by=referent, participant=participant, to_referent=colleague, reason="Congé long"
    )

    saved = reload(participant)
    assert saved.referent == colleague
    assert saved.structure_in_charge == referent.structure
    (change,) = ReferentChange.objects.filter(participant=participant)
    assert change.from_referent == referent
    assert change.to_referent == colleague
    assert change.changed_by == referent
    assert change.reason == "Congé long"


def test_a_counsellor_cannot_hand_over_to_another_structure(participant, referent, spip_counsellor):
    with pytest.raises(DomainError) as refused:
        services.participant_hand_over(
            by=referent, participant=participant, to_referent=spip_counsellor
        )

    assert refused.value.field == "to_referent"
    assert reload(participant).referent == referent
    assert not ReferentChange.objects.exists()


def test_a_coordinator_hands_over_to_another_structure_which_takes_charge(
    participant, coordinator, referent, spip_counsellor, spip
):
    services.participant_hand_over(
        by=coordinator, participant=participant, to_referent=spip_counsellor, reason="Suivi SPIP"
    )

    saved = reload(participant)
    assert saved.referent == spip_counsellor
    assert saved.structure_in_charge == spip
    (change,) = ReferentChange.objects.filter(participant=participant)
    assert (change.from_referent, change.to_referent) == (referent, spip_counsellor)
    assert change.changed_by == coordinator


def test_a_file_is_handed_over_to_counsellors_only(participant, coordinator, pilot):
    with pytest.raises(DomainError) as refused:
        services.participant_hand_over(by=coordinator, participant=participant, to_referent=pilot)

    assert refused.value.field == "to_referent"


# follow_up_log


def test_a_follow_up_in_the_future_is_refused(today, participant, referent):
    with pytest.raises(DomainError) as refused:
        services.follow_up_log(
            by=referent,
            participant=participant,
            happened_on=today + dt.timedelta(days=1),
            kind=FollowUpKind.INTERVIEW,
            summary="Entretien prévu",
        )

    assert refused.value.field == "happened_on"
    assert not FollowUp.objects.exists()


def test_a_follow_up_of_today_is_logged_with_its_author(today, participant, referent):
    follow_up = services.follow_up_log(
        by=referent,
        participant=participant,
        happened_on=today,
        kind=FollowUpKind.PHONE,
        summary="Point sur la recherche d’emploi",
        next_contact_on=dt.date(2026, 3, 22),
    )

    assert follow_up.author == referent
    assert reload(participant).last_follow_up_on == today


def test_the_next_contact_cannot_come_before_the_follow_up(today, participant, referent):
    with pytest.raises(DomainError) as refused:
        services.follow_up_log(
            by=referent,
            participant=participant,
            happened_on=dt.date(2026, 3, 10),
            kind=FollowUpKind.PHONE,
            summary="Appel",
            next_contact_on=dt.date(2026, 3, 9),
        )

    assert refused.value.field == "next_contact_on"


def test_the_last_follow_up_date_keeps_the_latest_when_an_older_one_is_logged_after(
    today, participant, referent
):
    for happened_on in (dt.date(2026, 3, 10), dt.date(2026, 2, 20)):
        services.follow_up_log(
            by=referent,
            participant=participant,
            happened_on=happened_on,
            kind=FollowUpKind.INTERVIEW,
            summary="Entretien",
        )

    assert reload(participant).last_follow_up_on == dt.date(2026, 3, 10)


def test_a_newer_follow_up_moves_the_last_follow_up_date(today, participant, referent):
    for happened_on in (dt.date(2026, 2, 20), dt.date(2026, 3, 10)):
        services.follow_up_log(
            by=referent,
            participant=participant,
            happened_on=happened_on,
            kind=FollowUpKind.INTERVIEW,
            summary="Entretien",
        )

    assert reload(participant).last_follow_up_on == dt.date(2026, 3, 10)


def test_a_recruiter_cannot_log_a_follow_up(today, users, participant):
    with pytest.raises(DomainError):
        services.follow_up_log(
            by=users[Role.RECRUITER],
            participant=participant,
            happened_on=today,
            kind=FollowUpKind.INTERVIEW,
            summary="Entretien",
        )


# outcome_record


def test_a_cdi_creates_checks_at_3_6_and_12_months_for_the_referent(
    participant, coordinator, referent
):
    outcome = services.outcome_record(
        by=coordinator,
        participant=participant,
        kind=OutcomeKind.CDI,
        starts_on=dt.date(2026, 1, 31),
        employer_name="Franprix",
    )

    checks = Task.objects.filter(outcome=outcome).order_by("check_months")
    assert [(t.check_months, t.due_on) for t in checks] == [
        (3, dt.date(2026, 4, 30)),
        (6, dt.date(2026, 7, 31)),
        (12, dt.date(2027, 1, 31)),
    ]
    assert {t.assignee for t in checks} == {referent}
    assert {t.kind for t in checks} == {TaskKind.OUTCOME_CHECK}
    assert all(t.done_at is None for t in checks)
    assert outcome.recorded_by == coordinator


def test_a_check_due_date_falls_on_the_last_day_of_a_shorter_month(participant, referent):
    outcome = services.outcome_record(
        by=referent,
        participant=participant,
        kind=OutcomeKind.TRAINING,
        starts_on=dt.date(2025, 11, 30),
    )

    three_months = Task.objects.get(outcome=outcome, check_months=3)
    assert three_months.due_on == dt.date(2026, 2, 28)


@pytest.mark.parametrize(
    "kind",
    [OutcomeKind.CDI, OutcomeKind.CDD_LONG, OutcomeKind.TEMPING_LONG, OutcomeKind.BUSINESS],
)
def test_durable_employment_is_cdi_cdd_or_temping_of_6_months_or_more_or_business(
    participant, referent, kind
):
    outcome = services.outcome_record(
        by=referent, participant=participant, kind=kind, starts_on=dt.date(2026, 3, 1)
    )

    assert outcome.is_durable_employment


@pytest.mark.parametrize(
    "kind",
    [
        OutcomeKind.CDD_SHORT,
        OutcomeKind.TEMPING_SHORT,
        OutcomeKind.TRAINING,
        OutcomeKind.IMMERSION,
    ],
)
def test_a_short_contract_training_or_immersion_is_not_durable_employment(
    participant, referent, kind
):
    outcome = services.outcome_record(
        by=referent, participant=participant, kind=kind, starts_on=dt.date(2026, 3, 1)
    )

    assert not outcome.is_durable_employment


def test_a_short_cdd_is_still_checked_at_3_6_and_12_months(participant, referent):
    outcome = services.outcome_record(
        by=referent,
        participant=participant,
        kind=OutcomeKind.CDD_SHORT,
        starts_on=dt.date(2026, 3, 1),
    )

    assert sorted(outcome.checks.values_list("check_months", flat=True)) == [3, 6, 12]


def test_an_immersion_creates_no_check_task(participant, referent):
    services.outcome_record(
        by=referent,
        participant=participant,
        kind=OutcomeKind.IMMERSION,
        starts_on=dt.date(2026, 3, 1),
    )

    assert not Task.objects.filter(participant=participant, kind=TaskKind.OUTCOME_CHECK).exists()
    assert reload(participant).status == Status.ACTIVE


@pytest.mark.parametrize("from_status", [Status.REFERRED, Status.ACTIVE, Status.SUSPENDED])
def test_an_exit_outcome_moves_the_participant_to_exited(participant, referent, from_status):
    participant.status = from_status
    participant.save()

    services.outcome_record(
        by=referent,
        participant=participant,
        kind=OutcomeKind.EXIT_MOVED,
        starts_on=dt.date(2026, 3, 1),
    )

    assert reload(participant).status == Status.EXITED
    change = participant.status_changes.get()
    assert (change.from_status, change.to_status) == (from_status, Status.EXITED)
    assert change.changed_by == referent
    assert change.reason == OutcomeKind.EXIT_MOVED.label
    assert not Task.objects.filter(participant=participant, kind=TaskKind.OUTCOME_CHECK).exists()


def test_an_exit_outcome_on_an_exited_file_is_recorded_without_a_status_change(
    participant, referent
):
    participant.status = Status.EXITED
    participant.save()

    services.outcome_record(
        by=referent,
        participant=participant,
        kind=OutcomeKind.EXIT_CONTACT_LOST,
        starts_on=dt.date(2026, 3, 1),
    )

    assert Outcome.objects.filter(participant=participant).count() == 1
    assert not participant.status_changes.exists()


def test_the_pilot_records_no_outcome(participant, pilot):
    with pytest.raises(DomainError):
        services.outcome_record(
            by=pilot, participant=participant, kind=OutcomeKind.CDI, starts_on=dt.date(2026, 3, 1)
        )

    assert not Outcome.objects.exists()


# task_complete


@pytest.fixture
def six_month_check(participant, referent):
    outcome = services.outcome_record(
        by=referent, participant=participant, kind=OutcomeKind.CDI, starts_on=dt.date(2026, 1, 31)
    )
    return Task.objects.get(outcome=outcome, check_months=6)


def test_an_outcome_check_requires_whether_the_outcome_is_maintained(six_month_check, referent):
    with pytest.raises(DomainError) as refused:
        services.task_complete(by=referent, task=six_month_check)

    assert refused.value.field == "maintained"
    six_month_check.refresh_from_db()
    assert six_month_check.done_at is None


def test_an_outcome_check_records_who_completed_it_and_what_it_found(six_month_check, referent):
    services.task_complete(by=referent, task=six_month_check, maintained=False)

    six_month_check.refresh_from_db()
    assert six_month_check.done_at is not None
    assert six_month_check.done_by == referent
    assert six_month_check.maintained is False


def test_a_task_other_than_a_check_is_completed_without_maintained(participant, referent):
    task = TaskFactory(participant=participant, due_on=dt.date(2026, 3, 20))

    services.task_complete(by=referent, task=task)

    task.refresh_from_db()
    assert task.done_by == referent
    assert task.maintained is None


def test_completing_a_task_twice_keeps_the_first_completion(six_month_check, referent, coordinator):
    services.task_complete(by=referent, task=six_month_check, maintained=True)
    first = Task.objects.get(pk=six_month_check.pk)

    services.task_complete(by=coordinator, task=Task.objects.get(pk=first.pk), maintained=False)

    again = Task.objects.get(pk=first.pk)
    assert (again.done_at, again.done_by, again.maintained) == (first.done_at, referent, True)


def test_completing_a_task_from_a_copy_fetched_earlier_keeps_the_first_completion(
    six_month_check, referent, coordinator
):
    stale_copy = Task.objects.get(pk=six_month_check.pk)
    services.task_complete(by=referent, task=six_month_check, maintained=True)

    services.task_complete(by=coordinator, task=stale_copy, maintained=False)

    again = Task.objects.get(pk=six_month_check.pk)
    assert (again.done_by, again.maintained) == (referent, True)


# justice_measure_save


def new_measure(participant, **overrides):
    fields = {
        "participant": participant,
        "starts_on": dt.date(2026, 1, 5),
        "ends_on": dt.date(2026, 9, 30),
        "out_from": dt.time(7, 30),
        "out_until": dt.time(20, 0),
    }
    fields.update(overrides)
    return JusticeMeasureFactory.build(**fields)


@pytest.mark.parametrize("who", ["referent", "coordinator"])
def test_the_referent_and_the_coordinator_record_the_justice_measure(participant, request, who):
    author = request.getfixturevalue(who)

    measure = services.justice_measure_save(
        by=author, participant=participant, measure=new_measure(participant)
    )

    saved = JusticeMeasure.objects.get(pk=measure.pk)
    assert saved.participant == participant
    assert saved.updated_by == author
    assert saved.ends_on == dt.date(2026, 9, 30)


@pytest.mark.parametrize("who", ["pilot", "colleague", "spip_counsellor"])
def test_the_pilot_and_other_counsellors_do_not_edit_the_justice_measure(participant, request, who):
    with pytest.raises(DomainError):
        services.justice_measure_save(
            by=request.getfixturevalue(who),
            participant=participant,
            measure=new_measure(participant),
        )

    assert not JusticeMeasure.objects.exists()


def test_a_justice_measure_cannot_end_before_it_starts(participant, referent):
    backwards = new_measure(
        participant, starts_on=dt.date(2026, 6, 1), ends_on=dt.date(2026, 5, 31)
    )

    with pytest.raises(DomainError) as refused:
        services.justice_measure_save(by=referent, participant=participant, measure=backwards)

    assert refused.value.field == "ends_on"
    assert not JusticeMeasure.objects.exists()


def test_a_justice_measure_may_end_the_day_it_starts(participant, referent):
    one_day = new_measure(participant, starts_on=dt.date(2026, 6, 1), ends_on=dt.date(2026, 6, 1))

    services.justice_measure_save(by=referent, participant=participant, measure=one_day)

    assert JusticeMeasure.objects.count() == 1


@pytest.mark.parametrize(("out_from", "out_until"), [(dt.time(8, 0), None), (None, dt.time(19, 0))])
def test_a_justice_measure_has_both_out_hours_or_none(participant, referent, out_from, out_until):
    half = new_measure(participant, out_from=out_from, out_until=out_until)

    with pytest.raises(DomainError) as refused:
        services.justice_measure_save(by=referent, participant=participant, measure=half)

    assert refused.value.field == "out_until"
    assert not JusticeMeasure.objects.exists()


def test_a_justice_measure_without_out_hours_is_accepted(participant, referent):
    no_hours = new_measure(participant, out_from=None, out_until=None)

    services.justice_measure_save(by=referent, participant=participant, measure=no_hours)

    assert JusticeMeasure.objects.count() == 1


def test_a_justice_measure_may_allow_going_out_from_midnight(participant, referent):
    from_midnight = new_measure(participant, out_from=dt.time(0, 0), out_until=dt.time(6, 0))

    services.justice_measure_save(by=referent, participant=participant, measure=from_midnight)

    assert JusticeMeasure.objects.get().out_from == dt.time(0, 0)
