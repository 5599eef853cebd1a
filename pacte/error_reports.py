"""Errors reported to Sentry (or a compatible service, such as GlitchTip) when SENTRY_DSN
is set, with nothing personal in them.

What a report may carry: the exception, its stack without local variables, the URL
pattern (the transaction), the request's method and id, the user's id. What it never
carries: the request's body, cookies, query string, URL, headers beyond a short list,
the client's address, a user's name or e-mail, a log message's arguments, an SQL
query's parameters.
"""

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration

KEPT_HEADERS = {"content-type", "content-length", "x-request-id", "user-agent"}


def scrubbed(event, hint=None):
    """Sentry's before_send: the event without personal data."""
    request = event.get("request")
    if request:
        headers = request.get("headers") or {}
        event["request"] = {
            "method": request.get("method"),
            "headers": {
                name: value for name, value in headers.items() if name.lower() in KEPT_HEADERS
            },
        }
    user = event.get("user") or {}
    event["user"] = {"id": user["id"]} if user.get("id") else {}
    event.pop("server_name", None)
    for key in ("logentry", "logging"):
        entry = event.get(key)
        if entry:
            # The template only: its arguments may be anything the code was handling.
            event[key] = {"message": entry.get("message", "")}
    breadcrumbs = event.get("breadcrumbs") or {}
    for crumb in breadcrumbs.get("values", []):
        crumb.pop("data", None)
    from django_guid import get_guid  # it reads the settings, which import this module

    request_id = get_guid()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def scrubbed_breadcrumb(crumb, hint=None):
    crumb.pop("data", None)
    return crumb


def init(*, dsn: str, release: str, environment: str) -> None:
    sentry_sdk.init(
        dsn=dsn,
        release=release,
        environment=environment,
        integrations=[DjangoIntegration(transaction_style="url")],
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrubbed,
        before_breadcrumb=scrubbed_breadcrumb,
        traces_sample_rate=0,
    )
