"""Jobs of the foundation run by the cluster (see pacte.schedules)."""

import datetime as dt

from django.utils import timezone

JOBS_KEPT_DAYS = 30


def purge_old_jobs() -> int:
    """Forget the jobs (failed ones included, shown in the admin site until then) older
    than 30 days."""
    from django_q.models import Task

    deleted, _ = Task.objects.filter(
        stopped__lt=timezone.now() - dt.timedelta(days=JOBS_KEPT_DAYS)
    ).delete()
    return deleted


def run_work(pk) -> str:
    """One piece of background work (pacte.work): a participants export, an import."""
    from pacte.work.services import work_run

    return work_run(pk)


def purge_old_work() -> dict:
    """Delete the background work older than seven days, with its files."""
    from pacte.work.services import work_purge

    return work_purge()
