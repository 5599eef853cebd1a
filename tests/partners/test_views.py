"""Partner pages for staff: lists, commitments against what was delivered (counted)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Workshop
from pacte.roles import Role
from participants.factories import ParticipantFactory
from participants.models import Outcome, OutcomeKind
from partners.demo import fictitious_siret
from partners.models import Commitment, Contact, JobOffer, Partner

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def make_partner(territory, index=0, **fields):
    values = {
        "name": f"Entreprise {index}",
        "kind": "employer",
        "siret": fictitious_siret(index),
        "sector": "retail",
    }
    values.update(fields)
    return Partner.objects.create(territory=territory, **values)


def test_the_list_filters_agreements_expiring_within_90_days(client_for, users, paris):
    soon = make_partner(paris, 1, agreement_ends_on=TODAY + dt.timedelta(days=90))
    make_partner(paris, 2, agreement_ends_on=TODAY + dt.timedelta(days=91))
    make_partner(paris, 3, agreement_ends_on=TODAY - dt.timedelta(days=1))

    response = client_for(users[Role.COORDINATOR]).get(
        reverse("partners:list"), {"expiring": "true"}
    )

    assert [p.pk for p in response.context["page_obj"].object_list] == [soon.pk]


def test_the_list_finds_a_partner_by_siret_and_stays_in_its_territory(
    client_for, users, paris, other_territory
):
    wanted = make_partner(paris, 4)
    make_partner(other_territory, 5, name="Ailleurs")

    mine = client_for(users[Role.COORDINATOR]).get(
        reverse("partners:list"), {"q": wanted.siret[:9]}
    )
    theirs = client_for(users["other_coordinator"]).get(reverse("partners:list"))

    assert [p.pk for p in mine.context["page_obj"].object_list] == [wanted.pk]
    assert [p.name for p in theirs.context["page_obj"].object_list] == ["Ailleurs"]


def test_the_list_keeps_a_fixed_number_of_queries(
    client_for, users, paris, django_assert_max_num_queries
):
    for index in range(60):
        partner = make_partner(paris, index + 10)
        Contact.objects.create(partner=partner, name="Contact")
        JobOffer.objects.create(partner=partner, title="Poste", contract_type="cdi")
    client = client_for(users[Role.COORDINATOR])

    with django_assert_max_num_queries(10):
        response = client.get(reverse("partners:list"))

    assert response.context["count"] == 60
    assert response.context["page_obj"].object_list[0].contact_count == 1


def test_each_row_counts_its_contacts_and_its_open_offers_only(client_for, users, paris):
    busy = make_partner(paris, 20, name="Aaa")
    for name in ["Un", "Deux"]:
        Contact.objects.create(partner=busy, name=name)
    JobOffer.objects.create(partner=busy, title="Ouvert", contract_type="cdi")
    JobOffer.objects.create(partner=busy, title="Pourvu", contract_type="cdi", status="filled")
    make_partner(paris, 21, name="Bbb")

    response = client_for(users[Role.COORDINATOR]).get(reverse("partners:list"))

    counts = {
        p.name: (p.contact_count, p.open_offer_count)
        for p in response.context["page_obj"].object_list
    }
    assert counts == {"Aaa": (2, 1), "Bbb": (0, 0)}
    assert response.context["count"] == 2


def test_the_filter_bar_shows_the_values_of_each_request(client_for, users, paris):
    client = client_for(users[Role.COORDINATOR])

    first = client.get(reverse("partners:list"), {"q": "alpha", "kind": "employer"})
    second = client.get(reverse("partners:list"), {"q": "beta"})

    assert 'value="alpha"' in first.content.decode()
    assert '<option value="employer" selected>' in first.content.decode()
    assert 'value="beta"' in second.content.decode()
    assert '<option value="employer" selected>' not in second.content.decode()


def test_commitments_are_set_against_what_was_counted(client_for, users, paris):
    partner = make_partner(paris, 6)
    year = users["participant"].programme_year
    Commitment.objects.create(
        partner=partner, programme_year=year, hires=3, immersions=2, workshops=1, interviews=10
    )
    referent = users[Role.COUNSELLOR]
    for kind in (OutcomeKind.CDI, OutcomeKind.ALTERNANCE, OutcomeKind.IMMERSION):
        Outcome.objects.create(
            participant=ParticipantFactory(programme_year=year),
            kind=kind,
            starts_on=dt.date(year.year, 3, 1),
            employer=partner,
            recorded_by=referent,
        )
    Outcome.objects.create(
        participant=users["participant"],
        kind=OutcomeKind.CDI,
        starts_on=dt.date(year.year - 1, 3, 1),
        employer=partner,
        recorded_by=referent,
    )  # another year
    event = Event.objects.create(
        territory=paris,
        date=dt.date(year.year, 6, 1),
        starts_at=dt.time(14),
        ends_at=dt.time(18),
        venue="V",
        address="A",
        capacity=10,
        created_by=users[Role.COORDINATOR],
    )
    Workshop.objects.create(
        event=event,
        kind="coaching",
        starts_at=dt.time(14),
        ends_at=dt.time(15),
        capacity=10,
        facilitator=partner,
    )

    response = client_for(users[Role.PILOT]).get(reverse("partners:detail", args=[partner.pk]))

    lines = {
        label: (planned, done)
        for label, planned, done in response.context["commitments"][0]["lines"]
    }
    assert lines["Embauches"] == (3, 2)
    assert lines["Immersions"] == (2, 1)
    assert lines["Ateliers animés"] == (1, 1)
    assert lines["Entretiens"] == (10, 0)


def test_a_recruiter_sees_their_own_company_page_and_offers_only(client_for, users, paris):
    own = make_partner(paris, 7, structure=users[Role.RECRUITER].structure)
    JobOffer.objects.create(partner=own, title="Employé libre-service", contract_type="cdi")
    other = make_partner(paris, 8)
    client = client_for(users[Role.RECRUITER])

    page = client.get(reverse("partners:detail", args=[own.pk]))

    assert "Employé libre-service" in page.content.decode()
    assert page.context["events"] == [] and page.context["commitments"] == []
    assert client.get(reverse("partners:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("partners:list")).status_code == 403
    home = client.get(reverse("home"))
    assert home.context["own_partner"] == own
