"""Reads of partners, scoped to the user, and what each partner delivered (counted)."""

import datetime as dt

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from partners import reports
from partners.models import Contact, JobOffer, OfferStatus, Partner
from partners.reports import DELIVERY_LINES, deliveries, no_delivery

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


def delivery(partner, programme_year) -> dict:
    """What the partner did in a programme year (see `deliveries`)."""
    year = programme_year.year
    done = deliveries(partner.territory_id, dt.date(year, 1, 1), dt.date(year, 12, 31))
    return done.get(partner.pk) or no_delivery()


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
    """The Café-métiers the partner attended (read by the events app, partners.reports)."""
    return reports.events_attended(partner)
