"""What the admin site writes of the partners is in the access log, as what the
application's pages write: the partner, the rows of its inlines, deletions, imports."""

import pytest
from django.urls import reverse

from pacte.models import AccessAction, AccessLog
from pacte.roles import Role
from partners.models import Contact, Partner
from tests.partners.factories import ContactFactory, PartnerFactory
from tests.partners.test_admin import ADD, change_url, existing_partner_form_data, partner_form_data
from tests.partners.test_import import (
    CSV,
    PARTNER_HEADERS,
    VALID_ROWS,
    csv_file,
    import_in_two_steps,
)

pytestmark = pytest.mark.django_db


def written(user):
    return sorted(
        (entry.action, entry.object_type)
        for entry in AccessLog.objects.filter(user=user).exclude(
            action__in=[AccessAction.READ, AccessAction.LIST]
        )
    )


def test_a_partner_added_in_the_admin_site_is_logged(users, client_for):
    coordinator = users[Role.COORDINATOR]

    response = client_for(coordinator).post(ADD, partner_form_data(name="Franprix"))

    assert response.status_code == 302
    entry = AccessLog.objects.get(user=coordinator, action=AccessAction.CREATE)
    assert (entry.object_type, entry.object_id) == ("partner", Partner.objects.get().pk)
    assert entry.territory_id == coordinator.territory_id


def test_a_change_logs_the_partner_and_each_inline_row_written(users, client_for, paris):
    coordinator = users[Role.COORDINATOR]
    partner = PartnerFactory(territory=paris)
    data = existing_partner_form_data(
        partner,
        **{
            "contacts-TOTAL_FORMS": "1",
            "contacts-0-name": "Claire Martin",
            "contacts-0-role": "RH",
            "contacts-0-email": "claire.martin@exemple.fr",
            "contacts-0-phone": "",
        },
    )

    response = client_for(coordinator).post(change_url(partner), data)

    assert response.status_code == 302
    assert written(coordinator) == [("create", "contact"), ("update", "partner")]
    contact = Contact.objects.get()
    assert AccessLog.objects.filter(object_type="contact", object_id=contact.pk).exists()


def test_an_inline_row_deleted_is_logged_with_its_id(users, client_for, paris):
    coordinator = users[Role.COORDINATOR]
    partner = PartnerFactory(territory=paris)
    contact = ContactFactory(partner=partner)
    data = existing_partner_form_data(
        partner,
        **{
            "contacts-TOTAL_FORMS": "1",
            "contacts-INITIAL_FORMS": "1",
            "contacts-0-id": contact.pk,
            "contacts-0-partner": partner.pk,
            "contacts-0-name": contact.name,
            "contacts-0-DELETE": "on",
        },
    )

    response = client_for(coordinator).post(change_url(partner), data)

    assert response.status_code == 302
    assert not Contact.objects.exists()
    entry = AccessLog.objects.get(user=coordinator, action=AccessAction.DELETE)
    assert (entry.object_type, entry.object_id) == ("contact", contact.pk)


def test_a_partner_deleted_by_the_administration_is_logged(users, client_for, paris):
    administrator = users[Role.ADMINISTRATOR]
    partner = PartnerFactory(territory=paris)
    url = reverse("admin:partners_partner_delete", args=[partner.pk])

    response = client_for(administrator).post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Partner.objects.exists()
    entry = AccessLog.objects.get(user=administrator, action=AccessAction.DELETE)
    assert (entry.object_type, entry.object_id) == ("partner", partner.pk)


def test_each_row_of_an_import_is_logged_once_confirmed_never_at_the_preview(
    users, client_for, paris
):
    coordinator = users[Role.COORDINATOR]

    import_in_two_steps(
        client_for(coordinator), "partner", csv_file(PARTNER_HEADERS, VALID_ROWS), CSV
    )

    assert written(coordinator) == [("create", "partner")] * len(VALID_ROWS)
    ids = {e.object_id for e in AccessLog.objects.filter(action=AccessAction.CREATE)}
    assert ids == set(Partner.objects.values_list("pk", flat=True))
