"""Retention: after a participant's exit, the justice measure is deleted first, then the
whole file is anonymised, its write history included. Periods come from settings.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from pacte.models import AccessAction, AccessLog
from participants.models import (
    AgendaItem,
    FollowUp,
    JusticeMeasure,
    Outcome,
    Participant,
    PlanAction,
    ReferentChange,
    Status,
    StatusChange,
)

logger = logging.getLogger(__name__)

# What an anonymised file keeps: statistics only (birth year, QPV, path, outcomes).
CLEARED_FILE_FIELDS = {
    "first_name": "Anonyme",
    "last_name": "",
    "search_name": "",
    "phone": "",
    "email": "",
    "address": "",
    "postal_code": "",
    "city": "",
    "legal_rep_name": "",
    "legal_rep_phone": "",
    "legal_rep_email": "",
    "wished_trades": "",
    "imilo_id": "",
    "france_travail_id": "",
    "referrer_name": "",
    "consent_scope": "",
    "eligibility_override_reason": "",
}
CLEARED_FOLLOW_UP_FIELDS = {"summary": "", "next_step": ""}


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
    JusticeMeasure.objects.filter(participant=participant).delete()
    JusticeMeasure.history.model.objects.filter(participant_id=participant.pk).delete()
    Participant.objects.filter(pk=participant.pk).update(justice_purged_at=timezone.now())
    AccessLog.objects.create(
        action=AccessAction.ANONYMISE, object_type="justicemeasure", participant_id=participant.pk
    )


@transaction.atomic
def anonymise(participant):
    """Remove every direct identifier from the file, its path and their history."""
    if participant.justice_purged_at is None:
        purge_justice(participant)
    birth_year_only = dt.date(participant.birth_date.year, 1, 1)
    fields = {
        **CLEARED_FILE_FIELDS,
        "last_name": f"n° {participant.pk}",
        "birth_date": birth_year_only,
        "legal_rep_consent_on": None,
        "wished_sectors": [],
    }
    Participant.objects.filter(pk=participant.pk).update(**fields, anonymised_at=timezone.now())
    Participant.history.model.objects.filter(id=participant.pk).update(**fields)
    FollowUp.objects.filter(participant=participant).update(**CLEARED_FOLLOW_UP_FIELDS)
    FollowUp.history.model.objects.filter(participant_id=participant.pk).update(
        **CLEARED_FOLLOW_UP_FIELDS
    )
    PlanAction.objects.filter(participant=participant).update(description="")
    AgendaItem.objects.filter(participant=participant).update(decision="")
    StatusChange.objects.filter(participant=participant).update(reason="")
    ReferentChange.objects.filter(participant=participant).update(reason="")
    Outcome.history.model.objects.filter(participant_id=participant.pk).update(employer_name="")
    AccessLog.objects.create(
        action=AccessAction.ANONYMISE,
        object_type="participant",
        object_id=participant.pk,
        participant_id=participant.pk,
    )


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
    logger.info("Retention: %s justice measures deleted, %s files anonymised", purged, anonymised)
    return {"justice": purged, "anonymised": anonymised}
