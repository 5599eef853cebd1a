"""The SMS provider's delivery reports (Brevo's transactional SMS webhook).

The only public page that writes: authenticated by a secret in its URL (compared in
constant time; an unknown secret is a 404, as for any missing page), CSRF-exempt since
the provider holds no session, and rate-limited per address. A report moves a message
to delivered (« delivered ») or failed (« hard_bounce »: the number cannot receive it);
the intermediate ones (« sent », « soft_bounce », which the provider retries itself)
change nothing.
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

MAX_BODY = 64 * 1024  # one report is a few hundred bytes
DELIVERED = {"delivered"}
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
    return JsonResponse({"known": known})
