import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from pacte.factories import StructureFactory, UserFactory
from pacte.models import User
from pacte.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordination(client, users):
    client.force_login(users[Role.COORDINATOR])
    return client


def new_account_data(structure, **overrides):
    data = {
        "username": "nouvelle.recruteuse",
        "first_name": "Inès",
        "last_name": "Roux",
        "email": "ines.roux@exemple.fr",
        "phone": "",
        "structure": structure.pk,
        "role": Role.RECRUITER,
        "expires_on": "2027-03-14",
    }
    data.update(overrides)
    return data


def test_a_coordinator_lists_the_accounts_of_their_territory_only(coordination, users):
    response = coordination.get(reverse("accounts:list"))

    listed = {account.username for account in response.context["page_obj"].object_list}
    assert "t-conseiller" in listed
    assert "t-recruteur" in listed
    assert "t-coordination2" not in listed
    assert "t-admin" not in listed
    assert response.context["count"] == len(listed)


def test_the_account_list_is_filtered_from_the_url(coordination, users):
    response = coordination.get(reverse("accounts:list"), {"role": Role.COUNSELLOR, "q": "t-cons"})

    listed = [account.username for account in response.context["page_obj"].object_list]
    assert listed == ["t-conseiller"]


def test_the_account_list_pays_a_fixed_number_of_queries(
    coordination, users, mission_locale, django_assert_max_num_queries
):
    for index in range(60):
        UserFactory(username=f"extra{index}", structure=mission_locale)

    with django_assert_max_num_queries(8):
        response = coordination.get(reverse("accounts:list"), {"sort": "structure"})

    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 50


def test_a_coordinator_creates_an_account_and_the_person_gets_a_link(coordination, users):
    recruiter_structure = users[Role.RECRUITER].structure

    response = coordination.post(reverse("accounts:create"), new_account_data(recruiter_structure))

    assert response.status_code == 302
    account = User.objects.get(username="nouvelle.recruteuse")
    assert account.role == Role.RECRUITER
    assert account.expires_on == dt.date(2027, 3, 14)
    assert not account.has_usable_password()
    assert mail.outbox[0].to == ["ines.roux@exemple.fr"]
    assert "/mot-de-passe/nouveau/" in mail.outbox[0].body
    # Recruiters receive it: it names the Café-métiers, never the programme.
    assert "Pacte" not in mail.outbox[0].body + mail.outbox[0].subject


def test_a_coordinator_cannot_place_an_account_in_another_territory(coordination, users):
    elsewhere = users["other_coordinator"].structure

    response = coordination.post(reverse("accounts:create"), new_account_data(elsewhere))

    assert response.status_code == 200
    assert "structure" in response.context["form"].errors
    assert not User.objects.filter(username="nouvelle.recruteuse").exists()


def test_a_coordinator_cannot_create_an_administrator(coordination, users):
    response = coordination.post(
        reverse("accounts:create"),
        new_account_data(users[Role.COUNSELLOR].structure, role=Role.ADMINISTRATOR),
    )

    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert not User.objects.filter(username="nouvelle.recruteuse").exists()


def test_a_taken_username_gets_a_french_error_next_to_the_field(coordination, users):
    response = coordination.post(
        reverse("accounts:create"),
        new_account_data(users[Role.COUNSELLOR].structure, username="T-CONSEILLER"),
    )

    assert response.context["form"].errors["username"] == [
        "Cet identifiant est déjà pris : choisissez-en un autre."
    ]
    assert 'class="fr-message fr-message--error"' in response.content.decode()


def test_a_coordinator_reassigns_an_account_to_another_structure(coordination, users, paris):
    counsellor = users[Role.COUNSELLOR]
    spip = StructureFactory(territory=paris, spip=True)

    response = coordination.post(
        reverse("accounts:update", args=[counsellor.pk]),
        new_account_data(spip, role=Role.COUNSELLOR, expires_on="", email=counsellor.email),
    )

    assert response.status_code == 302
    counsellor.refresh_from_db()
    assert counsellor.structure == spip


def test_a_coordinator_deactivates_and_reactivates_an_account(coordination, users):
    counsellor = users[Role.COUNSELLOR]

    coordination.post(reverse("accounts:set_active", args=[counsellor.pk]), {"active": "0"})
    counsellor.refresh_from_db()
    assert not counsellor.is_active

    coordination.post(reverse("accounts:set_active", args=[counsellor.pk]), {"active": "1"})
    counsellor.refresh_from_db()
    assert counsellor.is_active


def test_a_coordinator_cannot_deactivate_themselves(coordination, users):
    me = users[Role.COORDINATOR]

    coordination.post(reverse("accounts:set_active", args=[me.pk]), {"active": "0"})

    me.refresh_from_db()
    assert me.is_active


def test_an_account_of_another_territory_is_a_404(coordination, users):
    other = users["other_coordinator"]

    assert coordination.get(reverse("accounts:update", args=[other.pk])).status_code == 404
    response = coordination.post(reverse("accounts:set_active", args=[other.pk]), {"active": "0"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.is_active


def test_a_coordinator_cannot_give_the_pilots_role(coordination, users, prefecture):
    """The pilot reads the access log: a coordinator who could make a pilot account with an
    address they read would watch their own traces."""
    response = coordination.post(
        reverse("accounts:create"),
        new_account_data(prefecture, username="faux.pilote", role=Role.PILOT),
    )

    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert Role.PILOT not in dict(response.context["form"].fields["role"].choices)
    assert not User.objects.filter(username="faux.pilote").exists()


def test_a_coordinator_cannot_turn_a_counsellor_into_a_pilot(users):
    from pacte import services
    from pacte.exceptions import DomainError

    counsellor = users[Role.COUNSELLOR]
    with pytest.raises(DomainError):
        services.account_update(
            by=users[Role.COORDINATOR],
            account=counsellor,
            first_name="A",
            last_name="B",
            email="a@b.fr",
            structure=users[Role.COORDINATOR].structure,
            role=Role.PILOT,
        )
    counsellor.refresh_from_db()
    assert counsellor.role == Role.COUNSELLOR


def test_a_coordinator_cannot_change_the_pilots_account(coordination, users):
    pilot = users[Role.PILOT]

    assert coordination.get(reverse("accounts:update", args=[pilot.pk])).status_code == 404
    response = coordination.post(
        reverse("accounts:update", args=[pilot.pk]),
        {
            "first_name": pilot.first_name,
            "last_name": pilot.last_name,
            "email": "coordination@lue.fr",
            "structure": pilot.structure_id,
            "role": Role.PILOT,
        },
    )
    assert response.status_code == 404
    pilot.refresh_from_db()
    assert pilot.email != "coordination@lue.fr"


def test_the_administrator_gives_the_pilots_role(client, users, prefecture):
    client.force_login(users[Role.ADMINISTRATOR])

    response = client.post(
        reverse("accounts:create"),
        new_account_data(prefecture, username="vrai.pilote", role=Role.PILOT),
    )

    assert response.status_code == 302
    assert User.objects.get(username="vrai.pilote").role == Role.PILOT
