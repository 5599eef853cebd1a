"""Settings of Pacte, read from the environment.

Development works with no environment at all (DEBUG on, SQLite in the project).
Production is this same module with DEBUG off and the environment set; it then
refuses to start on a development default.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from pacte import error_reports
from pacte.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

DEV_SECRET_KEY = "django-insecure-dev-only-pacte-never-in-production"  # noqa: S105 - refused when DEBUG is off


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (production refuses the development key)."
        )
    SECRET_KEY = DEV_SECRET_KEY
elif not DEBUG and (SECRET_KEY == DEV_SECRET_KEY or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured("SECRET_KEY is a development key: set a real one in production.")
elif not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured("SECRET_KEY is too short or too simple: use 50 random characters.")

# The address people reach the service at: links and QR codes in e-mails and PDFs
# built outside a request (reminders) start with it.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "pacte",
    "participants",
    "events",
    "partners",
    "steering",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's own form templates, found by the project's template settings below.
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "simple_history",
    "import_export",
    "crispy_forms",
    "django_filters",
    "django_htmx",
    "dsfr",
    "django_q",
    "django_guid",
    # Anymail's docs ask for it: it registers its checks of the ANYMAIL settings.
    "anymail",
]

MIDDLEWARE = [
    # The request's id (X-Request-ID), then one log line per request (pacte.logs).
    "django_guid.middleware.guid_middleware",
    "pacte.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "pacte.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "pacte.middleware.RequestHygieneMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pacte.middleware.SessionLimitsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "pacte.middleware.LoginRequiredMiddleware",
    "pacte.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Static files are served by runserver in development, by WhiteNoise in production.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

# A static file missing from the manifest must not break a page (the 500 page above all).
WHITENOISE_MANIFEST_STRICT = False

ROOT_URLCONF = "pacte.urls"
WSGI_APPLICATION = "pacte.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "steering.navigation.navigation",
            ],
        },
    },
]

# Forms render through TEMPLATES, so that templates/django/forms/ can override a widget's
# template (the select, whose options are written in its loop: #18 item 7).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    # An empty DATABASE_URL counts as unset: the embedded SQLite file.
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# Two database roles in production (README « Données personnelles »): the app connects
# as a role that owns no table (DATABASE_URL) and may not alter the access log; the
# owner role runs the migrations and restores (MIGRATE_DATABASE_URL, through the
# `owner` alias that `migrate` and `restore_db` use). In development both are the same.
MIGRATE_DATABASE_URL = os.environ.get("MIGRATE_DATABASE_URL", "")
APP_DATABASE_URL = os.environ.get("DATABASE_URL", "")
TWO_DATABASE_ROLES = bool(MIGRATE_DATABASE_URL) and APP_DATABASE_URL != MIGRATE_DATABASE_URL
MIGRATION_DATABASE_ALIAS = "owner" if TWO_DATABASE_ROLES else "default"
if TWO_DATABASE_ROLES:
    DATABASES["owner"] = dj_database_url.parse(MIGRATE_DATABASE_URL, conn_max_age=0)
# Behind pgbouncer in transaction pooling (deploy/pgbouncer/pgbouncer.ini): a transaction
# may reach another server connection than the previous one, so no server-side cursor
# outlives it, and no connection option (pgbouncer refuses them).
DATABASE_POOLED = env_bool("DATABASE_POOLED", False)
if DATABASE_POOLED:
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
if (
    DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    and not TWO_DATABASE_ROLES
    and not DATABASE_POOLED
):
    # Pages run small queries; PostgreSQL's JIT compiler, triggered by the planner's cost
    # estimates on large tables, spent 20-30 ms compiling them (seen with make bench).
    # The data is in memory or on SSD: at the default random_page_cost (4, for spinning
    # disks) the planner hashed the whole accounts table to name the 20 authors of a
    # participant's follow-ups (1.7 ms) instead of 20 lookups by key (0.08 ms).
    # With two roles, `setup_database_roles` sets both on the app role instead (a
    # connection option is refused by pgbouncer, and lost by nothing else).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", "-c jit=off -c random_page_cost=1.1"
    )
SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
if SQLITE:
    # The web server and the job worker share the file: a write takes the lock at BEGIN
    # and waits up to 20 s for it, instead of failing with « database is locked ».
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The release running: the deploy sets it (the commit); it prefixes the shared cache's
# keys, so that a new release never reads what an older one cached.
PACTE_RELEASE = os.environ.get("PACTE_RELEASE", "").strip() or "dev"

# Cache ------------------------------------------------------------------------
# Several app nodes share one cache: Redis when CACHE_URL (or REDIS_URL) is set, else
# without DEBUG the database (its table made by `migrate`); a process's own memory only
# in development. What is cached is right on every node at once: the throttle's counters
# and the filter choices' generation (participants.directory) live in this shared cache.
CACHE_URL = (os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or "").strip()
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("CACHE_URL must be a Redis URL: redis://, rediss:// or unix://.")
    _CACHE = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
elif not DEBUG:
    _CACHE = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "pacte_cache"}
else:
    _CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
CACHES = {"default": {**_CACHE, "KEY_PREFIX": f"pacte:{PACTE_RELEASE}"}}

# Jobs (django-q2, its ORM broker: the project's own database, no other server). The
# cluster is the second process: `python manage.py qcluster`. A job runs at most
# `timeout` seconds; one not acknowledged after `retry` seconds (a worker that died) is
# handed out again, so `retry` > `timeout`. Messages retry through their own outbox
# (events.outbox), with back-off: django-q2 does not retry a job that failed.
Q_CLUSTER = {
    "name": "pacte",
    "orm": "default",
    "workers": 1 if SQLITE else env_int("PACTE_JOB_WORKERS", 2),
    "timeout": 60,
    "retry": 120,
    "max_attempts": 1,
    "ack_failures": True,
    "save_limit": 500,
    "catch_up": False,
    "poll": 1,
    "sync": env_bool("PACTE_JOBS_SYNC", False),
    "label": "Tâches de fond",
}

# Accounts ------------------------------------------------------------------
AUTH_USER_MODEL = "pacte.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out user or address before any password check.
    "axes.backends.AxesStandaloneBackend",
    "pacte.auth_backends.AccountBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3  # an account invitation stays valid three days

# Brute force. django-axes counts failures per username *from one address* (the pair):
# a username alone would let anyone lock a colleague out, an address alone a whole
# office behind one proxy. Axes has one limit for all its parameters, so pacte.throttle
# adds the per-address ceilings, counted in the cache: failed logins from one address
# whatever the username, and password-reset requests per address and per e-mail.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# (how many, in how many seconds)
PACTE_LOGIN_FAILURES_PER_ADDRESS = (50, 15 * 60)
PACTE_PASSWORD_RESETS_PER_ADDRESS = (5, 60 * 60)
PACTE_PASSWORD_RESETS_PER_EMAIL = (3, 60 * 60)
# The SMS provider's delivery reports: a burst after a Café-métiers' convocations.
PACTE_WEBHOOK_REQUESTS_PER_ADDRESS = (1200, 60)

# The client's address, for axes and pacte.throttle alike (django-ipware). Without a
# trusted proxy, X-Forwarded-For is never read: anyone can write anything in it. Behind
# N trusted proxies, the nearest is REMOTE_ADDR and each other one appended the address
# it received from, so the client is the N-th entry from the right of X-Forwarded-For;
# what the client wrote further left is ignored. ipware counts only the proxies written
# in the header (N - 1), and "at least", not "exactly" (IPWARE_STRICT off): a client
# behind its own proxy (an office) sends a longer header and must still be told apart.
PACTE_TRUSTED_PROXIES = env_int(
    "PACTE_TRUSTED_PROXIES", 1 if env_bool("BEHIND_TLS_PROXY", False) else 0
)
if PACTE_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("PACTE_TRUSTED_PROXIES is a number of proxies: 0 or more.")
AXES_IPWARE_PROXY_ORDER = "left-most"
if PACTE_TRUSTED_PROXIES:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    AXES_IPWARE_PROXY_COUNT = PACTE_TRUSTED_PROXIES - 1
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
    AXES_IPWARE_PROXY_COUNT = None
IPWARE_STRICT = False

# Second factor (django-otp, TOTP): required for every role that opens a file when
# DEBUG is off; with DEBUG on only if PACTE_OTP_REQUIRED is set.
PACTE_OTP_REQUIRED = env_bool("PACTE_OTP_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = "Préfecture — Café-métiers"
PACTE_RECOVERY_CODES = 10

# Sessions: 30 minutes idle, 10 hours at most, whatever the activity.
PACTE_SESSION_IDLE_SECONDS = 30 * 60
PACTE_SESSION_ABSOLUTE_SECONDS = 10 * 60 * 60
SESSION_COOKIE_AGE = PACTE_SESSION_ABSOLUTE_SECONDS

# Retention after a participant's exit, per category of data (days). The justice
# measure goes first; then the whole file is anonymised. `apply_retention` acts.
PACTE_RETENTION_DAYS = {
    "justice": env_int("PACTE_RETENTION_JUSTICE_DAYS", 365),
    "file": env_int("PACTE_RETENTION_FILE_DAYS", 3 * 365),
}
PACTE_RETENTION_NOTICE_DAYS = 30  # coordinators see who is due this long beforehand

# Locale ----------------------------------------------------------------------
LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# Static files ------------------------------------------------------------------
STATIC_URL = "static/"
# Where collectstatic writes and nginx reads (deploy/nginx/pacte.conf).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Files the application writes (background work's results, import previews) are in
    # the database: another app node or job worker reads them. Private: handed out by a
    # view that checks who asks, never under a URL. Nothing is written to a node's disk.
    "default": {"BACKEND": "pacte.stored_files.storage.DatabaseStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail ----------------------------------------------------------------------
# Django's SMTP backend, or a provider's API through django-anymail, e.g.
# EMAIL_BACKEND=anymail.backends.brevo.EmailBackend with ANYMAIL_BREVO_API_KEY.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds: without it a silent SMTP server holds the sending request or command forever.
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT") or 10)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Café-métiers — Préfecture <ne-pas-repondre@paris.gouv.fr>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Anymail's settings are the ANYMAIL_* variables that are set, without the prefix
# (ANYMAIL_BREVO_API_KEY → ANYMAIL["BREVO_API_KEY"]), with the timeout of SMTP.
ANYMAIL_FLAGS = {"DEBUG_API_REQUESTS", "IGNORE_RECIPIENT_STATUS", "IGNORE_UNSUPPORTED_FEATURES"}


def env_anymail(timeout: float) -> dict:
    found = {"REQUESTS_TIMEOUT": timeout}
    for name, value in os.environ.items():
        key = name.removeprefix("ANYMAIL_")
        if key == name or not value.strip():
            continue
        if key in ANYMAIL_FLAGS:
            found[key] = env_bool(name, False)
        elif key == "REQUESTS_TIMEOUT":
            found[key] = float(value)
        else:
            found[key] = value.strip()
    return found


ANYMAIL = env_anymail(EMAIL_TIMEOUT)

# SMS -------------------------------------------------------------------------
# A provider's backend (a dotted path). Without DEBUG there is no default: the
# deploy checks (pacte/checks.py) refuse an empty or development backend.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "pacte.sms.ConsoleBackend" if DEBUG else "")
SMS_API_URL = os.environ.get("SMS_API_URL", "https://api.brevo.com").rstrip("/")
SMS_API_KEY = os.environ.get("SMS_API_KEY", "")
# The name phones show as the sender: 3 to 11 letters or digits, no space.
SMS_SENDER = os.environ.get("SMS_SENDER", "Prefecture")
# Seconds: a provider that does not answer must not hold a page or the reminders run.
SMS_CONNECT_TIMEOUT = float(os.environ.get("SMS_CONNECT_TIMEOUT") or 3)
SMS_READ_TIMEOUT = float(os.environ.get("SMS_READ_TIMEOUT") or 5)
# Shared with the provider: its delivery reports are refused without it.
SMS_DELIVERY_WEBHOOK_SECRET = os.environ.get("SMS_DELIVERY_WEBHOOK_SECRET", "")

# Security --------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The load balancer probes the health check over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
}

# Longer than this, a participants export (rows) or a partner import (rows of the file)
# runs as background work, with a page that follows it, instead of in the request.
PACTE_EXPORT_INLINE_MAX = env_int("PACTE_EXPORT_INLINE_MAX", 2_000)
PACTE_IMPORT_INLINE_MAX = env_int("PACTE_IMPORT_INLINE_MAX", 500)

# Imports of partner records: all rows in one transaction (nothing half-imported).
IMPORT_EXPORT_USE_TRANSACTIONS = True
# History is read, never replayed: a revert would rewrite records by accident.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Forms -----------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ["crispy_dsfr"]
CRISPY_TEMPLATE_PACK = "crispy_dsfr"
# crispy adds the widget's class name to each input; map it to the DSFR class.
CRISPY_CLASS_CONVERTERS = {
    "textinput": "fr-input",
    "emailinput": "fr-input",
    "passwordinput": "fr-input",
    "numberinput": "fr-input",
    "urlinput": "fr-input",
    "dateinput": "fr-input",
    "datetimeinput": "fr-input",
    "timeinput": "fr-input",
    "textarea": "fr-input",
    "select": "fr-select",
    "nullbooleanselect": "fr-select",
    "selectmultiple": "fr-select",
    "checkboxinput": "",
    "radioselect": "",
    "checkboxselectmultiple": "",
    "clearablefileinput": "fr-upload",
    "fileinput": "fr-upload",
}

# Logs and errors ---------------------------------------------------------------
# One line per request and per job, with the request's id and the user's id, never a
# name (pacte.logs); LOG_FORMAT=json writes each line as a JSON object.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT is text or json.")
LOGGING = logging_config(log_format=LOG_FORMAT, level=os.environ.get("LOG_LEVEL", "INFO").upper())
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "EXPOSE_HEADER": False,
}
# SENTRY_DSN: errors reported with personal data scrubbed (pacte.error_reports).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    error_reports.init(
        dsn=SENTRY_DSN,
        release=PACTE_RELEASE,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "development" if DEBUG else "production"),
    )

# Programme -------------------------------------------------------------------
SITE_NAME = "Pacte 2ème chance"
# What recruiters, young people and anonymous visitors see: the programme's name
# is publicly tied to prison leavers, so they only ever read this one.
SITE_PUBLIC_NAME = "Café-métiers de la préfecture"
SITE_OPERATOR = "Préfecture de la région d'Île-de-France, préfecture de Paris"
