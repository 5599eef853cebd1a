"""Background work: asked in a request, run by the job cluster, recorded for its page.

`work_request` records the work (queued) and hands it to the cluster once its
transaction commits. The job (`pacte.jobs.run_work`) claims the row with one UPDATE
(queued → running: of two workers given it, one runs it), checks that the requester
may still have it, runs the asking app's function (JOBS, by dotted path), and records
the result: done with its message (and its file), or failed with a French message.
A job function reports its progress (`work_progress`), writes its file in chunks
(`work_write_file`), and raises WorkFailed to end with a message of its own.
"""

import contextlib
import datetime as dt
import logging
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy

from pacte import audit
from pacte.models import AccessAction, AccessLog
from pacte.permissions import can_open_work
from pacte.work.models import (
    IN_PROGRESS,
    WORK_FOLDER,
    WORK_KEPT_DAYS,
    WORK_LOST_AFTER,
    BackgroundWork,
    WorkKind,
    WorkStatus,
    private_storage,
)

logger = logging.getLogger("pacte.work")

RUN = "pacte.jobs.run_work"
# Seconds. Far above what the bounded work takes (100,000 participants exported in 12 s
# as CSV and 18 s as XLSX on SQLite, a file of 2,000 partners imported in under 10 s),
# far below a lost job. A job running past the cluster's `retry` (120 s) is handed out
# again: its claim skips it.
WORK_TIMEOUT = 30 * 60
# The job of each kind, by dotted path: the foundation does not import the apps above.
JOBS = {
    WorkKind.PARTICIPANTS_EXPORT: "participants.export_jobs.run",
    WorkKind.PARTNERS_IMPORT: "partners.import_jobs.run",
    WorkKind.CONTACTS_IMPORT: "partners.import_jobs.run",
}
# What a file handed out holds, for the access log: each download is an export of it.
LOGGED_AS = {WorkKind.PARTICIPANTS_EXPORT: "participant"}
MAX_DETAILS = 50

TECHNICAL_FAILURE = gettext_lazy(
    "Le travail n’a pas abouti à la suite d’une erreur technique : relancez-le. "
    "Si l’erreur revient, prévenez l’administration du service."
)
NO_LONGER_ALLOWED = gettext_lazy(
    "Votre compte ne permet plus ce travail (rôle ou territoire changé) : rien n’a été fait."
)
LOST = gettext_lazy("Le travail a été interrompu avant sa fin : relancez-le.")


class WorkFailed(Exception):
    """Raised by a job function: the work ends failed, with this French message and, one
    per line, its details (the rows of a file to correct)."""

    def __init__(self, message, details=()):
        self.message = str(message)
        self.details = [str(detail) for detail in details]
        super().__init__(self.message)


def work_request(*, kind, by, parameters, total=None) -> BackgroundWork:
    """Record the work `by` asks for, queued, and hand it to the cluster once the
    transaction commits (never for a rolled-back one)."""
    with transaction.atomic():
        work = BackgroundWork.objects.create(
            kind=kind,
            requested_by=by,
            territory_id=by.territory_id,
            parameters=parameters,
            total=total,
        )
        transaction.on_commit(lambda: work_enqueue(work.pk))
    return work


def work_enqueue(pk) -> None:
    from django_q.tasks import async_task

    async_task(
        RUN,
        pk,
        task_name=f"work-{pk}",
        group="work",
        timeout=WORK_TIMEOUT,
        sync=settings.Q_CLUSTER.get("sync", False),
    )


def _claim(pk) -> bool:
    return bool(
        BackgroundWork.objects.filter(pk=pk, status=WorkStatus.QUEUED).update(
            status=WorkStatus.RUNNING, started_at=timezone.now()
        )
    )


