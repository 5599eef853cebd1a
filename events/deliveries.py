"""What the Café-métiers tell about partners (partners.reports): held job-dating
interviews at their tables and the workshops they led count against their commitments;
the Café-métiers they attended show on their page."""

from django.db.models import Count, Q
from django.utils import timezone

from events.models import EventPartner, EventStatus, Interview, InterviewOutcome, Workshop


def interviews_delivered(territory_id, start, end):
    rows = (
        Interview.objects.filter(
            table__partner__territory_id=territory_id,
            table__event__date__range=(start, min(end, timezone.localdate())),
            outcome__in=InterviewOutcome.held(),
        )
        .order_by()
        .values_list("table__partner_id")
        .annotate(n=Count("pk"))
    )
    for partner_id, n in rows:
        yield partner_id, "interviews", n


def workshops_delivered(territory_id, start, end):
    """A workshop counts once its Café-métiers took place: a past day, or today's once
    it is closed; never at a cancelled one."""
    today = timezone.localdate()
    rows = (
        Workshop.objects.filter(
            Q(event__date__lt=today) | Q(event__status=EventStatus.DONE),
            ~Q(event__status=EventStatus.CANCELLED),
            facilitator__territory_id=territory_id,
            event__date__range=(start, min(end, today)),
        )
        .order_by()
        .values_list("facilitator_id")
        .annotate(n=Count("pk"))
    )
    for partner_id, n in rows:
        yield partner_id, "workshops", n


def events_attended(partner):
    return list(
        EventPartner.objects.filter(partner=partner)
        .select_related("event")
        .order_by("-event__date")
    )
