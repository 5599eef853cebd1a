"""Reads of partners, scoped to the user, and what each partner delivered (counted)."""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import EventPartner, Interview, InterviewOutcome, Workshop
from participants.models import Outcome, OutcomeKind
from partners.models import Contact, JobOffer, OfferStatus, Partner

EXPIRING_WITHIN_DAYS = 90


def _count_of(queryset):
    """How many rows of `queryset` (filtered on OuterRef("pk")) each partner has."""
    counted = queryset.order_by().values("partner").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def partners_for_list(user):
    """Partners with their contacts and open offers counted, row by row: the page's
    50 rows are counted, not the whole territory grouped, and the list's COUNT reads
    the partners alone."""
    return Partner.objects.visible_to(user).annotate(
        contact_count=_count_of(Contact.objects.filter(partner=OuterRef("pk"))),
        open_offer_count=_count_of(
            JobOffer.objects.filter(partner=OuterRef("pk"), status=OfferStatus.OPEN)
        ),
    )


def expiring_agreements(queryset, *, today=None):
    today = today or timezone.localdate()
    return queryset.filter(
        agreement_ends_on__gte=today,
        agreement_ends_on__lte=today + dt.timedelta(days=EXPIRING_WITHIN_DAYS),
    )


def partner_for_page(user, pk):
    return get_object_or_404(Partner.objects.visible_to(user).select_related("structure"), pk=pk)


# What a partner commits to for a programme year, in the order pages show it.
DELIVERY_LINES = [
    ("interviews", _("Entretiens")),
    ("immersions", _("Immersions")),
    ("hires", _("Embauches")),
    ("workshops", _("Ateliers animés")),
]


def deliveries(territory_id, start, end) -> dict[int, dict]:
    """What each partner of a territory delivered between two dates (both included),
    counted from held job-dating interviews at its tables, outcomes where it is the
    employer (immersions, jobs) and the workshops it led: four grouped queries.

    Only partners that delivered something have a key. What is yet to happen never counts:
    a hire counts once its contract starts, a workshop once its Café-métiers took place
    (a past day, or today's once it is closed)."""
    today = timezone.localdate()
    end = min(end, today)
    done = defaultdict(lambda: dict.fromkeys([key for key, _label in DELIVERY_LINES], 0))
    interviews = (
        Interview.objects.filter(
            table__partner__territory_id=territory_id,
            table__event__date__range=(start, end),
            outcome__in=InterviewOutcome.held(),
        )
        .order_by()
        .values_list("table__partner_id")
        .annotate(n=Count("pk"))
    )
    for partner_id, n in interviews:
        done[partner_id]["interviews"] = n
    outcomes = (
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
    for partner_id, immersions, hires in outcomes:
        if immersions or hires:
            done[partner_id].update(immersions=immersions, hires=hires)
    workshops = (
        Workshop.objects.filter(
            Q(event__date__lt=today) | Q(event__status="done"),
            facilitator__territory_id=territory_id,
            event__date__range=(start, end),
        )
        .order_by()
        .values_list("facilitator_id")
        .annotate(n=Count("pk"))
    )
    for partner_id, n in workshops:
        done[partner_id]["workshops"] = n
    return dict(done)


def delivery(partner, programme_year) -> dict:
    """What the partner did in a programme year (see `deliveries`)."""
    year = programme_year.year
    done = deliveries(partner.territory_id, dt.date(year, 1, 1), dt.date(year, 12, 31))
    return done.get(partner.pk) or dict.fromkeys([key for key, _label in DELIVERY_LINES], 0)


def commitments_with_delivery(partner):
    rows = []
    for commitment in partner.commitments.select_related("programme_year"):
        done = delivery(partner, commitment.programme_year)
        rows.append(
            {
                "year": commitment.programme_year.year,
                "lines": [
                    (label, getattr(commitment, key), done[key]) for key, label in DELIVERY_LINES
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
