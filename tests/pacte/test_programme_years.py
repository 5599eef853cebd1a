"""A programme year is a calendar year of one territory, with its criteria and its targets;
a coordinator opens and closes it; a closed year takes no enrolment (domain.md)."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from pacte.exceptions import DomainError
from pacte.factories import StructureFactory, UserFactory
from pacte.models import AccessLog, Criteria, ProgrammeYear, Territory
from pacte.programme_years import services
from pacte.roles import Role
from participants.factories import ProgrammeYearFactory
from participants.models import Participant

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THIS_YEAR, NEXT_YEAR = TODAY.year, TODAY.year + 1


@pytest.fixture
def coordination(client_for, users):
    return client_for(users[Role.COORDINATOR])


@pytest.fixture
def current_year(users):
    return users["participant"].programme_year


def year_data(**overrides):
    data = {
        "year": NEXT_YEAR,
        "criteria": Criteria.PRISON_LEAVERS,
        "target_participants": "120",
        "target_events": "4",
    }
    data.update(overrides)
    return data


def new_file(users, **overrides):
    """A new-participant form as a coordinator fills it in."""
    structure = users[Role.COUNSELLOR].structure
    data = {
        "first_name": "Yanis",
        "last_name": "Traoré",
        "birth_date": (TODAY - dt.timedelta(days=20 * 365)).isoformat(),
        "phone": "06 12 34 56 78",
        "preferred_channel": "sms",
        "lives_in_qpv": "true",
        "education_level": "college",
        "employment_situation": "unemployed",
        "leaving_prison": "on",
        "programme_year": "",
        "referred_by": StructureFactory(territory=structure.territory, spip=True).pk,
        "referred_on": TODAY.isoformat(),
        "structure_in_charge": structure.pk,
        "referent": users[Role.COUNSELLOR].pk,
        "enrolled_on": TODAY.isoformat(),
        "consent_on": TODAY.isoformat(),
        "consent_scope": "Suivi",
    }
    data.update(overrides)
    return data


def test_a_coordinator_opens_the_coming_year_from_the_app(coordination, users):
    response = coordination.post(reverse("programme_years:create"), year_data())

    assert response.status_code == 302
    opened = ProgrammeYear.objects.get(
        territory=users[Role.COORDINATOR].territory_id, year=NEXT_YEAR
    )
    assert (opened.target_participants, opened.target_events, opened.is_open) == (120, 4, True)
    assert AccessLog.objects.filter(
        user=users[Role.COORDINATOR], object_type="programmeyear", object_id=opened.pk
    ).exists()


def test_the_opening_form_starts_from_the_latest_year_and_the_year_asked(
    coordination, current_year
):
    current_year.target_participants = 140
    current_year.save()

    form = coordination.get(reverse("programme_years:create"), {"annee": NEXT_YEAR}).context["form"]

    assert form.initial["year"] == NEXT_YEAR
    assert form.initial["target_participants"] == 140


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("year", NEXT_YEAR + 1, f"Indiquez une année entre 2010 et {NEXT_YEAR}"),
        ("year", 2009, "Indiquez une année entre 2010"),
        ("target_participants", "0", "supérieure ou égale à 1"),
        ("target_participants", "10001", "inférieure ou égale à 10000"),
        ("target_events", "0", "supérieure ou égale à 1"),
        ("target_events", "101", "inférieure ou égale à 100"),
    ],
)
def test_a_year_and_its_targets_are_bounded(coordination, field, value, error):
    response = coordination.post(reverse("programme_years:create"), year_data(**{field: value}))

    assert response.status_code == 200
    assert error in response.context["form"].errors[field][0]
    assert not ProgrammeYear.objects.filter(year=NEXT_YEAR).exists()


def test_the_database_refuses_unbounded_targets(paris):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeYear.objects.create(territory=paris, year=2030, criteria="x", target_events=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeYear.objects.create(territory=paris, year=1800, criteria="x")


def test_all_the_errors_of_the_opening_form_come_in_one_pass(coordination):
    response = coordination.post(
        reverse("programme_years:create"),
        year_data(year="3000", target_participants="0", target_events="", criteria=""),
    )

    assert set(response.context["form"].errors) == {
        "year",
        "criteria",
        "target_participants",
        "target_events",
    }


def test_a_year_opens_once_per_territory(coordination, current_year, users):
    response = coordination.post(reverse("programme_years:create"), year_data(year=THIS_YEAR))

    assert response.context["form"].errors["year"] == [
        f"L’année {THIS_YEAR} est déjà ouverte pour votre territoire."
    ]
    services.programme_year_close(by=users[Role.COORDINATOR], programme_year=current_year)
    response = coordination.post(reverse("programme_years:create"), year_data(year=THIS_YEAR))
    assert response.context["form"].errors["year"] == [
        f"L’année {THIS_YEAR} existe déjà et elle est close : rouvrez-la."
    ]


def test_another_territory_opens_the_same_year_for_itself(client_for, users, current_year):
    response = client_for(users["other_coordinator"]).post(
        reverse("programme_years:create"), year_data(year=THIS_YEAR)
    )

    assert response.status_code == 302
    assert ProgrammeYear.objects.filter(year=THIS_YEAR).count() == 2


def test_a_coordinator_edits_a_years_criteria_and_targets(coordination, current_year):
    response = coordination.post(
        reverse("programme_years:update", args=[current_year.pk]),
        {"criteria": Criteria.DROP_OUT, "target_participants": "150", "target_events": "5"},
    )

    assert response.status_code == 302
    current_year.refresh_from_db()
    assert (current_year.criteria, current_year.target_participants) == (Criteria.DROP_OUT, 150)
    assert current_year.year == 2026  # the year itself does not change


def test_the_years_targets_feed_the_dashboard(coordination, current_year):
    coordination.post(
        reverse("programme_years:update", args=[current_year.pk]),
        {"criteria": current_year.criteria, "target_participants": "150", "target_events": "5"},
    )

    figures = coordination.get(reverse("dashboard"), {"annee": current_year.year}).context[
        "figures"
    ]

    assert (figures["target"], figures["events_target"]) == (150, 5)


def test_closing_a_year_asks_for_confirmation_then_closes_it(coordination, current_year):
    page = coordination.get(reverse("programme_years:close", args=[current_year.pk]))

    assert page.status_code == 200
    assert "Clore l’année 2026 ?" in page.content.decode()
    current_year.refresh_from_db()
    assert current_year.is_open

    response = coordination.post(reverse("programme_years:close", args=[current_year.pk]))

    assert response.status_code == 302
    current_year.refresh_from_db()
    assert not current_year.is_open


def test_a_closed_year_takes_no_enrolment(coordination, users, current_year):
    services.programme_year_close(by=users[Role.COORDINATOR], programme_year=current_year)

    form = coordination.get(reverse("participants:create")).context["form"]
    assert current_year not in form.fields["programme_year"].queryset

    response = coordination.post(
        reverse("participants:create"),
        new_file(users, programme_year=current_year.pk, enrolled_on="2026-06-01"),
    )
    assert response.status_code == 200
    assert "programme_year" in response.context["form"].errors
    assert not Participant.objects.filter(last_name="Traoré").exists()


def test_the_service_refuses_a_file_in_a_closed_year(users, current_year):
    from participants.factories import ParticipantFactory
    from participants.services import participant_create

    services.programme_year_close(by=users[Role.COORDINATOR], programme_year=current_year)
    built = ParticipantFactory.build(
        programme_year=current_year,
        structure_in_charge=users[Role.COUNSELLOR].structure,
        referent=users[Role.COUNSELLOR],
        referred_by=users["participant"].referred_by,
        enrolled_on=dt.date(2026, 6, 1),
    )

    with pytest.raises(DomainError) as error:
        participant_create(by=users[Role.COORDINATOR], participant=built)

    assert error.value.message == (
        "L’année 2026 du programme est close : elle ne prend plus de nouveau dossier."
    )


def test_a_closed_year_reopens(coordination, users, current_year):
    services.programme_year_close(by=users[Role.COORDINATOR], programme_year=current_year)

    response = coordination.post(reverse("programme_years:reopen", args=[current_year.pk]))

    assert response.status_code == 302
    current_year.refresh_from_db()
    assert current_year.is_open


def test_the_list_shows_the_years_and_the_ones_to_open(coordination, current_year):
    page = coordination.get(reverse("programme_years:list"))

    assert [year.year for year in page.context["years"]] == [2026]
    assert page.context["years"][0].participant_count == 1
    missing = [y for y in (THIS_YEAR, NEXT_YEAR) if y != 2026]
    assert page.context["missing"] == missing
    for year in missing:
        assert f"?annee={year}" in page.content.decode()


def test_a_coordinator_of_another_territory_cannot_touch_our_years(client_for, users, current_year):
    other = client_for(users["other_coordinator"])

    assert other.get(reverse("programme_years:update", args=[current_year.pk])).status_code == 404
    assert other.post(reverse("programme_years:close", args=[current_year.pk])).status_code == 404
    current_year.refresh_from_db()
    assert current_year.is_open
    with pytest.raises(DomainError):
        services.programme_year_close(by=users["other_coordinator"], programme_year=current_year)


def test_only_the_coordination_manages_years(users, current_year):
    for role in (Role.PILOT, Role.COUNSELLOR, Role.RECRUITER, Role.ADMINISTRATOR):
        with pytest.raises(DomainError):
            services.programme_year_open(
                by=users[role],
                year=NEXT_YEAR,
                criteria=Criteria.PRISON_LEAVERS,
                target_participants=100,
                target_events=3,
            )
    assert not ProgrammeYear.objects.filter(year=NEXT_YEAR).exists()


# The new-participant form


def test_the_new_file_form_proposes_the_open_year_of_today(coordination, paris):
    year = ProgrammeYearFactory(territory=paris, year=THIS_YEAR)

    form = coordination.get(reverse("participants:create")).context["form"]

    assert form.fields["programme_year"].initial == year.pk
    assert form.fields["enrolled_on"].initial == TODAY
    assert form.missing_year is None


def test_without_an_open_year_the_form_says_so_and_links_to_opening_it(coordination, paris):
    ProgrammeYear.objects.filter(territory=paris, year=THIS_YEAR).update(closed_at=timezone.now())

    page = coordination.get(reverse("participants:create"))

    content = page.content.decode()
    assert f"L’année {THIS_YEAR} du programme n’est pas ouverte" in content
    assert reverse("programme_years:create") + f"?annee={THIS_YEAR}" in content


def test_a_counsellor_without_an_open_year_is_told_to_ask_the_coordination(client_for, users):
    ProgrammeYear.objects.filter(year=THIS_YEAR).update(closed_at=timezone.now())

    content = client_for(users[Role.COUNSELLOR]).get(reverse("participants:create")).content
    content = content.decode()

    assert "demandez à la coordination de votre territoire de l’ouvrir" in content
    assert reverse("programme_years:create") not in content


def test_a_file_entering_next_january_goes_into_next_year(coordination, users, paris):
    ProgrammeYearFactory(territory=paris, year=NEXT_YEAR)
    january = dt.date(NEXT_YEAR, 1, 4)

    response = coordination.post(
        reverse("participants:create"),
        new_file(users, enrolled_on=january.isoformat(), consent_on=january.isoformat()),
    )

    assert response.status_code == 302
    assert Participant.objects.get(last_name="Traoré").programme_year.year == NEXT_YEAR


def test_a_file_entering_next_january_cannot_land_in_this_year(coordination, users, paris):
    this_year = ProgrammeYearFactory(territory=paris, year=THIS_YEAR)
    ProgrammeYearFactory(territory=paris, year=NEXT_YEAR)
    january = dt.date(NEXT_YEAR, 1, 4).isoformat()

    response = coordination.post(
        reverse("participants:create"),
        new_file(users, programme_year=this_year.pk, enrolled_on=january, consent_on=january),
    )

    assert response.context["form"].errors["programme_year"] == [
        f"La date d’entrée tombe en {NEXT_YEAR} : choisissez l’année {NEXT_YEAR} du programme "
        f"(et non {THIS_YEAR})."
    ]
    assert not Participant.objects.filter(last_name="Traoré").exists()


def test_a_file_entering_a_year_not_opened_says_so_next_to_the_year(coordination, users):
    january = dt.date(NEXT_YEAR, 1, 4).isoformat()

    response = coordination.post(
        reverse("participants:create"),
        new_file(users, enrolled_on=january, consent_on=january),
    )

    form = response.context["form"]
    assert form.errors["programme_year"][0].startswith(
        f"Aucune année {NEXT_YEAR} du programme n’est ouverte pour votre territoire"
    )
    assert form.missing_year == NEXT_YEAR
    assert reverse("programme_years:create") + f"?annee={NEXT_YEAR}" in response.content.decode()


def test_an_edit_keeps_the_enrolment_date_in_the_files_year(coordination, users):
    from tests.participants.test_views import new_file as edit_data

    participant = users["participant"]
    data = edit_data(users, enrolled_on=f"{NEXT_YEAR}-01-04")
    for name in ("programme_year", "structure_in_charge", "referent"):
        data.pop(name)

    response = coordination.post(reverse("participants:update", args=[participant.pk]), data)

    assert response.context["form"].errors["enrolled_on"] == [
        "Ce dossier appartient à l’année 2026 du programme : sa date d’entrée doit rester en 2026."
    ]


def test_the_second_territory_opens_its_year_then_enrols(client_for, users, other_territory):
    """The repro: the second territory's coordinator could not enrol anyone."""
    coordinator = users["other_coordinator"]
    client = client_for(coordinator)
    bobigny = StructureFactory(territory=other_territory, name="Mission locale de Bobigny")
    counsellor = UserFactory(role=Role.COUNSELLOR, structure=bobigny)
    data = new_file(users, structure_in_charge=bobigny.pk, referent=counsellor.pk)
    data["referred_by"] = StructureFactory(territory=other_territory, spip=True).pk

    refused = client.post(reverse("participants:create"), data)
    assert "programme_year" in refused.context["form"].errors

    client.post(reverse("programme_years:create"), year_data(year=THIS_YEAR))
    response = client.post(reverse("participants:create"), data)

    assert response.status_code == 302
    created = Participant.objects.get(last_name="Traoré")
    assert (created.territory_id, created.programme_year.year) == (other_territory.pk, THIS_YEAR)


def test_a_territory_created_in_the_admin_site_opens_its_current_year(client_for, users):
    response = client_for(users[Role.ADMINISTRATOR]).post(
        reverse("admin:pacte_territory_add"),
        {
            "code": "94",
            "name": "Val-de-Marne",
            "prefecture_name": "Préfecture du Val-de-Marne",
            "reminder_days_before": "2",
            "morning_reminder": "on",
            "waiting_offer_hours": "48",  # the form's initial value (#19)
        },
    )

    assert response.status_code == 302
    territory = Territory.objects.get(code="94")
    assert [(y.year, y.is_open) for y in territory.programme_years.all()] == [(THIS_YEAR, True)]


def test_a_year_chosen_for_a_file_entering_a_year_not_opened_says_that_year_is_closed(
    coordination, users, current_year
):
    january = dt.date(NEXT_YEAR, 1, 4).isoformat()

    response = coordination.post(
        reverse("participants:create"),
        new_file(users, programme_year=current_year.pk, enrolled_on=january, consent_on=january),
    )

    assert (
        response.context["form"]
        .errors["programme_year"][0]
        .startswith(f"Aucune année {NEXT_YEAR} du programme n’est ouverte")
    )
