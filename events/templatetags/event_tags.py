"""Pieces of the Café-métiers pages written in Python: they repeat on every registration."""

from django import template
from django.utils.dateformat import time_format
from django.utils.html import format_html_join

from events.models import RegistrationStatus

register = template.Library()


@register.filter
def registration_status(code):
    """The label of a registration's status, like get_status_display."""
    try:
        return str(RegistrationStatus(code).label)
    except ValueError:
        return code


@register.simple_tag
def workshop_options(workshops):
    """The <option>s of the event's workshops, written once for every row's select."""
    return format_html_join(
        "",
        '<option value="{}">{} {}</option>',
        ((w.pk, time_format(w.starts_at, "H \\h i"), w) for w in workshops),
    )
