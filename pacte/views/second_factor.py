"""The second factor: TOTP enrolment on first login, then a code at each login."""

import base64
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pacte.middleware import otp_exempt


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code à 6 chiffres, ou un code de secours"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next_url(request):
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return settings.LOGIN_REDIRECT_URL


@otp_exempt
def second_factor(request):
    """Ask for a code from the application (or a recovery code)."""
    if not user_has_device(request.user):
        return redirect(
            f"{reverse('second_factor_setup')}?{urlencode({'next': _next_url(request)})}"
        )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"].replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("code", _("Ce code n’est pas valable (ou il a déjà servi) : réessayez."))
    return render(
        request, "registration/second_factor.html", {"form": form, "next": _next_url(request)}
    )


@otp_exempt
def second_factor_setup(request):
    """First login: scan the QR code, type a code, receive recovery codes once."""
    if user_has_device(request.user):
        return redirect("second_factor")
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Application"}
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].replace(" ", "")):
            recovery_codes = _confirm(device)
            otp_login(request, device)
            return render(
                request,
                "registration/recovery_codes.html",
                {"codes": recovery_codes, "next": _next_url(request)},
            )
        form.add_error(
            "code",
            _(
                "Ce code ne correspond pas : vérifiez l’heure du téléphone "
                "et saisissez le code affiché maintenant."
            ),
        )
    qr = segno.make(device.config_url, error="m")
    qr_data_uri = (
        "data:image/svg+xml;base64,"
        + base64.b64encode(qr.svg_inline(scale=5, dark="#000091").encode()).decode()
    )
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "registration/second_factor_setup.html",
        {
            "form": form,
            "qr": qr_data_uri,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _next_url(request),
        },
    )


@transaction.atomic
def _confirm(device):
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    recovery, _created = StaticDevice.objects.get_or_create(
        user=device.user, name="Codes de secours", defaults={"confirmed": True}
    )
    recovery.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.PACTE_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    return codes
