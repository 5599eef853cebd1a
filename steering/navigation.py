"""What every page needs: the service name and the navigation the role may open.

No query here: the user and their structure are already loaded by the
authentication backend.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from events.permissions import can_list_events
from pacte.operators import operator_for
from pacte.permissions import (
    can_manage_accounts,
    can_manage_programme_years,
    can_read_access_log,
    can_see_dashboard,
)
from pacte.roles import Role
from participants.permissions import (
    can_list_participants,
    can_see_cell_meetings,
)
from partners.permissions import can_list_partners


def _url(name):
    """The menu's links, reversed once per URLconf (a dozen reverse() on every page)."""
    return _reverse(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@lru_cache(maxsize=256)
def _reverse(name, urlconf, prefix):
    return reverse(name, urlconf=urlconf)


def navigation(request):
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        items.append(("Accueil", _url("home")))
        if can_see_dashboard(user):
            items.append(("Tableau de bord", _url("dashboard")))
        if can_list_participants(user):
            items.append(("Jeunes", _url("participants:list")))
            items.append(("À suivre", _url("participants:attention")))
            items.append(("Mes tâches", _url("participants:tasks")))
        if can_see_cell_meetings(user):
            items.append(("Cellule Emploi", _url("cell:list")))
        if can_list_events(user):
            items.append(("Café-métiers", _url("events:list")))
        if can_list_partners(user):
            items.append(("Partenaires", _url("partners:list")))
        if can_read_access_log(user):
            items.append(("Journal des accès", _url("access_log")))
        if can_manage_accounts(user):
            items.append(("Comptes", _url("accounts:list")))
        if can_manage_programme_years(user):
            items.append(("Années du programme", _url("programme_years:list")))
        if user.is_staff:
            items.append(("Administration", _url("admin:index")))
    sees_programme = user is not None and user.is_authenticated and user.role != Role.RECRUITER
    # The current item is the longest URL the page lies under.
    current = max(
        (
            url
            for _label, url in items
            if request.path == url or (url != "/" and request.path.startswith(url))
        ),
        key=len,
        default=None,
    )
    return {
        "service_name": settings.SITE_NAME if sees_programme else settings.SITE_PUBLIC_NAME,
        "service_operator": operator_for(user),
        "nav_items": [
            {"label": label, "url": url, "current": url == current} for label, url in items
        ],
    }
