import datetime as dt

import pytest
from django.urls import reverse

from pacte.factories import StructureFactory, UserFactory
from pacte.roles import Role
from participants.factories import (
    FollowUpFactory,
    JusticeMeasureFactory,
    ParticipantFactory,
    ProgrammeYearFactory,
)
from participants.models import FollowUp, Participant, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def participant(users):
    return users["participant"]


def test_the_list_finds_helene_without_the_accent(client_for, users, participant):
    participant.first_name, participant.last_name = "Hélène", "Dupont-Aïdi"
    participant.search_name = "helene dupont aidi"
    participant.save()

    response = client_for(users[Role.COORDINATOR]).get(
        reverse("participants:list"), {"q": "HELENE aidi"}
    )

    assert [p.pk for p in response.context["page_obj"].object_list] == [participant.pk]


def test_the_list_keeps_a_fixed_number_of_queries_with_many_rows(
    client_for, users, participant, django_assert_max_num_queries
):
    for _ in range(55):
        ParticipantFactory(
            programme_year=participant.programme_year,
            structure_in_charge=participant.structure_in_charge,
            referent=participant.referent,
        )
    client = client_for(users[Role.COORDINATOR])

    with django_assert_max_num_queries(12):
        response = client.get(
            reverse("participants:list"), {"status": Status.ACTIVE, "sort": "-last_follow_up"}
        )

    assert response.context["count"] == 56
    assert len(response.context["page_obj"].object_list) == 50


def test_the_detail_page_keeps_a_fixed_number_of_queries(
    client_for, users, participant, django_assert_max_num_queries
):
    FollowUpFactory.create_batch(60, participant=participant)
    JusticeMeasureFactory(participant=participant)
    client = client_for(users[Role.COUNSELLOR])

    with django_assert_max_num_queries(20):
        response = client.get(reverse("participants:detail", args=[participant.pk]))

    assert len(response.context["timeline"]) >= 60


def test_the_justice_tab_is_absent_for_a_counsellor_who_is_not_the_referent(
    client_for, users, participant
):
    JusticeMeasureFactory(participant=participant)
    colleague = UserFactory(role=Role.COUNSELLOR, structure=participant.structure_in_charge)

    colleague_page = client_for(colleague).get(
        reverse("participants:detail", args=[participant.pk])
    )
    referent_page = client_for(users[Role.COUNSELLOR]).get(
        reverse("participants:detail", args=[participant.pk])
    )

    assert "Semi-liberté" not in colleague_page.content.decode()
    assert "panneau-justice" not in colleague_page.content.decode()
    assert "Semi-liberté" in referent_page.content.decode()


def test_the_pilot_reads_the_justice_measure_but_cannot_edit_it(client_for, users, participant):
    JusticeMeasureFactory(participant=participant)
    client = client_for(users[Role.PILOT])

    page = client.get(reverse("participants:detail", args=[participant.pk])).content.decode()

    assert "Semi-liberté" in page
    assert reverse("participants:justice_edit", args=[participant.pk]) not in page
    assert (
        client.get(reverse("participants:justice_edit", args=[participant.pk])).status_code == 403
    )


