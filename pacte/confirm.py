"""Consequential actions ask first.

One pattern for every irreversible step (close a Cellule meeting, close the event day,
cancel a registration, deactivate an account): the button opens a DSFR modal holding
the POST form; without JavaScript the same button is a link to the action's URL, whose
GET answers with this confirmation page. The action itself only ever runs on POST.
"""

from django.shortcuts import render


def confirmation_page(
    request, *, title, text, confirm_label, cancel_url, hidden=None, form=None, danger=False
):
    """The page a GET on a consequential action shows: what will happen, confirm or go back.

    The form posts back to the same URL with `hidden` (name → value) and `form`'s fields;
    `danger` shows the text as a warning (an account that can no longer log in, …).
    """
    return render(
        request,
        "pacte/confirm.html",
        {
            "title": title,
            "text": text,
            "confirm_label": confirm_label,
            "cancel_url": cancel_url,
            "hidden": hidden or {},
            "form": form,
            "danger": danger,
        },
    )
