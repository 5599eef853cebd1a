"""The partner section of the admin site: where prefecture staff keep partner records.

Coordinators see and edit their territory's partners only (and their contacts,
offers and commitments); administrators see every territory. An object of
another territory is unknown to a coordinator (the admin's "does not exist"
redirect, a 404 for its history). Every change is kept (django-simple-history)
and readable from the "Historique" button; partners and contacts are imported
and exported in CSV and XLSX (django-import-export) with a preview first.
"""

import contextlib
import dataclasses
import datetime as dt
import logging
import os
import re
import stat
import tempfile
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportModelAdmin
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.tmp_storages import TempFolderStorage
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from pacte.models import ProgrammeYear, Structure
from pacte.roles import Role
from partners import import_jobs
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
    EXPORT_FORMATS,
    IMPORT_FORMATS,
    MAX_CELL_LENGTH,
    MAX_ROWS,
    MAX_UPLOAD_SIZE,
    MEGABYTE,
    ContactResource,
    ContactResourceAllTerritories,
    ImportFileRefused,
    PartnerResource,
    PartnerResourceAllTerritories,
    check_upload_size,
    grouped,
)

logger = logging.getLogger(__name__)

AGREEMENT_NOTICE_DAYS = 90
RELATED_HISTORY_LIMIT = 100


def sees_all_territories(user) -> bool:
    return getattr(user, "role", None) == Role.ADMINISTRATOR


# Scoping -------------------------------------------------------------------------


