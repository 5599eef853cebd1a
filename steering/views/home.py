"""The home page: each role's first question of the day (steering.home)."""

from django.core.exceptions import ImproperlyConfigured
from django.template.response import TemplateResponse

from pacte.audit import reads, rows
from pacte.permissions import can_manage_accounts
from steering.home import home_for

# The rows of personal data the page shows, by object type (steering.home's
# HomePage.shown), and the context names their counts take: one list entry each, none
# when the page shows no such row.
SHOWN_ROWS = {"task": "shown_tasks", "participant": "shown_participants"}


@reads(*(rows(object_type, name) for object_type, name in SHOWN_ROWS.items()))
def home(request):
    """Each role's first question of the day, answered (steering.home)."""
    page = home_for(request.user)
    if undeclared := page.shown.keys() - SHOWN_ROWS.keys():
        raise ImproperlyConfigured(f"the home page shows rows it does not log: {undeclared}")
    shown = {name: page.shown.get(object_type) or None for object_type, name in SHOWN_ROWS.items()}
    return TemplateResponse(
        request,
        "pacte/home.html",
        {"can_manage_accounts": can_manage_accounts(request.user), **page.context, **shown},
    )
