"""The login and password-reset pages, with the per-address ceilings of pacte.throttle
on top of django-axes (which locks one username from one address)."""

import logging

from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from pacte import throttle
from pacte.forms import AccountPasswordResetForm

logger = logging.getLogger(__name__)

LOCKED_OUT_TEMPLATE = "registration/locked_out.html"
TOO_MANY_REQUESTS = 429


class LoginView(auth_views.LoginView):
    """Refuses any login from an address that failed too often, whatever the username."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        address = throttle.client_address(request)
        if throttle.is_exceeded(throttle.LOGIN_FAILURES_PER_ADDRESS, address):
            # No address in clear, as axes masks it; the proxy's access log has it (429).
            logger.warning("Login refused: too many failures from one address")
            return render(request, LOCKED_OUT_TEMPLATE, status=TOO_MANY_REQUESTS)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        throttle.record(throttle.LOGIN_FAILURES_PER_ADDRESS, throttle.client_address(self.request))
        return super().form_invalid(form)


class PasswordResetView(auth_views.PasswordResetView):
    """Sends no mail beyond a few requests per address and per e-mail.

    Over the address's limit the form says so (it tells nothing about any account);
    over the e-mail's, the usual « lien envoyé » page, as for an unknown address.
    """

    form_class = AccountPasswordResetForm

    def form_valid(self, form):
        address = throttle.client_address(self.request)
        if not throttle.allow(throttle.PASSWORD_RESETS_PER_ADDRESS, address):
            logger.warning("Password reset refused: too many requests from one address")
            form.add_error(
                None,
                _(
                    "Trop de demandes de nouveau mot de passe depuis votre connexion. "
                    "Réessayez dans une heure, ou demandez à la coordination de votre "
                    "territoire."
                ),
            )
            return self.render_to_response(
                self.get_context_data(form=form), status=TOO_MANY_REQUESTS
            )
        if not throttle.allow(throttle.PASSWORD_RESETS_PER_EMAIL, form.cleaned_data["email"]):
            logger.warning("Password reset: no mail, too many requests for one e-mail")
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
