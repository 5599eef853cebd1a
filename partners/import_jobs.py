"""Partner and contact imports longer than PACTE_IMPORT_INLINE_MAX rows, as background work.

The confirmation (partners.admin, once its signed token is checked) keeps the previewed
file in the private storage (the database, work/) and queues the work; the job imports it
as the confirmation imports a shorter file: the admin's own methods, with the same
resource, territory and checks, for the person who confirmed. Every row in one
transaction, or none: a bad row or an error rolls the whole file back. The file is
deleted once read (it holds contacts' names and e-mails).
"""

import secrets

from django.apps import apps
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export.forms import ConfirmImportForm
from import_export.signals import post_import

from pacte.work.models import WorkKind, private_storage
from pacte.work.services import (
    WorkFailed,
    work_progress,
    work_request,
    write_private_file,
)
from partners.import_files import ImportFileRefused

KINDS = {"partner": WorkKind.PARTNERS_IMPORT, "contact": WorkKind.CONTACTS_IMPORT}
MAX_PROBLEMS = 30


def import_request(*, by, model, content, import_format, resource, file_name, rows):
    """Keep the confirmed file for the job, and queue its import of `rows` rows.

    `import_format` and `resource` are the confirmation's (indexes in the admin's lists),
    `file_name` the name the file had on the person's computer."""
    model_name = model._meta.model_name
    model_admin = admin.site.get_model_admin(model)
    extension = model_admin.get_import_formats()[int(import_format)]().get_extension()
    stored = write_private_file(f"import-{secrets.token_hex(12)}.{extension}", [content])
    return work_request(
        kind=KINDS[model_name],
        by=by,
        total=rows,
        parameters={
            "model": model_name,
            "import_format": import_format,
            "resource": resource,
            "input": stored,
            "file_name": file_name,
            "back_url": reverse(f"admin:partners_{model_name}_changelist"),
        },
    )


class _RolledBack(Exception):
    def __init__(self, result):
        self.result = result
        super().__init__("import rolled back")


def run(work) -> str:
    """The job (pacte.work.services.JOBS): import the kept file, return the French result."""
    parameters = work.parameters
    model = apps.get_model("partners", parameters["model"])
    model_admin = admin.site.get_model_admin(model)
    # What the admin's import methods read of the request: the person who confirmed.
    request = HttpRequest()
    request.user = work.requested_by
    try:
        if not model_admin.has_import_permission(request):
            raise WorkFailed(
                _("Votre compte ne peut plus importer ce fichier : rien n’a été importé.")
            )
        try:
            with private_storage.open(parameters["input"], "rb") as stored:
                content = stored.read()
        except FileNotFoundError:
            raise WorkFailed(
                _("Le fichier n’est plus disponible : chargez-le à nouveau pour l’importer.")
            ) from None
        input_format = model_admin.get_import_formats()[int(parameters["import_format"])](
            encoding=model_admin.from_encoding
        )
        try:
            dataset = input_format.create_dataset(content)
        except ImportFileRefused as refused:
            raise WorkFailed(_("Rien n’a été importé :"), refused.messages) from None
        work_progress(work, done=0, total=len(dataset))
        # The confirmation's values, as its form gave them (checked by its signed token).
        confirmation = ConfirmImportForm(
            {
                "import_file_name": parameters["input"],
                "original_file_name": parameters["file_name"],
                "format": parameters["import_format"],
                "resource": parameters["resource"],
            }
        )
        confirmation.is_valid()
        try:
            with transaction.atomic():
                result = model_admin.process_dataset(dataset, confirmation, request)
                if result.has_errors() or result.has_validation_errors():
                    raise _RolledBack(result)
                model_admin.generate_log_entries(result, request)
                post_import.send(sender=None, model=model)
        except _RolledBack as rolled_back:
            raise WorkFailed(
                _("Rien n’a été importé : le fichier contient des erreurs."),
                problems(rolled_back.result),
            ) from None
    finally:
        private_storage.delete(parameters["input"])
    work_progress(work, done=len(dataset), total=len(dataset))
    return import_summary(result.totals)


def import_summary(totals) -> str:
    """« Import terminé : 4 ajouts, 1 mise à jour. », French plurals (0 and 1 singular)."""
    return _("Import terminé : %(new)s, %(update)s.") % {
        "new": ngettext("%(n)s ajout", "%(n)s ajouts", totals["new"])
        % {"n": number_format(totals["new"], force_grouping=True)},
        "update": ngettext("%(n)s mise à jour", "%(n)s mises à jour", totals["update"])
        % {"n": number_format(totals["update"], force_grouping=True)},
    }


def problems(result) -> list[str]:
    """Each problem of a rolled-back import, with its line in the file (headers: line 1)."""
    found = [str(error.error) for error in result.base_errors]
    for row in result.error_rows:
        found += [
            _("Ligne %(line)s : %(error)s") % {"line": row.number + 1, "error": error.error}
            for error in row.errors
        ]
    for row in result.invalid_rows:
        found += [
            _("Ligne %(line)s, %(column)s : %(message)s")
            % {"line": row.number + 1, "column": column or _("la ligne"), "message": message}
            for column, message in getattr(row, "problems", [])
        ]
    if len(found) > MAX_PROBLEMS:
        more = len(found) - MAX_PROBLEMS
        found = found[:MAX_PROBLEMS] + [
            _("… et %(count)s autres problèmes. Corrigez-les, puis chargez à nouveau le fichier.")
            % {"count": more}
        ]
    return found
