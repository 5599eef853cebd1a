"""The SMS provider's delivery reports and replies (Brevo's transactional SMS webhook).

The only public page that writes: authenticated by a secret in its URL (compared in
constant time; an unknown secret is a 404, as for any missing page), CSRF-exempt since
the provider holds no session, and rate-limited per address. A report moves a message
to delivered (« delivered ») or failed (« hard_bounce »: the number cannot receive it);
the intermediate ones (« sent », « soft_bounce », which the provider retries itself)
change nothing. A reply « STOP », or the provider's unsubscription, records that the
number refuses SMS.
"""

import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from events import outbox
from pacte import throttle
from participants.models import OptOutSource
from participants.sms_opt_outs import sms_opt_out

MAX_BODY = 64 * 1024  # one report is a few hundred bytes
DELIVERED = {"delivered"}
# A reply (only where the sender is a number that can receive one: an alphanumeric sender
# cannot), or the provider's own unsubscription: STOP (#19 item 5).
REPLIED = {"replied", "reply", "replies"}
UNSUBSCRIBED = {"unsubscribed", "unsubscription", "unsubscribe", "stop"}
STOP_WORDS = {"STOP", "STOP SMS", "ARRET", "ARRÊT"}
UNDELIVERABLE = {"hard_bounce", "hardbounce", "rejected", "blocked", "invalid"}
TOO_MANY_REQUESTS = 429


@csrf_exempt
@login_not_required
@require_POST
def sms_delivery_report(request, secret):
    expected = settings.SMS_DELIVERY_WEBHOOK_SECRET
    if not expected or not constant_time_compare(secret, expected):
        raise Http404
    if not throttle.allow(throttle.WEBHOOK_REQUESTS_PER_ADDRESS, throttle.client_address(request)):
        return HttpResponse(status=TOO_MANY_REQUESTS)
    if len(request.body) > MAX_BODY:
        return HttpResponseBadRequest("report too large")
    try:
        report = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return HttpResponseBadRequest("not JSON")
    if not isinstance(report, dict):
        return HttpResponseBadRequest("not a report")
    provider_id = str(report.get("messageId") or report.get("message_id") or "")[:100]
    status = str(report.get("msg_status") or report.get("event") or "").lower()
    known = False
    if provider_id and status in DELIVERED:
        known = outbox.record_delivery_report(provider_message_id=provider_id, delivered=True)
    elif provider_id and status in UNDELIVERABLE:
        known = outbox.record_delivery_report(
            provider_message_id=provider_id,
            delivered=False,
            reason=_("Non remis : le numéro ne reçoit pas les SMS"),
        )
    if status in UNSUBSCRIBED or (status in REPLIED and _says_stop(report.get("reply"))):
        known = _opt_out(report) or known
    return JsonResponse({"known": known})


def _says_stop(reply) -> bool:
    words = " ".join(str(reply or "").upper().replace(".", " ").replace("!", " ").split())
    return words in STOP_WORDS


def _opt_out(report) -> bool:
    number = str(report.get("to") or report.get("phoneNumber") or report.get("phone_number") or "")
    number = number.strip()
    if number.isdigit() and len(number) > 10:
        number = f"+{number}"  # Brevo writes international numbers without the +
    return sms_opt_out(phone=number[:20], source=OptOutSource.SMS_REPLY) is not None