class TerritoryScopedAdmin:
    """Mixin of a ModelAdmin: its rows are those the model's own `visible_to(user)` gives
    (an administrator's, every territory; a coordinator's, their territory), and an object
    is in scope when it is one of those rows: the rule is written once, in the model."""

    territory_lookup = "territory"  # from the model to its territory (the list filter)

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def in_scope(self, request, obj) -> bool:
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or self.in_scope(request, obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self.in_scope(request, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self.in_scope(request, obj))

    def get_list_filter(self, request):
        list_filter = list(super().get_list_filter(request))
        if sees_all_territories(request.user):
            list_filter.append(self.territory_lookup)
        return list_filter


class FrenchHistoryHelper(HistoricalRecordContextHelper):
    """Choices by their label, booleans as oui/non, nothing as a dash."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if value is None or value == "":
            return "—"
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return "oui" if value else "non"
        if isinstance(value, dt.date):
            return date_format(value, "SHORT_DATE_FORMAT")
        return value


class HistoryAdmin(SimpleHistoryAdmin):
    """Who changed what, when; an object out of the user's scope has no history page."""

    def get_historical_record_context_helper(self, request, historical_record):
        return FrenchHistoryHelper(self.model, historical_record)

    def check_history_scope(self, request, object_id):
        # simple-history falls back on the last historical record of an object the
        # queryset does not hold (made for deleted objects): not for another territory.
        if not sees_all_territories(request.user):
            if self.get_object(request, unquote(object_id)) is None:
                raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self.check_history_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.check_history_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class ImportTempStorage(TempFolderStorage):
    """The uploaded file, kept between the preview and the confirmation.

    It holds contacts' names and e-mails: a preview never confirmed must not leave
    it behind for good. Each upload removes the files of previews older than a day.
    """

    PREFIX = "pacte-import-"
    MAX_AGE = dt.timedelta(days=1)
    # What tempfile.NamedTemporaryFile(prefix=PREFIX) names: nothing else is read.
    NAME = re.compile(re.escape(PREFIX) + r"[a-z0-9_]+")

    @classmethod
    def holds(cls, name: str) -> bool:
        """Whether `name` is one of this storage's files (no path, no link, no folder)."""
        if not cls.NAME.fullmatch(name):
            return False
        try:
            mode = os.lstat(Path(tempfile.gettempdir()) / name).st_mode
        except OSError:
            return False
        return stat.S_ISREG(mode)

    def _open(self, mode="r"):
        if self.name:
            return super()._open(mode)
        tmp_file = tempfile.NamedTemporaryFile(prefix=self.PREFIX, delete=False)  # noqa: SIM115
        self.name = tmp_file.name
        return tmp_file

    def save(self, data):
        self.purge_abandoned()
        super().save(data)

    def remove(self):
        # Gone already: the same confirmation posted twice (a double click).
        with contextlib.suppress(FileNotFoundError):
            super().remove()

    @classmethod
    def purge_abandoned(cls):
        oldest = time.time() - cls.MAX_AGE.total_seconds()
        for path in Path(tempfile.gettempdir()).glob(f"{cls.PREFIX}*"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < oldest:
                    path.unlink()


class LimitedImportForm(ImportForm):
    """The upload, refused past MAX_UPLOAD_SIZE from its size alone (nothing read)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["import_file"].help_text = _(
            "%(size)s Mo, %(rows)s lignes et %(cell)s caractères par cellule au plus."
        ) % {
            "size": grouped(MAX_UPLOAD_SIZE // MEGABYTE),
            "rows": grouped(MAX_ROWS),
            "cell": grouped(MAX_CELL_LENGTH),
        }

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        try:
            check_upload_size(upload.size)
        except ImportFileRefused as refused:
            raise forms.ValidationError(refused.messages) from None
        return upload


class SignedConfirmImportForm(ConfirmImportForm):
    """The preview's confirmation, valid only as the preview gave it.

    Its fields come back from the browser: the token signs them for the user who
    previewed the file, for the day the file is kept. Another file than the one
    previewed (or a path out of the import storage), another person's, another
    format or resource, an expired or forged token: the form is not valid.
    """

    SALT = "partners.admin.import-confirmation"

    token = forms.CharField(widget=forms.HiddenInput())

    def __init__(self, *args, user, formats, resources, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.format_count = len(formats)
        self.resource_count = len(resources)

    @classmethod
    def sign(cls, user, values) -> str:
        return signing.dumps([user.pk, *cls.signed_values(values)], salt=cls.SALT)

    @staticmethod
    def signed_values(values):
        return [
            str(values[name] or "")
            for name in ("import_file_name", "original_file_name", "format", "resource")
        ]

    def clean_import_file_name(self):
        # Taken as it is (the stock form keeps its base name): only a name of the
        # import storage's own files is valid.
        name = self.cleaned_data["import_file_name"]
        if not ImportTempStorage.holds(name):
            raise forms.ValidationError("unknown file", code="unknown_file")
        return name

    def clean(self):
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data
        try:
            signed = signing.loads(
                cleaned_data["token"],
                salt=self.SALT,
                max_age=ImportTempStorage.MAX_AGE,
            )
        except signing.BadSignature:
            raise forms.ValidationError("bad token", code="bad_token") from None
        if signed != [self.user.pk, *self.signed_values(cleaned_data)]:
            raise forms.ValidationError("token of other values", code="bad_token")
        if not in_range(cleaned_data["format"], self.format_count) or not (
            cleaned_data["resource"] == ""
            or in_range(cleaned_data["resource"], self.resource_count)
        ):
            raise forms.ValidationError("unknown format or resource", code="bad_choice")
        return cleaned_data


def in_range(index: str, count: int) -> bool:
    return index.isdigit() and int(index) < count


class ImportExportAdmin(ImportExportModelAdmin):
    """French CSV (";" and Windows-1252 too) and XLSX, nothing imported while a row is bad.

    The file is refused past the limits of partners.resources (its size, rows and
    cells), with the reasons next to its field; a confirmation that is not the one
    the preview gave answers 400 and reads nothing. A confirmed file of more than
    PACTE_IMPORT_INLINE_MAX rows is imported by the job cluster (partners.import_jobs),
    and the confirmation leads to the work's page.
    """

    import_formats = IMPORT_FORMATS
    export_formats = EXPORT_FORMATS
    to_encoding = "utf-8-sig"  # the BOM tells a spreadsheet the CSV is UTF-8
    import_template_name = "admin/partners/import.html"
    import_form_class = LimitedImportForm
    confirm_form_class = SignedConfirmImportForm
    tmp_storage_class = ImportTempStorage
    resource_for_all_territories = None  # an administrator's resource (with "Territoire")
    resource_for_a_territory = None
    export_file_stem = ""

    def get_resource_classes(self, request):
        if request is not None and sees_all_territories(request.user):
            return [self.resource_for_all_territories]
        return [self.resource_for_a_territory]

    def get_resource_kwargs(self, request, *args, **kwargs):
        kwargs = super().get_resource_kwargs(request, *args, **kwargs)
        kwargs.pop("form", None)
        kwargs["territory_id"] = (
            None if sees_all_territories(request.user) else request.user.territory_id
        )
        return kwargs

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def import_notes(self) -> list[str]:
        return []

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["import_notes"] = self.import_notes()
        context["import_inline_max"] = settings.PACTE_IMPORT_INLINE_MAX
        return context

    def add_data_read_fail_error_to_form(self, form, e):
        # A refused file is never confirmed: it is not kept for a day either.
        name = getattr(form.cleaned_data.get("import_file"), "tmp_storage_name", None)
        if name:
            with contextlib.suppress(OSError):
                self.get_tmp_storage_class()(name=name).remove()
        if isinstance(e, ImportFileRefused):
            for message in e.messages:
                form.add_error("import_file", message)
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def get_confirm_form_kwargs(self, request, import_form=None):
        return {
            **super().get_confirm_form_kwargs(request, import_form),
            "user": request.user,
            "formats": self.get_import_formats(),
            "resources": self.get_import_resource_classes(request),
        }

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is None:
            return initial
        # The storage's name is a path in the temporary folder: the page shows its
        # name only, which is all the confirmation needs.
        initial["import_file_name"] = os.path.basename(initial["import_file_name"])
        initial["token"] = SignedConfirmImportForm.sign(request.user, initial)
        return initial

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        if not confirm_form.is_valid():
            return self.refuse_confirmation(request, confirm_form.errors.as_data())
        try:
            work = self.import_as_work(request, confirm_form)
            if work is not None:
                return HttpResponseRedirect(work.get_absolute_url())
            return super().process_import(request, **kwargs)
        except (ImportFileRefused, OSError) as error:
            # A file of the storage, previewed, yet past the limits or gone now: it
            # was changed on the disk. It can never be imported.
            with contextlib.suppress(OSError):
                name = confirm_form.cleaned_data["import_file_name"]
                self.get_tmp_storage_class()(name=name).remove()
            return self.refuse_confirmation(request, error)

    def import_as_work(self, request, confirm_form):
        """A confirmed file of more than PACTE_IMPORT_INLINE_MAX rows: handed to the job
        cluster (moved out of the preview's storage, so that it is confirmed once), the
        work returned. None for a shorter file, imported in the request as before."""
        confirmed = confirm_form.cleaned_data
        input_format = self.get_import_formats()[int(confirmed["format"])](
            encoding=self.from_encoding
        )
        tmp_storage = self.get_tmp_storage_class()(
            name=confirmed["import_file_name"],
            encoding=None if input_format.is_binary() else self.from_encoding,
            read_mode=input_format.get_read_mode(),
            **self.get_tmp_storage_class_kwargs(),
        )
        content = tmp_storage.read()
        rows = len(input_format.create_dataset(content))
        if rows <= settings.PACTE_IMPORT_INLINE_MAX:
            return None
        work = import_jobs.import_request(
            by=request.user,
            model=self.model,
            content=content,
            import_format=confirmed["format"],
            resource=confirmed["resource"],
            file_name=confirmed["original_file_name"],
            rows=rows,
        )
        tmp_storage.remove()
        return work

    def refuse_confirmation(self, request, reason):
        logger.warning(
            "Import confirmation refused for user %s on %s: %r",
            request.user.pk,
            self.model._meta.label,
            reason,
        )
        info = self.get_model_info()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Confirmation d’import refusée"),
            "opts": self.model._meta,
            "import_url": reverse("admin:{}_{}_import".format(*info)),
            "changelist_url": reverse("admin:{}_{}_changelist".format(*info)),
        }
        return TemplateResponse(request, "admin/partners/import_refused.html", context, status=400)

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        # At the confirmation too, a bad row cancels the whole file.
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The file changed between the preview and the confirmation, or the
            # confirmation was posted by hand: the transaction was rolled back.
            messages.error(
                request,
                "Rien n’a été importé : le fichier contient des erreurs. "
                "Chargez-le à nouveau pour voir lesquelles.",
            )
            info = self.get_model_info()
            return HttpResponseRedirect(reverse("admin:{}_{}_import".format(*info)))
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        totals = result.totals
        messages.success(
            request,
            import_jobs.import_summary(totals),
        )

    def get_export_filename(self, request, queryset, file_format):
        day = timezone.localdate().isoformat()
        return f"{self.export_file_stem}-{day}.{file_format.get_extension()}"


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
