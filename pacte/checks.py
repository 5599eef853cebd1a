"""System checks of the project.

- Of its data (tagged `database`: run by `migrate` and `check --database default`,
  never by a plain `check`).
- Of a production's settings (deploy checks, tagged `security`: run by
  `check --deploy` only, like Django's own HSTS or secure-cookie checks): with DEBUG
  off, what would never reach people is an error, so the deployment stops there.
  Not plain checks: those also run before `migrate`, `collectstatic` or a restore,
  which need no SMS provider, and gunicorn runs no check at all.
"""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import connections
from django.utils.module_loading import import_string

from pacte.sms import DEVELOPMENT_BACKENDS, BrevoBackend


@register(Tags.database)
def accounts_fit_their_structure(app_configs=None, databases=None, **kwargs):
    """Accounts created before the rule « a role fits the kind of its structure »."""
    from pacte.models import User, misfit_accounts_q

    warnings = []
    for alias in databases or ():
        connection = connections[alias]
        # `migrate` runs database checks before creating any table: nothing to check yet.
        if User._meta.db_table not in connection.introspection.table_names():
            continue
        misfits = (
            User.objects.using(alias)
            .filter(misfit_accounts_q())
            .select_related("structure")
            .order_by("pk")
        )
        for account in misfits:
            warnings.append(
                Warning(
                    f"Le compte « {account.username} » (n° {account.pk}) a le rôle "
                    f"« {account.get_role_display()} » dans la structure « {account.structure} » "
                    f"({account.structure.get_kind_display()}) : ce rôle ne convient pas à ce "
                    "type de structure, et le compte ne peut plus se connecter.",
                    hint="Changez son rôle ou sa structure dans Comptes, ou désactivez-le.",
                    obj=account,
                    id="pacte.W001",
                )
            )
    return warnings


# Production settings -------------------------------------------------------------------

# What Brevo takes as a sender: 3 to 11 letters and digits, or up to 15 digits.
SMS_SENDER_FORM = re.compile(r"[A-Za-z0-9]{3,11}|[0-9]{3,15}")
DEVELOPMENT_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "anymail.backends.test.EmailBackend",
}


@register(Tags.security, deploy=True)
def sms_reach_phones(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []
    path = getattr(settings, "SMS_BACKEND", "")
    if not path:
        return [
            Error(
                "SMS_BACKEND is not set: with DEBUG off, no text message would be sent.",
                hint="Set SMS_BACKEND=pacte.sms.BrevoBackend and SMS_API_KEY.",
                id="pacte.E001",
            )
        ]
    try:
        backend = import_string(path)
    except ImportError as error:
        return [
            Error(
                f"SMS_BACKEND {path!r} cannot be imported: {error}",
                hint="Set SMS_BACKEND to the dotted path of a backend, "
                "e.g. pacte.sms.BrevoBackend.",
                id="pacte.E002",
            )
        ]
    if not isinstance(backend, type):
        return []
    if issubclass(backend, DEVELOPMENT_BACKENDS):
        return [
            Error(
                f"SMS_BACKEND is {path}, a development backend: text messages would be "
                "printed or kept, never sent to a phone.",
                hint="Set SMS_BACKEND=pacte.sms.BrevoBackend and SMS_API_KEY.",
                id="pacte.E001",
            )
        ]
    if not issubclass(backend, BrevoBackend):
        return []
    return _brevo_settings_errors()


def _brevo_settings_errors():
    """What Brevo needs besides the backend: an API key, a sender, an https:// API URL."""
    errors = []
    if not getattr(settings, "SMS_API_KEY", ""):
        errors.append(
            Error(
                "SMS_API_KEY is not set: Brevo refuses every text message without it.",
                hint="Set SMS_API_KEY to a Brevo API key (SMTP & API settings of the account).",
                id="pacte.E003",
            )
        )
    sender = getattr(settings, "SMS_SENDER", "")
    if not SMS_SENDER_FORM.fullmatch(sender or ""):
        errors.append(
            Error(
                f"SMS_SENDER {sender!r} is not a sender name Brevo accepts.",
                hint="Set SMS_SENDER to 3 to 11 letters or digits, without spaces or accents.",
                id="pacte.E004",
            )
        )
    if not str(getattr(settings, "SMS_API_URL", "")).startswith("https://"):
        errors.append(
            Error(
                "SMS_API_URL does not start with https://: the API key would travel in clear.",
                hint="Leave SMS_API_URL unset (https://api.brevo.com) or set an https:// URL.",
                id="pacte.E005",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def site_url_is_https(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []
    site_url = getattr(settings, "SITE_URL", "") or ""
    if site_url.startswith("https://"):
        return []
    return [
        Error(
            f"SITE_URL is {site_url!r}: with DEBUG off, links and QR codes in convocations "
            "and reminders need the service's https:// address."
            if site_url
            else "SITE_URL is not set: with DEBUG off, links and QR codes in convocations "
            "and reminders would have no address.",
            hint="Set SITE_URL to the address people reach the service at, "
            "e.g. https://cafe-metiers.example.gouv.fr.",
            id="pacte.E006",
        )
    ]


# The young person's personal link goes in SMS read over their shoulder: its host name
# must not name the programme (#19).
PROGRAMME_WORD_IN_HOST = "pacte"


@register(Tags.security, deploy=True)
def site_url_is_discreet(app_configs=None, **kwargs):
    host = (urlsplit(getattr(settings, "SITE_URL", "") or "").hostname or "").lower()
    if PROGRAMME_WORD_IN_HOST not in host:
        return []
    return [
        Error(
            f"SITE_URL's host {host!r} names the programme: the personal links of the "
            "young people's SMS and e-mails would give it away.",
            hint="Serve the site under a neutral name, e.g. https://cafe-metiers.example.gouv.fr.",
            id="pacte.E009",
        )
    ]


@register(Tags.security, deploy=True)
def email_reach_people(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []
    errors = []
    timeout = getattr(settings, "EMAIL_TIMEOUT", None)
    if timeout is None or timeout <= 0:
        errors.append(
            Error(
                "EMAIL_TIMEOUT is not set: a silent mail server would block sending forever.",
                hint="Set EMAIL_TIMEOUT to a number of seconds, e.g. 10.",
                id="pacte.E007",
            )
        )
    if settings.EMAIL_BACKEND in DEVELOPMENT_EMAIL_BACKENDS:
        errors.append(
            Error(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}, a development backend: "
                "e-mails would never be delivered.",
                hint="Leave EMAIL_BACKEND unset (SMTP, with EMAIL_HOST…) or set a provider's, "
                "e.g. anymail.backends.brevo.EmailBackend with ANYMAIL_BREVO_API_KEY.",
                id="pacte.E008",
            )
        )
    return errors
