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


# The referent filter of a large territory (#18 item 7) ---------------------------------


def _offered_referents(response) -> set[int]:
    field = response.context["filter"].form.fields["referent"]
    return {int(pk) for pk, _label in field.choices if pk != ""}


@pytest.fixture
def large_territory(monkeypatch, users, paris, mission_locale):
    """Beyond REFERENTS_LISTED_IN_FULL counsellors (here, one): a second structure's."""
    from participants import filters

    monkeypatch.setattr(filters, "REFERENTS_LISTED_IN_FULL", 1)
    other = StructureFactory(territory=paris, name="Mission locale du 19e")
    return {
        "ours": users[Role.COUNSELLOR],
        "theirs": UserFactory(role=Role.COUNSELLOR, structure=other),
        "other_structure": other,
    }


def test_a_small_territory_offers_every_counsellor(client_for, users, mission_locale):
    UserFactory(
        role=Role.COUNSELLOR, structure=StructureFactory(territory=mission_locale.territory)
    )

    offered = _offered_referents(list_page(client_for(users[Role.COORDINATOR])))

    assert len(offered) == 2


def test_a_large_territory_offers_the_counsellors_of_the_structure_chosen(
    client_for, users, large_territory
):
    client = client_for(users[Role.COORDINATOR])
    theirs, ours = large_territory["theirs"], large_territory["ours"]

    nothing_chosen = list_page(client)
    chosen = list_page(client, structure_in_charge=large_territory["other_structure"].pk)

    assert _offered_referents(nothing_chosen) == set()  # the coordination has no counsellors
    assert "choisissez-la puis filtrez" in nothing_chosen.content.decode()
    assert _offered_referents(chosen) == {theirs.pk}
    assert ours.pk not in _offered_referents(chosen)


def test_a_counsellor_of_a_large_territory_is_offered_their_colleagues(
    client_for, users, large_territory
):
    offered = _offered_referents(list_page(client_for(large_territory["ours"])))

    assert offered == {large_territory["ours"].pk}


def test_a_referent_already_chosen_stays_offered_and_filters(client_for, users, large_territory):
    client = client_for(users[Role.COORDINATOR])
    ours = large_territory["ours"]

    response = list_page(client, referent=ours.pk)

    assert ours.pk in _offered_referents(response)
    assert f'<option value="{ours.pk}" selected>' in response.content.decode()
    assert [row.pk for row in response.context["rows"]] == [users["participant"].pk]


# Selects render as Django's (templates/django/forms/widgets/select.html) ---------------


def test_a_select_renders_as_django_s_own_with_its_options_inline():
    from django import forms
    from django.forms.renderers import DjangoTemplates

    class Form(forms.Form):
        kind = forms.ChoiceField(
            choices=[("a", "Un & deux"), ("Groupe", [("b", "Bé"), ("c", "Cé")])]
        )

    ours = str(Form({"kind": "b"})["kind"])
    django_s = Form({"kind": "b"}, renderer=DjangoTemplates())["kind"].as_widget()

    def normalised(html):
        return [line.strip() for line in html.splitlines() if line.strip()]

    assert normalised(ours) == normalised(django_s)
    assert '<option value="b" selected>Bé</option>' in ours
    assert "Un &amp; deux" in ours and '<optgroup label="Groupe">' in ours


def test_a_widget_with_an_option_template_of_its_own_still_uses_it(settings, tmp_path):
    from django import forms

    (tmp_path / "own_option.html").write_text("<option data-own>{{ widget.label }}</option>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]

    class OwnSelect(forms.Select):
        option_template_name = "own_option.html"

    class Form(forms.Form):
        kind = forms.ChoiceField(choices=[("a", "Un")], widget=OwnSelect)

    assert "<option data-own>Un</option>" in str(Form()["kind"])
