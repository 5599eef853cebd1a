from django import template

from pacte.phones import format_phone

register = template.Library()


@register.filter
def phone(value):
    """« 06 12 34 56 78 » from a stored E.164 number."""
    return format_phone(value)