def work_run(pk) -> str:
    """The job: run one piece of work, once. Returns its status (the job's result)."""
    if not _claim(pk):
        return "skipped"
    work = BackgroundWork.objects.select_related("requested_by__structure").get(pk=pk)
    requester = work.requested_by
    try:
        if not (requester.is_active and can_open_work(requester, work)):
            raise WorkFailed(NO_LONGER_ALLOWED)
        message = import_string(JOBS[work.kind])(work)
    except WorkFailed as failure:
        _fail(work, failure.message, failure.details)
    except Exception:
        logger.exception("Background work %s (%s) failed", pk, work.kind)
        _fail(work, str(TECHNICAL_FAILURE))
    else:
        BackgroundWork.objects.filter(pk=pk, status=WorkStatus.RUNNING).update(
            status=WorkStatus.DONE, message=str(message), finished_at=timezone.now()
        )
    return BackgroundWork.objects.values_list("status", flat=True).get(pk=pk)


def _fail(work, message, details=()) -> None:
    BackgroundWork.objects.filter(pk=work.pk).update(
        status=WorkStatus.FAILED,
        message=message,
        details=list(details)[:MAX_DETAILS],
        file="",
        finished_at=timezone.now(),
    )
    if work.file:
        _remove(work.file.name)


def work_progress(work, *, done, total=None) -> None:
    """Where the job stands: `done` rows of `total` (when it is known by now)."""
    fields = {"done": done}
    if total is not None:
        fields["total"] = total
    BackgroundWork.objects.filter(pk=work.pk).update(**fields)
    for name, value in fields.items():
        setattr(work, name, value)


def work_write_file(work, chunks) -> None:
    """The work's result (chunks of bytes), kept for its page to hand out."""
    name = write_private_file(f"{work.pk}-{secrets.token_hex(8)}.{work.extension}", chunks)
    BackgroundWork.objects.filter(pk=work.pk).update(file=name)
    work.file.name = name


def write_private_file(filename, chunks) -> str:
    """Keep `chunks` (bytes) as work/<filename> in the private storage (the database:
    every node and worker reads it). Returns the storage's name of the file."""
    return private_storage.save(f"{WORK_FOLDER}/{filename}", ContentFile(b"".join(chunks)))


def _remove(name) -> None:
    if name:
        with contextlib.suppress(OSError):
            private_storage.delete(name)


def work_log_download(request, work) -> AccessLog:
    """A file handed out is an export of what it holds: one access-log entry each time,
    with the list's filters and its number of rows."""
    filters = {
        key: audit.SEARCHED
        if key in audit.SEARCH_PARAMETERS
        else values[0]
        if isinstance(values, list) and len(values) == 1
        else values
        for key, values in work.parameters.get("filters", {}).items()
    }
    logged_as = LOGGED_AS.get(work.kind)
    return AccessLog.objects.create(
        user=request.user,
        territory_id=request.user.territory_id,
        action=AccessAction.EXPORT,
        object_type=logged_as or work._meta.model_name,
        object_id=None if logged_as else work.pk,
        path=audit.logged_path(request)[:300],
        filters=filters,
        row_count=work.done,
    )


def work_purge(*, now=None) -> dict:
    """Delete the work (and its files) older than WORK_KEPT_DAYS, any file of the folder
    as old (a job stopped between writing its file and recording it), and mark failed
    the work whose job was lost."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=WORK_KEPT_DAYS)
    old = BackgroundWork.objects.filter(created_at__lt=cutoff)
    for file_name, parameters in old.values_list("file", "parameters"):
        _remove(file_name)
        _remove(parameters.get("input", ""))
    deleted, _by_model = old.delete()
    kept = dt.timedelta(days=WORK_KEPT_DAYS)
    files = private_storage.purge(WORK_FOLDER, older_than=kept, now=now)
    lost_since = now - WORK_LOST_AFTER
    lost = BackgroundWork.objects.filter(
        Q(started_at__lt=lost_since) | Q(started_at__isnull=True, created_at__lt=lost_since),
        status__in=IN_PROGRESS,
    ).update(status=WorkStatus.FAILED, message=str(LOST), finished_at=now)
    return {"deleted": deleted, "files": files, "lost": lost}
