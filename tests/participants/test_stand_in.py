"""A stand-in (« remplaçant ») is named by the referent or a coordinator, is a counsellor of
the referent's structure or of the referring SPIP, never the person asking, for at most 60
days; a hand-over is decided by the same people, never to the person asking (domain.md)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pacte.exceptions import DomainError
from pacte.factories import StructureFactory, UserFactory
from pacte.models import StructureKind
from pacte.roles import Role
from participants import services
from participants.factories import JusticeMeasureFactory
from participants.models import Participant, ReferentChange

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TOMORROW = TODAY + dt.timedelta(days=1)


@pytest.fixture
def participant(users):
    participant = users["participant"]
    JusticeMeasureFactory(participant=participant)
    return participant


@pytest.fixture
def referent(users):
    return users[Role.COUNSELLOR]


@pytest.fixture
def colleague(mission_locale):
    """A counsellor of the structure in charge who is not the referent."""
    return UserFactory(username="collegue", role=Role.COUNSELLOR, structure=mission_locale)


@pytest.fixture
def spip_counsellor(participant):
    assert participant.referred_by.kind == StructureKind.SPIP
    return UserFactory(username="cpip", role=Role.COUNSELLOR, structure=participant.referred_by)


@pytest.fixture
def france_travail_counsellor(paris):
    france_travail = StructureFactory(
        territory=paris, name="France Travail Paris", kind=StructureKind.FRANCE_TRAVAIL
    )
    return UserFactory(username="ft", role=Role.COUNSELLOR, structure=france_travail)


def reload(participant):
    return Participant.objects.get(pk=participant.pk)


def justice_tab_opens(client, user, participant):
    client.force_login(user)
    page = client.get(reverse("participants:detail", args=[participant.pk]))
    return page.status_code == 200 and page.context["can_see_justice"]


def test_the_repro_a_counsellor_cannot_make_themself_a_justice_reader(
    client, colleague, participant
):
    assert not justice_tab_opens(client, colleague, participant)

    response = client.post(
        reverse("participants:stand_in", args=[participant.pk]),
        {"stand_in": colleague.pk, "stand_in_until": TOMORROW.isoformat()},
    )

    assert response.status_code == 403
    assert reload(participant).stand_in is None
    assert not justice_tab_opens(client, colleague, participant)


def test_the_service_refuses_a_stand_in_named_by_someone_else_than_the_referent(
    colleague, participant
):
    with pytest.raises(DomainError):
        services.participant_set_stand_in(
            by=colleague, participant=participant, stand_in=colleague, until=TOMORROW
        )
    assert reload(participant).stand_in is None


def test_the_referent_cannot_hand_the_measure_to_another_structure(
    client, referent, participant, france_travail_counsellor
):
    client.force_login(referent)

    response = client.post(
        reverse("participants:stand_in", args=[participant.pk]),
        {
            "stand_in": france_travail_counsellor.pk,
            "stand_in_until": (TODAY + dt.timedelta(days=365)).isoformat(),
        },
    )

    assert response.status_code == 200
    assert "stand_in" in response.context["form"].errors
    assert reload(participant).stand_in is None
    with pytest.raises(DomainError) as refused:
        services.participant_set_stand_in(
            by=referent, participant=participant, stand_in=france_travail_counsellor, until=TOMORROW
        )
    assert refused.value.field == "stand_in"
    assert not justice_tab_opens(client, france_travail_counsellor, participant)


def test_the_form_offers_only_the_referents_structure_and_the_referring_spip(
    client, referent, participant, colleague, spip_counsellor, france_travail_counsellor
):
    client.force_login(referent)

    form = client.get(reverse("participants:stand_in", args=[participant.pk])).context["form"]

    assert set(form.fields["stand_in"].queryset) == {colleague, spip_counsellor}


def test_the_referent_names_a_colleague_who_then_reads_the_measure(
    client, referent, participant, colleague
):
    client.force_login(referent)

    response = client.post(
        reverse("participants:stand_in", args=[participant.pk]),
        {"stand_in": colleague.pk, "stand_in_until": (TODAY + dt.timedelta(days=60)).isoformat()},
    )

    assert response.status_code == 302
    assert reload(participant).stand_in == colleague
    assert justice_tab_opens(client, colleague, participant)


def test_a_coordinator_names_the_referring_spips_counsellor(users, participant, spip_counsellor):
    services.participant_set_stand_in(
        by=users[Role.COORDINATOR],
        participant=participant,
        stand_in=spip_counsellor,
        until=TOMORROW,
    )

    assert reload(participant).stand_in == spip_counsellor


def test_a_stand_in_lasts_at_most_sixty_days(client, referent, participant, colleague):
    client.force_login(referent)

    response = client.post(
        reverse("participants:stand_in", args=[participant.pk]),
        {"stand_in": colleague.pk, "stand_in_until": (TODAY + dt.timedelta(days=61)).isoformat()},
    )

    assert (
        response.context["form"]
        .errors["stand_in_until"][0]
        .startswith("Un remplacement dure au plus 60 jours")
    )
    assert reload(participant).stand_in is None


def test_a_stand_in_cannot_name_another_or_themself(participant, referent, colleague, users):
    services.participant_set_stand_in(
        by=referent, participant=participant, stand_in=colleague, until=TOMORROW
    )
    other = UserFactory(username="autre", role=Role.COUNSELLOR, structure=colleague.structure)

    with pytest.raises(DomainError):
        services.participant_set_stand_in(
            by=colleague, participant=reload(participant), stand_in=other, until=TOMORROW
        )


# Hand-over: the same people decide it


def test_a_colleague_of_the_structure_cannot_take_the_file(client, colleague, participant):
    client.force_login(colleague)

    response = client.post(
        reverse("participants:hand_over", args=[participant.pk]), {"to_referent": colleague.pk}
    )

    assert response.status_code == 403
    with pytest.raises(DomainError):
        services.participant_hand_over(by=colleague, participant=participant, to_referent=colleague)
    assert not ReferentChange.objects.exists()


def test_a_stand_in_cannot_hand_the_file_to_themself(participant, referent, colleague):
    services.participant_set_stand_in(
        by=referent, participant=participant, stand_in=colleague, until=TOMORROW
    )

    with pytest.raises(DomainError):
        services.participant_hand_over(
            by=colleague, participant=reload(participant), to_referent=colleague
        )
    assert reload(participant).referent == referent


def test_the_hand_over_form_never_offers_the_person_asking(
    client, users, referent, participant, colleague
):
    client.force_login(referent)
    form = client.get(reverse("participants:hand_over", args=[participant.pk])).context["form"]

    assert set(form.fields["to_referent"].queryset) == {colleague}


def test_the_referent_hands_over_to_a_colleague(client, referent, participant, colleague):
    client.force_login(referent)

    response = client.post(
        reverse("participants:hand_over", args=[participant.pk]), {"to_referent": colleague.pk}
    )

    assert response.status_code == 302
    assert reload(participant).referent == colleague
