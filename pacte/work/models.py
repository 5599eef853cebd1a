"""A piece of long work asked by one person: a participants export, a partner import."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from pacte.stored_files.storage import DatabaseStorage

# Results are deleted after this (pacte.jobs.purge_old_work).
WORK_KEPT_DAYS = 7
# Queued or running for longer than this, the work was lost (a worker that died): the
# page says so and stops refreshing.
WORK_LOST_AFTER = dt.timedelta(minutes=45)
WORK_FOLDER = "work"


@deconstructible(path="pacte.work.models.PrivateStorage")
class PrivateStorage(DatabaseStorage):
    """The work's files, in the database: the worker that writes one and the app node
    that hands it out are other machines. No URL: a view that checks who asks."""


private_storage = PrivateStorage()


class WorkKind(models.TextChoices):
    PARTICIPANTS_EXPORT = "participants_export", _("Export de la liste des jeunes")
    PARTNERS_IMPORT = "partners_import", _("Import de partenaires")
    CONTACTS_IMPORT = "contacts_import", _("Import de contacts")


class WorkStatus(models.TextChoices):
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échec")


IN_PROGRESS = (WorkStatus.QUEUED, WorkStatus.RUNNING)

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class BackgroundWorkQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The work a user may open (pacte.permissions.work_visible_q)."""
        from pacte.permissions import work_visible_q

        return self.filter(work_visible_q(user))


class BackgroundWork(models.Model):
    kind = models.CharField(_("type"), max_length=30, choices=WorkKind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("demandé par"),
    )
    # The requester's territory when asked (none for an administrator).
    territory = models.ForeignKey(
        "pacte.Territory", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("état"), max_length=10, choices=WorkStatus.choices, default=WorkStatus.QUEUED
    )
    done = models.PositiveIntegerField(_("lignes traitées"), default=0)
    total = models.PositiveIntegerField(_("lignes en tout"), null=True, blank=True)
    # The result, or what went wrong, in French; details: one line per problem.
    message = models.TextField(_("message"), blank=True)
    details = models.JSONField(_("détails"), default=list, blank=True)
    # What the job needs to do it again: the list's filters and the format; for an import,
    # the stored file's name and format. No personal data beyond what the filters say.
    parameters = models.JSONField(_("paramètres"), default=dict, blank=True)
    file = models.FileField(
        _("fichier"), upload_to=f"{WORK_FOLDER}/", storage=private_storage, blank=True
    )
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    objects = BackgroundWorkQuerySet.as_manager()

    class Meta:
        verbose_name = _("travail en arrière-plan")
        verbose_name_plural = _("travaux en arrière-plan")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} n° {self.pk}"

    def get_absolute_url(self):
        return reverse("work:detail", args=[self.pk])

    @property
    def in_progress(self) -> bool:
        return self.status in IN_PROGRESS

    @property
    def seems_lost(self) -> bool:
        """Queued or running for far longer than any job runs: its worker died."""
        since = self.started_at or self.created_at
        return self.in_progress and timezone.now() - since > WORK_LOST_AFTER

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)

    @property
    def has_file(self) -> bool:
        return self.status == WorkStatus.DONE and bool(self.file)

    @property
    def extension(self) -> str:
        return self.parameters.get("format", "")

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES.get(self.extension, "application/octet-stream")

    @property
    def download_name(self) -> str:
        """The French name the file is saved under, chosen by the app that asked."""
        return self.parameters.get("filename") or f"resultat-{self.pk}.{self.extension}"

    @property
    def back_url(self) -> str:
        return self.parameters.get("back_url", "")

    @property
    def kept_until(self) -> dt.datetime:
        return self.created_at + dt.timedelta(days=WORK_KEPT_DAYS)