def test_a_follow_up_logged_with_htmx_returns_the_panel_with_it(client_for, users, participant):
    client = client_for(users[Role.COUNSELLOR])

    response = client.post(
        reverse("participants:follow_up_create", args=[participant.pk]),
        {"happened_on": dt.date.today().isoformat(), "kind": "phone", "summary": "Appel du jour"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert (
        content.startswith('\n<div id="suivi-panel">') or '<div id="suivi-panel">' in content[:80]
    )
    assert "<html" not in content
    assert "Appel du jour" in content
    assert FollowUp.objects.get().author == users[Role.COUNSELLOR]
    participant.refresh_from_db()
    assert participant.last_follow_up_on == dt.date.today()


def test_a_follow_up_in_the_future_gets_a_french_error_next_to_the_date(
    client_for, users, participant
):
    client = client_for(users[Role.COUNSELLOR])
    tomorrow = dt.date.today() + dt.timedelta(days=1)

    response = client.post(
        reverse("participants:follow_up_create", args=[participant.pk]),
        {"happened_on": tomorrow.isoformat(), "kind": "phone", "summary": "x"},
        headers={"HX-Request": "true"},
    )

    assert "la date est à venir" in response.content.decode()
    assert not FollowUp.objects.exists()


def new_file(users, **overrides):
    structure = users[Role.COUNSELLOR].structure
    data = {
        "first_name": "Yanis",
        "last_name": "Traoré",
        "birth_date": "2005-04-02",
        "phone": "06 12 34 56 78",
        "preferred_channel": "sms",
        "lives_in_qpv": "true",
        "education_level": "college",
        "employment_situation": "unemployed",
        "leaving_prison": "on",
        "programme_year": users["participant"].programme_year.pk,
        "referred_by": StructureFactory(territory=structure.territory, spip=True).pk,
        "referred_on": "2026-10-01",
        "structure_in_charge": structure.pk,
        "referent": users[Role.COUNSELLOR].pk,
        "enrolled_on": "2026-10-15",
        "consent_on": "2026-10-15",
        "consent_scope": "Suivi",
    }
    data.update(overrides)
    return data


def test_a_counsellor_creates_a_file_with_the_phone_stored_normalised(client_for, users):
    response = client_for(users[Role.COUNSELLOR]).post(
        reverse("participants:create"), new_file(users)
    )

    created = Participant.objects.get(last_name="Traoré")
    assert response.status_code == 302
    assert created.phone == "+33612345678"
    assert created.search_name == "yanis traore"
    assert created.structure_in_charge == users[Role.COUNSELLOR].structure


def test_a_file_out_of_the_age_range_shows_the_gap_and_needs_a_coordinator_reason(
    client_for, users
):
    data = new_file(users, birth_date="1999-01-01")

    refused = client_for(users[Role.COUNSELLOR]).post(reverse("participants:create"), data)
    accepted = client_for(users[Role.COORDINATOR]).post(
        reverse("participants:create"), {**data, "override_reason": "Décision de la Cellule Emploi"}
    )

    assert "27 ans" in refused.content.decode()
    assert accepted.status_code == 302
    assert Participant.objects.get(last_name="Traoré").eligibility_override_reason


def test_a_new_file_matching_an_existing_one_warns_with_a_link(client_for, users, participant):
    data = new_file(
        users,
        first_name=participant.first_name.upper(),
        last_name=participant.last_name,
        birth_date=participant.birth_date.isoformat(),
    )
    client = client_for(users[Role.COUNSELLOR])

    warned = client.post(reverse("participants:create"), data)
    confirmed = client.post(reverse("participants:create"), {**data, "duplicate_confirmed": "1"})

    assert reverse("participants:detail", args=[participant.pk]) in warned.content.decode()
    assert confirmed.status_code == 302
    assert Participant.objects.filter(last_name=participant.last_name).count() == 2


def test_a_bad_phone_number_gets_a_french_error(client_for, users):
    response = client_for(users[Role.COUNSELLOR]).post(
        reverse("participants:create"), new_file(users, phone="06 12")
    )

    assert "phone" in response.context["form"].errors
    assert not Participant.objects.filter(last_name="Traoré").exists()


def test_a_forbidden_status_change_is_refused_with_a_message(client_for, users, participant):
    client = client_for(users[Role.COUNSELLOR])

    client.post(
        reverse("participants:status_change", args=[participant.pk]),
        {"to_status": Status.REFERRED, "reason": "retour"},
    )

    participant.refresh_from_db()
    assert participant.status == Status.ACTIVE


def test_another_territory_cannot_reach_the_file_even_by_year(client_for, users, other_territory):
    ProgrammeYearFactory(territory=other_territory)
    response = client_for(users["other_coordinator"]).get(reverse("participants:list"))

    assert response.context["count"] == 0


def test_the_timeline_tells_each_step_with_its_day_and_author(users):
    """Status and referent changes, Café-métiers and decisions come from one query:
    each keeps its title, its day and who did it."""
    from django.utils import timezone  # noqa: PLC0415

    from events.models import Event, Registration  # noqa: PLC0415
    from participants.models import AgendaItem, CellMeeting  # noqa: PLC0415
    from participants.selectors import participant_timeline  # noqa: PLC0415

    participant = users["participant"]
    counsellor = users[Role.COUNSELLOR]
    participant.status_changes.create(
        from_status="active", to_status="suspended", changed_by=counsellor, reason="Incarcéré"
    )
    participant.referent_changes.create(
        from_referent=counsellor, to_referent=counsellor, changed_by=counsellor, reason="Congé"
    )
    event = Event.objects.create(
        territory=participant.territory,
        date=dt.date(2026, 2, 3),
        starts_at=dt.time(14),
        ends_at=dt.time(18),
        venue="Préfecture",
        address="Paris",
        capacity=10,
        created_by=users[Role.COORDINATOR],
    )
    Registration.objects.create(
        event=event, participant=participant, status="absent", invited_by=counsellor
    )
    AgendaItem.objects.create(
        meeting=CellMeeting.objects.create(
            territory=participant.territory, held_on=dt.date(2026, 3, 4), pilot=users[Role.PILOT]
        ),
        participant=participant,
        decision="Reprendre contact",
        decided_at=timezone.now(),
        decided_by=users[Role.PILOT],
    )

    from events.models import InterviewOutcome, RecruiterTable  # noqa: PLC0415
    from partners.models import Partner  # noqa: PLC0415

    registration = participant.registrations.get()
    table = RecruiterTable.objects.create(
        event=event,
        partner=Partner.objects.create(
            territory=participant.territory, name="Boulangerie Ravel", kind="employer"
        ),
        starts_at=dt.time(15),
        ends_at=dt.time(17),
    )
    table.interviews.create(
        registration=registration,
        starts_at=dt.time(15),
        ends_at=dt.time(15, 15),
        outcome=InterviewOutcome.HIRE,
        recorded_by=users[Role.COORDINATOR],
    )
    table.interviews.create(
        registration=registration, starts_at=dt.time(16), ends_at=dt.time(16, 15)
    )
    participant.follow_ups.create(
        happened_on=timezone.localdate(),
        kind="phone",
        summary="Appel du matin",
        next_step="CV",
        author=counsellor,
    )
    participant.follow_ups.create(
        happened_on=timezone.localdate(), kind="phone", summary="Appel du soir", author=counsellor
    )

    timeline = participant_timeline(participant)
    entries = {entry.kind: entry for entry in timeline}

    assert entries["status"].title == "Statut : Suspendu"
    assert (entries["status"].text, entries["status"].author) == ("Incarcéré", str(counsellor))
    assert entries["status"].day == timezone.localdate()
    assert entries["referent"].title == f"Nouveau référent : {counsellor.get_full_name()}"
    assert entries["event"].title == "Café-métiers : Absent"
    assert (entries["event"].day, entries["event"].author) == (dt.date(2026, 2, 3), "")
    assert entries["cell_decision"].text == "Reprendre contact"
    assert entries["cell_decision"].author == str(users[Role.PILOT])
    assert entries["cell_decision"].day == dt.date(2026, 3, 4)
    assert entries["interview"].title == "Job-dating avec Boulangerie Ravel : Embauche"
    assert (entries["interview"].day, entries["interview"].author) == (
        dt.date(2026, 2, 3),
        str(users[Role.COORDINATOR]),
    )
    assert [e.kind for e in timeline].count("interview") == 1  # not the pending one
    assert [e.text for e in timeline[:3]] == [
        "Appel du soir",
        "Appel du matin\nProchaine étape : CV",
        "Incarcéré",
    ]
    assert timeline[0].title == "Appel téléphonique" and timeline[0].author == str(counsellor)
