"""The partner section of the admin site: SIRET, access by role, scoping, lists, history."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pacte.factories import StructureFactory
from pacte.roles import Role
from participants.factories import ProgrammeYearFactory
from partners.models import Contact, OfferStatus, Partner, PartnerKind, validate_siret
from tests.partners.factories import (
    CommitmentFactory,
    ContactFactory,
    JobOfferFactory,
    PartnerFactory,
    fictitious_siret,
)

CHANGELIST = reverse("admin:partners_partner_changelist")
ADD = reverse("admin:partners_partner_add")
SIRET_MESSAGE = "Ce SIRET n’est pas valide : vérifiez les 14 chiffres (clé de contrôle)."


def change_url(partner):
    return reverse("admin:partners_partner_change", args=[partner.pk])


def history_url(partner):
    return reverse("admin:partners_partner_history", args=[partner.pk])


def partner_form_data(**overrides):
    """A complete POST of the partner form with its three (empty) inlines."""
    data = {
        "name": "Boulangerie Ganachaud",
        "kind": PartnerKind.EMPLOYER,
        "sector": "hospitality",
        "siret": fictitious_siret(9001),
        "address": "",
        "website": "",
        "agreement_signed_on": "",
        "agreement_ends_on": "",
        "is_active": "on",
        "structure": "",
        "notes": "",
    }
    for prefix in ("contacts", "offers", "commitments"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(overrides)
    return data


def existing_partner_form_data(partner, **overrides):
    """The change form of `partner` as its page would post it, with `overrides`."""
    data = partner_form_data(
        name=partner.name,
        kind=partner.kind,
        sector=partner.sector,
        siret=partner.siret,
        address=partner.address,
        agreement_signed_on=partner.agreement_signed_on.isoformat()
        if partner.agreement_signed_on
        else "",
        agreement_ends_on=partner.agreement_ends_on.isoformat()
        if partner.agreement_ends_on
        else "",
    )
    data.update(overrides)
    return data


@pytest.fixture
def coordination(users, client_for):
    return client_for(users[Role.COORDINATOR])


@pytest.fixture
def administration(users, client_for):
    return client_for(users[Role.ADMINISTRATOR])


# SIRET ---------------------------------------------------------------------------


@pytest.mark.parametrize("siret", [fictitious_siret(0), fictitious_siret(77), "73282932000074"])
def test_a_siret_with_its_luhn_keys_is_valid(siret):
    validate_siret(siret)


@pytest.mark.parametrize(
    "siret",
    [
        pytest.param("73282932000075", id="wrong checksum"),
        pytest.param("7328293200007", id="13 digits"),
        pytest.param("732829320000740", id="15 digits"),
        pytest.param("7328293200007A", id="a letter"),
        pytest.param("ABCDEFGHIJKLMN", id="letters"),
    ],
)
def test_a_wrong_siret_is_refused_with_the_french_message(siret):
    with pytest.raises(ValidationError) as error:
        validate_siret(siret)
    assert error.value.messages == [SIRET_MESSAGE]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(PartnerKind.institutions()))
def test_an_institution_may_have_no_siret(paris, kind):
    partner = Partner(territory=paris, name="SPIP de Paris", kind=kind, siret="")
    partner.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [PartnerKind.EMPLOYER, PartnerKind.TRAINING])
def test_an_employer_needs_a_siret(paris, kind):
    partner = Partner(territory=paris, name="Lidl", kind=kind, siret="")
    with pytest.raises(ValidationError) as error:
        partner.full_clean()
    assert error.value.message_dict == {
        "siret": ["Le SIRET est obligatoire pour ce type de partenaire."]
    }


@pytest.mark.django_db
def test_the_admin_form_shows_the_siret_message(users, coordination):
    response = coordination.post(ADD, partner_form_data(siret="12345678901234"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["siret"] == [SIRET_MESSAGE]
    assert not Partner.objects.exists()


# Who reaches the admin site ------------------------------------------------------------


@pytest.mark.django_db
def test_a_coordinator_reaches_the_partner_section(users, coordination):
    for name in ("partner", "contact", "joboffer"):
        response = coordination.get(reverse(f"admin:partners_{name}_changelist"))
        assert response.status_code == 200, name
        # import-export's buttons and simple-history's views live together (MRO).
        page = response.content.decode()
        changelist = reverse(f"admin:partners_{name}_changelist")
        has_import_export = name in ("partner", "contact")
        assert (f"{changelist}import/" in page) is has_import_export, name
        assert (f"{changelist}export/" in page) is has_import_export, name


@pytest.mark.django_db
def test_a_coordinator_is_refused_the_accounts_of_the_admin_site(users, coordination):
    # Coordinators manage accounts in the application's own pages (scoped to their
    # territory), never through the admin site, which would list every account.
    assert coordination.get(reverse("admin:pacte_user_changelist")).status_code == 403
    assert coordination.get(reverse("admin:pacte_structure_changelist")).status_code == 403
    assert coordination.get(reverse("admin:pacte_territory_changelist")).status_code == 403


@pytest.mark.django_db
def test_the_admin_index_of_a_coordinator_shows_the_partners_only(users, coordination):
    response = coordination.get(reverse("admin:index"))

    assert response.status_code == 200
    assert [app["app_label"] for app in response.context["app_list"]] == ["partners"]
    models = [model["object_name"] for model in response.context["app_list"][0]["models"]]
    assert sorted(models) == ["Contact", "JobOffer", "Partner"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.PILOT, Role.COUNSELLOR, Role.RECRUITER])
def test_other_roles_are_sent_to_the_admin_login(users, client_for, role):
    client = client_for(users[role])
    for url in (reverse("admin:index"), CHANGELIST, reverse("admin:partners_partner_import")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url


@pytest.mark.django_db
def test_an_administrator_reaches_everything(users, administration):
    assert administration.get(CHANGELIST).status_code == 200
    assert administration.get(reverse("admin:pacte_user_changelist")).status_code == 200


# Scoping -------------------------------------------------------------------------------


@pytest.fixture
def two_territories(paris, other_territory):
    mine = PartnerFactory(territory=paris, name="Lidl Paris")
    theirs = PartnerFactory(territory=other_territory, name="Lidl Bobigny")
    return mine, theirs


@pytest.mark.django_db
def test_a_coordinator_lists_the_partners_of_their_territory_only(
    users, coordination, two_territories
):
    mine, theirs = two_territories
    response = coordination.get(CHANGELIST)

    assert list(response.context["cl"].result_list) == [mine]
    assert "Lidl Bobigny" not in response.content.decode()


@pytest.mark.django_db
def test_an_administrator_lists_every_territory_with_a_territory_column_and_filter(
    users, administration, two_territories, other_territory
):
    response = administration.get(CHANGELIST)
    assert set(response.context["cl"].result_list) == set(two_territories)
    assert "territory" in response.context["cl"].list_display

    response = administration.get(CHANGELIST, {"territory__id__exact": other_territory.pk})
    assert list(response.context["cl"].result_list) == [two_territories[1]]


@pytest.mark.django_db
def test_a_partner_of_another_territory_does_not_exist_for_a_coordinator(
    users, coordination, two_territories
):
    mine, theirs = two_territories
    assert coordination.get(change_url(mine)).status_code == 200

    # The admin's answer to an object outside its queryset: back to the index.
    response = coordination.get(change_url(theirs))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")

    response = coordination.post(change_url(theirs), existing_partner_form_data(theirs, name="X"))
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.name == "Lidl Bobigny"


@pytest.mark.django_db
def test_the_history_of_another_territory_is_a_404(users, coordination, two_territories):
    mine, theirs = two_territories
    version = theirs.history.latest()

    assert coordination.get(history_url(theirs)).status_code == 404
    simple_history_url = reverse(
        "admin:partners_partner_simple_history", args=[theirs.pk, version.history_id]
    )
    assert coordination.get(simple_history_url).status_code == 404
    assert coordination.post(simple_history_url, {}).status_code == 404


@pytest.mark.django_db
def test_contacts_and_offers_of_another_territory_are_out_of_reach(
    users, coordination, two_territories
):
    mine, theirs = two_territories
    my_contact = ContactFactory(partner=mine)
    their_contact = ContactFactory(partner=theirs)
    my_offer = JobOfferFactory(partner=mine)
    their_offer = JobOfferFactory(partner=theirs)

    contacts = coordination.get(reverse("admin:partners_contact_changelist"))
    assert list(contacts.context["cl"].result_list) == [my_contact]
    offers = coordination.get(reverse("admin:partners_joboffer_changelist"))
    assert list(offers.context["cl"].result_list) == [my_offer]

    for obj, name in ((their_contact, "contact"), (their_offer, "joboffer")):
        response = coordination.get(reverse(f"admin:partners_{name}_change", args=[obj.pk]))
        assert response.status_code == 302, name
        response = coordination.get(reverse(f"admin:partners_{name}_history", args=[obj.pk]))
        assert response.status_code == 404, name

    # A contact cannot be moved to (or created for) a partner of another territory.
    response = coordination.post(
        reverse("admin:partners_contact_add"),
        {"partner": theirs.pk, "name": "Intrus", "role": "", "email": "", "phone": ""},
    )
    assert response.status_code == 200
    assert "partner" in response.context["adminform"].form.errors
    assert not Contact.objects.filter(name="Intrus").exists()


@pytest.mark.django_db
def test_a_coordinator_adds_a_partner_in_their_territory_without_choosing_it(
    users, coordination, paris, other_territory
):
    form = coordination.get(ADD).context["adminform"].form
    assert "territory" not in form.fields

    response = coordination.post(ADD, partner_form_data(territory=other_territory.pk))

    assert response.status_code == 302
    partner = Partner.objects.get(name="Boulangerie Ganachaud")
    assert partner.territory == paris


@pytest.mark.django_db
def test_the_linked_structure_is_chosen_among_the_territory_s(
    users, coordination, paris, other_territory
):
    here = StructureFactory(territory=paris, company=True, name="Lidl (comptes)")
    there = StructureFactory(territory=other_territory, company=True, name="Lidl 93 (comptes)")

    form = coordination.get(ADD).context["adminform"].form
    choices = set(form.fields["structure"].queryset)
    assert here in choices
    assert there not in choices

    response = coordination.post(ADD, partner_form_data(structure=there.pk))
    assert response.status_code == 200
    assert "structure" in response.context["adminform"].form.errors

    response = coordination.post(ADD, partner_form_data(structure=here.pk))
    assert response.status_code == 302
    assert Partner.objects.get().structure == here


@pytest.mark.django_db
def test_a_name_already_used_in_the_territory_is_refused_not_a_crash(
    users, coordination, paris, other_territory
):
    PartnerFactory(territory=paris, name="Carrefour")
    PartnerFactory(territory=other_territory, name="Franprix")

    response = coordination.post(ADD, partner_form_data(name="Carrefour"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"] == [
        "Un partenaire de votre territoire porte déjà ce nom."
    ]

    # The same name in another territory is no clash.
    assert coordination.post(ADD, partner_form_data(name="Franprix")).status_code == 302


@pytest.mark.django_db
def test_a_coordinator_deletes_no_partner(users, coordination, two_territories):
    mine, _theirs = two_territories
    response = coordination.get(reverse("admin:partners_partner_delete", args=[mine.pk]))
    assert response.status_code == 403


@pytest.mark.django_db
def test_contacts_and_offers_are_added_on_the_partner_page(users, coordination, paris):
    partner = PartnerFactory(territory=paris)
    year = ProgrammeYearFactory(territory=paris)
    data = existing_partner_form_data(
        partner,
        **{
            "contacts-TOTAL_FORMS": "1",
            "contacts-0-name": "Claire Martin",
            "contacts-0-role": "RH",
            "contacts-0-email": "claire.martin@exemple.fr",
            "contacts-0-phone": "",
            "contacts-0-is_recruiter": "on",
            "offers-TOTAL_FORMS": "1",
            "offers-0-title": "Hôte·sse de caisse",
            "offers-0-contract_type": "cdd",
            "offers-0-place": "Paris 15e",
            "offers-0-positions": "3",
            "offers-0-open_from": "",
            "offers-0-open_until": "",
            "offers-0-status": OfferStatus.OPEN,
            "commitments-TOTAL_FORMS": "1",
            "commitments-0-programme_year": year.pk,
            "commitments-0-interviews": "10",
            "commitments-0-immersions": "2",
            "commitments-0-hires": "1",
            "commitments-0-workshops": "0",
        },
    )

    response = coordination.post(change_url(partner), data)

    assert response.status_code == 302, response.context["errors"]
    assert partner.contacts.get().name == "Claire Martin"
    assert partner.offers.get().positions == 3
    assert partner.commitments.get().programme_year == year


@pytest.mark.django_db
def test_a_commitment_takes_a_programme_year_of_the_territory(
    users, coordination, paris, other_territory
):
    partner = PartnerFactory(territory=paris)
    theirs = ProgrammeYearFactory(territory=other_territory)
    form = coordination.get(change_url(partner)).context["inline_admin_formsets"][2].formset
    assert theirs not in set(form.empty_form.fields["programme_year"].queryset)

    data = existing_partner_form_data(
        partner,
        **{
            "commitments-TOTAL_FORMS": "1",
            "commitments-0-programme_year": theirs.pk,
            "commitments-0-interviews": "1",
            "commitments-0-immersions": "0",
            "commitments-0-hires": "0",
            "commitments-0-workshops": "0",
        },
    )
    assert coordination.post(change_url(partner), data).status_code == 200
    assert not partner.commitments.exists()


# The list ------------------------------------------------------------------------------


def make_partners(territory, count):
    for _index in range(count):
        partner = PartnerFactory(territory=territory)
        ContactFactory.create_batch(2, partner=partner)
        JobOfferFactory(partner=partner)
        JobOfferFactory(partner=partner, status=OfferStatus.FILLED)
        CommitmentFactory(partner=partner)


def changelist_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.django_db
def test_the_list_shows_counts_in_a_fixed_number_of_queries(
    users, coordination, paris, other_territory, django_assert_max_num_queries
):
    make_partners(paris, 10)
    few, _response = changelist_queries(coordination)

    make_partners(paris, 110)
    make_partners(other_territory, 5)
    with django_assert_max_num_queries(few):
        response = coordination.get(CHANGELIST)
    many, response = changelist_queries(coordination)

    assert many == few
    assert few <= 10
    assert response.context["cl"].result_count == 120
    row = response.context["cl"].result_list[0]
    assert (row.n_contacts, row.n_open_offers) == (2, 1)
    page = response.content.decode()
    for header in ("Nom", "Type", "Secteur", "Actif", "Fin de convention", "Contacts"):
        assert header in page
    assert "Offres ouvertes" in page


@pytest.mark.django_db
def test_the_administrator_s_list_is_fixed_too(
    users, administration, paris, other_territory, django_assert_max_num_queries
):
    make_partners(paris, 10)
    few, _response = changelist_queries(administration)
    make_partners(other_territory, 110)
    with django_assert_max_num_queries(few):
        administration.get(CHANGELIST)


@pytest.mark.django_db
def test_the_agreement_filter_finds_those_expiring_within_90_days(users, coordination, paris):
    today = timezone.localdate()
    soon = PartnerFactory(territory=paris, agreement_ends_on=today + dt.timedelta(days=90))
    PartnerFactory(territory=paris, agreement_ends_on=today + dt.timedelta(days=91))
    expired = PartnerFactory(territory=paris, agreement_ends_on=today - dt.timedelta(days=1))
    open_ended = PartnerFactory(territory=paris, agreement_ends_on=None)

    def listed(value):
        response = coordination.get(CHANGELIST, {"convention": value})
        return list(response.context["cl"].result_list)

    assert listed("bientot") == [soon]
    assert listed("expiree") == [expired]
    assert listed("sans") == [open_ended]
    page = coordination.get(CHANGELIST).content.decode()
    assert "Expire dans les 90 jours" in page
    assert "(dans 90 j)" in page
    assert "(expirée)" in page


@pytest.mark.django_db
def test_the_search_finds_a_partner_by_name_siret_or_contact(users, coordination, paris):
    lidl = PartnerFactory(territory=paris, name="Lidl")
    carrefour = PartnerFactory(territory=paris, name="Carrefour")
    ContactFactory(partner=carrefour, name="Amina Diallo")
    ContactFactory(partner=carrefour, name="Amina Benali")

    def found(query):
        response = coordination.get(CHANGELIST, {"q": query})
        return list(response.context["cl"].result_list)

    assert found("lidl") == [lidl]
    assert found(lidl.siret) == [lidl]
    assert found("Amina") == [carrefour]  # once, though two contacts match


@pytest.mark.django_db
def test_the_filters_by_kind_sector_and_activity(users, coordination, paris):
    spip = PartnerFactory(territory=paris, kind=PartnerKind.JUSTICE, siret="", sector="public")
    inactive = PartnerFactory(territory=paris, is_active=False)

    def listed(**params):
        return list(coordination.get(CHANGELIST, params).context["cl"].result_list)

    assert listed(kind__exact="justice") == [spip]
    assert listed(sector__exact="public") == [spip]
    assert listed(is_active__exact="0") == [inactive]


# History -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_history_tells_who_changed_what_and_when(users, coordination, paris):
    partner = PartnerFactory(territory=paris, name="Lidl", notes="")
    old_siret, new_siret = partner.siret, fictitious_siret(4242)

    response = coordination.post(
        change_url(partner),
        existing_partner_form_data(
            partner, siret=new_siret, kind=PartnerKind.TRAINING, notes="Rappeler en mars"
        ),
    )
    assert response.status_code == 302

    edit_page = coordination.get(change_url(partner)).content.decode()
    assert history_url(partner) in edit_page  # the "Historique" button

    response = coordination.get(history_url(partner))
    assert response.status_code == 200
    page = response.content.decode()
    coordinator = users[Role.COORDINATOR]
    assert str(coordinator) in page
    version = response.context["page_obj"][0]  # the newest
    assert version.history_user == coordinator
    assert version.history_type == "~"
    changes = {change["field"]: change for change in version.history_delta_changes}
    assert set(changes) == {"SIRET", "Type", "Notes"}
    assert (changes["SIRET"]["old"], changes["SIRET"]["new"]) == (old_siret, new_siret)
    assert (changes["Type"]["old"], changes["Type"]["new"]) == (
        "Employeur",
        "Organisme de formation",
    )
    assert old_siret in page and new_siret in page
    assert "Organisme de formation" in page


@pytest.mark.django_db
def test_the_history_shows_changes_of_contacts_and_offers_too(users, coordination, paris):
    partner = PartnerFactory(territory=paris)
    contact = ContactFactory(partner=partner, name="Claire Martin", role="RH")
    data = existing_partner_form_data(
        partner,
        **{
            "contacts-TOTAL_FORMS": "1",
            "contacts-INITIAL_FORMS": "1",
            "contacts-0-id": contact.pk,
            "contacts-0-partner": partner.pk,
            "contacts-0-name": "Claire Martin",
            "contacts-0-role": "Directrice des ressources humaines",
            "contacts-0-email": contact.email,
            "contacts-0-phone": contact.phone,
            "contacts-0-is_recruiter": "on",
        },
    )
    assert coordination.post(change_url(partner), data).status_code == 302

    response = coordination.get(history_url(partner))
    related = response.context["related_changes"]
    assert related[0]["record"].history_user == users[Role.COORDINATOR]
    assert [(c.field, c.old, c.new) for c in related[0]["changes"]] == [
        ("Fonction", "RH", "Directrice des ressources humaines")
    ]
    assert "Directrice des ressources humaines" in response.content.decode()


@pytest.mark.django_db
def test_the_partner_autocomplete_offers_the_territory_s_partners_only(
    users, coordination, two_territories
):
    mine, _theirs = two_territories
    response = coordination.get(
        reverse("admin:autocomplete"),
        {"app_label": "partners", "model_name": "contact", "field_name": "partner", "term": "Lidl"},
    )

    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == [mine.name]
