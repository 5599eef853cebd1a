"""Security rules applied to every page: no caching, session limits, second factor."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from pacte.roles import SECOND_FACTOR_ROLES

SESSION_LOGIN_AT = "pacte_login_at"
SESSION_LAST_SEEN = "pacte_last_seen"
LAST_SEEN_GRANULARITY = 60  # seconds: do not write the session on every click


ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"


class RequestHygieneMiddleware:
    """Before any view: OPTIONS answers without a body (a function view would render the
    whole page, unlogged), and a NUL character in the query or the form is a 400 (no
    field, and no access log entry, can hold one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "OPTIONS":
            response = HttpResponse(status=200)
            response["Allow"] = ALLOWED_METHODS
            return response
        if _holds_nul(request.GET) or (request.method == "POST" and _holds_nul(request.POST)):
            raise BadRequest("NUL character in the request's parameters")
        return self.get_response(request)


def _holds_nul(query_dict) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in query_dict.lists()
    )


class NoStoreMiddleware:
    """Pages carry personal data: no browser or proxy keeps a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        elif "no-store" not in response["Cache-Control"]:
            response["Cache-Control"] += ", no-store"
        return response


def _is_public(view_func):
    return not getattr(view_func, "login_required", True)


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's, but a public view is let through before the user is looked up.

    Django reads request.user (a session query) first: with the database away, the
    public health check would then fail before it could answer 503.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if _is_public(view_func):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class SessionLimitsMiddleware:
    """30 minutes without activity, or 10 hours since login, end the session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if _is_public(view_func) or not request.user.is_authenticated:
            return None
        now = time.time()
        session = request.session
        login_at = session.setdefault(SESSION_LOGIN_AT, now)
        last_seen = session.setdefault(SESSION_LAST_SEEN, now)
        idle = now - last_seen > settings.PACTE_SESSION_IDLE_SECONDS
        too_old = now - login_at > settings.PACTE_SESSION_ABSOLUTE_SECONDS
        if idle or too_old:
            logout(request)
            messages.info(request, _("Votre session a expiré : reconnectez-vous."))
            return redirect_to_login(request.get_full_path())
        if now - last_seen > LAST_SEEN_GRANULARITY:
            session[SESSION_LAST_SEEN] = now
        return None


def otp_exempt(view):
    """Pages reachable before the second factor is given (its own pages, logout)."""
    view.otp_exempt = True
    return view


class SecondFactorMiddleware:
    """Roles that open participants' files must have given their second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.PACTE_OTP_REQUIRED or _is_public(view_func):
            return None
        if getattr(view_func, "otp_exempt", False) or getattr(
            getattr(view_func, "view_class", None), "otp_exempt", False
        ):
            return None
        user = request.user
        if not user.is_authenticated or user.role not in SECOND_FACTOR_ROLES:
            return None
        if user.is_verified():
            return None
        return redirect(
            f"{reverse('second_factor')}?{urlencode({'next': request.get_full_path()})}"
        )


def record_login_time(sender, request, user, **kwargs):
    """Connected to user_logged_in: the absolute session lifetime counts from here."""
    now = time.time()
    request.session[SESSION_LOGIN_AT] = now
    request.session[SESSION_LAST_SEEN] = now
