"""Reads of partners, scoped to the user, and what each partner delivered (counted)."""

import datetime as dt

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from events.models import EventPartner, Interview, InterviewOutcome, Workshop
from participants.models import Outcome, OutcomeKind
from partners.models import OfferStatus, Partner

EXPIRING_WITHIN_DAYS = 90


def partners_for_list(user):
    return Partner.objects.visible_to(user).annotate(
        contact_count=Count("contacts", distinct=True),
        open_offer_count=Count("offers", filter=Q(offers__status=OfferStatus.OPEN), distinct=True),
    )


def expiring_agreements(queryset, *, today=None):
    today = today or timezone.localdate()
    return queryset.filter(
        agreement_ends_on__gte=today,
        agreement_ends_on__lte=today + dt.timedelta(days=EXPIRING_WITHIN_DAYS),
    )


def partner_for_page(user, pk):
    return get_object_or_404(Partner.objects.visible_to(user).select_related("structure"), pk=pk)


def delivery(partner, programme_year) -> dict:
    """What the partner did in a programme year, counted from job-dating interviews,
    outcomes and the workshops it led."""
    in_year = {"starts_on__year": programme_year.year}
    outcomes = Outcome.objects.filter(
        employer=partner, participant__territory_id=partner.territory_id, **in_year
    )
    return {
        "interviews": Interview.objects.filter(
            table__partner=partner,
            table__event__date__year=programme_year.year,
            outcome__in=InterviewOutcome.held(),
        ).count(),
        "immersions": outcomes.filter(kind=OutcomeKind.IMMERSION).count(),
        "hires": outcomes.filter(kind__in=OutcomeKind.jobs()).count(),
        "workshops": Workshop.objects.filter(
            facilitator=partner, event__date__year=programme_year.year
        ).count(),
    }


def commitments_with_delivery(partner):
    rows = []
    for commitment in partner.commitments.select_related("programme_year"):
        done = delivery(partner, commitment.programme_year)
        rows.append(
            {
                "year": commitment.programme_year.year,
                "lines": [
                    ("Entretiens", commitment.interviews, done["interviews"]),
                    ("Immersions", commitment.immersions, done["immersions"]),
                    ("Embauches", commitment.hires, done["hires"]),
                    ("Ateliers animés", commitment.workshops, done["workshops"]),
                ],
            }
        )
    return rows


def events_attended(partner):
    return (
        EventPartner.objects.filter(partner=partner)
        .select_related("event")
        .order_by("-event__date")
    )
