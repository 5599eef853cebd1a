"""Pieces of the participants' pages written in Python: they repeat on every row of a list."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from pacte.templatetags.pacte_tags import long_date
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
    return _badge(participant.status)


def _badge(status):
    return format_html(
        '<p class="fr-badge fr-badge--sm fr-badge--no-icon {}">{}</p>',
        BADGE_CLASSES.get(status, "fr-badge--new"),
        Status(status).label,
    )


@register.simple_tag
def participant_rows(rows, none_label):
    """The body of the participants list, a <tr> per row, written in Python.

    Through the template language, the 50 rows of a page cost more than the rest of the
    page (about 500 variables looked up, escaped and localised one by one). The markup
    is the one the template wrote; every value is escaped by format_html.
    """
    # On a phone each row is a card: these labels name its values (pacte.css).
    referent, entered, seen = _("Référent ou référente"), _("Entrée"), _("Dernier suivi")
    return format_html_join(
        "\n",
        '<tr><td><a href="{}">{} {}</a></td><td>{}</td>'
        '<td data-label="{}">{}<br><span class="fr-text--xs">{}</span></td>'
        '<td data-label="{}">{}<br><span class="fr-text--xs">{}</span></td>'
        '<td data-label="{}">{}</td></tr>',
        (
            (
                row.url,
                row.last_name.upper(),
                row.first_name,
                _badge(row.status),
                referent,
                row.referent,
                row.structure,
                entered,
                long_date(row.enrolled_on),
                row.year,
                seen,
                long_date(row.last_follow_up_on) or none_label,
            )
            for row in rows
        ),
    )
