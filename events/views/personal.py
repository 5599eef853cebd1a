"""The young person's personal page, opened by the link of their messages (no account).

It shows one registration and nothing else; it never names the programme nor hints at
justice; every opening is one entry of the access log (no user: the token's
registration). A link that opens nothing answers one plain 404 page.
"""

from urllib.parse import quote

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST, require_safe

from events import answers, services
from events.documents import (
    EVENT_NAME,
    WHAT_TO_BRING,
    check_in_url,
    convocation_pdf,
    long_date,
    qr_code,
    time_label,
)
from events.forms import DeclineForm
from events.models import RegistrationStatus
from events.notifications import offer_deadline_label
from events.personal_links import registration_for
from events.views.documents import EXPORTS_REGISTRATION, calendar_response
from pacte import audit
from pacte.attempts import attempt
from pacte.audit import reads, record
from pacte.phones import format_phone
from participants import sms_opt_outs
from participants.models import OptOutSource

# Search engines, caches and any other site (the map's) learn nothing of the link. Not
# « no-referrer »: the browser would then send « Origin: null » with the page's own
# answers, which Django's CSRF protection rightly refuses.
PRIVATE_HEADERS = {
    "X-Robots-Tag": "noindex, nofollow",
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
}
MAP_SEARCH = "https://www.openstreetmap.org/search?query="
ON_THE_WAITING_LIST = gettext_noop(
    "C’est noté : vous êtes sur la liste d’attente, nous vous prévenons dès qu’une place se libère."
)


def _private(response):
    for header, value in PRIVATE_HEADERS.items():
        response[header] = value
    return response


def _no_longer_valid(request):
    body = render_to_string(
        "events/personal_invalid.html", {"event_name": EVENT_NAME, "personal_page": True}, request
    )
    return _private(HttpResponse(body, status=404))


def page_context(request, registration) -> dict:
    event = registration.event
    referent = registration.participant.referent
    holds_a_place = registration.status in RegistrationStatus.holding_a_place()
    offered = registration.status == RegistrationStatus.WAITING and services.holds_a_place(
        registration
    )
    return {
        "registration": registration,
        "event": event,
        "event_name": EVENT_NAME,
        "operator": event.territory.prefecture_name,
        "first_name": registration.participant.first_name,
        "date_label": long_date(event.date),
        "starts_label": time_label(event.starts_at),
        "ends_label": time_label(event.ends_at),
        "map_url": MAP_SEARCH + quote(f"{event.venue}, {event.address}"),
        "what_to_bring": WHAT_TO_BRING,
        "workshops": list(registration.workshops.order_by("starts_at", "pk")),
        "holds_a_place": holds_a_place,
        "waiting": registration.status == RegistrationStatus.WAITING,
        "offer_until": offer_deadline_label(registration) if offered else "",
        "qr_code": qr_code(check_in_url(request, registration)) if holds_a_place else None,
        "referent_first_name": referent.first_name if referent else "",
        "referent_phone": format_phone(referent.phone) if referent and referent.phone else "",
        "referent_phone_link": referent.phone if referent else "",
        "personal_page": True,
        "can_answer": answers.can_still_answer(registration),
        "answer": registration.answer,
        "declined": registration.status == RegistrationStatus.EXCUSED,
        "decline_form": DeclineForm(),
        "can_stop_sms": bool(registration.participant.phone)
        and not sms_opt_outs.is_opted_out(registration.participant.phone),
    }


@reads(record("registration"))
@login_not_required
@require_safe
def personal_page(request, token):
    registration = registration_for(token)
    if registration is None:
        return _no_longer_valid(request)
    response = TemplateResponse(
        request, "events/personal_page.html", page_context(request, registration)
    )
    return _private(response)


def _answer(request, token, action, success):
    registration = registration_for(token)
    if registration is None:
        return _no_longer_valid(request)
    attempt(lambda: action(registration), request=request, success=success)
    return redirect("events:personal_page", token=token)


@login_not_required
@require_POST
def personal_coming(request, token):
    """« Je viens »: one tap."""
    return _answer(
        request,
        token,
        lambda registration: answers.answer_coming(registration=registration),
        lambda registration: (
            _(ON_THE_WAITING_LIST)
            if registration.status == RegistrationStatus.WAITING
            else _("Merci, c’est noté : nous vous attendons.")
        ),
    )


@login_not_required
@require_POST
def personal_not_coming(request, token):
    """« Je ne peux pas venir », with an optional reason: the place goes to someone else."""
    form = DeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _answer(
        request,
        token,
        lambda registration: answers.answer_not_coming(registration=registration, reason=reason),
        _("C’est noté. La personne qui vous accompagne va vous rappeler."),
    )


@login_not_required
@require_POST
def personal_stop_sms(request, token):
    """« Ne plus recevoir de SMS »: the number refuses them; the referent gets a task."""
    return _answer(
        request,
        token,
        lambda registration: sms_opt_outs.sms_opt_out(
            phone=registration.participant.phone, source=OptOutSource.PAGE
        ),
        _(
            "C’est noté : vous ne recevrez plus de SMS. La personne qui vous accompagne "
            "vous contactera autrement."
        ),
    )


def _document(request, token, builder):
    registration = registration_for(token)
    if registration is None or registration.status not in RegistrationStatus.holding_a_place():
        return _no_longer_valid(request)
    return _private(audit.with_context(builder(request, registration), registration=registration))


@reads(EXPORTS_REGISTRATION)
@login_not_required
@require_safe
def personal_convocation(request, token):
    """The convocation PDF, as the e-mail attaches it."""
    return _document(request, token, convocation_pdf)


@reads(EXPORTS_REGISTRATION)
@login_not_required
@require_safe
def personal_calendar(request, token):
    """The calendar entry (.ics), as the e-mail attaches it."""
    return _document(request, token, calendar_response)
