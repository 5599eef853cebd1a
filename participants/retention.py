"""Retention: after a participant's exit, the justice measure is deleted first, then the
whole file is anonymised, its write history included. Periods come from settings.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pacte.models import AccessAction, AccessLog
from pacte.personal_data import FILE, JUSTICE, holdings
from participants.models import Participant, Status, StatusChange

logger = logging.getLogger(__name__)

# The file itself and its versions: besides what the registry clears, the birth date
# keeps its year only, and the surname becomes the file's number.
FILE_MODELS = {"participants.Participant", "participants.HistoricalParticipant"}


def with_exit_date(queryset):
    return queryset.filter(status=Status.EXITED).annotate(
        exited_on=Max(
            "status_changes__changed_at", filter=Q(status_changes__to_status=Status.EXITED)
        )
    )


def _deadline(days, today):
    return timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days), dt.time.max))


def justice_due(queryset, *, today=None, notice_days=0):
    today = (today or timezone.localdate()) + dt.timedelta(days=notice_days)
    return with_exit_date(queryset).filter(
        justice_purged_at__isnull=True,
        exited_on__lte=_deadline(settings.PACTE_RETENTION_DAYS["justice"], today),
    )


def anonymisation_due(queryset, *, today=None, notice_days=0):
    today = (today or timezone.localdate()) + dt.timedelta(days=notice_days)
    return with_exit_date(queryset).filter(
        anonymised_at__isnull=True,
        exited_on__lte=_deadline(settings.PACTE_RETENTION_DAYS["file"], today),
    )


@transaction.atomic
def purge_justice(participant):
    """Delete what the registry files under the justice category (the measures, then
    their versions: deleting a measure writes one more)."""
    for holding in holdings():
        if holding.retention == JUSTICE:
            holding.rows_of(participant.pk).delete()
    Participant.objects.filter(pk=participant.pk).update(justice_purged_at=timezone.now())
    AccessLog.objects.create(
        action=AccessAction.ANONYMISE, object_type="justicemeasure", participant_id=participant.pk
    )


@transaction.atomic
def anonymise(participant):
    """Remove every direct identifier from the file and from every table the personal
    data registry lists (pacte.personal_data), history included."""
    if participant.justice_purged_at is None:
        purge_justice(participant)
    computed = {
        "last_name": f"n° {participant.pk}",
        "birth_date": dt.date(participant.birth_date.year, 1, 1),
        "legal_rep_consent_on": None,
        "wished_sectors": [],
    }
    for holding in holdings():
        if holding.retention != FILE:
            continue
        rows = holding.rows_of(participant.pk)
        if holding.deleted:
            rows.delete()
        elif holding.model in FILE_MODELS:
            rows.update(**{**holding.cleared, **computed})
        elif holding.cleared:
            rows.update(**holding.cleared)
    Participant.objects.filter(pk=participant.pk).update(anonymised_at=timezone.now())
    AccessLog.objects.create(
        action=AccessAction.ANONYMISE,
        object_type="participant",
        object_id=participant.pk,
        participant_id=participant.pk,
    )


def inactive_due(queryset, *, today=None, notice_days=0):
    """Open files (never exited) without activity for the file retention period: no
    follow-up, no change, no Café-métiers since. Nobody recorded an exit; they are
    handled all the same."""
    today = (today or timezone.localdate()) + dt.timedelta(days=notice_days)
    deadline = _deadline(settings.PACTE_RETENTION_DAYS["file"], today)
    return (
        queryset.exclude(status=Status.EXITED)
        .filter(anonymised_at__isnull=True, updated_at__lte=deadline)
        .filter(Q(last_follow_up_on__isnull=True) | Q(last_follow_up_on__lte=deadline.date()))
        .exclude(registrations__event__date__gt=deadline.date())
    )


def last_activity(participant) -> dt.date:
    """The latest of the file's last change, last follow-up and last Café-métiers."""
    dates = [timezone.localdate(participant.updated_at), participant.last_follow_up_on]
    dates.append(participant.registrations.aggregate(last=Max("event__date"))["last"])
    return max(date for date in dates if date is not None)


@transaction.atomic
def close_inactive(participant, *, today=None):
    """Record the exit nobody recorded, then anonymise: the file's history says why."""
    StatusChange.objects.create(
        participant=participant,
        from_status=participant.status,
        to_status=Status.EXITED,
        changed_by=None,
        reason=_("Sans activité pendant la durée de conservation : dossier clos et anonymisé."),
    )
    Participant.objects.filter(pk=participant.pk).update(status=Status.EXITED)
    participant.refresh_from_db(fields=["justice_purged_at", "birth_date"])
    anonymise(participant)


def apply_retention(*, today=None) -> dict:
    """Idempotent: what was done stays done, and nothing is done twice."""
    purged = anonymised = 0
    for participant in justice_due(Participant.objects.all(), today=today):
        purge_justice(participant)
        purged += 1
    for participant in anonymisation_due(Participant.objects.all(), today=today):
        participant.refresh_from_db(fields=["justice_purged_at"])
        anonymise(participant)
        anonymised += 1
    inactive = 0
    for participant in inactive_due(Participant.objects.all(), today=today):
        close_inactive(participant, today=today)
        inactive += 1
    logger.info(
        "Retention: %s justice measures deleted, %s files anonymised, %s inactive files closed",
        purged,
        anonymised,
        inactive,
    )
    return {"justice": purged, "anonymised": anonymised + inactive, "inactive": inactive}
