"""Outcomes count as a partner's deliveries (partners.reports): immersions and jobs where
it is the employer, once they start."""

from django.db.models import Count, Q
from django.utils import timezone

from participants.models import Outcome, OutcomeKind


def outcomes_delivered(territory_id, start, end):
    end = min(end, timezone.localdate())
    rows = (
        Outcome.objects.filter(
            employer__territory_id=territory_id,
            participant__territory_id=territory_id,
            starts_on__range=(start, end),
        )
        .order_by()
        .values_list("employer_id")
        .annotate(
            immersions=Count("pk", filter=Q(kind=OutcomeKind.IMMERSION)),
            hires=Count("pk", filter=Q(kind__in=OutcomeKind.jobs())),
        )
    )
    for partner_id, immersions, hires in rows:
        yield partner_id, "immersions", immersions
        yield partner_id, "hires", hires
