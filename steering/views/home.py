"""The home page: each role's first question of the day (steering.home)."""

from django.shortcuts import render

from pacte import audit
from pacte.permissions import can_manage_accounts
from steering.home import home_for


def home(request):
    """Each role's first question of the day, answered (steering.home)."""
    page = home_for(request.user)
    for object_type, rows in page.shown.items():
        if rows:
            audit.log_list(request, object_type, rows)
    return render(
        request,
        "pacte/home.html",
        {"can_manage_accounts": can_manage_accounts(request.user), **page.context},
    )
