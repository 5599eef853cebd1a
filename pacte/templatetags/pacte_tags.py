import datetime as dt
from functools import lru_cache

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from pacte import links
from pacte.phones import format_phone

register = template.Library()


@register.filter
def long_date(value):
    """« 2 décembre 2026 »: like |date:"j F Y", written once per day and language.

    Django's date filter formats each call anew; a list prints a hundred dates.
    """
    return _long_date(value, get_language()) if value else ""


@lru_cache(maxsize=4096)
def _long_date(value, language):
    return date_format(value, "j F Y")


@register.filter
def phone(value):
    """« 06 12 34 56 78 » from a stored E.164 number."""
    return format_phone(value)


@register.inclusion_tag("includes/sort_header.html", takes_context=True)
def sort_header(context, label, key):
    """A column header that sorts the list by `key` (and back), keeping the filters."""
    current = context["request"].GET.get("sort", "")
    if current == key:
        direction, next_sort = "ascending", f"-{key}"
    elif current == f"-{key}":
        direction, next_sort = "descending", key
    else:
        direction, next_sort = "", key
    params = context["request"].GET.copy()
    params["sort"] = next_sort
    params.pop("page", None)
    return {"label": label, "direction": direction, "query": params.urlencode()}


@register.filter
def css_string(value):
    """Text for a CSS `content: "…"` in a document's page margins (WeasyPrint)."""
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return mark_safe(f'"{escaped}"')  # noqa: S308 - quoted and escaped for CSS above


@register.filter
def human(value):
    """A value as people write it in a document: « Oui », « 14 mars 2018 », « 06 12 34 56 78 »."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), r"j F Y, H \h i")
    if isinstance(value, dt.date):
        return date_format(value, "j F Y")
    if isinstance(value, dt.time):
        return date_format(value, r"H \h i")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, str) and value.startswith("+33"):
        return format_phone(value)
    return value


@register.simple_tag
def pk_url(name, pk):
    """{% url name pk %} for a URL taking the primary key alone, reversed once per name."""
    return links.pk_url(name, pk)
