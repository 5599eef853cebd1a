from django import template

from pacte.phones import format_phone

register = template.Library()


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
