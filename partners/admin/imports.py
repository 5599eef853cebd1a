"""Imports and exports of the partner section (django-import-export): the uploaded file
checked and kept out of reach, a preview first, a signed confirmation, long files
handed to the job cluster."""

import contextlib
import datetime as dt
import logging
import posixpath
import re

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportModelAdmin
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.tmp_storages import MediaStorage

from partners import import_jobs
from partners.admin.scoping import sees_all_territories
from partners.import_files import (
    EXPORT_FORMATS,
    IMPORT_FORMATS,
    MAX_CELL_LENGTH,
    MAX_ROWS,
    MAX_UPLOAD_SIZE,
    MEGABYTE,
    ImportFileRefused,
    check_upload_size,
    grouped,
)

logger = logging.getLogger(__name__)


class ImportTempStorage(MediaStorage):
    """The uploaded file, kept between the preview and the confirmation, in the database
    (the default storage): the confirmation may reach another app node than the preview,
    or another worker of the same node.

    It holds contacts' names and e-mails: a preview never confirmed must not leave
    it behind for good. Each upload removes the previews older than a day.
    """

    FOLDER = "import-previews"
    MAX_AGE = dt.timedelta(days=1)
    # What MediaStorage names a new file (uuid4().hex): nothing else is read.
    NAME = re.compile(r"[0-9a-f]{32}")

    def __init__(self, **kwargs):
        super().__init__(**{**kwargs, "MEDIA_FOLDER": self.FOLDER})

    @classmethod
    def holds(cls, name: str) -> bool:
        """Whether `name` is one of this storage's files (a name, no path)."""
        return bool(cls.NAME.fullmatch(name)) and default_storage.exists(
            posixpath.join(cls.FOLDER, name)
        )

    def save(self, data):
        self.purge_abandoned()
        super().save(data)

    @classmethod
    def purge_abandoned(cls):
        default_storage.purge(cls.FOLDER, older_than=cls.MAX_AGE)


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
        # The storage's name only (no folder): all the confirmation needs.
        initial["import_file_name"] = posixpath.basename(initial["import_file_name"])
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
