"""An edit of a file never undoes a change made meanwhile (a status change, a follow-up, a
hand-over): only the fields the person changed are saved, and a form opened before
another change of the file is refused with that change shown."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pacte.factories import StructureFactory, UserFactory
from pacte.roles import Role
from participants import services
from participants.models import Participant, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordination(client_for, users):
    return client_for(users[Role.COORDINATOR])


@pytest.fixture
def participant(users):
    return users["participant"]


def reload(participant):
    return Participant.objects.get(pk=participant.pk)


def open_edit_form(client, participant):
    """The form's values as the page shows them, ready to post back."""
    form = client.get(reverse("participants:update", args=[participant.pk])).context["form"]
    return {
        name: value
        for name, value in form.initial.items()
        if value is not None and name != "wished_sectors"
    }


def save(client, participant, data):
    return client.post(reverse("participants:update", args=[participant.pk]), data)


def test_an_edit_opened_before_a_status_change_is_refused_and_shows_it(
    coordination, users, participant
):
    data = open_edit_form(coordination, participant)
    services.participant_change_status(
        by=users[Role.COUNSELLOR], participant=participant, to_status=Status.SUSPENDED, reason="RDV"
    )

    response = save(coordination, participant, {**data, "phone": "06 98 76 54 32"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "Ce dossier a été modifié entre-temps" in content
    assert response.context["stale_changes"][0]["fields"] == ["statut"]
    saved = reload(participant)
    assert (saved.status, saved.phone) == (Status.SUSPENDED, "+33612345678")
    # The person has seen the other change: saving again applies theirs, keeping it.
    again = {
        **data,
        "phone": "06 98 76 54 32",
        **{"seen_version": response.context["form"]["seen_version"].value()},
    }
    assert save(coordination, participant, again).status_code == 302
    saved = reload(participant)
    assert (saved.status, saved.phone) == (Status.SUSPENDED, "+33698765432")


def test_an_edit_opened_before_a_hand_over_never_gives_the_file_back(
    coordination, users, participant, mission_locale
):
    colleague = UserFactory(role=Role.COUNSELLOR, structure=mission_locale)
    data = open_edit_form(coordination, participant)
    services.participant_hand_over(
        by=users[Role.COORDINATOR], participant=participant, to_referent=colleague
    )

    response = save(coordination, participant, {**data, "city": "Paris"})

    assert response.status_code == 200
    assert reload(participant).referent == colleague


def test_a_follow_up_logged_meanwhile_is_kept(coordination, users, participant):
    data = open_edit_form(coordination, participant)
    today = timezone.localdate()
    services.follow_up_log(
        by=users[Role.COUNSELLOR],
        participant=participant,
        happened_on=today,
        kind="phone",
        summary="Appel",
    )

    response = save(coordination, participant, {**data, "city": "Paris"})

    assert response.status_code == 302
    saved = reload(participant)
    assert (saved.city, saved.last_follow_up_on) == ("Paris", today)


def test_only_the_changed_fields_are_written(users, participant):
    from participants.selectors import participant_version

    version = str(participant_version(participant))
    Participant.objects.filter(pk=participant.pk).update(status=Status.SUSPENDED)
    stale = reload(participant)
    stale.status = Status.ACTIVE  # an old value the form did not change
    stale.city = "Paris"

    services.participant_update(
        by=users[Role.COORDINATOR], participant=stale, changed=["city"], seen_version=version
    )

    saved = reload(participant)
    assert (saved.city, saved.status) == ("Paris", Status.SUSPENDED)


@pytest.mark.parametrize("forged", ["", "abc", "-1", "99999999999999999999", "1\x00"])
def test_a_missing_or_forged_version_is_refused_without_error(coordination, participant, forged):
    data = open_edit_form(coordination, participant)

    response = save(coordination, participant, {**data, "seen_version": forged, "city": "X"})

    assert response.status_code in {200, 400}
    assert reload(participant).city != "X"


# Structures on an update: the file's territory's only


def test_a_structure_of_another_territory_is_refused_on_update(
    coordination, participant, other_territory
):
    bobigny = StructureFactory(territory=other_territory, name="SPIP de Bobigny", spip=False)
    data = open_edit_form(coordination, participant)

    response = save(coordination, participant, {**data, "referred_by": bobigny.pk})

    assert response.status_code == 200
    assert "referred_by" in response.context["form"].errors
    assert reload(participant).referred_by_id != bobigny.pk
    offered = response.context["form"].fields["referred_by"].queryset
    assert {s.territory_id for s in offered} == {participant.territory_id}


def test_the_service_refuses_a_structure_of_another_territory(users, participant, other_territory):
    from pacte.exceptions import DomainError
    from participants.selectors import participant_version

    bobigny = StructureFactory(territory=other_territory, name="Mission locale de Bobigny")
    version = str(participant_version(participant))
    participant.referred_by = bobigny

    with pytest.raises(DomainError) as refused:
        services.participant_update(
            by=users[Role.COORDINATOR],
            participant=participant,
            changed=["referred_by"],
            seen_version=version,
        )
    assert refused.value.field == "referred_by"
    assert reload(participant).referred_by.territory_id == participant.territory_id


def test_the_edit_form_dates_stay_the_same_day(coordination, participant):
    # Sanity: an unchanged form saves and changes nothing it did not show.
    data = open_edit_form(coordination, participant)

    assert save(coordination, participant, data).status_code == 302
    assert reload(participant).enrolled_on == participant.enrolled_on
    assert isinstance(participant.enrolled_on, dt.date)
