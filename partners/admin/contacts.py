"""Contacts and job offers, each with their own list in the admin site."""

from django.contrib import admin

from partners.admin.imports import ImportExportAdmin
from partners.admin.scoping import HistoryAdmin, TerritoryScopedAdmin
from partners.models import (
    Contact,
    JobOffer,
    Partner,
)
from partners.resources import (
    ContactResource,
    ContactResourceAllTerritories,
)

# Contacts and offers ---------------------------------------------------------------


class PartnerChildAdmin(TerritoryScopedAdmin):
    """Rows that belong to a partner: scoped through it, the partner picked in the territory."""

    territory_lookup = "partner__territory"
    autocomplete_fields = ["partner"]
    list_select_related = ["partner"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "partner":
            kwargs["queryset"] = Partner.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Contact)
class ContactAdmin(PartnerChildAdmin, ImportExportAdmin, HistoryAdmin):
    list_display = ["name", "partner", "role", "email", "phone", "is_recruiter"]
    list_filter = ["is_recruiter"]
    search_fields = ["name", "email", "partner__name"]
    search_help_text = "Nom ou e-mail du contact, nom du partenaire."
    fields = ["partner", "name", "role", "email", "phone", "is_recruiter"]
    resource_for_all_territories = ContactResourceAllTerritories
    resource_for_a_territory = ContactResource
    export_file_stem = "contacts"

    def import_notes(self):
        return [
            "Partenaire : le nom d’un partenaire du territoire, qui doit déjà exister "
            "(importez d’abord les partenaires).",
            "Nom : obligatoire. Le contact de ce nom chez ce partenaire est mis à jour ; "
            "sinon il est ajouté.",
            "Recrute aux job-datings : oui ou non.",
            "Territoire : seule l’administration remplit cette colonne (code du département).",
        ]


@admin.register(JobOffer)
class JobOfferAdmin(PartnerChildAdmin, HistoryAdmin):
    list_display = ["title", "partner", "contract_type", "positions", "open_from", "status"]
    list_filter = ["status", "contract_type"]
    search_fields = ["title", "place", "partner__name"]
    search_help_text = "Intitulé, lieu ou nom du partenaire."
    fields = [
        "partner",
        "title",
        "contract_type",
        "place",
        "positions",
        "open_from",
        "open_until",
        "status",
    ]
