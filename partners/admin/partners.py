"""The partners' pages of the admin site, with their contacts, offers and commitments
as inlines."""

import dataclasses
import datetime as dt

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from pacte.models import ProgrammeYear, Structure
from partners.admin.imports import ImportExportAdmin
from partners.admin.scoping import (
    FrenchHistoryHelper,
    HistoryAdmin,
    TerritoryScopedAdmin,
    sees_all_territories,
)
from partners.models import (
    Commitment,
    Contact,
    JobOffer,
    OfferStatus,
    Partner,
    PartnerKind,
    Sector,
)
from partners.resources import (
    PartnerResource,
    PartnerResourceAllTerritories,
)

AGREEMENT_NOTICE_DAYS = 90
RELATED_HISTORY_LIMIT = 100

# Partners ------------------------------------------------------------------------


class AgreementFilter(admin.SimpleListFilter):
    title = "convention"
    parameter_name = "convention"

    def lookups(self, request, model_admin):
        return [
            ("bientot", f"Expire dans les {AGREEMENT_NOTICE_DAYS} jours"),
            ("expiree", "Expirée"),
            ("en-cours", "En cours"),
            ("sans", "Sans date de fin"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        notice_end = today + dt.timedelta(days=AGREEMENT_NOTICE_DAYS)
        if self.value() == "bientot":
            return queryset.filter(agreement_ends_on__gte=today, agreement_ends_on__lte=notice_end)
        if self.value() == "expiree":
            return queryset.filter(agreement_ends_on__lt=today)
        if self.value() == "en-cours":
            return queryset.filter(agreement_ends_on__gte=today)
        if self.value() == "sans":
            return queryset.filter(agreement_ends_on__isnull=True)
        return queryset


def count_per_partner(queryset):
    """A subquery: how many rows of `queryset` each partner has (0 when none)."""
    counted = (
        queryset.filter(partner=OuterRef("pk"))
        .order_by()
        .values("partner")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class PartnerAdminForm(forms.ModelForm):
    # A coordinator's territory: the form does not show the field, it is set here.
    fixed_territory_id = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.fixed_territory_id is not None:
            self.instance.territory_id = self.fixed_territory_id

    def clean(self):
        cleaned_data = super().clean()
        name = cleaned_data.get("name")
        # The unique constraint is not checked by Django for a field out of the form.
        if self.fixed_territory_id is not None and name:
            same_name = Partner.objects.filter(
                territory_id=self.fixed_territory_id, name=name
            ).exclude(pk=self.instance.pk)
            if same_name.exists():
                self.add_error("name", "Un partenaire de votre territoire porte déjà ce nom.")
        return cleaned_data


class AddOneWhenNew:
    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None else 0


class ContactInline(AddOneWhenNew, admin.TabularInline):
    model = Contact
    fields = ["name", "role", "email", "phone", "is_recruiter"]


class JobOfferInline(AddOneWhenNew, admin.TabularInline):
    model = JobOffer
    fields = ["title", "contract_type", "place", "positions", "open_from", "open_until", "status"]


class CommitmentFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        territory_id = self.instance.territory_id
        for form in self.forms:
            year = getattr(form, "cleaned_data", {}).get("programme_year")
            if year is not None and territory_id and year.territory_id != territory_id:
                form.add_error(
                    "programme_year", "Cette année du programme est celle d’un autre territoire."
                )


class CommitmentInline(admin.TabularInline):
    model = Commitment
    formset = CommitmentFormSet
    fields = ["programme_year", "interviews", "immersions", "hires", "workshops"]
    extra = 0

    def get_queryset(self, request):
        # Each row is titled by str(commitment): its partner and its year.
        return super().get_queryset(request).select_related("partner", "programme_year")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "programme_year":
            years = ProgrammeYear.objects.select_related("territory").order_by(
                "territory__code", "-year"
            )
            if not sees_all_territories(request.user):
                years = years.filter(territory_id=request.user.territory_id)
            kwargs["queryset"] = years
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            if sees_all_territories(request.user):
                field.label_from_instance = lambda year: f"{year.year} — {year.territory}"
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Partner)
class PartnerAdmin(TerritoryScopedAdmin, ImportExportAdmin, HistoryAdmin):
    form = PartnerAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [ContactInline, JobOfferInline, CommitmentInline]
    list_display = [
        "name",
        "kind",
        "sector",
        "is_active",
        "agreement_end",
        "contact_count",
        "open_offer_count",
    ]
    list_filter = ["kind", "sector", "is_active", AgreementFilter]
    search_fields = ["name", "siret", "contacts__name"]
    search_help_text = "Nom du partenaire, SIRET ou nom d’un de ses contacts."
    # Pages of 50 like the app's lists (the admin's 100 rows cost twice the rendering);
    # the total of a territory is the count already shown, not a second COUNT query.
    list_per_page = 50
    show_full_result_count = False
    object_history_template = "admin/partners/partner/object_history.html"
    resource_for_all_territories = PartnerResourceAllTerritories
    resource_for_a_territory = PartnerResource
    export_file_stem = "partenaires"

    def import_notes(self):
        def labels(choices):
            return ", ".join(str(label) for _code, label in choices)

        institutions = [kind for kind in PartnerKind if kind in PartnerKind.institutions()]
        return [
            "Nom : obligatoire. Un partenaire du territoire qui porte ce nom est mis à jour ; "
            "sinon il est ajouté.",
            f"Type : {labels(PartnerKind.choices)} (ou leur code).",
            f"Secteur : {labels(Sector.choices)} (ou leur code), facultatif.",
            "SIRET : 14 chiffres (espaces permis), obligatoire sauf pour : "
            f"{labels((kind, kind.label) for kind in institutions)}.",
            "Dates : JJ/MM/AAAA. Actif : oui ou non (vide : inchangé ; oui pour un ajout).",
            "Structure liée : le nom exact d’une structure du territoire, facultatif.",
            "Territoire : les lignes d’une coordination vont dans son territoire ; seule "
            "l’administration remplit cette colonne (code du département).",
        ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_contacts=count_per_partner(Contact.objects.all()),
                n_open_offers=count_per_partner(JobOffer.objects.filter(status=OfferStatus.OPEN)),
            )
        )

    def get_list_display(self, request):
        list_display = list(super().get_list_display(request))
        if sees_all_territories(request.user):
            list_display.insert(1, "territory")
        return list_display

    def get_list_select_related(self, request):
        # The territory is a column for administrators only: a coordinator's rows skip it.
        return ["territory"] if sees_all_territories(request.user) else []

    def get_fieldsets(self, request, obj=None):
        links = ["structure"]
        if sees_all_territories(request.user):
            links.insert(0, "territory")
        return [
            ("Identité", {"fields": ["name", "kind", "sector", "siret", "address", "website"]}),
            (
                "Convention",
                {"fields": ["agreement_signed_on", "agreement_ends_on", "is_active"]},
            ),
            (
                "Comptes",
                {
                    "fields": links,
                    "description": "La structure des personnes de ce partenaire qui se "
                    "connectent (recruteurs, mission locale, SPIP), s’il y en a.",
                },
            ),
            ("Notes", {"fields": ["notes"]}),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if sees_all_territories(request.user):
            return form
        return type(form.__name__, (form,), {"fixed_territory_id": request.user.territory_id})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "structure":
            kwargs["queryset"] = Structure.objects.in_territory_of(request.user).select_related(
                "territory"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not sees_all_territories(request.user):
            obj.territory_id = request.user.territory_id
        super().save_model(request, obj, form, change)

    @admin.display(description="fin de convention", ordering="agreement_ends_on")
    def agreement_end(self, obj):
        end = obj.agreement_ends_on
        if end is None:
            return self.get_empty_value_display()
        shown = date_format(end, "SHORT_DATE_FORMAT")
        days = (end - timezone.localdate()).days
        if days < 0:
            return format_html("{} <strong>(expirée)</strong>", shown)
        if days <= AGREEMENT_NOTICE_DAYS:
            return format_html("{} <strong>(dans {} j)</strong>", shown, days)
        return shown

    @admin.display(description="contacts", ordering="n_contacts")
    def contact_count(self, obj):
        return obj.n_contacts

    @admin.display(description="offres ouvertes", ordering="n_open_offers")
    def open_offer_count(self, obj):
        return obj.n_open_offers

    def history_view(self, request, object_id, extra_context=None):
        self.check_history_scope(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "related_changes": self.related_changes(request, unquote(object_id)),
        }
        return super().history_view(request, object_id, extra_context)

    def related_changes(self, request, partner_id):
        """Changes of the partner's contacts, offers and commitments, newest first."""
        try:
            partner_id = int(partner_id)
        except ValueError:
            return []
        entries = []
        years = {}
        for model in (Contact, JobOffer, Commitment):
            versions = list(
                model.history.filter(partner_id=partner_id)
                .select_related("history_user")
                .order_by("id", "history_date", "history_id")
            )
            if model is Commitment:
                years = ProgrammeYear.objects.in_bulk(
                    {version.programme_year_id for version in versions}
                )
            previous = {}
            for version in versions:
                before = previous.get(version.id)
                changes = []
                if before is not None and version.history_type == "~":
                    delta = version.diff_against(before, foreign_keys_are_objs=False)
                    helper = FrenchHistoryHelper(model, version)
                    changes = [
                        helper.format_delta_change(
                            dataclasses.replace(
                                change, old=years.get(change.old), new=years.get(change.new)
                            )
                            if change.field == "programme_year"
                            else change
                        )
                        for change in delta.changes
                        if change.field != "partner"
                    ]
                previous[version.id] = version
                if model is Commitment:
                    year = years.get(version.programme_year_id)
                    label = f"année {year}" if year else "année supprimée"
                else:
                    label = str(version.instance)
                entries.append(
                    {
                        "record": version,
                        "kind": model._meta.verbose_name,
                        "label": label,
                        "changes": changes,
                    }
                )
        entries.sort(key=lambda entry: entry["record"].history_date, reverse=True)
        return entries[:RELATED_HISTORY_LIMIT]
