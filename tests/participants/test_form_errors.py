"""The new-participant form tells every error in one pass, each next to its field
(issue #14, item 11): the age out of 16–25 under the birth date, not in a second round
once the other fields are fixed, nor 3,900 pixels further down."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from pacte.factories import StructureFactory, UserFactory
from pacte.roles import Role
from participants.models import Participant

pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _ElementText(HTMLParser):
    """The text inside the element of a given id (its descendants included)."""

    def __init__(self, element_id):
        super().__init__()
        self.element_id, self.depth, self.parts = element_id, 0, []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += tag not in VOID
        elif dict(attrs).get("id") == self.element_id:
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth and tag not in VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def text_of(html, element_id):
    parser = _ElementText(element_id)
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def field_group(html, name):
    """The text of a field's group (label, input, messages) as the DSFR pack renders it."""
    return text_of(html, f"div_id_{name}")


def error_summary(html):
    return text_of(html, "form-errors")


def eligible_file(users, **overrides):
    """The answers of an eligible young person, changed by `overrides`."""
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
    return {name: value for name, value in data.items() if value is not None}


def submit(client, data):
    response = client.post(reverse("participants:create"), data)
    assert response.status_code == 200
    return response.content.decode()


def test_an_empty_form_lists_every_missing_answer_at_once(client_for, users):
    # What a browser sends for the form left blank: every text field, empty.
    blank = dict.fromkeys(eligible_file(users), "")
    del blank["leaving_prison"], blank["lives_in_qpv"]

    html = submit(client_for(users[Role.COORDINATOR]), blank)

    for name in ("first_name", "last_name", "birth_date", "referred_by", "referred_on"):
        assert "Ce champ est obligatoire." in field_group(html, name), name
    assert "Le formulaire contient" in error_summary(html)
    assert "#id_birth_date" in html  # the summary links to the field


def test_a_wrong_form_gets_its_field_and_eligibility_errors_in_one_response(client_for, users):
    data = eligible_file(
        users,
        last_name=None,  # missing
        birth_date="1999-01-01",  # 27 when enrolled
        phone="12",  # not a phone number
        employment_situation="job",  # not without a job
        leaving_prison=None,  # not leaving prison (2018 criteria)
        referred_on="2099-01-01",  # in the future
    )

    html = submit(client_for(users[Role.COORDINATOR]), data)

    assert "Ce champ est obligatoire." in field_group(html, "last_name")
    assert field_group(html, "phone") != ""
    assert "fr-input-group--error" in html.split('id="div_id_phone"')[1].split(">")[0]
    assert "la date est à venir" in field_group(html, "referred_on")
    # The eligibility gaps, each under its own field, in the same response.
    assert "27 ans" in field_group(html, "birth_date")
    assert "16–25 ans" in field_group(html, "birth_date")
    assert "sans emploi" in field_group(html, "employment_situation")
    assert "aménagement de peine" in field_group(html, "leaving_prison")
    # The coordination is told the way out: a reason, next to its field.
    assert "indiquez le motif" in field_group(html, "override_reason")
    summary = error_summary(html)
    for expected in ("Nom", "27 ans", "sans emploi", "aménagement de peine", "à venir", "Motif"):
        assert expected in summary, expected
    assert not Participant.objects.filter(first_name="Yanis").exists()


def test_the_age_gap_sits_with_the_birth_date_not_at_the_bottom(client_for, users):
    html = submit(
        client_for(users[Role.COORDINATOR]), eligible_file(users, birth_date="1999-01-01")
    )

    assert "27 ans" in field_group(html, "birth_date")
    # Said once, under the birth date: not repeated at the reason field.
    assert "27 ans" not in field_group(html, "override_reason")


def test_a_gap_and_a_missing_field_come_together_not_in_rounds(client_for, users):
    """Before, the age gap came only once every field was valid (a second submission)."""
    html = submit(
        client_for(users[Role.COUNSELLOR]),
        eligible_file(users, birth_date="1999-01-01", first_name=None),
    )

    assert "Ce champ est obligatoire." in field_group(html, "first_name")
    assert "27 ans" in field_group(html, "birth_date")


def test_a_counsellor_is_told_that_only_the_coordination_may_enrol_out_of_criteria(
    client_for, users
):
    html = submit(
        client_for(users[Role.COUNSELLOR]), eligible_file(users, employment_situation="job")
    )

    assert "sans emploi" in field_group(html, "employment_situation")
    assert 'id="id_override_reason"' not in html  # a field they could not use
    assert "seule à pouvoir l’inscrire hors critères" in error_summary(html)


def test_with_a_reason_the_coordination_enrols_out_of_criteria_in_one_submission(client_for, users):
    response = client_for(users[Role.COORDINATOR]).post(
        reverse("participants:create"),
        eligible_file(users, birth_date="1999-01-01", override_reason="Décision de la Cellule"),
    )

    assert response.status_code == 302
    assert Participant.objects.get(first_name="Yanis").eligibility_override_reason == (
        "Décision de la Cellule"
    )


def test_under_the_drop_out_criteria_the_gap_sits_with_the_drop_out_box(client_for, users):
    year = users["participant"].programme_year
    year.criteria = "drop_out"
    year.save()

    html = submit(client_for(users[Role.COORDINATOR]), eligible_file(users, leaving_prison=None))

    assert "décrochage scolaire" in field_group(html, "school_dropout")
    assert "Depuis 2018" not in html  # the prison criterion is not this year's


def test_a_referent_of_another_structure_is_refused_next_to_the_referent(client_for, users):
    elsewhere = UserFactory(
        role=Role.COUNSELLOR,
        structure=StructureFactory(territory=users[Role.COUNSELLOR].structure.territory),
    )

    html = submit(
        client_for(users[Role.COORDINATOR]),
        eligible_file(users, referent=elsewhere.pk, birth_date="1999-01-01"),
    )

    assert "doit appartenir à la structure référente" in field_group(html, "referent")
    assert "27 ans" in field_group(html, "birth_date")
