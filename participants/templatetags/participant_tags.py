"""Pieces of the participants' pages written in Python: they repeat on every row of a list."""

from django import template
from django.utils.html import format_html

from participants.models import Status

register = template.Library()

BADGE_CLASSES = {
    Status.ACTIVE: "fr-badge--success",
    Status.SUSPENDED: "fr-badge--warning",
    Status.EXITED: "fr-badge--info",
}


@register.simple_tag
def status_badge(participant):
    """The status as a DSFR badge (an include per row cost the list a template render each)."""
    return format_html(
        '<p class="fr-badge fr-badge--sm fr-badge--no-icon {}">{}</p>',
        BADGE_CLASSES.get(participant.status, "fr-badge--new"),
        participant.get_status_display(),
    )
