"""Links to an object by its primary key, without a reverse() for each.

A page of 65 registrations asks for about 480 of them: reverse() matched each against
the URLconf (a quarter of the Café-métiers page's time). The pattern is reversed once
with a marker for the key, then each link is that text with the key put in.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_MARKER = 918_273_645


def pk_url(name, pk) -> str:
    """reverse(name, args=[pk]) for a URL that takes the primary key alone (an int)."""
    before, after = _around_marker(
        name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()
    )
    return f"{before}{int(pk)}{after}"


@lru_cache(maxsize=512)
def _around_marker(name, urlconf, prefix):
    url = reverse(name, urlconf=urlconf, args=[_MARKER])
    before, marker, after = url.partition(str(_MARKER))
    if not marker or str(_MARKER) in after:
        raise ValueError(f"{name} : la clé n’apparaît pas une seule fois dans son adresse.")
    return before, after
