"""The participants list's fast reads show what the models say.

Its rows are plain values (no model instance); the territory's structures,
counsellors and years are read in one query and kept a minute in the cache. Each
stays exact: a new counsellor, a renamed one, another value selected shows at once.
"""

import datetime as dt

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape

from pacte.factories import StructureFactory, UserFactory
from pacte.roles import Role
from participants import directory
from participants.factories import ParticipantFactory, ProgrammeYearFactory
from participants.models import Participant, Status
from participants.selectors import list_rows, participants_for_list

pytestmark = pytest.mark.django_db


def list_page(client, **params):
    return client.get(reverse("participants:list"), params)


def test_a_row_shows_what_the_participant_and_its_relations_say(users):
    participant = users["participant"]
    participant.last_follow_up_on = dt.date(2026, 3, 1)
    participant.save()

    [row] = list_rows(participants_for_list(users[Role.COORDINATOR]))

    assert row.url == reverse("participants:detail", args=[participant.pk])
    assert (row.last_name, row.first_name) == (participant.last_name, participant.first_name)
    assert row.referent == str(participant.referent)
    assert row.structure == participant.structure_in_charge.name
    assert row.year == participant.programme_year.year
    assert (row.enrolled_on, row.last_follow_up_on) == (
        participant.enrolled_on,
        participant.last_follow_up_on,
    )


def test_a_referent_without_a_name_is_shown_by_username(users):
    referent = users["participant"].referent
    referent.first_name = referent.last_name = ""
    referent.save()

    [row] = list_rows(participants_for_list(users[Role.COORDINATOR]))

    assert row.referent == referent.username == str(referent)


def test_the_page_lists_its_rows_in_the_sort_order(client_for, users):
    like = users["participant"]
    for name in ["Bah", "Zidane", "Adam"]:
        ParticipantFactory(
            last_name=name,
            programme_year=like.programme_year,
            structure_in_charge=like.structure_in_charge,
            referent=like.referent,
        )
    response = list_page(client_for(users[Role.COORDINATOR]), sort="-name")

    names = [row.last_name for row in response.context["rows"]]
    expected = Participant.objects.filter(territory=like.territory).order_by("-last_name", "pk")
    assert names == [p.last_name for p in expected]
    body = response.content.decode()
    assert body.index("ZIDANE") < body.index("BAH") < body.index("ADAM")


def test_a_row_is_written_with_its_values_escaped(client_for, users):
    """The rows are written in Python (participant_rows): what a user typed stays text."""
    participant = users["participant"]
    participant.first_name = '<script>alert("x")</script>'
    participant.last_follow_up_on = None
    participant.save()

    body = list_page(client_for(users[Role.COORDINATOR])).content.decode()

    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    row = body[body.index(f'href="{reverse("participants:detail", args=[participant.pk])}"') :]
    row = row[: row.index("</tr>")]
    assert escape(participant.last_name.upper()) in row
    assert escape(participant.structure_in_charge.name) in row
    assert date_format(participant.enrolled_on, "j F Y") in row
    assert row.endswith('<td data-label="Dernier suivi">Aucun</td>')


def test_long_dates_and_badges_read_like_djangos():
    template = Template(
        "{% load pacte_tags participant_tags %}{{ day|long_date }}|{{ none|long_date }}|"
        "{% status_badge someone %}"
    )
    day = dt.date(2026, 12, 2)
    someone = Participant(status=Status.SUSPENDED)

    rendered = template.render(Context({"day": day, "none": None, "someone": someone}))

    assert rendered.startswith(f"{date_format(day, 'j F Y')}||")
    assert rendered.endswith(
        '<p class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--warning">Suspendu</p>'
    )


def test_structures_counsellors_and_years_are_read_in_one_query_then_kept(users, paris):
    coordinator = users[Role.COORDINATOR]
    ProgrammeYearFactory(territory=paris, year=2031)

    with CaptureQueriesContext(connection) as first:
        choices = directory.territory_choices(coordinator)
    with CaptureQueriesContext(connection) as second:
        assert directory.territory_choices(coordinator) == choices

    assert (len(first), len(second)) == (1, 0)
    counsellor = users[Role.COUNSELLOR]
    assert (counsellor.pk, str(counsellor)) in choices.lists["referent"]
    years = [year for _pk, year in choices.lists["programme_year"]]
    assert years == sorted(years, reverse=True) and "2031" in years


def test_the_choices_stay_in_the_territory(users, other_territory):
    stranger = UserFactory(
        role=Role.COUNSELLOR, structure=StructureFactory(territory=other_territory)
    )

    choices = directory.territory_choices(users[Role.COORDINATOR])

    assert stranger.pk not in {pk for pk, _label in choices.lists["referent"]}
    assert stranger.structure.pk not in {pk for pk, _label in choices.lists["structure_in_charge"]}


def test_counsellors_are_offered_by_last_name(users, mission_locale):
    for first, last in [("Zoé", "Bernard"), ("Adam", "Moreau"), ("Lina", "Bernard")]:
        UserFactory(
            role=Role.COUNSELLOR, structure=mission_locale, first_name=first, last_name=last
        )

    labels = [
        label
        for _pk, label in directory.territory_choices(users[Role.COORDINATOR]).lists["referent"]
    ]

    bernards = [label for label in labels if label.endswith("Bernard")]
    assert bernards == ["Lina Bernard", "Zoé Bernard"]
    assert labels.index("Zoé Bernard") < labels.index("Adam Moreau")


def test_a_new_or_renamed_counsellor_shows_at_once(client_for, users, mission_locale):
    client = client_for(users[Role.COORDINATOR])
    list_page(client)  # the choices are now in the cache

    newcomer = UserFactory(
        role=Role.COUNSELLOR, structure=mission_locale, first_name="Inès", last_name="Nouvelle"
    )
    assert "Inès Nouvelle" in list_page(client).content.decode()

    newcomer.last_name = "Renommée"
    newcomer.save()
    body = list_page(client).content.decode()
    assert "Inès Renommée" in body and "Inès Nouvelle" not in body


def test_a_login_keeps_the_choices(users):
    coordinator = users[Role.COORDINATOR]
    directory.territory_choices(coordinator)
    counsellor = users[Role.COUNSELLOR]
    counsellor.save(update_fields=["last_login"])

    with CaptureQueriesContext(connection) as captured:
        directory.territory_choices(coordinator)

    assert len(captured) == 0


def test_the_filter_bar_shows_the_values_of_each_request(client_for, users):
    client = client_for(users[Role.COORDINATOR])
    structure = users["participant"].structure_in_charge

    plain = list_page(client, q="dupont").content.decode()
    searched = list_page(client, q="camara").content.decode()
    selected = list_page(client, q="camara", structure_in_charge=structure.pk).content.decode()

    assert 'value="dupont"' in plain and 'value="camara"' in searched
    assert f'<option value="{structure.pk}" selected>' in selected
    assert f'<option value="{structure.pk}" selected>' not in searched


def test_a_choice_not_offered_is_refused_next_to_its_field(client_for, users):
    response = list_page(client_for(users[Role.COORDINATOR]), referent=999999)

    body = response.content.decode()
    assert "Le formulaire contient une erreur" in body
    assert "Sélectionnez un choix valide" in body
