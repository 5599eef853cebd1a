"""Dates within 1990–2100 and free text bounded (10,000 characters, 2,000 for a motif):
in the forms, next to the field, and in the database, which nothing bypasses."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from pacte.roles import Role
from participants.factories import FollowUpFactory, JusticeMeasureFactory
from participants.models import FollowUp, StatusChange
from tests.pacte.test_programme_years import new_file

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def counsellor(client_for, users):
    return client_for(users[Role.COUNSELLOR])


def test_a_follow_up_summary_is_at_most_ten_thousand_characters(counsellor, users):
    participant = users["participant"]

    response = counsellor.post(
        reverse("participants:follow_up_create", args=[participant.pk]),
        {"happened_on": TODAY.isoformat(), "kind": "phone", "summary": "a" * 10_001},
    )

    assert "summary" in response.context["follow_up_form"].errors
    assert "10000" in response.context["follow_up_form"].errors["summary"][0]
    assert not FollowUp.objects.filter(participant=participant).exists()


def test_a_status_motif_is_at_most_two_thousand_characters(client_for, users):
    participant = users["participant"]
    client = client_for(users[Role.COORDINATOR])

    client.post(
        reverse("participants:status_change", args=[participant.pk]),
        {"to_status": "suspended", "reason": "a" * 2_001},
    )

    assert not StatusChange.objects.filter(participant=participant, to_status="suspended").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("birth_date", "1989-12-31"),
        ("enrolled_on", "2101-01-01"),
        ("referred_on", "0001-01-01"),
        ("consent_on", "2200-01-01"),
    ],
)
def test_the_files_dates_are_within_1990_and_2100(client_for, users, field, value):
    client = client_for(users[Role.COORDINATOR])

    response = client.post(reverse("participants:create"), new_file(users, **{field: value}))

    assert response.status_code == 200
    assert field in response.context["form"].errors


def test_a_referral_is_not_dated_in_the_future(client_for, users):
    client = client_for(users[Role.COORDINATOR])
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()

    response = client.post(reverse("participants:create"), new_file(users, referred_on=tomorrow))

    assert response.context["form"].errors["referred_on"] == [
        "Une orientation se note une fois faite : la date est à venir."
    ]


def test_the_whole_file_form_shows_every_bound_in_one_pass(client_for, users):
    client = client_for(users[Role.COORDINATOR])

    response = client.post(
        reverse("participants:create"),
        new_file(
            users, birth_date="1900-01-01", consent_scope="a" * 2_001, referred_on="2999-01-01"
        ),
    )

    assert {"birth_date", "consent_scope", "referred_on"} <= set(response.context["form"].errors)


def test_the_database_refuses_unbounded_texts_and_dates(users):
    participant = users["participant"]

    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpFactory(participant=participant, summary="a" * 10_001)
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUpFactory(participant=participant, happened_on=dt.date(1989, 12, 31))
    with pytest.raises(IntegrityError), transaction.atomic():
        JusticeMeasureFactory(
            participant=participant, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2101, 1, 1)
        )


@pytest.mark.parametrize("postal_code", ["7501", "750155", "ABCDE", "00100", "99000"])
def test_a_postal_code_is_five_french_digits(client_for, users, postal_code):
    client = client_for(users[Role.COORDINATOR])

    response = client.post(reverse("participants:create"), new_file(users, postal_code=postal_code))

    assert "postal_code" in response.context["form"].errors


def test_a_real_postal_code_is_accepted(client_for, users):
    client = client_for(users[Role.COORDINATOR])

    response = client.post(reverse("participants:create"), new_file(users, postal_code="93000"))

    assert response.status_code == 302


def test_every_error_is_summed_up_on_top_with_a_link_to_its_field(client_for, users):
    client = client_for(users[Role.COORDINATOR])

    response = client.post(
        reverse("participants:create"),
        new_file(users, first_name="", birth_date="1900-01-01", postal_code="7501"),
    )

    content = response.content.decode()
    summary = content[
        content.index("fr-alert--error") : content.index("</ul>", content.index("fr-alert--error"))
    ]
    for field in ("first_name", "birth_date", "postal_code"):
        assert f'href="#id_{field}"' in summary
    assert content.index("fr-alert--error") < content.index('id="id_first_name"')


def test_a_status_change_without_motif_says_so_next_to_the_field(client_for, users):
    participant = users["participant"]
    client = client_for(users[Role.COORDINATOR])

    response = client.post(
        reverse("participants:status_change", args=[participant.pk]),
        {"to_status": "suspended", "reason": ""},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == [
        "Indiquez le motif du changement de statut : il reste dans l’historique du dossier."
    ]
    assert 'href="#id_reason"' in response.content.decode()
