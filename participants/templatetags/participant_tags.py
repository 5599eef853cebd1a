"""Pieces of the participants' pages written in Python: they repeat on every row of a list."""

from functools import lru_cache

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from participants.models import Status

register = template.Library()

BADGE_CLASSES = {
    Status.ACTIVE: "fr-badge--success",
    Status.SUSPENDED: "fr-badge--warning",
    Status.EXITED: "fr-badge--info",
}


@register.simple_tag
def status_badge(participant):
    """The status as a DSFR badge (an include per row cost the list a template render each).

    Written once per status and language: a list shows 50 of them.
    """
    return _badge(participant.status, get_language())


@lru_cache(maxsize=64)
def _badge(status, language):
    return format_html(
        '<p class="fr-badge fr-badge--sm fr-badge--no-icon {}">{}</p>',
        BADGE_CLASSES.get(status, "fr-badge--new"),
        Status(status).label,
    )
