import datetime as dt

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from pacte.phones import format_phone

register = template.Library()


@register.filter
def long_date(value):
    """« 2 décembre 2026 », « 1er février 2027 »: like |date:"j F Y"."""
    return _long_date(_local(value), get_language()) if value else ""


def _local(value):
    """A moment as the day it is in Paris (|date does it; date_format does not)."""
    return timezone.localtime(value) if isinstance(value, dt.datetime) else value


def _long_date(value, language, pattern="j F Y"):
    """The first of the month is « 1er » in French (« 1er février »), as people write it."""
    text = date_format(value, pattern)
    if value.day == 1 and language.startswith("fr"):
        day = date_format(value, "j")
        start = text.find(day)
        if start != -1 and (start == 0 or text[start - 1] == " "):
            text = text[:start] + "1er" + text[start + len(day) :]
    return text


@register.filter
def day_month(value):
    """« 2 décembre », « 1er février »."""
    return _long_date(_local(value), get_language(), "j F") if value else ""


@register.filter
def weekday_date(value):
    """« mercredi 2 décembre 2026 », « lundi 1er février 2027 »."""
    return _long_date(_local(value), get_language(), "l j F Y") if value else ""


@register.filter
def weekday_day_month(value):
    """« mercredi 2 décembre », « lundi 1er février »."""
    return _long_date(_local(value), get_language(), "l j F") if value else ""


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
